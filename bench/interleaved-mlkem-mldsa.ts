/**
 * `npx tsx bench/interleaved-mlkem-mldsa.ts [--base DIR] [--ms N] [filter]`: ML-KEM-768 and
 * ML-DSA-65 against @oqs/liboqs-js (WebAssembly) and @noble/post-quantum, measured for a shared,
 * noisy machine (bench/cpu-slices.ts): every implementation runs in turn for 15 ms slices of this
 * process's CPU time, repeated for N ms per operation (default 4000), so load from other
 * processes and drift hit all of them alike. With --base DIR (a checkout of an older commit's
 * src/, e.g. `git archive <commit> src | tar -x -C DIR`), that tree runs as one more contender:
 * before/after ratios from the same run. Not part of `npm test`; results in bench/results/.
 */
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { mldsa65, type MlDsa } from '../src/mldsa/index.ts';
import { mlkem768, type MlKem } from '../src/mlkem/index.ts';
import { runSlices } from './cpu-slices.ts';
import { fixedInput, loadLiboqs } from './harness.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const baseDir = opt('--base');
const totalMs = Number(opt('--ms') ?? 4000);
const filter = args[0] ?? '';

const base = baseDir
  ? {
      kem: (await import(`${baseDir}/src/mlkem/index.ts`)).mlkem768 as MlKem,
      dsa: (await import(`${baseDir}/src/mldsa/index.ts`)).mldsa65 as MlDsa,
    }
  : null;
const oqs = await loadLiboqs<any>({ kem: 'createMLKEM768', dsa: 'createMLDSA65' });
if (!oqs) throw new Error('@oqs/liboqs-js is needed for this comparison');

const seed = fixedInput(64, 1);
const m = fixedInput(32, 2);
const { publicKey, secretKey } = mlkem768.keygen(seed);
const { cipherText } = mlkem768.encapsulate(publicKey, m);
const oqsKem = oqs.kem.generateKeyPair();
const oqsCt = oqs.kem.encapsulate(oqsKem.publicKey).ciphertext;
const MESSAGES = Array.from({ length: 32 }, (_, i) => fixedInput(64, 100 + i));
const dsaKeys = mldsa65.keygen(fixedInput(32, 1));
const sigs = MESSAGES.map((x) => mldsa65.sign(dsaKeys.secretKey, x, { deterministic: true }));
const oqsDsa = oqs.dsa.generateKeyPair();
const oqsSigs = MESSAGES.map((x) => oqs.dsa.sign(x, oqsDsa.secretKey));

/** One operation: contender name → call (each with its own message counter). */
function op(
  make: (kem: MlKem, dsa: MlDsa) => () => unknown,
  oqsFn: () => unknown,
  nobleFn: () => unknown,
): Record<string, () => unknown> {
  const out: Record<string, () => unknown> = { pqmsg: make(mlkem768, mldsa65) };
  if (base) out.base = make(base.kem, base.dsa);
  return { ...out, 'liboqs-wasm': oqsFn, noble: nobleFn };
}
const counter = () => {
  let i = 0;
  return () => i++ & 31;
};
const [n1, n2] = [counter(), counter()];
const [v1, v2] = [counter(), counter()];
/** Deterministic ML-DSA signing through an MlDsa object, cycling over the 32 messages. */
const signer = (d: MlDsa) => {
  const c = counter();
  return () => d.sign(dsaKeys.secretKey, MESSAGES[c()], { deterministic: true });
};
const verifier = (d: MlDsa) => {
  const c = counter();
  return () => {
    const i = c();
    return d.verify(dsaKeys.publicKey, MESSAGES[i], sigs[i]);
  };
};
const OPS: Record<string, Record<string, () => unknown>> = {
  'ML-KEM-768 keygen': op(
    (k) => () => k.keygen(seed),
    () => oqs.kem.generateKeyPair(),
    () => ml_kem768.keygen(seed),
  ),
  'ML-KEM-768 encaps': op(
    (k) => () => k.encapsulate(publicKey, m),
    () => oqs.kem.encapsulate(oqsKem.publicKey),
    () => ml_kem768.encapsulate(publicKey, m),
  ),
  'ML-KEM-768 decaps': op(
    (k) => () => k.decapsulate(cipherText, secretKey),
    () => oqs.kem.decapsulate(oqsCt, oqsKem.secretKey),
    () => ml_kem768.decapsulate(cipherText, secretKey),
  ),
  'ML-DSA-65 sign': op(
    (_, d) => signer(d),
    () => oqs.dsa.sign(MESSAGES[n1()], oqsDsa.secretKey),
    () => ml_dsa65.sign(MESSAGES[n2()], dsaKeys.secretKey, { extraEntropy: false }),
  ),
  'ML-DSA-65 verify': op(
    (_, d) => verifier(d),
    () => {
      const i = v1();
      return oqs.dsa.verify(MESSAGES[i], oqsSigs[i], oqsDsa.publicKey);
    },
    () => {
      const i = v2();
      return ml_dsa65.verify(sigs[i], MESSAGES[i], dsaKeys.publicKey);
    },
  ),
};

for (const [name, impls] of Object.entries(OPS)) {
  if (!name.includes(filter)) continue;
  const entries = Object.entries(impls);
  const { rates: r } = runSlices(entries.map(([, f]) => f), totalMs, 200);
  const rate = Object.fromEntries(entries.map(([n], k) => [n, r[k]]));
  const ratios = Object.entries(rate)
    .filter(([n]) => n !== 'pqmsg')
    .map(([n, r]) => `${n} ${(rate.pqmsg / r).toFixed(2)}×`);
  const rates = Object.entries(rate).map(([n, r]) => `${n} ${r.toFixed(0)}`);
  console.log(`${name}: ${rates.join(', ')} ops/CPU-s; pqmsg vs ${ratios.join(', ')}`);
}
