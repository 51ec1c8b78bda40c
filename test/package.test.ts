/**
 * The published package, as a user gets it (docs/ARCHITECTURE.md §7): `npm run build`, `npm pack`,
 * the tarball unpacked into a scratch project's node_modules (its runtime dependencies linked from
 * ours, so no registry is needed), then plain Node — no tsx, no TypeScript — imports every
 * subpath of the `exports` map and runs a real function of each. Deep paths (sources, dist files,
 * the test-only testing.ts modules) must not resolve.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { argon2id } from '../src/kdf/index.ts';
import { toHex } from '../src/util/bytes.ts';

const ROOT = resolve(__dirname, '..');
const SUBPATHS = [
  '.',
  './hash',
  './kdf',
  './aead',
  './curve25519',
  './mlkem',
  './mldsa',
  './protocol',
  './reference',
];

const KDF_PARAMS = { t: 1, m: 64, p: 1, tagLength: 32 };

/** Run in the scratch project by plain Node; prints one JSON object of observations. */
const CHECK = `
const KDF_PARAMS = ${JSON.stringify(KDF_PARAMS)};
const rnd = (n) => crypto.getRandomValues(new Uint8Array(n));
const hex = (b) => Buffer.from(b).toString('hex');
const out = { ok: {}, blocked: {} };
const root = await import('pqmsg');
out.rootExports = Object.keys(root);
{
  const k = root.mlkem768.keygen();
  const { cipherText, sharedSecret } = root.mlkem768.encapsulate(k.publicKey);
  out.ok['.'] = hex(root.mlkem768.decapsulate(cipherText, k.secretKey)) === hex(sharedSecret);
  out.sha256abc = hex(root.sha256(new TextEncoder().encode('abc')));
}
{
  const { sha3_256 } = await import('pqmsg/hash');
  out.sha3abc = hex(sha3_256(new TextEncoder().encode('abc')));
  out.ok['./hash'] = out.sha3abc.length === 64;
}
{
  const { argon2id } = await import('pqmsg/kdf');
  const salt = new TextEncoder().encode('pqmsg package salt');
  out.argon2id = hex(argon2id(new TextEncoder().encode('pw'), salt, KDF_PARAMS));
  out.ok['./kdf'] = out.argon2id.length === 64;
}
{
  const { chacha20poly1305 } = await import('pqmsg/aead');
  const key = rnd(32), nonce = rnd(12), msg = rnd(100);
  const sealed = chacha20poly1305.seal(key, nonce, msg);
  sealed[0] ^= 1;
  let code;
  try { chacha20poly1305.open(key, nonce, sealed); } catch (e) { code = e.code; }
  sealed[0] ^= 1;
  const opened = chacha20poly1305.open(key, nonce, sealed);
  out.ok['./aead'] = hex(opened) === hex(msg) && code === 'AUTH_FAILED';
}
{
  const { x25519, ed25519 } = await import('pqmsg/curve25519');
  const a = x25519.keygen(), b = x25519.keygen(), e = ed25519.keygen(), m = rnd(10);
  const ab = hex(x25519.getSharedSecret(a.secretKey, b.publicKey));
  const sig = ed25519.sign(e.secretKey, m);
  out.ok['./curve25519'] =
    ab === hex(x25519.getSharedSecret(b.secretKey, a.publicKey)) &&
    ed25519.verify(e.publicKey, m, sig) && !ed25519.verify(e.publicKey, rnd(10), sig);
  const { curve25519Reference } = await import('pqmsg/reference');
  out.ok['./reference'] = hex(curve25519Reference.x25519Reference(a.secretKey, b.publicKey)) === ab;
}
{
  const { mlkem1024 } = await import('pqmsg/mlkem');
  const k = mlkem1024.keygen();
  const { cipherText, sharedSecret } = mlkem1024.encapsulate(k.publicKey);
  out.ok['./mlkem'] = hex(mlkem1024.decapsulate(cipherText, k.secretKey)) === hex(sharedSecret);
}
{
  const { mldsa44 } = await import('pqmsg/mldsa');
  const k = mldsa44.keygen(), m = rnd(32), sig = mldsa44.sign(k.secretKey, m);
  out.ok['./mldsa'] =
    mldsa44.verify(k.publicKey, m, sig) && !mldsa44.verify(k.publicKey, rnd(32), sig);
}
{
  const p = await import('pqmsg/protocol');
  const suite = p.defaultSuite;
  const alice = p.generateIdentity(suite, rnd), bob = p.generateIdentity(suite, rnd);
  const spk = p.generatePreKey(suite, bob, p.PREKEY_ROLE.SIGNED, 1, 0, rnd);
  const pq = p.generatePreKey(suite, bob, p.PREKEY_ROLE.KEM_LAST_RESORT, 2, 0, rnd);
  const bundle = {
    identity: bob.publicKey,
    signedPreKey: p.publicPreKey(spk),
    kemPreKey: p.publicPreKey(pq),
  };
  const session = p.initiateSession(suite, alice, p.verifyBundle(suite, bundle, 0), rnd);
  const hello = new TextEncoder().encode('hello');
  const wire = p.encodeEnvelope(p.encryptMessage(suite, session, hello, rnd).envelope);
  const keys = { signedPreKey: spk.keyPair, kemPreKey: pq.keyPair };
  const received = p.readPreKeyMessage(p.decodeEnvelope(wire));
  const got = p.respondToPreKeyMessage(suite, bob, received, keys, rnd);
  out.ok['./protocol'] = new TextDecoder().decode(got.plaintext) === 'hello';
}
for (const spec of ${JSON.stringify([
  'pqmsg/src/index.ts',
  'pqmsg/dist/index.js',
  'pqmsg/mlkem/testing',
  'pqmsg/mldsa/testing',
  'pqmsg/dist/mlkem/testing.js',
  'pqmsg/mlkem/mlkem',
  'pqmsg/hash/sha256',
])}) {
  try {
    await import(spec);
    out.blocked[spec] = 'LOADED';
  } catch (e) {
    out.blocked[spec] = e.code ?? String(e);
  }
}
console.log(JSON.stringify(out));
`;

