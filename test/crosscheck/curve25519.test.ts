/**
 * Differential tests of X25519 and Ed25519 against node:crypto (OpenSSL), @noble/curves,
 * tweetnacl and libsodium on random keys and messages (devDependencies: oracles only).
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import {
  ed25519 as nobleEd,
  ed25519ph as nobleEdPh,
  x25519 as nobleX,
} from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import sodium from 'libsodium-wrappers';
import nacl from 'tweetnacl';
import { beforeAll, describe, expect, test } from 'vitest';
import { ed25519, ed25519ph, x25519 } from '../../src/curve25519/index.ts';
import { toHex } from '../../src/util/bytes.ts';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 200 });

// DER prefixes of PKCS#8 private keys and SPKI public keys (RFC 8410 §7, §4).
type Kind = 'x25519' | 'ed25519';
const PKCS8 = {
  x25519: '302e020100300506032b656e04220420',
  ed25519: '302e020100300506032b657004220420',
};
const SPKI = { x25519: '302a300506032b656e032100', ed25519: '302a300506032b6570032100' };
const der = (prefix: string, raw: Uint8Array): Buffer =>
  Buffer.concat([Buffer.from(prefix, 'hex'), raw]);

const nodePrivate = (kind: Kind, raw: Uint8Array) =>
  createPrivateKey({ key: der(PKCS8[kind], raw), format: 'der', type: 'pkcs8' });
const nodePublic = (kind: Kind, raw: Uint8Array) =>
  createPublicKey({ key: der(SPKI[kind], raw), format: 'der', type: 'spki' });
const nodeRawPublic = (kind: Kind, raw: Uint8Array): string => {
  const spki = createPublicKey(nodePrivate(kind, raw)).export({ format: 'der', type: 'spki' });
  return toHex(spki.subarray(12)); // the 32 raw bytes after the 12-byte SPKI prefix
};

beforeAll(async () => {
  await sodium.ready;
});

describe('X25519 (RFC 7748) — differential vs node:crypto, noble, tweetnacl, libsodium', () => {
  test('public keys and shared secrets agree on random keys', () => {
    let runs = 0;
    fc.assert(
      fc.property(bytes32, bytes32, (a, b) => {
        const pa = x25519.getPublicKey(a);
        const pb = x25519.getPublicKey(b);
        const shared = toHex(x25519.getSharedSecret(a, pb));
        expect(toHex(pa)).toBe(nodeRawPublic('x25519', a));
        expect(toHex(pa)).toBe(toHex(nobleX.getPublicKey(a)));
        expect(toHex(pa)).toBe(toHex(nacl.scalarMult.base(a)));
        expect(toHex(pa)).toBe(toHex(sodium.crypto_scalarmult_base(a)));
        const nodeKeys = {
          privateKey: nodePrivate('x25519', a),
          publicKey: nodePublic('x25519', pb),
        };
        expect(shared).toBe(toHex(diffieHellman(nodeKeys)));
        expect(shared).toBe(toHex(nobleX.getSharedSecret(a, pb)));
        expect(shared).toBe(toHex(nacl.scalarMult(a, pb)));
        expect(shared).toBe(toHex(sodium.crypto_scalarmult(a, pb)));
        runs++;
      }),
      { numRuns: 40 },
    );
    expect(runs).toBe(40);
  });

  test('any 32-byte u (twist, bit 255 set, u ≥ p) agrees with noble and tweetnacl', () => {
    fc.assert(
      fc.property(bytes32, bytes32, (k, u) => {
        const theirs = toHex(nobleX.scalarMult(k, u));
        expect(toHex(nacl.scalarMult(k, u))).toBe(theirs);
        if (/^(00)+$/.test(theirs)) expect(() => x25519.getSharedSecret(k, u)).toThrow(/all-zero/);
        else expect(toHex(x25519.getSharedSecret(k, u))).toBe(theirs);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Ed25519 (RFC 8032) — differential vs node:crypto, noble, tweetnacl, libsodium', () => {
  test('public keys and signatures agree byte for byte; all verify each other', () => {
    let runs = 0;
    fc.assert(
      fc.property(bytes32, message, (seed, msg) => {
        const pk = ed25519.getPublicKey(seed);
        const sig = ed25519.sign(seed, msg);
        const hexSig = toHex(sig);
        expect(toHex(pk)).toBe(nodeRawPublic('ed25519', seed));
        expect(toHex(pk)).toBe(toHex(nobleEd.getPublicKey(seed)));
        const naclPair = nacl.sign.keyPair.fromSeed(seed);
        expect(toHex(pk)).toBe(toHex(naclPair.publicKey));
        expect(hexSig).toBe(toHex(nodeSign(null, msg, nodePrivate('ed25519', seed))));
        expect(hexSig).toBe(toHex(nobleEd.sign(msg, seed)));
        expect(hexSig).toBe(toHex(nacl.sign.detached(msg, naclPair.secretKey)));
        expect(hexSig).toBe(toHex(sodium.crypto_sign_detached(msg, naclPair.secretKey)));
        expect(nodeVerify(null, msg, nodePublic('ed25519', pk), sig)).toBe(true);
        expect(sodium.crypto_sign_verify_detached(sig, msg, pk)).toBe(true);
        runs++;
      }),
      { numRuns: 40 },
    );
    expect(runs).toBe(40);
  });

  test('verify agrees with noble (strict, zip215: false) on corrupted signatures and keys', () => {
    const mutation = fc.constantFrom('sig', 'pk', 'S+L');
    fc.assert(
      fc.property(bytes32, message, fc.nat(), mutation, (seed, msg, pick, what) => {
        const pk = ed25519.getPublicKey(seed);
        const sig = ed25519.sign(seed, msg);
        const [p2, s2] = [pk.slice(), sig.slice()];
        if (what === 'sig') s2[pick % 64] ^= 1 << pick % 8;
        else if (what === 'pk') p2[pick % 32] ^= 1 << pick % 8;
        else {
          // S + L: same equation, non-canonical S — both strict verifiers must refuse.
          let carry = 0;
          const Lb = nobleEd.Point.CURVE().n;
          for (let i = 0; i < 32; i++) {
            const v = s2[32 + i] + Number((Lb >> BigInt(8 * i)) & 0xffn) + carry;
            s2[32 + i] = v & 0xff;
            carry = v >> 8;
          }
        }
        let theirs: boolean;
        try {
          theirs = nobleEd.verify(s2, msg, p2, { zip215: false });
        } catch {
          theirs = false;
        }
        expect(ed25519.verify(p2, msg, s2)).toBe(theirs);
      }),
      { numRuns: 60 },
    );
  });

  test('Ed25519ph signatures agree with noble ed25519ph (with and without context)', () => {
    fc.assert(
      fc.property(bytes32, message, fc.uint8Array({ maxLength: 64 }), (seed, msg, ctx) => {
        const ours = ed25519ph.sign(seed, msg, ctx);
        expect(toHex(ours)).toBe(toHex(nobleEdPh.sign(msg, seed, { context: ctx })));
        const pk = ed25519.getPublicKey(seed);
        expect(nobleEdPh.verify(ours, msg, pk, { context: ctx })).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
