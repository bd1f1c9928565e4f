import { describe, expect, it } from 'vitest';
import { runNotebookQuick } from '../helpers/notebook.js';

describe('notebooks/conv-net.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    const text = await runNotebookQuick(() => import('../../notebooks/conv-net.js'));
    expect(text).toMatch(/^lowrank\s+\d+ parameters$/m);
    for (const name of ['deterministic', 'diagonal', 'lowrank', 'annotators'])
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    // progress between the header and the table: training steps and the end of each evaluation
    expect(text).toMatch(/^ {2}train lowrank: step 3\/3, loss \d+\.\d \(\d+ s\)$/m);
    expect(text).toMatch(/^ {2}evaluated lowrank on 6 test images \(\d+ s\)$/m);
  });
});
