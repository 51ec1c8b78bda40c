/**
 * Timing-leak targets for ML-KEM decapsulation (FIPS 203 Alg 18/21, implicit rejection), for the
 * dudect-style runner in bench/ct.ts (Welch's t between two input classes; informative, never CI).
 * Each target is a `CtTarget` (`{ name, classes: [() => input, () => input], run(input) }`); the
 * classes draw from pools generated up front. `npm run ct -- ML-KEM` runs them.
 * The positive control is an early-exit comparison of c with c′, which must show a large |t|.
 */
import { bytesEqual } from '../src/util/bytes.ts';
import { mlkem1024, mlkem512, mlkem768, type MlKem } from '../src/mlkem/index.ts';
import type { CtTarget } from './ct.ts';

const POOL = 64;

/** A deterministic byte stream (no RNG in benchmarks); xorshift32 on a fixed seed. */
function stream(seed: number): (n: number) => Uint8Array {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x;
    }
    return out;
  };
}

/** Cycles through a pool of prepared inputs. */
function cycle<T>(pool: T[]): () => T {
  let i = 0;
  return () => pool[i++ % pool.length];
}

/** Decaps of valid ciphertexts versus ciphertexts with one flipped bit (implicit rejection path). */
function decapsTarget(kem: MlKem, seed: number): CtTarget<Uint8Array> {
  const rnd = stream(seed);
  const { publicKey, secretKey } = kem.keygen(rnd(64));
  const valid: Uint8Array[] = [];
  const invalid: Uint8Array[] = [];
  for (let i = 0; i < POOL; i++) {
    valid.push(kem.encapsulate(publicKey, rnd(32)).cipherText);
    const c = kem.encapsulate(publicKey, rnd(32)).cipherText;
    const bit = (rnd(2)[0] | (rnd(2)[1] << 8)) % (c.length * 8);
    c[bit >> 3] ^= 1 << (bit & 7);
    invalid.push(c);
  }
  return {
    name: `${kem.params.name} decaps: valid vs modified ciphertext (implicit rejection)`,
    classes: [cycle(valid), cycle(invalid)],
    run: (c) => kem.decapsulate(c, secretKey),
    samples: 6000,
  };
}

/** Positive control: a variable-time compare (bytesEqual returns at the first difference). */
function leakyControl(): CtTarget<Uint8Array> {
  const rnd = stream(99);
  const reference = rnd(1088);
  const same = reference.slice();
  const differsEarly = reference.slice();
  differsEarly[0] ^= 1;
  return {
    name: 'CONTROL ML-KEM: early-exit compare (bytesEqual) of c and c′: equal vs differing in byte 0',
    classes: [() => same, () => differsEarly],
    control: true,
    samples: 6000,
    run: (c) => {
      let r = false;
      for (let i = 0; i < 20; i++) r = bytesEqual(reference, c);
      return r;
    },
  };
}

export const targets: CtTarget<any>[] = [
  decapsTarget(mlkem768, 1),
  decapsTarget(mlkem512, 2),
  decapsTarget(mlkem1024, 3),
  leakyControl(),
];
