/**
 * Import-graph rules (DESIGN.md "Layers", STYLE §1.5): imports point one way only, no peer crypto
 * library or node:crypto in src/, and the protocol stays pure (no files, sockets or clocks).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = resolve(__dirname, '../src');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Module {
  file: string; // relative to src/, e.g. 'hash/sha3.ts'
  area: string; // first path segment, e.g. 'hash'
  imports: string[]; // bare specifiers, or src-relative paths for relative imports
  text: string;
}

const modules: Module[] = listFiles(SRC).map((abs) => {
  const text = readFileSync(abs, 'utf8');
  const file = relative(SRC, abs);
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const imports = specs.map((s) => (s.startsWith('.') ? relative(SRC, resolve(dirname(abs), s)) : s));
  return { file, area: file.includes('/') ? file.split('/')[0] : '.', imports, text };
});

const PRIMITIVES = ['util', 'hash', 'kdf', 'aead', 'curve25519', 'mlkem', 'mldsa'];
const areaOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '.');

describe('architecture — import rules', () => {
  test('src/ has modules to check', () => {
    expect(modules.length).toBeGreaterThan(5);
  });

  test('no peer crypto library, node:crypto or test helper is imported from src/', () => {
    const banned = /^(@noble\/|@oqs\/|@signalapp\/|mlkem$|libsodium|tweetnacl|node:crypto$|crypto$)/;
    const offenders = modules.flatMap((m) =>
      m.imports.filter((i) => banned.test(i) || i.startsWith('../test')).map((i) => `${m.file} → ${i}`),
    );
    expect(offenders).toEqual([]);
  });

  test('primitives import only util and lower primitives, never protocol or above', () => {
    const order = PRIMITIVES; // util → hash → kdf/aead/curve25519/mlkem/mldsa
    const offenders = modules
      .filter((m) => PRIMITIVES.includes(m.area))
      .flatMap((m) =>
        m.imports
          .filter((i) => !i.startsWith('node:')) // node:crypto is caught by the test above
          .filter((i) => {
            const a = areaOf(i);
            if (a === m.area) return false;
            if (a === 'util') return false;
            if (a === 'hash' && order.indexOf(m.area) > order.indexOf('hash')) return false;
            return true;
          })
          .map((i) => `${m.file} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  test('util imports nothing outside util', () => {
    const offenders = modules
      .filter((m) => m.area === 'util')
      .flatMap((m) => m.imports.filter((i) => areaOf(i) !== 'util').map((i) => `${m.file} → ${i}`));
    expect(offenders).toEqual([]);
  });

  test('protocol is pure: no node built-ins, storage, transport or clocks', () => {
    const allowed = new Set([...PRIMITIVES, 'protocol']);
    const offenders = modules
      .filter((m) => m.area === 'protocol')
      .flatMap((m) => [
        ...m.imports
          .filter((i) => !(allowed.has(areaOf(i)) || i === 'wire/codec.ts'))
          .map((i) => `${m.file} → ${i}`),
        ...(/\bDate\.now\(|new Date\(|Math\.random\(/.test(m.text) ? [`${m.file} reads a clock or Math.random`] : []),
      ]);
    expect(offenders).toEqual([]);
  });
});
