import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseToyOptions, registerToy, runToyCommand, type ToyIo } from '../../src/cli/toy.js';

function captureIo(): ToyIo & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (l) => lines.push(l), err: (l) => errs.push(l), isTTY: false };
}

const quickFlags = {
  steps: '40',
  pretrainSteps: '10',
  samples: '8',
  evalSamples: '300',
};

describe('ssn toy', () => {
  it('prints the table, writes the JSON and the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-toy-'));
    const io = captureIo();
    const json = join(dir, 'toy.json');
    const s = parseToyOptions({ ...quickFlags, out: dir, json, seed: '3' });
    const result = await runToyCommand(s, io);
    const table = io.lines.join('\n');
    expect(table).toMatch(/^model\s+steps\s+seconds\s+paper/);
    expect(table).toMatch(/\ndiagonal\s+50\s/);
    expect(table).toMatch(/\nrank 2\s+50\s.*-0\.93/);
    expect(table).toMatch(/-4\.8520/);
    // Plain progress lines on a non-terminal.
    expect(io.errs.some((l) => /^rank 2: step 50\/50, loss/.test(l))).toBe(true);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.protocol).toBe('best');
    expect(report.seed).toBe(3);
    expect(report.optimum.diagonal).toBeCloseTo(7 * Math.log(0.5), 12);
    expect(report.optimum.lowrank).toBeCloseTo(Math.log(0.5), 12);
    expect(report.models.map((m: { name: string }) => m.name)).toEqual(['diagonal', 'lowrank']);
    const m = report.models[1];
    expect(Object.keys(m).sort()).toEqual(
      ['logLikelihood', 'name', 'rank', 'seconds', 'steps', 'stoppedEarly'].sort(),
    );
    expect(Object.keys(m.logLikelihood).sort()).toEqual(
      ['estimate', 'paper1000', 'samples', 'standardError'].sort(),
    );
    expect(m.rank).toBe(2);
    expect(m.logLikelihood.samples).toBe(300);
    expect(m.seconds).toBeGreaterThan(0);
    for (const name of ['figure2-diagonal', 'figure2-lowrank', 'targets', 'figure2']) {
      expect(existsSync(join(dir, `${name}.png`))).toBe(true);
      expect(existsSync(join(dir, `${name}.svg`))).toBe(true);
    }
    expect(result.figures).toHaveLength(4);
  });

  it('one model, several seeds, quiet: a summary with mean and spread', async () => {
    const io = captureIo();
    const s = parseToyOptions({
      ...quickFlags,
      model: 'diagonal',
      seeds: '2',
      figures: false,
      quiet: true,
    });
    const { reports } = await runToyCommand(s, io);
    expect(reports.map((r) => r.seed)).toEqual([0, 1]);
    expect(io.errs).toEqual([]);
    expect(io.lines.join('\n')).toMatch(/mean ± sd \[min, max\]/);
  });

  it('bad flags get clear errors', () => {
    expect(() => parseToyOptions({ model: 'full' })).toThrow(
      '--model: must be one of diagonal, lowrank, both, got "full"',
    );
    expect(() => parseToyOptions({ protocol: 'fast' })).toThrow(
      /^--protocol: must be one of paper, best/,
    );
    expect(() => parseToyOptions({ steps: '-5' })).toThrow(
      '--steps: must be an integer ≥ 0, got "-5"',
    );
    expect(() => parseToyOptions({ steps: '1e3' })).toThrow(/^--steps:/);
    expect(() => parseToyOptions({ pretrainSteps: 'x' })).toThrow(/^--pretrain-steps:/);
    expect(() => parseToyOptions({ samples: '0' })).toThrow(/^--samples:/);
    expect(() => parseToyOptions({ samples: '7' })).toThrow(/^--samples: antithetic/);
    expect(parseToyOptions({ samples: '7', antithetic: false }).protocol.samples).toBe(7);
    expect(() => parseToyOptions({ lr: '0' })).toThrow(/^--lr: must be a positive number/);
    expect(() => parseToyOptions({ lr: 'fast' })).toThrow(/^--lr:/);
    expect(() => parseToyOptions({ rank: '0' })).toThrow(/^--rank:/);
    expect(() => parseToyOptions({ seed: '-1' })).toThrow(/^--seed:/);
    expect(() => parseToyOptions({ seeds: '0' })).toThrow(/^--seeds:/);
    expect(() => parseToyOptions({ evalSamples: '0' })).toThrow(/^--eval-samples:/);
  });

  it('commander hands the flags over and the action throws the named error', async () => {
    const program = new Command().exitOverride();
    registerToy(program);
    await expect(
      program.parseAsync(['toy', '--steps', 'many', '--no-figures'], { from: 'user' }),
    ).rejects.toThrow('--steps: must be an integer ≥ 0, got "many"');
    await expect(program.parseAsync(['toy', '--model', 'full'], { from: 'user' })).rejects.toThrow(
      /^--model:/,
    );
  });
});
