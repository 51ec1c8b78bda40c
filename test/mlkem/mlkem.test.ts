import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sha3_256, shake256 } from '../../src/hash/sha3.ts';
import { mlkem1024, mlkem512, mlkem768, type MlKem } from '../../src/mlkem/index.ts';
import {
  checkDecapsulationInputs,
  decaps,
  decapsInternal,
  encaps,
  keyGen,
  kpkeDecrypt,
  kpkeEncrypt,
  kpkeKeyGen,
} from '../../src/mlkem/testing.ts';
import { Q } from '../../src/mlkem/params.ts';
import { CryptoError } from '../../src/util/errors.ts';

const SETS: MlKem[] = [mlkem512, mlkem768, mlkem1024];
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** Asserts that run() throws CryptoError with `code`. */
function expectCode(code: string, run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect((e as CryptoError).code).toBe(code);
    return;
  }
  throw new Error(`expected CryptoError ${code}`);
}

/** A deterministic RandomSource for the randomized wrappers. */
function counterRandom(start: number): (n: number) => Uint8Array {
  let c = start;
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff);
}

describe.each(SETS)('FIPS 203 Alg 13–21 — $params.name', (kem) => {
  const p = kem.params;

  test('lengths follow FIPS 203 Table 3', () => {
    expect(kem.lengths).toEqual({
      publicKey: 384 * p.k + 32,
      secretKey: 768 * p.k + 96,
      cipherText: 32 * (p.du * p.k + p.dv),
      sharedSecret: 32,
      seed: 64,
      msg: 32,
    });
    const { publicKey, secretKey } = kem.keygen();
    expect(publicKey.length).toBe(kem.lengths.publicKey);
    expect(secretKey.length).toBe(kem.lengths.secretKey);
    const { cipherText, sharedSecret } = kem.encapsulate(publicKey);
    expect(cipherText.length).toBe(kem.lengths.cipherText);
    expect(sharedSecret.length).toBe(32);
  });

  test('K-PKE: Decrypt(Encrypt(m)) = m (Alg 13–15)', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), bytes(32), (d, m, r) => {
        const ekPKE = new Uint8Array(p.ekBytes);
        const dkPKE = new Uint8Array(384 * p.k);
        kpkeKeyGen(p, d, ekPKE, dkPKE);
        const c = new Uint8Array(p.ctBytes);
        kpkeEncrypt(p, ekPKE, m, r, c);
        expect(kpkeDecrypt(p, dkPKE, c)).toEqual(m);
      }),
      { numRuns: 20 },
    );
  });

  test('keygen(seed) is deterministic; encaps/decaps agree; inputs are not mutated', () => {
    fc.assert(
      fc.property(bytes(64), bytes(32), (seed, m) => {
        const seedCopy = seed.slice();
        const a = kem.keygen(seed);
        expect(kem.keygen(seed)).toEqual(a);
        const pk = a.publicKey.slice();
        const sk = a.secretKey.slice();
        const mCopy = m.slice();
        const { cipherText, sharedSecret } = kem.encapsulate(a.publicKey, m);
        const ct = cipherText.slice();
        expect(kem.decapsulate(cipherText, a.secretKey)).toEqual(sharedSecret);
        expect(seed).toEqual(seedCopy);
        expect(m).toEqual(mCopy);
        expect(a.publicKey).toEqual(pk);
        expect(a.secretKey).toEqual(sk);
        expect(cipherText).toEqual(ct);
      }),
      { numRuns: 10 },
    );
  });

  test('randomized wrappers (Alg 19, 20) draw d, z, m from the RandomSource in spec order', () => {
    const random = counterRandom(7);
    const pair = keyGen(p, random);
    const dz = counterRandom(7)(64);
    expect(pair).toEqual(kem.keygen(dz));
    const { cipherText, sharedSecret } = encaps(p, pair.publicKey, random);
    const m = counterRandom(7 + 64)(32);
    expect({ cipherText, sharedSecret }).toEqual(kem.encapsulate(pair.publicKey, m));
  });

  test('implicit rejection: a modified c yields K̄ = J(z‖c) = SHAKE256(z‖c, 32), never an error', () => {
    const { publicKey, secretKey } = kem.keygen(new Uint8Array(64).fill(3));
    const z = secretKey.subarray(768 * p.k + 64);
    const { cipherText, sharedSecret } = kem.encapsulate(publicKey, new Uint8Array(32).fill(4));
    fc.assert(
      fc.property(fc.nat(cipherText.length * 8 - 1), (bit) => {
        const c = cipherText.slice();
        c[bit >> 3] ^= 1 << (bit & 7);
        const K = kem.decapsulate(c, secretKey);
        const zc = new Uint8Array(32 + c.length);
        zc.set(z);
        zc.set(c, 32);
        expect(K).toEqual(shake256(zc, 32));
        expect(K).not.toEqual(sharedSecret);
      }),
      { numRuns: 30 },
    );
    expect(decapsInternal(p, secretKey, cipherText)).toEqual(sharedSecret);
  });

  test('§7.2: ek of the wrong type or length, or with a coefficient ≥ q, is rejected', () => {
    const { publicKey } = kem.keygen(new Uint8Array(64).fill(5));
    expectCode('BAD_TYPE', () => kem.encapsulate(Array.from(publicKey) as unknown as Uint8Array));
    expectCode('BAD_LENGTH', () => kem.encapsulate(publicKey.subarray(1)));
    expectCode('BAD_LENGTH', () => kem.encapsulate(new Uint8Array(publicKey.length + 1)));
    for (const [index, value] of [[0, Q], [1, 4095], [255, Q], [256 * p.k - 1, Q + 7]]) {
      const ek = publicKey.slice();
      const o = 3 * (index >> 1);
      if (index & 1) {
        ek[o + 1] = (ek[o + 1] & 0x0f) | ((value & 0x0f) << 4);
        ek[o + 2] = value >> 4;
      } else {
        ek[o] = value & 0xff;
        ek[o + 1] = (ek[o + 1] & 0xf0) | (value >> 8);
      }
      expectCode('NON_CANONICAL', () => kem.encapsulate(ek));
      expectCode('NON_CANONICAL', () => kem.encapsulate(ek, new Uint8Array(32)));
    }
    expectCode('BAD_LENGTH', () => kem.encapsulate(publicKey, new Uint8Array(31)));
    expectCode('BAD_LENGTH', () => kem.keygen(new Uint8Array(63)));
  });

  test('§7.3: wrong c or dk length, a failed hash check and a non-canonical ek inside dk are rejected', () => {
    const { publicKey, secretKey } = kem.keygen(new Uint8Array(64).fill(6));
    const { cipherText } = kem.encapsulate(publicKey);
    expectCode('BAD_LENGTH', () => kem.decapsulate(cipherText.subarray(1), secretKey));
    expectCode('BAD_LENGTH', () => kem.decapsulate(cipherText, secretKey.subarray(1)));
    expectCode('BAD_TYPE', () => kem.decapsulate('c' as unknown as Uint8Array, secretKey));
    for (const offset of [384 * p.k, 768 * p.k + 31, 768 * p.k + 32, 768 * p.k + 63]) {
      const dk = secretKey.slice();
      dk[offset] ^= 0x40; // inside ek or inside H(ek)
      expectCode('AUTH_FAILED', () => kem.decapsulate(cipherText, dk));
    }
    // The ek inside dk with a coefficient ≥ q and H(ek) recomputed: passes the hash check, so only
    // the extra modulus check on the embedded ek (FIPS 203 §7.2 applied in §7.3) refuses it.
    for (const index of [0, 256 * p.k - 1]) {
      const dk = secretKey.slice();
      const ek = dk.subarray(384 * p.k, 768 * p.k + 32);
      const o = 3 * (index >> 1);
      if (index & 1) ek[o + 2] = 0xff; // high 12-bit field ≥ 0xff0 > q
      else (ek[o] = 0xff), (ek[o + 1] |= 0x0f); // low 12-bit field = 0xfff
      dk.set(sha3_256(ek), 768 * p.k + 32);
      expectCode('NON_CANONICAL', () => kem.decapsulate(cipherText, dk));
      expectCode('NON_CANONICAL', () => decaps(p, dk, cipherText));
      expectCode('NON_CANONICAL', () => checkDecapsulationInputs(p, dk, cipherText));
    }
    const zFlip = secretKey.slice();
    zFlip[768 * p.k + 64] ^= 1; // z is not covered by the hash check
    expect(kem.decapsulate(cipherText, zFlip).length).toBe(32);
  });
});

test('decapsulations interleaved across the three parameter sets, with rejected ciphertexts between them, all agree (Decaps_internal reuses one c′ buffer per k)', () => {
  const cases = SETS.map((kem, i) => {
    const { publicKey, secretKey } = kem.keygen(new Uint8Array(64).fill(10 + i));
    return { kem, secretKey, ...kem.encapsulate(publicKey, new Uint8Array(32).fill(20 + i)) };
  });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(2), fc.boolean()), { minLength: 1, maxLength: 12 }), (steps) => {
      for (const [i, tamper] of steps) {
        const { kem, secretKey, cipherText, sharedSecret } = cases[i];
        const c = cipherText.slice();
        if (tamper) c[0] ^= 1;
        const K = kem.decapsulate(c, secretKey);
        if (tamper) expect(K).not.toEqual(sharedSecret);
        else expect(K).toEqual(sharedSecret);
      }
    }),
    { numRuns: 20 },
  );
});
