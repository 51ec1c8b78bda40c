import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { mldsa44, mldsa65, mldsa87, hashSign, type MlDsa } from '../../src/mldsa/index.ts';
import { sha256 } from '../../src/hash/sha256.ts';
import { H, signInternal, signMuInternal, signScratch } from '../../src/mldsa/testing.ts';
import { shake256 } from '../../src/hash/sha3.ts';
import type { MlDsaParams } from '../../src/mldsa/params.ts';
import { codeOf } from '../helpers/error-code.ts';

const SETS: MlDsa[] = [mldsa44, mldsa65, mldsa87];

describe('FIPS 204 Alg 1–3 — public API', () => {
  for (const dsa of SETS) {
    const name = dsa.params.name;
    const seed = new Uint8Array(32).fill(1);
    const { publicKey, secretKey } = dsa.keygen(seed);
    const msg = Uint8Array.of(10, 20, 30);

    test(`${name}: lengths match FIPS 204 Table 2 and the outputs`, () => {
      expect(publicKey.length).toBe(dsa.lengths.publicKey);
      expect(secretKey.length).toBe(dsa.lengths.secretKey);
      expect(dsa.sign(secretKey, msg).length).toBe(dsa.lengths.signature);
      expect(dsa.lengths.seed).toBe(32);
      const fresh = dsa.keygen(); // random ξ
      expect(fresh.publicKey.length).toBe(dsa.lengths.publicKey);
      expect(fresh.publicKey).not.toEqual(publicKey);
    });

    test(`${name}: hedged by default (fresh signatures differ), deterministic and explicit rnd repeat`, () => {
      const a = dsa.sign(secretKey, msg);
      const b = dsa.sign(secretKey, msg);
      expect(a).not.toEqual(b);
      expect(dsa.verify(publicKey, msg, a)).toBe(true);
      expect(dsa.verify(publicKey, msg, b)).toBe(true);
      expect(dsa.sign(secretKey, msg, { deterministic: true })).toEqual(
        dsa.sign(secretKey, msg, { random: new Uint8Array(32) }),
      );
      const rnd = new Uint8Array(32).fill(7);
      const again = dsa.sign(secretKey, msg, { random: rnd });
      expect(dsa.sign(secretKey, msg, { random: rnd })).toEqual(again);
    });

    test(`${name}: context binds the signature; |ctx| > 255 → BAD_PARAMS on sign, false on verify`, () => {
      const ctx = new Uint8Array(255).fill(2);
      const sig = dsa.sign(secretKey, msg, { context: ctx, deterministic: true });
      expect(dsa.verify(publicKey, msg, sig, { context: ctx })).toBe(true);
      expect(dsa.verify(publicKey, msg, sig)).toBe(false);
      expect(dsa.verify(publicKey, msg, sig, { context: ctx.subarray(1) })).toBe(false);
      const long = new Uint8Array(256);
      expect(codeOf(() => dsa.sign(secretKey, msg, { context: long }))).toBe('BAD_PARAMS');
      expect(dsa.verify(publicKey, msg, sig, { context: new Uint8Array(256) })).toBe(false);
      expect(dsa.verify(publicKey, Uint8Array.of(10, 20, 31), sig, { context: ctx })).toBe(false);
    });

    test(`${name}: bad types and lengths throw typed errors; verify returns false on wrong lengths`, () => {
      const sig = dsa.sign(secretKey, msg, { deterministic: true });
      expect(codeOf(() => dsa.keygen(new Uint8Array(31)))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey.subarray(1), msg))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey, 'hello' as unknown as Uint8Array))).toBe('BAD_TYPE');
      const rnd31 = new Uint8Array(31);
      const rnd32 = new Uint8Array(32);
      expect(codeOf(() => dsa.sign(secretKey, msg, { random: rnd31 }))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.sign(secretKey, msg, { random: rnd32, deterministic: true }))).toBe(
        'BAD_PARAMS',
      );
      const notBytes = [1, 2] as unknown as Uint8Array;
      expect(codeOf(() => dsa.verify(publicKey, msg, notBytes))).toBe('BAD_TYPE');
      expect(dsa.verify(publicKey, msg, sig.subarray(1))).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length + 1))).toBe(false);
      expect(dsa.verify(publicKey.subarray(1), msg, sig)).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length))).toBe(false);
      expect(dsa.verify(publicKey, msg, new Uint8Array(sig.length).fill(0xff))).toBe(false);
    });

    test(`${name}: inputs are never mutated`, () => {
      const s = new Uint8Array(32).fill(9);
      const ctx = Uint8Array.of(1, 2);
      const rnd = new Uint8Array(32).fill(5);
      const copies = [s, secretKey, publicKey, msg, ctx, rnd].map((a) => a.slice());
      const k = dsa.keygen(s);
      const sig = dsa.sign(secretKey, msg, { context: ctx, random: rnd });
      const sigCopy = sig.slice();
      dsa.verify(publicKey, msg, sig, { context: ctx });
      hashSign(dsa.params, secretKey, msg, 'SHA3-512', { context: ctx, random: rnd });
      expect([s, secretKey, publicKey, msg, ctx, rnd]).toEqual(copies);
      expect(sig).toEqual(sigCopy);
      expect(k.publicKey.length).toBe(dsa.lengths.publicKey);
    });
  }

  test('ML-DSA-65 sign/verify round trip on random messages, contexts and rnd', () => {
    const { publicKey, secretKey } = mldsa65.keygen(new Uint8Array(32).fill(8));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.uint8Array({ maxLength: 255 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (m, ctx, rnd) => {
          const sig = mldsa65.sign(secretKey, m, { context: ctx, random: rnd });
          expect(mldsa65.verify(publicKey, m, sig, { context: ctx })).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });
});

/**
 * A copy of sk with the η-field of coefficient j of s₁[i] (or of s₂[i − l] for i ≥ l) set to
 * `field`; the coefficient decodes to η − field (FIPS 204 Algorithm 19).
 */
function withEtaField(p: MlDsaParams, sk: Uint8Array, i: number, j: number, field: number) {
  const out = sk.slice();
  const bit0 = 128 * 8 + (i * 256 + j) * p.etaBits;
  for (let b = 0; b < p.etaBits; b++) {
    const pos = bit0 + b;
    out[pos >> 3] = (out[pos >> 3] & ~(1 << (pos & 7))) | (((field >> b) & 1) << (pos & 7));
  }
  return out;
}

describe('FIPS 204 Alg 25 — skDecode refuses s₁, s₂ coefficients outside [−η, η]', () => {
  for (const dsa of SETS) {
    const p = dsa.params;
    const { publicKey, secretKey } = dsa.keygen(new Uint8Array(32).fill(11));
    const msg = Uint8Array.of(1, 2, 3);
    const rnd = new Uint8Array(32);
    const mu = new Uint8Array(64).fill(1);
    /** Every signing path that takes an encoded private key. */
    const paths: [string, (sk: Uint8Array) => unknown][] = [
      ['Sign', (sk) => dsa.sign(sk, msg)],
      ['HashML-DSA.Sign', (sk) => hashSign(p, sk, msg, 'SHA2-256')],
      ['Sign_internal', (sk) => signInternal(p, sk, [msg], rnd)],
      ['Sign_internal (μ given)', (sk) => signMuInternal(p, sk, mu, rnd)],
      ['signMu (public, external μ)', (sk) => dsa.signMu(sk, mu)],
    ];
    // positions: first and last coefficient of s₁, first and last of s₂
    const where: [string, number, number][] = [
      ['s₁[0][0]', 0, 0],
      [`s₁[${p.l - 1}][255]`, p.l - 1, 255],
      ['s₂[0][0]', p.l, 0],
      [`s₂[${p.k - 1}][255]`, p.l + p.k - 1, 255],
    ];

    test(`${p.name}: one coefficient −η − 1 (or the largest field) is refused on every path`, () => {
      const largest = (1 << p.etaBits) - 1;
      for (const [, i, j] of where) {
        for (const field of [2 * p.eta + 1, largest]) {
          const bad = withEtaField(p, secretKey, i, j, field);
          for (const [, sign] of paths) expect(codeOf(() => sign(bad))).toBe('NON_CANONICAL');
        }
      }
      expect(() => dsa.sign(withEtaField(p, secretKey, 0, 0, 2 * p.eta + 1), msg)).toThrow(
        /FIPS 204 Algorithm 25/,
      );
    });

    test(`${p.name}: coefficients at the edges ±η are accepted; the valid key signs and verifies`, () => {
      for (const [, i, j] of where) {
        for (const field of [0, 2 * p.eta]) {
          const edge = withEtaField(p, secretKey, i, j, field);
          for (const [, sign] of paths) expect(codeOf(() => sign(edge))).toBe('no error');
        }
      }
      for (const [name, sign] of paths) expect(codeOf(() => sign(secretKey)), name).toBe('no error');
      expect(dsa.verify(publicKey, msg, dsa.sign(secretKey, msg))).toBe(true);
    });
  }
});

describe('FIPS 204 Alg 7/8 with external μ — computeMu, signMu, verifyMu', () => {
  for (const dsa of SETS) {
    const p = dsa.params;
    const { publicKey, secretKey } = dsa.keygen(new Uint8Array(32).fill(12));
    const other = dsa.keygen(new Uint8Array(32).fill(13));
    const msg = Uint8Array.of(9, 8, 7, 6);
    const ctx = Uint8Array.of(0xc0, 0x7e);

    test(`${p.name}: signMu(sk, computeMu(pk, M, ctx)) = sign(sk, M, ctx); each side verifies the other`, () => {
      const mu = dsa.computeMu(publicKey, msg, { context: ctx });
      expect(mu.length).toBe(64);
      const viaMu = dsa.signMu(secretKey, mu, { deterministic: true });
      expect(viaMu).toEqual(dsa.sign(secretKey, msg, { context: ctx, deterministic: true }));
      expect(dsa.verify(publicKey, msg, viaMu, { context: ctx })).toBe(true);
      const hedged = dsa.sign(secretKey, msg, { context: ctx });
      expect(dsa.verifyMu(publicKey, mu, hedged)).toBe(true);
      expect(dsa.verifyMu(publicKey, dsa.computeMu(publicKey, msg), hedged)).toBe(false); // no ctx
      const rnd = new Uint8Array(32).fill(4);
      expect(dsa.signMu(secretKey, mu, { random: rnd })).toEqual(
        dsa.sign(secretKey, msg, { context: ctx, random: rnd }),
      );
    });

    test(`${p.name}: computeMuFromMPrime covers pure (0 ‖ |ctx| ‖ ctx ‖ M) and HashML-DSA M′`, () => {
      const pure = Uint8Array.of(0, ctx.length, ...ctx, ...msg);
      expect(dsa.computeMuFromMPrime(publicKey, pure)).toEqual(
        dsa.computeMu(publicKey, msg, { context: ctx }),
      );
      // HashML-DSA with SHA2-256: M′ = 1 ‖ |ctx| ‖ ctx ‖ OID(2.16.840.1.101.3.4.2.1) ‖ SHA-256(M)
      const oid = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
      const mPrime = Uint8Array.of(1, ctx.length, ...ctx, ...oid, ...sha256(msg));
      const mu = dsa.computeMuFromMPrime(publicKey, mPrime);
      const opts = { context: ctx, deterministic: true };
      expect(dsa.signMu(secretKey, mu, { deterministic: true })).toEqual(
        hashSign(p, secretKey, msg, 'SHA2-256', opts),
      );
    });

    test(`${p.name}: μ made with the wrong pk gives a signature that fails under the right pk`, () => {
      const wrongMu = dsa.computeMu(other.publicKey, msg);
      const sig = dsa.signMu(secretKey, wrongMu, { deterministic: true });
      expect(dsa.verify(publicKey, msg, sig)).toBe(false);
      expect(dsa.verifyMu(publicKey, wrongMu, sig)).toBe(true); // consistent, but bound to nothing
    });

    test(`${p.name}: lengths and types — μ ≠ 64 bytes throws, bad σ or pk lengths verify false`, () => {
      const mu = dsa.computeMu(publicKey, msg);
      const sig = dsa.signMu(secretKey, mu);
      expect(codeOf(() => dsa.signMu(secretKey, mu.subarray(1)))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.signMu(secretKey.subarray(1), mu))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.signMu(secretKey, mu, { random: new Uint8Array(31) }))).toBe(
        'BAD_LENGTH',
      );
      expect(codeOf(() => dsa.verifyMu(publicKey, new Uint8Array(65), sig))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.computeMu(publicKey.subarray(1), msg))).toBe('BAD_LENGTH');
      expect(codeOf(() => dsa.computeMu(publicKey, msg, { context: new Uint8Array(256) }))).toBe(
        'BAD_PARAMS',
      );
      expect(codeOf(() => dsa.computeMu(publicKey, 'm' as unknown as Uint8Array))).toBe('BAD_TYPE');
      expect(dsa.verifyMu(publicKey, mu, sig.subarray(1))).toBe(false);
      expect(dsa.verifyMu(publicKey.subarray(1), mu, sig)).toBe(false);
      const flipped = mu.slice();
      flipped[63] ^= 1;
      expect(dsa.verifyMu(publicKey, flipped, sig)).toBe(false);
      expect(dsa.verifyMu(publicKey, mu, sig)).toBe(true);
    });
  }
});

