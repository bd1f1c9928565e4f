import { describe, it, expect, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
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
    const r = await run(['experiment', '--quick', '--json', json, '--no-figures']);
    expect(r.error).toBeUndefined();
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
      /--model.*must be one of deterministic, diagonal, lowrank, got "full"/,
    ],
    [['train', '--quick'], /required option '--model <kind>'/],
    [['experiment', '--quick', '--steps', 'ten'], /--steps.*must be an integer ≥ 1, got "ten"/],
    [['experiment', '--quick', '--size', '25'], /^size: must be even, got 25/m],
    [['experiment', '--quick', '--lr', '-1'], /--lr.*must be a positive number/],
    [
      ['experiment', '--quick', '--backend', 'cuda'],
      /--backend.*Allowed choices are auto, reference, gpujs-cpu, gpujs/,
    ],
    [['experiment', '--quick', '--models', 'lowrank,bayes'], /--models.*got "bayes"/],
    [['experiment', '--quick', '--loss-samples', '3'], /^lossSamples: must be even/m],
  ])('%j fails with a clear message', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.error).toBeDefined();
    expect(`${r.err}\n${r.error!.message}`).toMatch(message);
  });

  it('through bin: one line `ssn: ...` and exit code 1', () => {
    const r = spawnSync(
      'npx',
      ['tsx', 'src/cli/main.ts', 'experiment', '--quick', '--size', '25', '--no-figures'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^ssn: size: must be even, got 25$/m);
  });
});
