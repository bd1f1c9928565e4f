/**
 * Smoke test of `npm run bench:compare`: the harness runs at tiny sizes (`--quick`), the
 * report has the JSON shape, the deterministic workloads agree between ssn-ts and
 * PyTorch (when torch is importable; its part is skipped otherwise), and a missing
 * interpreter leaves the torch columns empty with a note instead of failing.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALLOCATOR_ENV,
  blasLibraryPath,
  formatReport,
  median,
  mergeRuns,
  runCompare,
  TORCH_SCRIPT,
  valuesAgree,
} from '../../bench/compare/compare.js';
import { startTorchServer } from '../../bench/compare/torchServer.js';
import type { CompareReport } from '../../bench/compare/compare.js';
import {
  diagonalLogProb,
  discMapsFixture,
  distributionFixture,
} from '../../bench/compare/fixtures.js';
import {
  arraysAgree,
  toyModels,
  toyParams,
  toyProtocolOf,
  WORKLOADS,
} from '../../bench/compare/workloads.js';
import { createRng } from '../../src/random/rng.js';
import { toyTargets } from '../../src/toy/problem.js';
import { BEST_PROTOCOL, PAPER_PROTOCOL, toyProtocol } from '../../src/toy/protocol.js';

const run = promisify(execFile);

/** `bench/compare/run.ts` with `args`, from the TypeScript source through tsx. */
function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}) {
  return run(process.execPath, ['--import', 'tsx', 'bench/compare/run.ts', ...args], options);
}

function checkRowShape(row: Record<string, unknown>): void {
  expect(typeof row.name).toBe('string');
  expect(typeof row.params).toBe('object');
  for (const key of ['ssnMs', 'torchMs', 'ratio']) {
    const v = row[key];
    expect(v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0)).toBe(true);
  }
}

describe('bench:compare --quick', () => {
  let report: CompareReport;
  beforeAll(async () => {
    report = await runCompare({ quick: true });
  });

  it('times every workload of the issue, ssn-ts side included', () => {
    expect(report.workloads.map((r) => r.name)).toEqual([
      'mcLoss',
      'logProb',
      'logProb',
      'toy',
      'toy',
      'ged',
      'ged',
    ]);
    // logProb in both regimes of the factor; GED on clean and speckled discs.
    const factors = report.workloads
      .filter((r) => r.name === 'logProb')
      .map((r) => r.params.factor);
    expect(factors).toEqual(['small', 'large']);
    const speckles = report.workloads.filter((r) => r.name === 'ged').map((r) => r.params.speckle);
    expect(speckles).toEqual([0, 30]);
    // The toy rows: the default protocol (best) first, then the official one.
    const toys = report.workloads.filter((r) => r.name === 'toy');
    expect(toys.map((r) => r.params.sharedNoise)).toEqual([1, undefined]);
    // Both sides train the official parameterisation under the paper protocol, the column one
    // under best.
    expect(toys.map((r) => r.params.officialParams)).toEqual([undefined, 1]);
    for (const row of report.workloads) {
      checkRowShape(row as unknown as Record<string, unknown>);
      if (row.status === 'ok') expect(row.ssnTimesMs).toHaveLength(1);
    }
    expect(report.machine.cpu.length).toBeGreaterThan(0);
    expect(report.machine.cores).toBeGreaterThanOrEqual(1);
    expect(report.machine.node).toBe(process.version);
    // Here (vitest) from the TypeScript source, which the report says.
    expect(report.machine.ssnRuntime).toMatch(/^TypeScript source through a loader/);
  });

  it('gives the ratio ssn-ts / torch and equal deterministic values when torch runs', () => {
    if (report.torchNote !== undefined) {
      expect(report.torchNote).toMatch(/^torch side skipped: /);
      expect(report.workloads.every((r) => r.torchMs === null && r.ratio === null)).toBe(true);
      return;
    }
    expect(report.machine.torch).toMatch(/^\d+\.\d+/);
    expect(report.machine.torchThreads).toBe(1);
    for (const row of report.workloads) {
      expect(row.torchMs).toBeGreaterThan(0);
      if (row.ssnMs !== null)
        expect(row.ratio).toBeCloseTo(row.ssnMs / (row.torchMs as number), 12);
    }
    // Every row is checked: values for logProb and ged, same-noise loss and gradients for the
    // random workloads (mcLoss, toy).
    for (const row of report.workloads) expect(row.agree).toBe(true);
    for (const row of report.workloads.filter((r) => r.name === 'logProb')) {
      const { ssn, torch } = row.lowRankPart ?? {};
      // The factor's share of the log-density is far from zero, so comparing it tests the
      // capacitance's log-determinant and the Woodbury term.
      expect(Math.abs(ssn as number)).toBeGreaterThan(1);
      expect(Math.abs((ssn as number) - (torch as number))).toBeLessThan(
        1e-9 * Math.abs(ssn as number),
      );
    }
    expect(formatReport(report)).toMatch(/ratio/);
  });
});

