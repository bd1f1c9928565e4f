import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { parseToyOptions, QUICK_TOY, runToyCommand, type ToyIo } from '../../src/cli/toy.js';
import { protocolSteps } from '../../src/toy/train.js';

function captureIo(): ToyIo & { lines: string[]; errs: string[] } {
  const lines: string[] = [];
  const errs: string[] = [];
  return { lines, errs, out: (l) => lines.push(l), err: (l) => errs.push(l), isTTY: false };
}

const quickFlags = { quick: true, evalSamples: 300 };

describe('ssn toy', () => {
  it('prints the table, writes the JSON and the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-toy-'));
    const io = captureIo();
    const json = join(dir, 'toy.json');
    const s = parseToyOptions({ ...quickFlags, out: dir, json, seed: 3 });
    const result = await runToyCommand(s, io);
    const table = io.lines.join('\n');
    expect(table).toMatch(/^model\s+steps\s+seconds\s+paper/);
    expect(table).toMatch(/\ndiagonal\s+50\s/);
    expect(table).toMatch(/\nrank 2\s+50\s.*-0\.93/);
    expect(table).toMatch(/-4\.8520/);
    // Plain progress lines on a non-terminal.
    expect(io.errs.some((l) => /^rank 2: 50\/50 steps, loss/.test(l))).toBe(true);
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
      seeds: 2,
      figures: false,
      quiet: true,
    });
    const { reports } = await runToyCommand(s, io);
    expect(reports.map((r) => r.seed)).toEqual([0, 1]);
    expect(io.errs).toEqual([]);
    expect(io.lines.join('\n')).toMatch(/mean ± sd \[min, max\]/);
  });

  it('bad flags: one line naming the flag, exit 2, through the one parser', async () => {
    const cases: [string[], string | RegExp][] = [
      [['--model', 'full'], '--model: must be one of diagonal, lowrank, both, got "full"'],
      [['--protocol', 'fast'], /^--protocol: must be one of paper, best/],
      [['--steps', '-5'], '--steps: must be an integer ≥ 0, got "-5"'],
      [['--steps', '1e3'], /^--steps:/],
      [['--pretrain-steps', 'x'], /^--pretrain-steps:/],
      [['--samples', '0'], /^--samples:/],
      [['--samples', '7'], /^--samples: antithetic .*\(or pass --no-antithetic\)$/],
      [['--lr', '0'], /^--lr: must be a positive number/],
      [['--lr', 'fast'], /^--lr:/],
      [['--rank', '0'], /^--rank:/],
      [['--seed', '-1'], /^--seed:/],
      [['--seeds', '0'], /^--seeds:/],
      [['--eval-samples', '0'], /^--eval-samples:/],
      [['--json', ''], /^--json: must be a path/],
      [['--seed'], '--seed: needs a value'],
      [['--bogus'], '--bogus: unknown option'],
    ];
    for (const [args, message] of cases) {
      const errs: string[] = [];
      const code = await runCli(['toy', '--no-figures', ...args], (l) => errs.push(l));
      expect(code, args.join(' ')).toBe(2);
      expect(errs).toHaveLength(1);
      expect(errs[0]?.replace(/^ssn: /, '')).toMatch(message);
    }
    expect(parseToyOptions({ samples: 7, antithetic: false }).protocol.samples).toBe(7);
  });

  it('--quick is a preset that flags override', () => {
    const s = parseToyOptions({ quick: true, steps: 60 });
    expect(s.evalSamples).toBe(QUICK_TOY.evalSamples);
    expect(s.protocol.samples).toBe(QUICK_TOY.samples);
    expect(protocolSteps(s.protocol)).toBe(60 + QUICK_TOY.pretrainSteps);
  });

  it('output paths are checked before training: exit 3, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-toy-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['--out', join(file, 'figures')],
      ['--no-figures', '--json', join(file, 'toy.json')],
      ['--no-figures', '--json', dir],
    ]) {
      const errs: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const progress = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const code = await runCli(['toy', '--quick', ...args], (l) => errs.push(l));
        expect(code, args.join(' ')).toBe(3);
        // Neither a progress line nor the table: the check came before training.
        expect(progress).not.toHaveBeenCalled();
        expect(log).not.toHaveBeenCalled();
      } finally {
        log.mockRestore();
        progress.mockRestore();
      }
      expect(errs[0]).toMatch(/^ssn: --(out|json): /);
    }
    expect(readdirSync(dir)).toEqual(['a-file']);
  });
});
