/**
 * Benchmarks for ML-DSA (FIPS 204): keygen (fixed 32-byte seed), sign and verify for
 * ML-DSA-44/65/87 against @noble/post-quantum and @oqs/liboqs-js (liboqs compiled to WebAssembly,
 * the "how far is native" line; it draws its own randomness and signs hedged).
 * Signing time depends on the number of rejected attempts, so sign cycles through 32 fixed
 * messages in deterministic mode: pqmsg and noble then do identical work (same signatures).
 */
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { mldsa44, mldsa65, mldsa87, type MlDsa } from '../src/mldsa/index.ts';
import { fixedInput, loadLiboqs, type BenchCase } from './harness.ts';


interface OqsSig {
  generateKeyPair(): { publicKey: Uint8Array; secretKey: Uint8Array };
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}


const MESSAGES = Array.from({ length: 32 }, (_, i) => fixedInput(64, 100 + i));

export async function cases(): Promise<BenchCase[]> {
  const area = 'mldsa';
  const oqs = await loadLiboqs<OqsSig>({ 'ML-DSA-44': 'createMLDSA44', 'ML-DSA-65': 'createMLDSA65', 'ML-DSA-87': 'createMLDSA87' });
  const sets: [MlDsa, typeof ml_dsa65][] = [
    [mldsa44, ml_dsa44],
    [mldsa65, ml_dsa65],
    [mldsa87, ml_dsa87],
  ];
  const out: BenchCase[] = [];
  for (const [ours, noble] of sets) {
    const name = ours.params.name;
    const seed = fixedInput(32, 1);
    const { publicKey, secretKey } = ours.keygen(seed);
    const sigs = MESSAGES.map((m) => ours.sign(secretKey, m, { deterministic: true }));
    const o = oqs?.[name];
    const oqsKeys = o?.generateKeyPair();
    const oqsSigs = o && oqsKeys ? MESSAGES.map((m) => o.sign(m, oqsKeys.secretKey)) : [];
    const withOqs = (fn: () => unknown): Record<string, () => unknown> =>
      o ? { '@oqs/liboqs-js (wasm)': fn } : {};
    let i = 0;
    let j = 0;
    let k = 0;
    let a = 0;
    let b = 0;
    let c = 0;
    out.push(
      {
        area,
        op: `${name} keygen`,
        impls: {
          pqmsg: () => ours.keygen(seed),
          '@noble/post-quantum': () => noble.keygen(seed),
          ...withOqs(() => o!.generateKeyPair()),
        },
      },
      {
        area,
        op: `${name} sign (64 B, deterministic, 32 messages)`,
        impls: {
          pqmsg: () => ours.sign(secretKey, MESSAGES[i++ & 31], { deterministic: true }),
          '@noble/post-quantum': () =>
            noble.sign(MESSAGES[j++ & 31], secretKey, { extraEntropy: false }),
          ...withOqs(() => o!.sign(MESSAGES[k++ & 31], oqsKeys!.secretKey)),
        },
      },
      {
        area,
        op: `${name} verify (64 B)`,
        impls: {
          pqmsg: () => ours.verify(publicKey, MESSAGES[a & 31], sigs[a++ & 31]),
          '@noble/post-quantum': () => noble.verify(sigs[b & 31], MESSAGES[b++ & 31], publicKey),
          ...withOqs(() => o!.verify(MESSAGES[c & 31], oqsSigs[c++ & 31], oqsKeys!.publicKey)),
        },
      },
    );
  }
  return out;
}
