/**
 * KAT suites for ML-KEM (FIPS 203): NIST ACVP keyGen and encapDecap vector sets (FIPS203 and
 * FIPS203-tr1 revisions), one row per (file, function, parameter set). Key-check groups "pass"
 * when our §7.2/§7.3 check agrees with `testPassed` (and rejects with the right error code).
 */
import { CryptoError } from '../../src/util/errors.ts';
import { ML_KEM_1024, ML_KEM_512, ML_KEM_768, type MlKemParams } from '../../src/mlkem/params.ts';
import {
  checkDecapsulationInputs,
  checkEncapsulationKey,
  decaps,
  encapsInternal,
  keyGenInternal,
} from '../../src/mlkem/testing.ts';
import { hex, sameHex, type KatSuite, type Tally } from '../lib.ts';

const KEYGEN = 'acvp/ML-KEM-keyGen-FIPS203/internalProjection.json';
const ENCDEC = 'acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json';
const ENCDEC_TR1 = 'acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json';

const SETS: MlKemParams[] = [ML_KEM_512, ML_KEM_768, ML_KEM_1024];

interface Group {
  tgId: number;
  parameterSet: string;
  function?: string;
  keyFormat?: string;
  tests: Record<string, any>[];
}

/** The groups of one file for one parameter set, function and key format; fails on none. */
function groups(data: any, p: MlKemParams, fn?: string, keyFormat?: string): Group[] {
  const gs = (data.testGroups as Group[]).filter(
    (g) =>
      g.parameterSet === p.name &&
      (fn === undefined || g.function === fn) &&
      (keyFormat === undefined || g.keyFormat === keyFormat),
  );
  if (gs.length === 0) throw new Error(`no ${p.name} ${fn ?? ''} groups (schema changed?)`);
  return gs;
}

/** True iff `run` throws a CryptoError with the given code. */
function rejects(code: string, run: () => void): boolean {
  try {
    run();
    return false;
  } catch (e) {
    return e instanceof CryptoError && e.code === code;
  }
}

/** Runs `body` on every test of the matching groups, counting each in the tally. */
function each(
  data: any,
  p: MlKemParams,
  fn: string | undefined,
  kf: string | undefined,
  tally: Tally,
  body: (t: Record<string, any>) => boolean,
): void {
  for (const g of groups(data, p, fn, kf))
    for (const t of g.tests) tally.check(`tg${g.tgId}/tc${t.tcId}`, () => body(t));
}

function keyGenSuite(p: MlKemParams): KatSuite {
  return {
    primitive: `${p.name} keyGen (Alg 16)`,
    files: [KEYGEN],
    expected: { passed: 25 },
    run: ([data], tally) =>
      each(data, p, undefined, undefined, tally, (t) => {
        const { publicKey, secretKey } = keyGenInternal(p, hex(t.d), hex(t.z));
        return sameHex(publicKey, t.ek) && sameHex(secretKey, t.dk);
      }),
  };
}

function encapsSuite(p: MlKemParams, file: string): KatSuite {
  return {
    primitive: `${p.name} encapsulation (Alg 17)`,
    files: [file],
    expected: { passed: 25 },
    run: ([data], tally) =>
      each(data, p, 'encapsulation', undefined, tally, (t) => {
        const ek = hex(t.ek);
        checkEncapsulationKey(p, ek);
        const { cipherText, sharedSecret } = encapsInternal(p, ek, hex(t.m));
        return sameHex(cipherText, t.c) && sameHex(sharedSecret, t.k);
      }),
  };
}

function decapsSuite(p: MlKemParams, file: string, keyFormat?: 'seed' | 'expanded'): KatSuite {
  return {
    primitive: `${p.name} decapsulation${keyFormat ? ` (${keyFormat} key)` : ''} (Alg 18, 21)`,
    files: [file],
    expected: { passed: 10 },
    run: ([data], tally) =>
      each(data, p, 'decapsulation', keyFormat, tally, (t) => {
        let dk = hex(t.dk);
        if (keyFormat === 'seed') {
          const derived = keyGenInternal(p, hex(t.d), hex(t.z)).secretKey;
          if (!sameHex(derived, t.dk)) return false;
          dk = derived;
        }
        return sameHex(decaps(p, dk, hex(t.c)), t.k); // valid and modified (implicit rejection) c
      }),
  };
}

function ekCheckSuite(p: MlKemParams, file: string): KatSuite {
  return {
    primitive: `${p.name} encapsulation key check (§7.2)`,
    files: [file],
    expected: { passed: 10 },
    run: ([data], tally) =>
      each(data, p, 'encapsulationKeyCheck', undefined, tally, (t) => {
        const ek = hex(t.ek);
        if (t.testPassed === true) return (checkEncapsulationKey(p, ek), true);
        return rejects('NON_CANONICAL', () => checkEncapsulationKey(p, ek));
      }),
  };
}

function dkCheckSuite(p: MlKemParams, file: string): KatSuite {
  return {
    primitive: `${p.name} decapsulation key check (§7.3)`,
    files: [file],
    expected: { passed: 10 },
    run: ([data], tally) =>
      each(data, p, 'decapsulationKeyCheck', undefined, tally, (t) => {
        const dk = hex(t.dk);
        const c = new Uint8Array(p.ctBytes);
        if (t.testPassed === true) return (checkDecapsulationInputs(p, dk, c), true);
        return rejects('AUTH_FAILED', () => checkDecapsulationInputs(p, dk, c));
      }),
  };
}

export const suites: KatSuite[] = [
  ...SETS.map(keyGenSuite),
  ...SETS.flatMap((p) => [
    encapsSuite(p, ENCDEC),
    decapsSuite(p, ENCDEC),
    ekCheckSuite(p, ENCDEC),
    dkCheckSuite(p, ENCDEC),
  ]),
  ...SETS.flatMap((p) => [
    encapsSuite(p, ENCDEC_TR1),
    decapsSuite(p, ENCDEC_TR1, 'seed'),
    decapsSuite(p, ENCDEC_TR1, 'expanded'),
    ekCheckSuite(p, ENCDEC_TR1),
    dkCheckSuite(p, ENCDEC_TR1),
  ]),
];
