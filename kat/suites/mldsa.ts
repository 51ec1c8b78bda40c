/**
 * KAT suites for ML-DSA (FIPS 204) from the NIST ACVP sample vector sets: keyGen (seed → pk, sk),
 * sigGen (pure/pre-hash external interface with context, internal interface on M′ or on an
 * external μ, the latter through the public signMu / verifyMu; hedged and deterministic; the -tr1
 * revision adds seed-format keys) and sigVer
 * (valid signatures and four kinds of modification). sigGen has no internalProjection.json, so
 * prompt.json and expectedResults.json are joined on (tgId, tcId). HashML-DSA cases run with
 * all twelve ACVP pre-hashes; an unsupported one would throw and fail its case.
 */
import { hex, sameHex, type KatSuite, type Tally } from '../lib.ts';
import {
  hashSign,
  hashVerify,
  keyGenInternal,
  sign,
  signInternal,
  verify,
  verifyInternal,
} from '../../src/mldsa/testing.ts';
import { mldsa44, mldsa65, mldsa87, type MlDsa } from '../../src/mldsa/index.ts';
import { ML_DSA_44, ML_DSA_65, ML_DSA_87, type MlDsaParams } from '../../src/mldsa/params.ts';

const SETS: MlDsaParams[] = [ML_DSA_44, ML_DSA_65, ML_DSA_87];
/** The public objects, whose signMu / verifyMu (external μ) the externalMu groups exercise. */
const API: Record<string, MlDsa> = {
  'ML-DSA-44': mldsa44,
  'ML-DSA-65': mldsa65,
  'ML-DSA-87': mldsa87,
};
const DIR = 'acvp/ML-DSA-';

/** One ACVP test joined with its group's fields (and, for sigGen, its expected signature). */
interface Case {
  group: Record<string, any>;
  test: Record<string, any>;
  expected?: Record<string, any>;
}

/** The tests of one parameter set, joining expectedResults by (tgId, tcId) when given. */
function casesFor(p: MlDsaParams, prompt: any, results?: any): Case[] {
  const byId = new Map<string, Record<string, any>>();
  for (const g of results?.testGroups ?? [])
    for (const t of g.tests) byId.set(`${g.tgId}/${t.tcId}`, t);
  const out: Case[] = [];
  for (const group of prompt.testGroups) {
    if (group.parameterSet !== p.name) continue;
    for (const test of group.tests) {
      const expected = results ? byId.get(`${group.tgId}/${test.tcId}`) : undefined;
      if (results && !expected)
        throw new Error(`no expected result for tgId ${group.tgId} tcId ${test.tcId}`);
      out.push({ group, test, expected });
    }
  }
  return out;
}

/** FIPS 204 Algorithm 2/4/7 as the group selects, returning σ. */
function sigGen(p: MlDsaParams, { group, test }: Case): Uint8Array {
  // keyFormat (-tr1): an expanded sk, or the seed ξ it is generated from
  const sk = test.sk !== undefined ? hex(test.sk) : keyGenInternal(p, hex(test.seed)).sk;
  const rnd = group.deterministic ? new Uint8Array(32) : hex(test.rnd);
  if (group.signatureInterface === 'internal') {
    if (group.externalMu) return API[p.name].signMu(sk, hex(test.mu), { random: rnd });
    return signInternal(p, sk, [hex(test.message)], rnd);
  }
  const opts = { context: hex(test.context), random: rnd };
  if (group.preHash === 'preHash') return hashSign(p, sk, hex(test.message), test.hashAlg, opts);
  return sign(p, sk, hex(test.message), opts);
}

/** FIPS 204 Algorithm 3/5/8 as the group selects. */
function sigVer(p: MlDsaParams, { group, test }: Case): boolean {
  const pk = hex(test.pk);
  const sig = hex(test.signature);
  if (group.signatureInterface === 'internal') {
    if (group.externalMu) return API[p.name].verifyMu(pk, hex(test.mu), sig);
    return verifyInternal(p, pk, [hex(test.message)], sig);
  }
  const opts = { context: hex(test.context) };
  if (group.preHash === 'preHash')
    return hashVerify(p, pk, hex(test.message), sig, test.hashAlg, opts);
  return verify(p, pk, hex(test.message), sig, opts);
}

const id = (c: Case): string => `tgId ${c.group.tgId} tcId ${c.test.tcId}`;

function runSigGen(p: MlDsaParams, data: any[], tally: Tally): void {
  for (const c of casesFor(p, data[0], data[1]))
    tally.check(id(c), () => sameHex(sigGen(p, c), c.expected!.signature));
}

const keyGenSuites: KatSuite[] = SETS.map((p) => ({
  primitive: `${p.name} keyGen`,
  files: [`${DIR}keyGen-FIPS204/internalProjection.json`],
  expected: { passed: 25 },
  run(data, tally) {
    for (const c of casesFor(p, data[0])) {
      tally.check(id(c), () => {
        const { pk, sk } = keyGenInternal(p, hex(c.test.seed));
        return sameHex(pk, c.test.pk) && sameHex(sk, c.test.sk);
      });
    }
  },
}));

// Counts per parameter set (from the vector files): sigGen 120, -tr1 240, sigVer 60 tests.

const sigGenSuites: KatSuite[] = SETS.map((p) => ({
  primitive: `${p.name} sigGen`,
  files: [`${DIR}sigGen-FIPS204/prompt.json`, `${DIR}sigGen-FIPS204/expectedResults.json`],
  expected: { passed: 120 },
  run: (data, tally) => runSigGen(p, data, tally),
}));

const sigGenTr1Suites: KatSuite[] = SETS.map((p) => ({
  primitive: `${p.name} sigGen (tr1: seed/expanded keys)`,
  files: [`${DIR}sigGen-FIPS204-tr1/prompt.json`, `${DIR}sigGen-FIPS204-tr1/expectedResults.json`],
  expected: { passed: 240 },
  run: (data, tally) => runSigGen(p, data, tally),
}));

const sigVerSuites: KatSuite[] = SETS.map((p) => ({
  primitive: `${p.name} sigVer`,
  files: [`${DIR}sigVer-FIPS204/internalProjection.json`],
  expected: { passed: 60 },
  run(data, tally) {
    for (const c of casesFor(p, data[0]))
      tally.check(`${id(c)} (${c.test.reason})`, () => sigVer(p, c) === c.test.testPassed);
  },
}));

export const suites: KatSuite[] = [
  ...keyGenSuites,
  ...sigGenSuites,
  ...sigGenTr1Suites,
  ...sigVerSuites,
];
