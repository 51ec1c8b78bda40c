/**
 * The committed vectors: kat/manifest.json lists exactly the files the suites read, each one is in
 * kat/vectors/ as `<file>.gz`, and its uncompressed SHA-256 is the manifest's.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { KAT_ROOT, MANIFEST, readVectorBytes, sha256Hex } from '../../kat/lib.ts';
import { AREAS } from '../../kat/suites/index.ts';

const VECTORS = join(KAT_ROOT, 'vectors');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [relative(VECTORS, p)];
  });
}

describe('kat/manifest.json and the committed kat/vectors/', () => {
  test('the manifest lists exactly the files the suites read', async () => {
    const read = new Set<string>();
    for (const load of Object.values(AREAS)) for (const s of await load()) s.files.forEach((f) => read.add(f));
    expect(Object.keys(MANIFEST).sort()).toEqual([...read].sort());
    expect(read.size).toBe(42);
  });

  test('kat/vectors holds one .gz per manifest entry and nothing else', () => {
    const expected = Object.keys(MANIFEST).map((f) => `${f}.gz`).sort();
    expect(listFiles(VECTORS).sort()).toEqual(expected);
  });

  test('every committed file decompresses to the manifest SHA-256 and byte count', () => {
    for (const [file, entry] of Object.entries(MANIFEST)) {
      const bytes = readVectorBytes(VECTORS, file);
      expect(bytes, file).not.toBeNull();
      expect({ file, sha256: sha256Hex(bytes!), bytes: bytes!.length }).toEqual({
        file,
        sha256: entry.sha256,
        bytes: entry.bytes,
      });
    }
  });
});
