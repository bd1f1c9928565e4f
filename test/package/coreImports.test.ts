/**
 * The core entry (src/index.ts) is browser-safe: following its runtime imports (type-only
 * imports are erased by the compiler) reaches no Node built-in, no native module and not gpu.js.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The module specifiers `file` loads at run time: static and dynamic imports, re-exports. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (node.importClause?.isTypeOnly !== true) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined
    ) {
      const arg = node.arguments[0];
      found.push(ts.isStringLiteral(arg) ? arg.text : '<computed dynamic import>');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every package specifier reachable from `entry`, with the source file that imports it. */
function packageImports(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('.')) stack.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!packages.has(spec)) packages.set(spec, relative(root, file));
    }
  }
  return packages;
}

/** The packages the core may load: pure JavaScript, no Node built-in. */
const CORE_PACKAGES = new Set(['seedrandom', 'ndarray', 'ndarray-ops']);

/** The package a specifier names: 'seedrandom/lib/alea.js' → 'seedrandom', '@a/b/c' → '@a/b'. */
function packageOf(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

describe('the core entry ssn-ts', () => {
  const packages = packageImports(join(root, 'src/index.ts'));

  it('loads no Node built-in, no native module and not gpu.js: only pure-JS packages', () => {
    const unexpected = [...packages].filter(([spec]) => !CORE_PACKAGES.has(packageOf(spec)));
    expect(unexpected).toEqual([]);
    expect([...packages.keys()].some((s) => builtinModules.includes(s.replace(/^node:/, '')))).toBe(
      false,
    );
  });

  it('the walk sees through re-exports (the node and gpu entries do reach Node and gpu.js)', () => {
    expect([...packageImports(join(root, 'src/node.ts')).keys()]).toEqual(
      expect.arrayContaining(['node:fs/promises', 'vega', 'vega-lite', '@resvg/resvg-js']),
    );
    expect([...packageImports(join(root, 'src/gpu.ts')).keys()]).toContain('gpu.js');
  });
});
