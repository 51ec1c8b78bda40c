/**
 * `npm run kat:fetch`: refreshes the committed vectors. For every file in kat/manifest.json with an
 * upstream URL it downloads the file, checks its SHA-256 against the manifest and writes it
 * gzip-compressed to kat/vectors/<file>.gz; files already present with the right hash are kept.
 * Needs internet. The RFC/FIPS transcriptions (url: null) have no upstream file: they are kept as
 * committed (or re-compressed from PQMSG_KAT_DIR when that folder holds them).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { KAT_ROOT, MANIFEST, readVectorBytes, sha256Hex } from './lib.ts';

const target = join(KAT_ROOT, 'vectors');
const source = process.env.PQMSG_KAT_DIR;
let written = 0;
let present = 0;
const failures: string[] = [];

function store(file: string, bytes: Uint8Array): void {
  const path = join(target, `${file}.gz`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, gzipSync(bytes, { level: 9 }));
  written++;
  console.log(`wrote ${file}.gz`);
}

for (const [file, entry] of Object.entries(MANIFEST)) {
  const committed = readVectorBytes(target, file);
  if (committed !== null && sha256Hex(committed) === entry.sha256) {
    present++;
    continue;
  }
  try {
    let body: Uint8Array | null = source ? readVectorBytes(source, file) : null;
    if (body === null) {
      if (entry.url === null) throw new Error('no upstream URL (a transcription): set PQMSG_KAT_DIR');
      const res = await fetch(entry.url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = new Uint8Array(await res.arrayBuffer());
    }
    const digest = sha256Hex(body);
    if (digest !== entry.sha256) throw new Error(`SHA-256 ${digest} ≠ manifest ${entry.sha256}`);
    store(file, body);
  } catch (e) {
    failures.push(`${file}: ${(e as Error).message}`);
  }
}

console.log(`\n${written} written, ${present} already present and verified, in ${target}`);
if (failures.length > 0) {
  console.log(`${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
