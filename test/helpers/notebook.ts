/**
 * Runs a notebook module in quick mode (SSN_QUICK=1), capturing what it prints, and checks that
 * the figures it names on its `figures:` line exist.
 * @returns the printed text, one console.log call per line
 */
import { existsSync } from 'node:fs';
import { expect, vi } from 'vitest';

export async function runNotebookQuick(load: () => Promise<unknown>): Promise<string> {
  process.env.SSN_QUICK = '1';
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await load();
  } finally {
    spy.mockRestore();
    delete process.env.SSN_QUICK;
  }
  const figures = lines.find((l) => l.startsWith('figures:'));
  expect(figures).toBeDefined();
  for (const f of figures!.slice('figures: '.length).split(', ')) expect(existsSync(f)).toBe(true);
  return lines.join('\n');
}