describe('bench:compare without torch', () => {
  it('leaves the torch columns empty with a note when the interpreter is missing', async () => {
    const report = await runCompare({ quick: true, only: ['ged'], python: '/nonexistent/python3' });
    expect(report.torchNote).toMatch(/^torch side skipped: /);
    expect(report.workloads).toHaveLength(2); // clean and speckled discs
    expect(report.workloads[0].torchMs).toBeNull();
    expect(report.workloads[0].ratio).toBeNull();
    expect(report.workloads[0].ssnMs).toBeGreaterThan(0);
    expect(formatReport(report)).toContain('torch side skipped');
  });

  it('rejects an unknown workload name', async () => {
    await expect(runCompare({ quick: true, only: ['nope'], torch: false })).rejects.toThrow(
      /^only: unknown workload nope/,
    );
  });
});

describe('bench:compare command line', () => {
  it('writes { workloads: [{ name, params, ssnMs, torchMs, ratio }], machine } with --json', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ssn-bench-')), 'compare.json');
    await runCli(['--quick', '--no-torch', '--only', 'ged', '--json', file]);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['workloads', 'machine']));
    expect(json.workloads).toHaveLength(2);
    expect(json.workloads[0].name).toBe('ged');
    expect(json.workloads[0].params).toEqual({
      samples: 6,
      annotators: 4,
      side: 16,
      classes: 2,
      speckle: 0,
    });
    checkRowShape(json.workloads[0]);
    expect(typeof json.machine.cpu).toBe('string');
  });

  it('merges K runs, each in processes of its own, with --runs K', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ssn-bench-')), 'compare.json');
    const { stdout, stderr } = await runCli([
      '--quick',
      '--no-torch',
      '--only',
      'ged',
      '--runs',
      '2',
      '--json',
      file,
    ]);
    expect(stderr).toMatch(/run 1\/2[\s\S]*run 2\/2/);
    const json = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
    expect(json.runs).toBe(2);
    expect(json.workloads).toHaveLength(2);
    for (const row of json.workloads) {
      expect(row.runs?.ssnMs).toHaveLength(2);
      expect(row.ssnMs).toBe(median(row.runs!.ssnMs as number[]));
      expect(row.ssnTimesMs).toHaveLength(2); // one quick repetition a run
    }
    expect(stdout).toMatch(/ratio range/);
    expect(stdout).toMatch(/2 runs, each a fresh pair of processes/);
  });

  it('merges reports made earlier with --merge, and refuses a file that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-merge-'));
    const files = [join(dir, 'a.json'), join(dir, 'b.json')];
    for (const f of files) {
      const r = await runCompare({ quick: true, only: ['ged'], torch: false });
      writeFileSync(f, JSON.stringify(r));
    }
    const out = join(dir, 'merged.json');
    await runCli(['--merge', files[0], '--merge', files[1], '--json', out]);
    const merged = JSON.parse(readFileSync(out, 'utf8')) as CompareReport;
    expect(merged.runs).toBe(2);
    expect(merged.workloads.map((r) => r.runs?.ssnMs.length)).toEqual([2, 2]);
    writeFileSync(join(dir, 'not.json'), '{"rows": []}');
    await expect(runCli(['--merge', join(dir, 'not.json')])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--merge: .*not\.json is not a bench:compare report/),
    });
    await expect(runCli(['--merge', files[0], '--runs', '2'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--merge: .*--runs does not apply/),
    });
    await expect(runCli(['--merge', files[0], '--quick', '--only', 'ged'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--merge: .*--quick, --only does not apply/),
    });
    writeFileSync(join(dir, 'null.json'), '{"workloads": [], "machine": null}');
    await expect(runCli(['--merge', join(dir, 'null.json')])).rejects.toMatchObject({
      stderr: expect.stringMatching(/null\.json is not a bench:compare report/),
    });
  });

  it('refuses an unknown workload before the first of several runs starts', async () => {
    const failed = runCli(['--runs', '2', '--only', 'nope']);
    await expect(failed).rejects.toMatchObject({
      stderr: expect.stringMatching(/only: unknown workload nope/),
    });
    await expect(failed).rejects.toMatchObject({
      stderr: expect.not.stringMatching(/run 1\/2/),
    });
  });

  it('refuses --runs 0 by name before any run', async () => {
    await expect(runCli(['--runs', '0'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--runs: expected an integer ≥ 1, got 0/),
    });
  });
});

