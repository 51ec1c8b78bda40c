/**
 * Layering of the delivery service (docs/ARCHITECTURE.md §1): src/wire imports only util
 * and wire and no node: module (browsers import it); src/server never reaches into the protocol's
 * session, ratchet or secret-handling modules — only public-key verification, the public encodings
 * of identities, prekeys and bundles, and (server-identity.ts alone) identity generation for the
 * server's own key.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = resolve(__dirname, '../../src');

function imports(area: string): { file: string; spec: string }[] {
  const dir = join(SRC, area);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => ({
        file: `${area}/${f}`,
        spec: m[1].startsWith('.') ? relative(SRC, resolve(dirname(join(dir, f)), m[1])) : m[1],
      }));
    });
}

const WIRE_FRAME_FILES = ['wire/frame.ts', 'wire/frame-constants.ts', 'wire/frame-errors.ts', 'wire/requests.ts', 'wire/responses.ts', 'wire/pushes.ts', 'wire/address.ts', 'wire/auth-transcript.ts', 'wire/device-frames.ts'];

/** The protocol modules the server may use, and why. */
const SERVER_MAY_IMPORT = new Set([
  'protocol/hybrid-signature.ts', // hybridVerify (public keys only)
  'protocol/prekeys.ts', // readPreKeyPublic, verifyPreKey
  'protocol/bundle.ts', // encodeBundle
  'protocol/identity.ts', // decodeIdentityPublic; server-identity.ts: its own key
  'protocol/constants.ts',
  'protocol/suite.ts', // the Suite type
  'protocol/sealed-sender/certificate.ts', // server-identity.ts: signs sender certificates with its own key
  'protocol/sealed-sender/sealed-key.ts', // decodeSealedKey, verifySealedKey (public keys only)
  'protocol/sealed-sender/access-key.ts', // checkAccessKey: constant-time verifier comparison
  'protocol/devices/device-list.ts', // decodeSignedDeviceList, verifyDeviceList (public keys only)
  'protocol/devices/link.ts', // decodeLinkRequest (the relay checks the encoding)
  'protocol/devices/constants.ts',
]);

describe('delivery-service layering', () => {
  test('the frame codec imports only util and wire, and no node: module', () => {
    const found = imports('wire').filter((i) => WIRE_FRAME_FILES.includes(i.file));
    expect(WIRE_FRAME_FILES.filter((f) => readdirSync(join(SRC, 'wire')).includes(f.slice(5)))).toEqual(WIRE_FRAME_FILES);
    expect(new Set(found.map((i) => i.file)).size).toBe(WIRE_FRAME_FILES.length - 1); // frame-constants.ts imports nothing
    const offenders = found.filter((i) => !/^(util|wire)\//.test(i.spec)).map((i) => `${i.file} → ${i.spec}`);
    expect(offenders).toEqual([]);
  });

  test('the server imports from protocol only the public-key modules listed', () => {
    const found = imports('server');
    expect(found.length).toBeGreaterThan(30);
    const offenders = found
      .filter((i) => i.spec.startsWith('protocol/') && !SERVER_MAY_IMPORT.has(i.spec))
      .map((i) => `${i.file} → ${i.spec}`);
    expect(offenders).toEqual([]);
    const generators = found.filter((i) => i.spec === 'protocol/identity.ts' && /generateIdentity/.test(readFileSync(join(SRC, i.file), 'utf8')));
    expect(generators.map((i) => i.file)).toEqual(['server/server-identity.ts']);
  });
});