/** Type-checked against the unpacked package's declarations (NodeNext, as a user's project). */
const CONSUMER = `
import { mlkem768, sha256, type CryptoError } from 'pqmsg';
import { sha3_256 } from 'pqmsg/hash';
import { chacha20poly1305 } from 'pqmsg/aead';
import { x25519 } from 'pqmsg/curve25519';
import { mlkem1024 } from 'pqmsg/mlkem';
import { mldsa65 } from 'pqmsg/mldsa';
import { decodeEnvelope, type Envelope } from 'pqmsg/protocol';
import { curve25519Reference } from 'pqmsg/reference';
// @ts-expect-error test-only internals are not part of the package
import { keyGenInternal } from 'pqmsg/mlkem/testing';
// @ts-expect-error nor is any path into dist/
import { sha256 as deep } from 'pqmsg/dist/hash/sha256.js';
const pk: Uint8Array = mlkem768.keygen().publicKey;
const envelope: Envelope = decodeEnvelope(pk);
const digests: Uint8Array[] = [sha256(pk), sha3_256(pk)];
const sealed: Uint8Array = chacha20poly1305.seal(pk.subarray(0, 32), pk.subarray(0, 12), pk);
const shared: Uint8Array = x25519.getSharedSecret(pk.subarray(0, 32), pk.subarray(32, 64));
const ok: boolean = mldsa65.verify(pk, pk, pk);
const code: CryptoError['code'] = 'AUTH_FAILED';
const twin: Uint8Array = curve25519Reference.x25519Reference(pk.subarray(0, 32), shared);
export const all = [envelope, digests, sealed, ok, code, twin, mlkem1024, keyGenInternal, deep];
`;