describe('FIPS 204 §3.7 H and Alg 8 — H and Verify_internal reuse their storage', () => {
  test('H equals one-shot SHAKE256 of the concatenation, also after a throw inside H', () => {
    const parts = [new Uint8Array(100).fill(3), Uint8Array.of(1, 2), new Uint8Array(300).fill(9)];
    const whole = Uint8Array.of(...parts[0], ...parts[1], ...parts[2]);
    expect(H(parts, 64)).toEqual(shake256(whole, 64));
    // passes the Uint8Array type check, then throws inside the sponge (a TypedArray getter on a
    // non-typed-array receiver), after parts[0] was absorbed
    const throwing = Object.create(Uint8Array.prototype) as Uint8Array;
    expect(() => H([parts[0], throwing], 32)).toThrow(TypeError);
    expect(() => H([parts[0], 'x' as unknown as Uint8Array], 32)).toThrow(/expected Uint8Array/);
    expect(H(parts, 200)).toEqual(shake256(whole, 200)); // the sponge was emptied
    expect(H([parts[1]], 48)).toEqual(shake256(parts[1], 48));
  });

  test('verifications interleaved across parameter sets, and after refused signatures, give the same results', () => {
    const msgs = [Uint8Array.of(1), Uint8Array.of(2, 3), new Uint8Array(100).fill(7)];
    const keys = SETS.map((dsa) => dsa.keygen(new Uint8Array(32).fill(31)));
    const sigs = SETS.map((dsa, s) =>
      msgs.map((m) => dsa.sign(keys[s].secretKey, m, { deterministic: true })),
    );
    for (const i of [2, 0, 1]) {
      SETS.forEach((dsa, s) => {
        const { publicKey } = keys[s];
        const sig = sigs[s][i];
        // a malformed hint (count above ω) stops sigDecode half-way through h
        const malformed = sig.slice();
        malformed[sig.length - 1] = dsa.params.omega + 1;
        expect(dsa.verify(publicKey, msgs[i], malformed)).toBe(false);
        const wrongZ = sig.slice();
        wrongZ[dsa.params.cTildeBytes + 5] ^= 1;
        expect(dsa.verify(publicKey, msgs[i], wrongZ)).toBe(false);
        expect(dsa.verify(publicKey, msgs[i], sig)).toBe(true);
        expect(dsa.verify(publicKey, msgs[(i + 1) % 3], sig)).toBe(false);
      });
    }
  });
});

