import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('notebooks/toy-problem.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    process.env.SSN_QUICK = '1';
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    try {
      await import('../../notebooks/toy-problem.js');
    } finally {
      spy.mockRestore();
      delete process.env.SSN_QUICK;
    }
    const text = lines.join('\n');
    expect(text).toContain('independent-pixel optimum 7 ln ½ = -4.8520');
    expect(text).toMatch(/shared middle\s+LL = -0\.69/);
    expect(text).toMatch(/\nrank 2\s+400\s/);
    const figures = lines.find((l) => l.startsWith('figures:'));
    expect(figures).toBeDefined();
    for (const f of figures!.slice('figures: '.length).split(', '))
      expect(existsSync(f)).toBe(true);
  });
});
