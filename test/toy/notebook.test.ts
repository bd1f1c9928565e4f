import { describe, expect, it } from 'vitest';
import { runNotebookQuick } from '../helpers/notebook.js';

describe('notebooks/toy-problem.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    const text = await runNotebookQuick(() => import('../../notebooks/toy-problem.js'));
    expect(text).toContain('independent-pixel optimum 7 ln ½ = -4.8520');
    expect(text).toMatch(/shared middle\s+LL = -0\.69/);
    expect(text).toMatch(/\nrank 2\s+400\s/);
  });
});