describe('FIPS 204 Alg 7 — Sign_internal reuses one set of vectors per parameter set', () => {
  test('signatures interleaved across parameter sets, and after a refused key, equal first-run ones', () => {
    const msgs = [Uint8Array.of(1), Uint8Array.of(2, 3), new Uint8Array(100).fill(7)];
    const keys = SETS.map((dsa) => dsa.keygen(new Uint8Array(32).fill(21)).secretKey);
    const first = SETS.map((dsa, s) =>
      msgs.map((m) => dsa.sign(keys[s], m, { deterministic: true })),
    );
    for (const i of [2, 0, 1]) {
      SETS.forEach((dsa, s) => {
        // a refused key throws inside signing (skDecode): the next signature must not differ
        const bad = withEtaField(dsa.params, keys[s], 0, 0, 2 * dsa.params.eta + 1);
        expect(codeOf(() => dsa.sign(bad, msgs[i], { deterministic: true }))).toBe('NON_CANONICAL');
        expect(dsa.sign(keys[s], msgs[i], { deterministic: true })).toEqual(first[s][i]);
      });
    }
  });

  test('the shared vectors (secrets: ŝ₁, ŝ₂, t̂₀, y, cs₁ …) are all zero after a signature and after a throw', () => {
    SETS.forEach((dsa, s) => {
      const { secretKey } = dsa.keygen(new Uint8Array(32).fill(22 + s));
      const scratch = signScratch(dsa.params);
      const { k, l } = dsa.params;
      expect(scratch.all.length).toBe((4 * l + 6 * k + 3) * 256);
      // Keccak state, ExpandMask and SampleInBall blocks, ρ″ ‖ κ, w1Encode(w₁), h
      expect(scratch.bytes.length).toBe(200 + 5 * 136 + 136 + 66 + scratch.w1Bytes.length + k * 256);
      const allZero = () =>
        scratch.all.every((x) => x === 0) && scratch.bytes.every((x) => x === 0);
      dsa.sign(secretKey, Uint8Array.of(s));
      expect(allZero()).toBe(true);
      const bad = withEtaField(dsa.params, secretKey, dsa.params.l, 255, 2 * dsa.params.eta + 1);
      expect(codeOf(() => dsa.sign(bad, Uint8Array.of(s)))).toBe('NON_CANONICAL');
      expect(allZero()).toBe(true);
    });
  });
});
