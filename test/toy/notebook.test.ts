import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNotebookQuick } from '../helpers/notebook.js';

describe('notebooks/toy-problem.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    const text = await runNotebookQuick(() => import('../../notebooks/toy-problem.js'));
    expect(text).toContain('independent-pixel optimum 7 ln ½ = -4.8520');
    expect(text).toMatch(/shared middle\s+LL = -0\.69/);
    expect(text).toMatch(/\nrank 2\s+400\s/);
    // Its figures went to the test's folder, now removed: a test run leaves nothing in /tmp.
    const folder = dirname(/^figures: ([^,]+)/m.exec(text)![1]);
    expect(existsSync(folder)).toBe(false);
  });
});

describe('the notebooks', () => {
  it('import the library only through its public entries, and name a Jupyter kernel', () => {
    for (const name of ['toy-problem.ts', 'conv-net.ts']) {
      const text = readFileSync(new URL(`../../notebooks/${name}`, import.meta.url), 'utf8');
      const sources = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      const library = sources.filter((s) => !s.startsWith('node:'));
      // The package's `ssn-ts` (core) and `ssn-ts/node` (figure rendering) entries, as sources.
      expect(library, name).toEqual(['../src/index.js', '../src/node.js']);
      expect(text, name).toMatch(/^\/\/ {3}kernelspec:\n\/\/ {5}display_name: Deno\n/m);
    }
  });
});
