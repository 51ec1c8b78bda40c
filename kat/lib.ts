/**
 * KAT infrastructure: where the official vector files live, integrity checks against
 * kat/manifest.json, and the tally every suite fills in.
 *
 * A suite names the vector file(s) it reads, the primitive it checks and how many cases it
 * expects to pass (docs/ARCHITECTURE.md §8: a loader that finds zero or a different number of
 * cases fails).
 * Files are read from kat/vectors/, where they are committed gzip-compressed (`<file>.gz`), or from
 * PQMSG_KAT_DIR when it is set (plain or `.gz` files). Every load checks the SHA-256 of the
 * uncompressed bytes against kat/manifest.json. A missing file is a loud, counted skip; with
 * PQMSG_REQUIRE_KAT=1 it is a failure. node:crypto and node:zlib are tooling here, not a shipped path.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAT_ROOT = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(KAT_ROOT, '..');

export interface ManifestEntry {
  url: string | null;
  origin: string;
  commit: string;
  license: string;
  sha256: string;
  bytes: number;
}

export const MANIFEST: Record<string, ManifestEntry> = JSON.parse(
  readFileSync(join(KAT_ROOT, 'manifest.json'), 'utf8'),
).files;

/** The folder holding the vector files: PQMSG_KAT_DIR if set, else the committed kat/vectors/. */
export function katDir(): string {
  const fromEnv = process.env.PQMSG_KAT_DIR;
  return fromEnv ? resolve(REPO_ROOT, fromEnv) : join(KAT_ROOT, 'vectors');
}

/** The uncompressed bytes of one vector file, from `<file>.gz` or `<file>`; null when neither exists. */
export function readVectorBytes(dir: string, file: string): Buffer | null {
  const path = join(dir, file);
  if (existsSync(`${path}.gz`)) return gunzipSync(readFileSync(`${path}.gz`));
  return existsSync(path) ? readFileSync(path) : null;
}

/** Whether `<file>.gz` or `<file>` exists in `dir`. */
export const vectorPresent = (dir: string, file: string): boolean =>
  existsSync(join(dir, `${file}.gz`)) || existsSync(join(dir, file));

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const katRequired = (): boolean => process.env.PQMSG_REQUIRE_KAT === '1';
export const slowEnabled = (): boolean => process.env.SLOW === '1';

const cache = new Map<string, unknown>();

/** Reads and parses one vector file after checking its SHA-256; null when the file is absent. */
export function loadVectorFile(file: string): unknown | null {
  const entry = MANIFEST[file];
  if (!entry) throw new Error(`KAT ${file}: not listed in kat/manifest.json`);
  if (cache.has(file)) return cache.get(file);
  const raw = readVectorBytes(katDir(), file);
  if (raw === null) return null;
  const digest = sha256Hex(raw);
  if (digest !== entry.sha256)
    throw new Error(`KAT ${file}: SHA-256 ${digest} does not match the manifest (${entry.sha256})`);
  const json = JSON.parse(raw.toString('utf8'));
  cache.set(file, json);
  return json;
}

/** Pass/fail/skip counts for one suite; `check` turns exceptions into counted failures. */
export class Tally {
  passed = 0;
  failed = 0;
  skipped = 0;
  readonly failures: string[] = [];

  check(id: string, ok: () => boolean): void {
    let result = false;
    let why = 'wrong result';
    try {
      result = ok();
    } catch (e) {
      why = `threw ${(e as Error).message}`;
    }
    if (result) this.passed++;
    else {
      this.failed++;
      if (this.failures.length < 10) this.failures.push(`${id}: ${why}`);
    }
  }

  skip(n = 1): void {
    this.skipped += n;
  }
}

export interface KatSuite {
  /** Row label, e.g. 'SHA3-256' or 'ML-KEM-768 decaps'. */
  primitive: string;
  /** Vector files, relative to katDir(); run() receives them parsed, in this order. */
  files: string[];
  /** Cases that must pass, and cases deliberately skipped (with the reason in `skipReason`). */
  expected: { passed: number; skipped?: number };
  skipReason?: string;
  /** Only with SLOW=1 (e.g. the RFC 7748 million-iteration value, ACVP large-data tests). */
  slow?: boolean;
  run(data: any[], tally: Tally): void;
}

export type SuiteStatus = 'ok' | 'failed' | 'missing' | 'slow-skipped';

export interface SuiteResult {
  suite: KatSuite;
  status: SuiteStatus;
  tally: Tally;
  problems: string[];
}

/** Runs one suite and judges it against its expected counts. */
export function runSuite(suite: KatSuite): SuiteResult {
  const tally = new Tally();
  if (suite.slow && !slowEnabled()) return { suite, status: 'slow-skipped', tally, problems: [] };
  const data = suite.files.map(loadVectorFile);
  if (data.some((d) => d === null)) {
    const missing = suite.files.filter((_, i) => data[i] === null);
    return { suite, status: 'missing', tally, problems: missing.map((f) => `missing ${join(katDir(), f)}`) };
  }
  suite.run(data, tally);
  const problems = [...tally.failures];
  if (tally.passed + tally.failed === 0) problems.push('zero cases found (schema changed?)');
  if (tally.passed !== suite.expected.passed)
    problems.push(`expected ${suite.expected.passed} passing cases, got ${tally.passed}`);
  if (tally.skipped !== (suite.expected.skipped ?? 0))
    problems.push(`expected ${suite.expected.skipped ?? 0} skipped cases, got ${tally.skipped}`);
  const status = tally.failed === 0 && problems.length === 0 ? 'ok' : 'failed';
  return { suite, status, tally, problems };
}

/** Case-insensitive hex → bytes (ACVP hex is upper case). */
export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}

/** Lower-case hex, for comparing against vector fields with sameHex. */
export function sameHex(bytes: Uint8Array, expected: string): boolean {
  return Buffer.from(bytes).toString('hex') === expected.toLowerCase();
}
