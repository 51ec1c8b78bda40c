/**
 * Node's Buffer is a Uint8Array whose `slice` returns a VIEW of the caller's memory, not a copy.
 * Code that copies an argument with `.slice()` and then clamps or wipes the "copy" damages the
 * caller's key (a review found exactly that in X25519 and ML-DSA). Rule: src/ never calls
 * `.slice()` on a Uint8Array; it uses `copyBytes` (src/util/bytes.ts). This test finds every
 * `.slice(` call whose receiver type is Uint8Array with the TypeScript type checker.
 */
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = resolve(__dirname, '..');

describe('Buffer safety — no Uint8Array#slice in src/', () => {
  test('every copy of bytes in src/ goes through copyBytes', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    })!;
    const files = config.fileNames.filter((f) => relative(ROOT, f).startsWith('src'));
    expect(files.length).toBeGreaterThan(50);
    const program = ts.createProgram(files, config.options);
    const checker = program.getTypeChecker();
    const offenders: string[] = [];
    for (const sf of program.getSourceFiles()) {
      if (!files.includes(sf.fileName)) continue;
      const visit = (node: ts.Node): void => {
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          node.expression.name.text === 'slice'
        ) {
          const type = checker.getTypeAtLocation(node.expression.expression);
          const name = checker.typeToString(checker.getApparentType(type));
          if (/(^|[ |(])(Uint8Array|Buffer)(<|$|[ |)])/.test(name)) {
            const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
            offenders.push(`${relative(ROOT, sf.fileName)}:${line + 1}: ${node.getText().slice(0, 60)}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(offenders).toEqual([]);
  });
});
