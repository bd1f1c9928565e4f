import { describe, expect, it } from 'vitest';
import { runNotebookQuick } from '../helpers/notebook.js';

describe('notebooks/conv-net.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    const text = await runNotebookQuick(() => import('../../notebooks/conv-net.js'));
    expect(text).toMatch(/^lowrank\s+\d+ parameters$/m);
    for (const name of ['deterministic', 'diagonal', 'lowrank', 'annotators'])
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
  });
});
