/**
 * Runs a notebook module in quick mode (SSN_QUICK=1) with its figures in a temporary folder
 * (SSN_NOTEBOOK_OUT), capturing what it prints; checks that the figures it names on its
 * `figures:` line exist, then removes the folder.
 * @returns the printed text, one console.log call per line
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, vi } from 'vitest';

export async function runNotebookQuick(load: () => Promise<unknown>): Promise<string> {
  process.env.SSN_QUICK = '1';
  const outDir = mkdtempSync(join(tmpdir(), 'ssn-notebook-'));
  process.env.SSN_NOTEBOOK_OUT = outDir;
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.join(' '));
  });
  try {
    await load();
  } finally {
    spy.mockRestore();
    delete process.env.SSN_QUICK;
    delete process.env.SSN_NOTEBOOK_OUT;
  }
  try {
    const figures = lines.find((l) => l.startsWith('figures:'));
    expect(figures).toBeDefined();
    for (const f of figures!.slice('figures: '.length).split(', ')) {
      expect(f.startsWith(join(outDir, '/'))).toBe(true);
      expect(existsSync(f)).toBe(true);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return lines.join('\n');
}
