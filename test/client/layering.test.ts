/**
 * Layering of the client (STYLE §1.5, §1.12): the client logic in src/client/ imports no Node
 * built-in, SQLite or ws (only sqlite-store.ts and ws-transport.ts are Node-only), so a browser
 * can bring IndexedDB and its WebSocket; and `pqmsg` loads the heavy parts lazily: the static
 * import closure of src/cli/main.ts holds no ML-KEM, ML-DSA, Argon2, server or protocol suite.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const SRC = resolve(__dirname, '../../src');
const NODE_ONLY = new Set(['sqlite-store.ts', 'ws-transport.ts']);

/** Static import specifiers of a file (`import … from`, `export … from`; not `import()`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gms)]
    .filter((m) => !/^import\s+type\s|^export\s+type\s/.test(m[0]))
    .map((m) => m[1]);
}

describe('client layering', () => {
  test('client logic files import no node:, better-sqlite3, ws or server code', () => {
    const files = readdirSync(join(SRC, 'client')).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files
      .filter((f) => !NODE_ONLY.has(f))
      .flatMap((f) => {
        const text = readFileSync(join(SRC, 'client', f), 'utf8');
        const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
        return specs
          .filter((s) => s.startsWith('node:') || s === 'better-sqlite3' || s === 'ws' || s.includes('/server/'))
          .map((s) => `${f} → ${s}`);
      });
    expect(offenders).toEqual([]);
  });

  test('the static import closure of the CLI entry point stays light', () => {
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of staticImports(file))
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
    };
    walk(join(SRC, 'cli/main.ts'));
    const loaded = [...seen].map((f) => relative(SRC, f));
    expect(loaded).toContain('cli/commands/whoami.ts');
    const heavy = loaded.filter((f) => /^(mlkem|mldsa|kdf|server\/(?!limits|log)|curve25519)\/|default-suite/.test(f));
    expect(heavy).toEqual([]);
  });
});