describe('merging runs (mergeRuns)', () => {
  /** A one-row report with the given medians (values and agreement as given). */
  function report(ssnMs: number, torchMs: number | null, agree: boolean | null): CompareReport {
    return {
      workloads: [
        {
          name: 'ged',
          params: { side: 8, speckle: 0 },
          ssnMs,
          torchMs,
          ratio: torchMs === null ? null : ssnMs / torchMs,
          ssnTimesMs: [ssnMs],
          torchTimesMs: torchMs === null ? [] : [torchMs],
          ssnValue: 1,
          torchValue: torchMs === null ? null : 1,
          agree,
          status: 'ok',
        },
      ],
      machine: { cpu: 'test' } as CompareReport['machine'],
    };
  }

  it("takes the median of the runs' ratios, not the ratio of the medians", () => {
    // Runs' ratios 1/2, 4/8, 3/1: median 0.5. The medians of the ms, 3 and 2, would give 1.5.
    const merged = mergeRuns([report(1, 2, true), report(4, 8, true), report(3, 1, true)]);
    const [row] = merged.workloads;
    expect(row.ratio).toBe(0.5);
    expect(row.ssnMs).toBe(3);
    expect(row.torchMs).toBe(2);
    expect(row.runs).toEqual({ ssnMs: [1, 4, 3], torchMs: [2, 8, 1], ratio: [0.5, 0.5, 3] });
    expect(row.ssnTimesMs).toEqual([1, 4, 3]);
    expect(merged.runs).toBe(3);
    expect(formatReport(merged)).toMatch(/0\.50–3\.00/);
  });

  it('agrees only when every run agrees, and leaves the torch columns empty without torch', () => {
    expect(mergeRuns([report(1, 1, true), report(1, 1, false)]).workloads[0].agree).toBe(false);
    expect(mergeRuns([report(1, 1, true), report(1, 1, true)]).workloads[0].agree).toBe(true);
    const alone = mergeRuns([report(1, null, null), report(2, null, null)]).workloads[0];
    expect([alone.torchMs, alone.ratio, alone.agree]).toEqual([null, null, null]);
    expect(alone.ssnMs).toBe(1.5);
  });

  it('merges merged reports as their runs (--merge), and refuses another machine', () => {
    const a = mergeRuns([report(1, 2, true), report(4, 8, true), report(3, 1, true)]);
    const b = mergeRuns([report(2, 1, true), report(5, 5, true)]);
    const both = mergeRuns([a, b]);
    expect(both.runs).toBe(5);
    expect(both.workloads[0].runs?.ratio).toEqual([0.5, 0.5, 3, 2, 1]);
    expect(both.workloads[0].ratio).toBe(1);
    expect(both.workloads[0].ssnMs).toBe(3); // median of 1, 4, 3, 2, 5
    const elsewhere = report(1, 1, true);
    elsewhere.machine = { ...elsewhere.machine, cpu: 'other' };
    expect(() => mergeRuns([a, elsewhere])).toThrow(/^reports: report 2 is from another machine/);
    // How the ssn-ts side ran is part of the set-up: a report through tsx (which did not record
    // it) does not merge with a compiled one, nor a pinned run with an unpinned one.
    const compiled = report(1, 1, true);
    compiled.machine = { ...compiled.machine, ssnRuntime: 'compiled by tsc' };
    expect(() => mergeRuns([report(1, 1, true), compiled], ['old.json', 'new.json'])).toThrow(
      /^reports: new\.json is from another machine or set-up/,
    );
    const pinned = report(1, 1, true);
    pinned.machine = { ...pinned.machine, pinned: 'ssn-ts on CPU 0, torch on CPU 1' };
    expect(() => mergeRuns([report(1, 1, true), pinned])).toThrow(/report 2 is from another/);
  });

  it('merges torch in float32 run by run, and refuses a set where only some timed it', () => {
    const f32 = (ms: number, n: number) => {
      const one = report(1, 1, true);
      one.workloads[0].torchFloat32Ms = ms;
      return mergeRuns(Array.from({ length: n }, () => one));
    };
    // Five runs at 1 ms, one at 10 and one at 10: the median over the seven runs is 1.
    const merged = mergeRuns([f32(1, 5), f32(10, 1), f32(10, 1)]);
    expect(merged.workloads[0].runs?.torchFloat32Ms).toEqual([1, 1, 1, 1, 1, 10, 10]);
    expect(merged.workloads[0].torchFloat32Ms).toBe(1);
    expect(() => mergeRuns([f32(1, 1), report(1, 1, true)])).toThrow(
      /^reports: report 2 has no torch float32 column, unlike report 1/,
    );
  });

  it('refuses runs whose rows differ, and an empty list', () => {
    const other = report(1, 1, true);
    other.workloads[0].params = { side: 16, speckle: 0 };
    expect(() => mergeRuns([report(1, 1, true), other])).toThrow(/^reports: report 2 /);
    expect(() => mergeRuns([])).toThrow(/^reports: nothing to merge/);
  });
});

