/**
 * `npm run kat:fetch`: downloads every vector file listed in kat/manifest.json that has an upstream
 * URL into kat/vectors/ (git-ignored) and checks its SHA-256 against the manifest. Needs internet.
 * The RFC/FIPS transcriptions (url: null) have no upstream file: copy them from the pqmsg vector
 * collection (shared/kat) or point PQMSG_KAT_DIR at it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KAT_ROOT, MANIFEST } from './lib.ts';

const target = join(KAT_ROOT, 'vectors');
let fetched = 0;
let present = 0;
const failures: string[] = [];
const manual: string[] = [];

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

for (const [file, entry] of Object.entries(MANIFEST)) {
  const path = join(target, file);
  if (existsSync(path) && sha256(readFileSync(path)) === entry.sha256) {
    present++;
    continue;
  }
  if (entry.url === null) {
    manual.push(file);
    continue;
  }
  try {
    const res = await fetch(entry.url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = new Uint8Array(await res.arrayBuffer());
    const digest = sha256(body);
    if (digest !== entry.sha256) throw new Error(`SHA-256 ${digest} ≠ manifest ${entry.sha256}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
    fetched++;
    console.log(`fetched ${file}`);
  } catch (e) {
    failures.push(`${file}: ${(e as Error).message}`);
  }
}

console.log(`\n${fetched} fetched, ${present} already present and verified, into ${target}`);
if (manual.length > 0)
  console.log(`${manual.length} transcriptions have no upstream file (copy them from shared/kat):\n  ${manual.join('\n  ')}`);
if (failures.length > 0) {
  console.log(`${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
