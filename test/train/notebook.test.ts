import { existsSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('notebooks/conv-net.ts', () => {
  it('runs top to bottom in quick mode', async () => {
    process.env.SSN_QUICK = '1';
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.join(' '));
    });
    try {
      await import('../../notebooks/conv-net.js');
    } finally {
      spy.mockRestore();
      delete process.env.SSN_QUICK;
    }
    const text = lines.join('\n');
    expect(text).toMatch(/^lowrank\s+\d+ parameters$/m);
    for (const name of ['deterministic', 'diagonal', 'lowrank', 'annotators'])
      expect(text).toMatch(new RegExp(`^${name} `, 'm'));
    const figures = lines.find((l) => l.startsWith('figures:'));
    expect(figures).toBeDefined();
    for (const f of figures!.slice('figures: '.length).split(', '))
      expect(existsSync(f)).toBe(true);
  });
});