describe('npm run bench:compare: the compiled harness', () => {
  it('compiles with tsconfig.bench.json, runs under plain node, says so and finds the torch script', async () => {
    await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json']);
    const file = join(mkdtempSync(join(tmpdir(), 'ssn-compiled-')), 'compare.json');
    const { stdout } = await run(process.execPath, [
      'out/bench-build/bench/compare/run.js',
      '--quick',
      '--only',
      'ged',
      '--json',
      file,
    ]);
    const json = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
    expect(json.machine.ssnRuntime).toMatch(/^compiled by tsc \(tsconfig\.bench\.json/);
    expect(stdout).toMatch(/ssn-ts side: compiled by tsc/);
    expect(json.workloads[0].ssnMs).toBeGreaterThan(0);
    // From out/bench-build/bench/compare/ the script is four folders up: where torch is
    // importable both sides ran and agree; a wrong path would leave a note instead.
    if (json.torchNote === undefined) expect(json.workloads[0].agree).toBe(true);
    else expect(json.torchNote).not.toMatch(/bench\.py.*(No such file|ENOENT|can't open)/);
  });
});

describe('pinning each side to a core (--pin)', () => {
  it.skipIf(cpus().length < 2 || !existsSync('/usr/bin/taskset'))(
    'runs the torch process on CPU 1 alone and says so',
    async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'ssn-pin-')), 'compare.json');
      await runCli(['--quick', '--pin', '--only', 'ged', '--json', file]);
      const json = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
      expect(json.machine.pinned).toBe('ssn-ts on CPU 0, torch on CPU 1');
      if (json.torchNote === undefined) expect(json.machine.torchCpus).toEqual([1]);
    },
  );

  it('leaves both sides unpinned by default', async () => {
    const report = await runCompare({ quick: true, only: ['ged'] });
    expect(report.machine.pinned).toBeNull();
  });
});

