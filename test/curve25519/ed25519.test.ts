import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ed25519, ed25519ph } from '../../src/curve25519/index.ts';
import { BASE, D, pointDecode, pointEncode } from '../../src/curve25519/point.ts';
import { P } from '../../src/curve25519/reference.ts';
import { L } from '../../src/curve25519/scalar.ts';
import { baseMul, doubleScalarMulVartime } from '../../src/curve25519/scalar-mult.ts';
import { feToBytes } from '../../src/curve25519/field.ts';
import { toHex } from '../../src/util/bytes.ts';
import { CryptoError } from '../../src/util/errors.ts';
import { BASE_REF, D_REF, addRef, encodeRef, mulRef } from '../reference/edwards25519.ts';
import { codeOf } from '../helpers/error-code.ts';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 300 });

function bytesOf(v: bigint, n = 32): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

function valueOf(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}


describe('RFC 8032 §5.1.1–5.1.4 — edwards25519 points (limbs vs bigint affine twin)', () => {
  test('d and B are the RFC 8032 §5.1 constants; B encodes as 0x58 66…66', () => {
    const d = new Uint8Array(32);
    feToBytes(d, D);
    expect(valueOf(d)).toBe(D_REF);
    expect(toHex(pointEncode(BASE))).toBe('58' + '66'.repeat(31));
    expect(toHex(pointEncode(BASE))).toBe(toHex(encodeRef(BASE_REF)));
  });

  test('[a]B (constant-time fixed-base table) matches double-and-add on bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 255n - 1n }), (a) => {
        expect(toHex(pointEncode(baseMul(bytesOf(a))))).toBe(toHex(encodeRef(mulRef(a, BASE_REF))));
      }),
      { numRuns: 5 },
    );
    for (const a of [0n, 1n, 8n, 9n, 2n ** 254n + 8n, 2n ** 255n - 1n])
      expect(toHex(pointEncode(baseMul(bytesOf(a))))).toBe(toHex(encodeRef(mulRef(a, BASE_REF))));
    expect(toHex(pointEncode(baseMul(bytesOf(L))))).toBe('01' + '00'.repeat(31)); // [L]B = 0
  });

  test('[S]B − [k]A (variable-time) matches the bigint twin', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: L - 1n }),
        fc.bigInt({ min: 0n, max: L - 1n }),
        fc.bigInt({ min: 1n, max: L - 1n }),
        (S, k, a) => {
          const Aref = mulRef(a, BASE_REF);
          const A = pointDecode(encodeRef(Aref));
          expect(A).not.toBeNull();
          const got = doubleScalarMulVartime(bytesOf(S), bytesOf(k), A!);
          const negKA = mulRef(L - k, Aref);
          const want = encodeRef(addRef(mulRef(S, BASE_REF), negKA));
          expect(toHex(pointEncode(got))).toBe(toHex(want));
        },
      ),
      { numRuns: 3 },
    );
  });

  test('decode ∘ encode is the identity; strict decoding rejects y ≥ p, x = 0 with sign 1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 255n - 1n }), (a) => {
        const enc = pointEncode(baseMul(bytesOf(a)));
        const p = pointDecode(enc);
        expect(p).not.toBeNull();
        expect(pointEncode(p!)).toEqual(enc);
      }),
      { numRuns: 20 },
    );
    expect(pointDecode(bytesOf(P + 1n))).toBeNull(); //      y = 1 written as p + 1
    expect(pointDecode(bytesOf(1n | (1n << 255n)))).toBeNull(); // y = 1, x = 0, sign bit 1
    expect(pointDecode(bytesOf(2n))).toBeNull(); //           y = 2: x² has no root
    expect(pointDecode(bytesOf(1n))).not.toBeNull(); //       the identity
  });
});

