import { describe, it, expect, afterAll, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { runCli } from '../../src/cli/program.js';
import { registerTrain } from '../../src/cli/train.js';

const dir = mkdtempSync(join(tmpdir(), 'ssn-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the commands in-process; returns stdout, stderr and the error thrown, if any. */
async function run(args: string[]): Promise<{ out: string; err: string; error?: Error }> {
  const program = new Command().exitOverride();
  let err = '';
  program.configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
  registerTrain(program);
  for (const c of program.commands)
    c.exitOverride().configureOutput({ writeErr: (s) => (err += s) });
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  console.error = (...a: unknown[]) => (err += `${a.join(' ')}\n`);
  try {
    await program.parseAsync(['node', 'ssn', ...args]);
    return { out: lines.join('\n'), err };
  } catch (e) {
    return { out: lines.join('\n'), err, error: e as Error };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('ssn experiment --quick', () => {
  it('trains the three models, prints the table and writes the JSON', async () => {
    const json = join(dir, 'result.json');
    const r = await run(['experiment', '--quick', '--quiet', '--json', json, '--no-figures']);
    expect(r.error).toBeUndefined();
    expect(r.err).toBe(''); // --quiet: no progress
    expect(r.out).toMatch(/^backend: auto: /m);
    for (const name of ['deterministic', 'diagonal', 'lowrank', 'annotators']) {
      expect(r.out).toMatch(new RegExp(`^${name} `, 'm'));
    }
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.models.map((m: { name: string }) => m.name)).toEqual([
      'deterministic',
      'diagonal',
      'lowrank',
    ]);
    for (const m of doc.models) {
      for (const key of ['dsc', 'dscNod', 'ged', 'diversity']) expect(typeof m[key]).toBe('number');
      expect(m.diversity).toBeGreaterThanOrEqual(0);
    }
    expect(doc.models[0].diversity).toBe(0);
    expect(doc.annotatorDiversity).toBeGreaterThan(0);
    expect(doc.backend).toBe('reference');
    expect(doc.seconds).toBeGreaterThan(0);
  });

  it('ssn train --model lowrank writes both figures', async () => {
    const figs = join(dir, 'figs');
    const r = await run([
      'train',
      '--model',
      'lowrank',
      '--quick',
      '--figures',
      figs,
      '--steps',
      '2',
    ]);
    expect(r.error).toBeUndefined();
    expect(existsSync(join(figs, 'figure3.png'))).toBe(true);
    expect(existsSync(join(figs, 'figure6.png'))).toBe(true);
  });
});

describe('bad flags', () => {
  it.each([
    [
      ['train', '--model', 'full', '--quick'],
      '--model: must be one of deterministic, diagonal, lowrank, got "full"',
    ],
    [['train', '--quick'], '--model: required'],
    [['experiment', '--quick', '--steps', 'ten'], '--steps: must be an integer ≥ 1, got "ten"'],
    [['experiment', '--quick', '--size', '25'], '--size: must be even, got 25'],
    [['experiment', '--quick', '--lr', '-1'], /^--lr: must be a positive number/],
    [
      ['experiment', '--quick', '--backend', 'cuda'],
      '--backend: must be one of auto, reference, gpujs-cpu, gpujs, got "cuda"',
    ],
    [['experiment', '--quick', '--models', 'lowrank,bayes'], /^--models: .*got "bayes"/],
    [['experiment', '--quick', '--loss-samples', '3'], /^--loss-samples: must be even/],
  ])('%j: one line naming the flag, exit 2', async (args, message) => {
    const errs: string[] = [];
    const code = await runCli(args as string[], (l) => errs.push(l));
    expect(code).toBe(2);
    expect(errs).toHaveLength(1);
    expect(errs[0]?.replace(/^ssn: /, '')).toMatch(message);
  });

  it('an unwritable --json or --figures fails before training (exit 3), writing nothing', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, '');
    for (const args of [
      ['--json', join(file, 'r.json'), '--no-figures'],
      ['--figures', join(file, 'figs')],
    ]) {
      const errs: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        expect(
          await runCli(['experiment', '--quick', '--quiet', ...args], (l) => errs.push(l)),
        ).toBe(3);
        expect(log).not.toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
      expect(errs).toEqual([
        expect.stringMatching(/^ssn: --(json|figures): .*is not a directory$/),
      ]);
    }
  });

  it('through the bin: one line `ssn: ...` and exit code 2', () => {
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/main.ts', 'experiment', '--quick', '--size', '25', '--no-figures'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('ssn: --size: must be even, got 25\n');
  });
});