describe('the bundle for a machine without Node (bench/compare/device-bundle.sh)', () => {
  it('builds .device/bundle/compare.mjs, which runs the comparison and finds the torch script', async () => {
    await run('bash', ['bench/compare/device-bundle.sh', '--bundle-only']);
    const file = join(mkdtempSync(join(tmpdir(), 'ssn-bundle-')), 'compare.json');
    await run(process.execPath, [
      '.device/bundle/compare.mjs',
      '--quick',
      '--only',
      'ged',
      '--json',
      file,
    ]);
    const json = JSON.parse(readFileSync(file, 'utf8')) as CompareReport;
    expect(json.workloads.map((r) => r.name)).toEqual(['ged', 'ged']);
    expect(json.workloads[0].ssnMs).toBeGreaterThan(0);
    // Where torch is importable the bundle reached spec/torch/bench.py and both sides agree; a
    // wrong path would leave a note naming the missing script.
    if (json.torchNote === undefined) expect(json.workloads[0].agree).toBe(true);
    else expect(json.torchNote).not.toMatch(/bench\.py.*(No such file|ENOENT|can't open)/);
  });

  it('refuses an unknown argument by name before building anything', async () => {
    await expect(run('bash', ['bench/compare/device-bundle.sh', '--nope'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown argument --nope/),
    });
  });
});

describe('the BLAS of the torch side', () => {
  it('names the library the torch process loaded, and the choice asked for', async () => {
    const report = await runCompare({ quick: true, only: ['ged'] });
    expect(report.machine.blasChoice).toBe('system');
    if (report.torchNote === undefined) expect(report.machine.blas).toMatch(/(blas|blis|mkl)/);
    expect(formatReport(report)).toMatch(/BLAS of the torch side \(--blas system\)/);
  });

  it('runs both sides with the allocator settings, as the torch process reports them', async () => {
    // run.ts starts itself again with ALLOCATOR_ENV when they are unset; the torch process
    // inherits them (runCompare gives them to it in any case, unless the caller set its own).
    const file = join(mkdtempSync(join(tmpdir(), 'ssn-bench-')), 'compare.json');
    const env = { ...process.env };
    for (const k of Object.keys(ALLOCATOR_ENV)) delete env[k];
    await runCli(['--quick', '--only', 'ged', '--json', file], { env });
    const { machine, torchNote } = JSON.parse(readFileSync(file, 'utf8'));
    const expected = 'MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483648';
    expect(machine.ssnAllocator).toMatch(new RegExp(`^${expected} \\(`));
    if (torchNote === undefined)
      expect(machine.torchAllocator).toMatch(new RegExp(`^${expected} \\(`));
  });

  it('refuses an unknown choice by name', () => {
    expect(blasLibraryPath('system')).toBeUndefined();
    expect(() => blasLibraryPath('mkl')).toThrow(/^blas: unknown choice mkl/);
  });

  // Runs only where Debian's OpenBLAS is installed (apt-get install libopenblas0-pthread).
  const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3';
  it.skipIf(!existsSync(openblas) || process.arch !== 'x64')(
    'loads OpenBLAS for --blas openblas, whatever the system default is',
    async () => {
      const env = { ...process.env, LD_LIBRARY_PATH: blasLibraryPath('openblas') };
      const started = await startTorchServer('/usr/bin/python3', TORCH_SCRIPT, undefined, env);
      if (!started.ok) return; // no torch here: the first test already says so
      await started.server.close();
      expect(started.server.hello.blas).toMatch(/openblas/);
    },
  );
});

describe('the toy workload', () => {
  it('times the default protocol of ssn toy (best) and the official one, unchanged', () => {
    const toy = WORKLOADS.find((w) => w.name === 'toy');
    const cases = toy?.cases(false) ?? [];
    expect(cases.map(toyProtocolOf)).toEqual([BEST_PROTOCOL, PAPER_PROTOCOL]);
    expect(cases[0]).toEqual({
      pretrainSteps: 300,
      steps: 1500,
      samples: 32,
      lr: 0.05,
      lrFinal: 0.005,
      antithetic: 1,
      sharedNoise: 1,
    });
    expect(cases[1]).toEqual({
      officialParams: 1,
      pretrainSteps: 5000,
      steps: 5000,
      samples: 200,
      lr: 1e-3,
    });
  });

  it("trains each protocol's own parameterisation, as the torch side does", () => {
    const quick = (name: 'best' | 'paper') =>
      toyProtocol(name, { pretrainSteps: 2, steps: 2, samples: 4 });
    const paper = toyModels(quick('paper'), toyTargets(), createRng(0));
    expect(paper.map((m) => m.params.parameterisation)).toEqual(['official', 'official']);
    expect(paper[1].params.logScale).toHaveLength(21 * 2); // one log scale per factor entry
    const best = toyModels(quick('best'), toyTargets(), createRng(0));
    expect(best.map((m) => m.params.parameterisation)).toEqual(['column', 'column']);
    expect(best[1].params.logScale).toHaveLength(2);
  });

  it('refuses parameters that describe neither protocol', () => {
    const p = toyParams(toyProtocol('best'));
    expect(() => toyProtocolOf({ ...p, lrFinal: 0.01 })).toThrow(/^params\.lrFinal: /);
    expect(() => toyProtocolOf({ ...p, antithetic: 0 })).toThrow(/^params\.antithetic: /);
  });
});

describe('the fixtures', () => {
  it('gives each factor column its own frequency: P has full rank R, not 2', () => {
    // Gram-Schmidt on the columns (independent of the library): each keeps most of its norm.
    const size = 20_000;
    for (const rank of [10, 50]) {
      const f = distributionFixture(size, rank);
      const q: Float64Array[] = [];
      let least = Infinity;
      for (let r = 0; r < rank; r++) {
        const v = Float64Array.from({ length: size }, (_, n) => f.covFactor[n * rank + r]);
        const norm0 = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
        for (const u of q) {
          const dot = u.reduce((a, x, n) => a + x * v[n], 0);
          for (let n = 0; n < size; n++) v[n] -= dot * u[n];
        }
        const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
        least = Math.min(least, norm / norm0);
        q.push(v.map((x) => x / norm));
      }
      expect(least).toBeGreaterThan(0.3);
    }
  });

  it("puts the small factor under the Gram kernel's limit (8192) and the large one far above", () => {
    const aNorm = (factor: 'small' | 'large', rank: number): number => {
      const f = distributionFixture(100_000, rank, factor);
      let sum = 0;
      for (let n = 0; n < 100_000; n++) {
        for (let r = 0; r < rank; r++) sum += f.covFactor[n * rank + r] ** 2 / f.covDiag[n];
      }
      return sum;
    };
    for (const rank of [10, 50]) {
      expect(aNorm('small', rank)).toBeLessThan(8192);
      // ‖a_n‖² ≈ 3e5 a logit, as the trained net's heads give.
      expect(aNorm('large', rank) / 100_000).toBeGreaterThan(1e5);
    }
  });

  it('diagonalLogProb is the factor-free log-density', () => {
    const f = { loc: [1, 0], covDiag: [2, 0.5], x: [2, 1], covFactor: [] };
    const hand = -0.5 * (2 * Math.log(2 * Math.PI) + Math.log(2) + Math.log(0.5) + 1 / 2 + 1 / 0.5);
    expect(diagonalLogProb(f as never)).toBeCloseTo(hand, 14);
  });

  it('speckles the discs: about 3 % of pixels flipped, the same maps every call', () => {
    const clean = discMapsFixture(10, 64, 0);
    const speckled = discMapsFixture(10, 64, 0, 30);
    let flipped = 0;
    for (let i = 0; i < clean.length; i++) flipped += clean[i] ^ speckled[i];
    expect(flipped / clean.length).toBeGreaterThan(0.025);
    expect(flipped / clean.length).toBeLessThan(0.035);
    expect(discMapsFixture(10, 64, 0, 30)).toEqual(speckled);
  });
});

describe('the same-noise checks of the random workloads', () => {
  it('arraysAgree compares to 1e-9 of the largest entry', () => {
    expect(arraysAgree([1, 2, 1000], [1, 2 + 1e-7, 1000])).toBe(true);
    expect(arraysAgree([1, 2, 1000], [1, 2 + 1e-5, 1000])).toBe(false);
    expect(arraysAgree([1, 2], [1, 2, 3])).toBe(false);
  });

  it('refuses a torch answer whose loss or one gradient entry is off', async () => {
    const started = await startTorchServer('/usr/bin/python3', TORCH_SCRIPT);
    if (!started.ok) return; // no torch here: the smoke test says so
    try {
      for (const name of ['mcLoss', 'toy'] as const) {
        const w = WORKLOADS.find((x) => x.name === name);
        const params = w?.cases(true).at(-1) ?? {};
        const check = w?.check as NonNullable<typeof w>['check'] & object;
        const ask = (input?: unknown) => started.server.check(name, params, input);
        expect(await check(params, ask)).toBe(true);
        const off = (key: string, i: number, by: number) => async (input?: unknown) => {
          const a = await ask(input);
          const v = a[key];
          if (Array.isArray(v)) v[i] += by * Math.max(...v.map(Math.abs));
          else a[key] = v * (1 + by);
          return a;
        };
        expect(await check(params, off('loss', 0, 1e-7))).toBe(false);
        const grad = name === 'mcLoss' ? 'gradCovFactor' : 'gradMean';
        expect(await check(params, off(grad, 3, 1e-7))).toBe(false);
        expect(await check(params, off(grad, 3, 1e-11))).toBe(true);
      }
    } finally {
      await started.server.close();
    }
  });
});

describe('helpers', () => {
  it('median takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/^xs: /);
  });

  it('valuesAgree uses a relative tolerance of 1e-9', () => {
    expect(valuesAgree(-117152.53094509244, -117152.53094509244 * (1 + 5e-10))).toBe(true);
    expect(valuesAgree(-117152.53, -117152.53 * (1 + 5e-9))).toBe(false);
    expect(valuesAgree(0, 1e-13)).toBe(true);
  });
});