describe('RFC 8032 §5.1.5–5.1.7 — Ed25519 API', () => {
  test('sign/verify round trip; any change to message, signature or key fails', () => {
    fc.assert(
      fc.property(bytes32, message, fc.nat(), (seed, msg, pick) => {
        const { secretKey, publicKey } = ed25519.keygen(seed);
        expect(publicKey).toEqual(ed25519.getPublicKey(secretKey));
        const sig = ed25519.sign(secretKey, msg);
        expect(sig.length).toBe(64);
        expect(ed25519.verify(publicKey, msg, sig)).toBe(true);
        const badSig = sig.slice();
        badSig[pick % 64] ^= 1 << pick % 8;
        expect(ed25519.verify(publicKey, msg, badSig)).toBe(false);
        const badMsg = Uint8Array.from([...msg, 0]);
        expect(ed25519.verify(publicKey, badMsg, sig)).toBe(false);
        const badPk = publicKey.slice();
        badPk[pick % 32] ^= 1 << pick % 8;
        expect(ed25519.verify(badPk, msg, sig)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  test('strict rules: S + L (non-canonical S) and non-canonical A are rejected', () => {
    const { secretKey, publicKey } = ed25519.keygen(new Uint8Array(32).fill(3));
    const msg = new Uint8Array([1, 2, 3]);
    const sig = ed25519.sign(secretKey, msg);
    const S = valueOf(sig.subarray(32));
    const malleable = Uint8Array.from([...sig.subarray(0, 32), ...bytesOf(S + L)]);
    expect(ed25519.verify(publicKey, msg, malleable)).toBe(false);
    // A = identity written non-canonically (y = p + 1): rejected even for a signature that
    // would satisfy the equation for the canonical identity key.
    const idSig = Uint8Array.from([...pointEncode(baseMul(bytesOf(5n))), ...bytesOf(5n)]);
    expect(ed25519.verify(bytesOf(1n), msg, idSig)).toBe(true); // [5]B = R + [k]·0
    expect(ed25519.verify(bytesOf(P + 1n), msg, idSig)).toBe(false);
  });

  test('malformed keys and signatures of the right type give false, never a throw', () => {
    const { secretKey, publicKey } = ed25519.keygen(new Uint8Array(32).fill(9));
    const msg = new Uint8Array(5);
    const sig = ed25519.sign(secretKey, msg);
    for (const n of [0, 31, 33, 63, 65, 128]) {
      expect(ed25519.verify(new Uint8Array(n), msg, sig)).toBe(false);
      expect(ed25519.verify(publicKey, msg, new Uint8Array(n))).toBe(false);
    }
    expect(ed25519.verify(bytesOf(2n), msg, sig)).toBe(false); // not a point
    expect(ed25519.verify(new Uint8Array(32).fill(0xff), msg, sig)).toBe(false);
    expect(ed25519.verify(publicKey, msg, new Uint8Array(64).fill(0xff))).toBe(false);
  });

  test('wrong types throw BAD_TYPE; wrong secret-key and seed lengths throw BAD_LENGTH', () => {
    const ok32 = new Uint8Array(32);
    const ok64 = new Uint8Array(64);
    for (const bad of [undefined, null, 'abc', [1, 2, 3], new Uint16Array(32)]) {
      const b = bad as unknown as Uint8Array;
      expect(codeOf(() => ed25519.verify(b, ok32, ok64))).toBe('BAD_TYPE');
      expect(codeOf(() => ed25519.verify(ok32, b, ok64))).toBe('BAD_TYPE');
      expect(codeOf(() => ed25519.verify(ok32, ok32, b))).toBe('BAD_TYPE');
      expect(codeOf(() => ed25519.sign(b, ok32))).toBe('BAD_TYPE');
      expect(codeOf(() => ed25519.sign(ok32, b))).toBe('BAD_TYPE');
      expect(codeOf(() => ed25519.getPublicKey(b))).toBe('BAD_TYPE');
    }
    for (const n of [0, 31, 33, 64]) {
      expect(codeOf(() => ed25519.sign(new Uint8Array(n), ok32))).toBe('BAD_LENGTH');
      expect(codeOf(() => ed25519.getPublicKey(new Uint8Array(n)))).toBe('BAD_LENGTH');
      expect(codeOf(() => ed25519.keygen(new Uint8Array(n)))).toBe('BAD_LENGTH');
    }
  });

  test('inputs are never mutated; keygen() draws a fresh seed', () => {
    const { secretKey, publicKey } = ed25519.keygen();
    expect(toHex(secretKey)).not.toBe(toHex(ed25519.keygen().secretKey));
    const msg = Uint8Array.from({ length: 77 }, (_, i) => i);
    const [sk0, pk0, m0] = [secretKey.slice(), publicKey.slice(), msg.slice()];
    const sig = ed25519.sign(secretKey, msg);
    const sig0 = sig.slice();
    ed25519.verify(publicKey, msg, sig);
    ed25519.getPublicKey(secretKey);
    const ctx = msg.subarray(0, 3);
    ed25519ph.verify(publicKey, msg, ed25519ph.sign(secretKey, msg, ctx), ctx);
    expect([secretKey, publicKey, msg, sig]).toEqual([sk0, pk0, m0, sig0]);
  });

  test('Ed25519ph: round trip; context and pre-hash flag separate domains (RFC 8032 §5.1)', () => {
    const context = fc.uint8Array({ minLength: 1, maxLength: 255 });
    fc.assert(
      fc.property(bytes32, message, context, (seed, msg, ctx) => {
        const { secretKey, publicKey } = ed25519.keygen(seed);
        const sig = ed25519ph.sign(secretKey, msg, ctx);
        expect(ed25519ph.verify(publicKey, msg, sig, ctx)).toBe(true);
        expect(ed25519ph.verify(publicKey, msg, sig)).toBe(false);
        expect(ed25519.verify(publicKey, msg, sig)).toBe(false);
        expect(ed25519ph.verify(publicKey, msg, ed25519.sign(secretKey, msg))).toBe(false);
      }),
      { numRuns: 10 },
    );
    const sk = new Uint8Array(32);
    expect(codeOf(() => ed25519ph.sign(sk, sk, new Uint8Array(256)))).toBe('BAD_LENGTH');
    expect(ed25519ph.verify(sk, sk, new Uint8Array(64), new Uint8Array(256))).toBe(false);
  });
});
