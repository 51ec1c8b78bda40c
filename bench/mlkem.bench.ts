/**
 * Benchmarks for ML-KEM (FIPS 203): keygen (from a fixed 64-byte seed), encapsulate (fixed m) and
 * decapsulate (a valid ciphertext) for ML-KEM-512/768/1024, against @noble/post-quantum, `mlkem`
 * (its synchronous createMlKem* instances) and @oqs/liboqs-js (liboqs compiled to WebAssembly,
 * the "how far is native" line; its keygen draws its own randomness, it has no seeded keygen).
 */
import { ml_kem1024, ml_kem512, ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { createMlKem1024, createMlKem512, createMlKem768 } from 'mlkem';
import { mlkem1024, mlkem512, mlkem768, type MlKem } from '../src/mlkem/index.ts';
import { fixedInput, loadLiboqs, type BenchCase } from './harness.ts';


interface OqsKem {
  generateKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array };
  encapsulate(pk: Uint8Array): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  decapsulate(ct: Uint8Array, sk: Uint8Array): Uint8Array;
}


export async function cases(): Promise<BenchCase[]> {
  const area = 'mlkem';
  const oqs = await loadLiboqs<OqsKem>({ 'ML-KEM-512': 'createMLKEM512', 'ML-KEM-768': 'createMLKEM768', 'ML-KEM-1024': 'createMLKEM1024' });
  const sets: [MlKem, typeof ml_kem768, any][] = [
    [mlkem512, ml_kem512, await createMlKem512()],
    [mlkem768, ml_kem768, await createMlKem768()],
    [mlkem1024, ml_kem1024, await createMlKem1024()],
  ];
  const out: BenchCase[] = [];
  for (const [ours, noble, dajiaji] of sets) {
    const name = ours.params.name;
    const seed = fixedInput(64, 1);
    const m = fixedInput(32, 2);
    const { publicKey, secretKey } = ours.keygen(seed);
    const { cipherText } = ours.encapsulate(publicKey, m);
    const [pkD, skD] = dajiaji.deriveKeyPair(seed);
    const [ctD] = dajiaji.encap(pkD, m);
    const o = oqs?.[name];
    const oqsKeys = o?.generateKeyPair();
    const oqsCt = o && oqsKeys ? o.encapsulate(oqsKeys.publicKey).ciphertext : undefined;
    const withOqs = (fn: () => unknown): Record<string, () => unknown> =>
      o ? { '@oqs/liboqs-js (wasm)': fn } : {};
    out.push(
      {
        area,
        op: `${name} keygen`,
        impls: {
          pqmsg: () => ours.keygen(seed),
          '@noble/post-quantum': () => noble.keygen(seed),
          mlkem: () => dajiaji.deriveKeyPair(seed),
          ...withOqs(() => o!.generateKeyPair()),
        },
      },
      {
        area,
        op: `${name} encaps`,
        impls: {
          pqmsg: () => ours.encapsulate(publicKey, m),
          '@noble/post-quantum': () => noble.encapsulate(publicKey, m),
          mlkem: () => dajiaji.encap(pkD, m),
          ...withOqs(() => o!.encapsulate(oqsKeys!.publicKey)),
        },
      },
      {
        area,
        op: `${name} decaps`,
        impls: {
          pqmsg: () => ours.decapsulate(cipherText, secretKey),
          '@noble/post-quantum': () => noble.decapsulate(cipherText, secretKey),
          mlkem: () => dajiaji.decap(ctD, skD),
          ...withOqs(() => o!.decapsulate(oqsCt!, oqsKeys!.secretKey)),
        },
      },
    );
  }
  return out;
}