let scratch: string;
let pkgDir: string;
let packed: { path: string }[];
let typecheck: string;
let observed: {
  ok: Record<string, boolean>;
  blocked: Record<string, string>;
  rootExports: string[];
  sha256abc: string;
  sha3abc: string;
  argon2id: string;
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'pqmsg-package-'));
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  const pack = execFileSync(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const [info] = JSON.parse(pack) as { filename: string; files: { path: string }[] }[];
  packed = info.files;
  const app = join(scratch, 'app');
  pkgDir = join(app, 'node_modules', 'pqmsg');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', join(scratch, info.filename), '-C', pkgDir, '--strip-components=1']);
  // Runtime dependencies come from our own node_modules (Node resolves their own deps from there).
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const dep of Object.keys(manifest.dependencies ?? {})) {
    const target = join(ROOT, 'node_modules', dep);
    if (!existsSync(target)) throw new Error(`runtime dependency ${dep} is not installed`);
    mkdirSync(join(app, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(target, join(app, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  writeFileSync(join(app, 'check.mjs'), CHECK);
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // plain Node: no loader, no tsx
  observed = JSON.parse(
    execFileSync(process.execPath, ['check.mjs'], { cwd: app, env, encoding: 'utf8' }),
  );
  writeFileSync(join(app, 'consumer.ts'), CONSUMER);
  const compilerOptions = {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    lib: ['ES2022'],
    strict: true,
    noEmit: true,
    skipLibCheck: true, // tsc generated the .d.ts files; what matters is that they resolve
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules/@types')],
  };
  const tsconfig = { compilerOptions, files: ['consumer.ts'] };
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    typecheck = 'ok';
  } catch (e) {
    typecheck = String((e as { stdout?: string }).stdout ?? e);
  }
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('package — the packed tarball in plain Node', () => {
  test('every subpath of the exports map loads from dist and runs a real function', () => {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports).filter((k) => k !== './package.json')).toEqual(SUBPATHS);
    for (const sub of SUBPATHS) {
      const { types, default: js } = manifest.exports[sub];
      expect(js).toMatch(/^\.\/dist\/.*\.js$/);
      expect(existsSync(join(pkgDir, js)), js).toBe(true);
      expect(existsSync(join(pkgDir, types)), types).toBe(true);
    }
    expect(observed.ok).toEqual(Object.fromEntries(SUBPATHS.map((s) => [s, true])));
    const abc = Buffer.from('abc');
    expect(observed.sha256abc).toBe(createHash('sha256').update(abc).digest('hex'));
    expect(observed.sha3abc).toBe(createHash('sha3-256').update(abc).digest('hex'));
    // node:crypto has no Argon2 in Node 20: the packed build must agree with the sources.
    const salt = new TextEncoder().encode('pqmsg package salt');
    const pw = new TextEncoder().encode('pw');
    expect(observed.argon2id).toBe(toHex(argon2id(pw, salt, KDF_PARAMS)));
  });

  test('a TypeScript project (NodeNext) gets every subpath\'s declarations, no deep path', () => {
    expect(typecheck).toBe('ok');
  });

  test('the root namespace holds no reference twin', () => {
    expect(observed.rootExports.length).toBeGreaterThan(50);
    expect(observed.rootExports.filter((name) => /reference/i.test(name))).toEqual([]);
  });

  test('deep paths — sources, dist files, testing modules — do not resolve', () => {
    const specs = Object.keys(observed.blocked);
    expect(specs).toHaveLength(7);
    for (const spec of specs)
      expect(`${spec}: ${observed.blocked[spec]}`).toBe(`${spec}: ERR_PACKAGE_PATH_NOT_EXPORTED`);
  });

  test('the tarball ships dist only: no sources, tests or testing modules', () => {
    const paths = packed.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('package.json');
    const shipped = /^(dist\/|package\.json$|README\.md$|LICENSE)/;
    const stray = paths.filter((p) => !shipped.test(p) || /testing\./.test(p));
    expect(stray).toEqual([]);
  });

  test('the pqmsg bin is the built CLI, with a shebang, iff src/cli/main.ts exists', () => {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (existsSync(join(ROOT, 'src/cli/main.ts'))) {
      expect(manifest.bin).toEqual({ pqmsg: './dist/cli/main.js' });
      const bin = readFileSync(join(pkgDir, 'dist/cli/main.js'), 'utf8');
      expect(bin.split('\n')[0]).toBe('#!/usr/bin/env node');
      // `npm run build` in a clone leaves `npx pqmsg` runnable (tsc alone writes mode 0644).
      expect(statSync(join(ROOT, 'dist/cli/main.js')).mode & 0o111).toBe(0o111);
    } else {
      expect(manifest.bin).toBeUndefined();
    }
  });
});
