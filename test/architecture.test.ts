/**
 * The rules of docs/ARCHITECTURE.md that a program can check: imports point one way only (§1), no
 * peer crypto library or node:crypto in src/, the protocol stays pure (§2), envelopes are decoded
 * once at the session boundary (§4), every citation resolves inside the repository (§6), and the
 * root namespace holds no variable-time reference twin (§7).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import * as root from '../src/index.ts';
import * as reference from '../src/reference.ts';

const ROOT = resolve(__dirname, '..');
const SRC = resolve(ROOT, 'src');

function listFiles(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p, ext) : ext.test(p) ? [p] : [];
  });
}

interface Module {
  file: string; // relative to src/, e.g. 'hash/sha3.ts'
  area: string; // first path segment, e.g. 'hash'
  imports: string[]; // bare specifiers, or src-relative paths for relative imports
  text: string;
}

const modules: Module[] = listFiles(SRC).map((abs) => {
  const text = readFileSync(abs, 'utf8');
  const file = relative(SRC, abs);
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const imports = specs.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(abs), s)) : s));
  return { file, area: file.includes('/') ? file.split('/')[0] : '.', imports, text };
});

const PRIMITIVES = ['util', 'hash', 'kdf', 'aead', 'curve25519', 'mlkem', 'mldsa'];
const areaOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '.');

describe('architecture — import rules', () => {
  test('src/ has modules to check', () => {
    expect(modules.length).toBeGreaterThan(5);
  });

  test('no peer crypto library, node:crypto, test helper or testing.ts module is imported from src/', () => {
    const banned = /^(@noble\/|@oqs\/|@signalapp\/|mlkem$|libsodium|tweetnacl|node:crypto$|crypto$)/;
    const offenders = modules.flatMap((m) =>
      m.imports
        .filter((i) => banned.test(i) || i.startsWith('../test') || i.endsWith('/testing.ts'))
        .map((i) => `${m.file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  test('primitives import only util and lower primitives, never protocol or above', () => {
    const order = PRIMITIVES; // util → hash → kdf/aead/curve25519/mlkem/mldsa
    const offenders = modules
      .filter((m) => PRIMITIVES.includes(m.area))
      .flatMap((m) =>
        m.imports
          .filter((i) => !i.startsWith('node:')) // node:crypto is caught by the test above
          .filter((i) => {
            const a = areaOf(i);
            if (a === m.area) return false;
            if (a === 'util') return false;
            if (a === 'hash' && order.indexOf(m.area) > order.indexOf('hash')) return false;
            return true;
          })
          .map((i) => `${m.file} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  test('util imports nothing outside util', () => {
    const offenders = modules
      .filter((m) => m.area === 'util')
      .flatMap((m) => m.imports.filter((i) => areaOf(i) !== 'util').map((i) => `${m.file} → ${i}`));
    expect(offenders).toEqual([]);
  });

  test('protocol is pure: no node built-ins, storage, transport or clocks', () => {
    const allowed = new Set([...PRIMITIVES, 'protocol']);
    const offenders = modules
      .filter((m) => m.area === 'protocol')
      .flatMap((m) => [
        ...m.imports
          .filter((i) => !(allowed.has(areaOf(i)) || i === 'wire/codec.ts'))
          .map((i) => `${m.file} → ${i}`),
        ...(/\bDate\.now\(|new Date\(|Math\.random\(/.test(m.text) ? [`${m.file} reads a clock or Math.random`] : []),
      ]);
    expect(offenders).toEqual([]);
  });

  test('randomness: no Math.random under src/, and only util/random.ts reads the OS CSPRNG', () => {
    const offenders = modules.flatMap((m) => [
      ...(/\bMath\.random\b/.test(m.text) ? [`${m.file} uses Math.random`] : []),
      ...(/\bgetRandomValues\b|\brandomBytes\b|\brandomFillSync\b/.test(m.text) && m.file !== 'util/random.ts'
        ? [`${m.file} reads randomness outside util/random.ts`]
        : []),
    ]);
    expect(modules.length).toBeGreaterThan(0);
    expect(offenders).toEqual([]);
  });
});

describe('architecture — what the browser page imports runs in a browser (issue 17)', () => {
  const WEB = resolve(ROOT, 'web');
  const bySrcPath = new Map(modules.map((m) => [m.file, m]));
  const importsOf = (abs: string): string[] =>
    [...readFileSync(abs, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

  /** Every src/ module reachable from the page's sources (web/*.ts, vite.config.ts excepted). */
  function pageClosure(): Set<string> {
    const seen = new Set<string>();
    const queue = listFiles(WEB)
      .filter((f) => !f.endsWith('vite.config.ts'))
      .flatMap((f) => importsOf(f).filter((s) => s.startsWith('.')).map((s) => resolve(dirname(f), s)))
      .filter((abs) => abs.startsWith(SRC + '/'))
      .map((abs) => relative(SRC, abs));
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const m = bySrcPath.get(file);
      if (!m) throw new Error(`web/ imports src/${file}, which does not exist`);
      queue.push(...m.imports.filter((i) => i.endsWith('.ts') && !i.startsWith('node:')));
    }
    return seen;
  }

  test('no src/ module the page reaches imports a node: module or a Node-only package', () => {
    const closure = pageClosure();
    expect(closure.has('protocol/session-cipher.ts')).toBe(true);
    const nodeOnly = /^(node:|better-sqlite3$|ws$|pg$|commander$)/;
    const offenders = [...closure].flatMap((file) =>
      bySrcPath.get(file)!.imports.filter((i) => nodeOnly.test(i)).map((i) => `${file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  test('the page imports src/ only, never test/ or a testing.ts module', () => {
    const offenders = listFiles(WEB).flatMap((f) =>
      importsOf(f)
        .filter((s) => s.includes('/test/') || s.startsWith('../test') || s.endsWith('/testing.ts'))
        .map((s) => `${relative(ROOT, f)} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('architecture — envelopes are decoded once, at the session boundary (§4)', () => {
  // The layers below receiveMessage/sendMessage (protocol/session-cipher.ts): typed values only.
  const INNER = ['protocol/session.ts', 'protocol/session-record.ts'];

  test('the session layers never decode an envelope', () => {
    const inner = modules.filter((m) => INNER.includes(m.file));
    expect(inner.map((m) => m.file).sort()).toEqual([...INNER].sort());
    expect(inner.filter((m) => /\bdecodeEnvelope\b/.test(m.text)).map((m) => m.file)).toEqual([]);
  });

  test('no parameter takes bytes or Envelope; the session layers take Envelope (checker)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    })!;
    const files = config.fileNames.filter((f) => relative(SRC, f).startsWith('protocol'));
    const program = ts.createProgram(files, config.options);
    const checker = program.getTypeChecker();
    const isBytes = (t: ts.Type) => /^(Uint8Array|Buffer)\b/.test(checker.typeToString(t));
    const isEnvelope = (t: ts.Type) =>
      checker.getPropertyOfType(t, 'message') !== undefined &&
      checker.getPropertyOfType(t, 'type') !== undefined;
    const offenders: string[] = [];
    const typed: string[] = [];
    for (const sf of program.getSourceFiles()) {
      const file = relative(SRC, sf.fileName);
      if (!files.includes(sf.fileName)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && node.name)
          for (const param of node.parameters) {
            const type = checker.getTypeAtLocation(param);
            const members = type.isUnion() ? type.types : [type];
            const signature = `${node.name.getText()}(${param.name.getText()})`;
            const bytes = members.some(isBytes);
            const named = /envelope/i.test(param.name.getText()) && INNER.includes(file);
            if (bytes && (named || members.some(isEnvelope)))
              offenders.push(`${file}: ${signature}`);
            else if (members.every(isEnvelope)) typed.push(signature);
          }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(offenders).toEqual([]);
    expect(typed).toEqual(
      expect.arrayContaining([
        'decryptWithRecord(envelope)',
        'decryptMessage(envelope)',
        'readPreKeyMessage(envelope)',
      ]),
    );
  });
});

describe('architecture — citations and namespaces (§6, §7)', () => {
  // Documents that exist outside this repository; spelled so that this file does not match itself.
  const OUTSIDE = [/\bSTYLE(\.md| §)/, /\bDESIGN\.md/, /PROTOCOL-NOTE[S]/];
  const dirs = ['src', 'test', 'kat', 'bench', 'docs', 'web'];
  const texts = [
    ...dirs.flatMap((d) => listFiles(join(ROOT, d), /\.(ts|md)$/)),
    join(ROOT, 'README.md'),
  ].map((abs) => ({ file: relative(ROOT, abs), text: readFileSync(abs, 'utf8') }));

  test('no comment or document cites a file that is not in the repository', () => {
    expect(texts.length).toBeGreaterThan(100);
    const offenders = texts.flatMap(({ file, text }) =>
      text.split('\n').flatMap((line, i) =>
        OUTSIDE.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : [],
      ),
    );
    expect(offenders).toEqual([]);
  });

  test('every docs/*.md cited exists, and every ARCHITECTURE.md § cited is a section of it', () => {
    const arch = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const sections = new Set([...arch.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
    expect(sections.size).toBeGreaterThanOrEqual(8);
    const broken: string[] = [];
    let cited = 0;
    for (const { file, text } of texts) {
      for (const m of text.matchAll(/\bdocs\/([\w.-]+\.md)\b/g))
        if (!existsSync(join(ROOT, 'docs', m[1]))) broken.push(`${file}: docs/${m[1]}`);
      for (const m of text.matchAll(/ARCHITECTURE\.md §(\d+)/g)) {
        cited++;
        if (!sections.has(m[1])) broken.push(`${file}: ARCHITECTURE.md §${m[1]}`);
      }
    }
    expect(cited).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  test('the root namespace holds no reference twin; pqmsg/reference does', () => {
    expect(Object.keys(root).length).toBeGreaterThan(50);
    expect(Object.keys(root).filter((name) => /reference/i.test(name))).toEqual([]);
    expect(Object.keys(reference)).toContain('curve25519Reference');
    expect(typeof reference.curve25519Reference.x25519Reference).toBe('function');
    expect(typeof reference.mlkemReference.ntt).toBe('function');
    expect(typeof reference.mldsaReference.invNtt).toBe('function');
  });
});
