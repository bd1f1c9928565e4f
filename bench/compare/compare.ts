/**
 * The side-by-side benchmark: each workload in ssn-ts and in PyTorch, interleaved (one ssn-ts
 * repetition, then one torch repetition, …, after warm-up repetitions of both), medians and the
 * ratio ssn-ts / PyTorch. `run.ts` is the command line around `runCompare`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTorchServer } from './torchServer.js';
import type { TorchServer } from './torchServer.js';
import { WORKLOADS } from './workloads.js';
import type { Params, Workload } from './workloads.js';

/**
 * `relative`, a path from the repository's root, found from this module's folder upwards: the
 * source (bench/compare/), its compiled copy (out/bench-build/bench/compare/, what
 * `npm run bench:compare` runs) and the device bundle (.device/bundle/) sit at different depths.
 * Where no folder above has it, the path it would have beside the source (for the error).
 */
function repositoryPath(relative: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return join(here, '..', '..', relative);
  }
}

/** The torch side's script, beside the other PyTorch references. */
export const TORCH_SCRIPT = repositoryPath('spec/torch/bench.py');

/**
 * How this process runs ssn-ts, for the report. `npm run bench:compare` runs the harness and the
 * library compiled by tsc (tsconfig.bench.json, the options of the package's dist/) under plain
 * node, as a user's `import 'ssn-ts'` does. Run from the TypeScript source through tsx instead,
 * the MC loss and GED took a tenth to a quarter longer in the same code (spec/performance.md,
 * "Fairness").
 */
export function ssnRuntime(): string {
  const url = import.meta.url;
  if (url.endsWith('.ts')) {
    return 'TypeScript source through a loader (such as tsx): slower than the compiled package on some workloads; npm run bench:compare runs the compiled copy';
  }
  return url.endsWith('.mjs')
    ? 'an esbuild bundle (bench/compare/device-bundle.sh) under plain node'
    : "compiled by tsc (tsconfig.bench.json, as the package's dist/) under plain node";
}

export interface CompareOptions {
  /** Tiny sizes, one repetition, no warm-up (the smoke test). */
  quick?: boolean;
  /** Timed repetitions per side, overriding each workload's default (not the toy's). */
  reps?: number;
  /** Timed repetitions of the toy problem (default 2; 1 with quick). */
  toyReps?: number;
  /** Untimed warm-up repetitions per side, overriding each workload's default (not the toy's). */
  warmup?: number;
  /** Workload names to run (default all). */
  only?: readonly string[];
  /** Run the torch side (default true); when false or unavailable, its columns are null. */
  torch?: boolean;
  /** Also time torch in float32 (an extra column; the ratio stays float64 vs float64). */
  torchFloat32?: boolean;
  /** The Python interpreter (default $SSN_PYTHON or /usr/bin/python3). */
  python?: string;
  /**
   * Which BLAS the torch side loads: 'system' (default: whatever libblas.so.3 resolves to),
   * or Debian's 'reference' BLAS or 'openblas' (package libopenblas0-pthread), chosen for the
   * Python process alone through LD_LIBRARY_PATH (see `blasLibraryPath`).
   */
  blas?: BlasChoice;
  /**
   * Pin each side to a core of its own with `taskset` (default false): this process, all its
   * threads (V8's compiler and garbage collector included), to CPU 0 and the Python process to
   * CPU 1. Ignored, with a note, without taskset or a second core.
   */
  pin?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** One row of the table and of the JSON file. */
export interface CompareRow {
  name: string;
  params: Params;
  /** Medians in milliseconds; null when that side did not run (pending, torch unavailable). */
  ssnMs: number | null;
  torchMs: number | null;
  /** ssnMs / torchMs; null when either is missing. */
  ratio: number | null;
  /** torch in float32, when asked for. */
  torchFloat32Ms?: number | null;
  ssnTimesMs: number[];
  torchTimesMs: number[];
  ssnValue: number | null;
  torchValue: number | null;
  /**
   * Whether the two sides compute the same thing: for deterministic workloads their values
   * agree to 1e-9 relative (and, for logProb, so do their values less the factor-free part,
   * `lowRankPart`); for random ones an untimed evaluation on the same noises gives the same loss
   * and gradients (1e-9 of the largest entry). Null when torch did not run.
   */
  agree: boolean | null;
  /** logProb: each side's value less the diagonal-only log-density (the low-rank term's share). */
  lowRankPart?: { ssn: number | null; torch: number | null };
  /** 'ok'; 'pending' when ssn-ts has no implementation of the workload yet. */
  status: 'ok' | 'pending';
  /** Each run's medians and ratio, in run order, when the report merges runs (`mergeRuns`). */
  runs?: RunFigures;
}

/** A row's figures from each of several runs (fresh processes on both sides each). */
export interface RunFigures {
  ssnMs: (number | null)[];
  torchMs: (number | null)[];
  ratio: (number | null)[];
  /** torch in float32, where the runs timed it (`--torch-float32`). */
  torchFloat32Ms?: (number | null)[];
}

/** The BLAS choices of `CompareOptions.blas`. */
export const BLAS_CHOICES = ['system', 'reference', 'openblas'] as const;
export type BlasChoice = (typeof BLAS_CHOICES)[number];

/**
 * The LD_LIBRARY_PATH that makes Debian's numpy and torch (both linked to libblas.so.3 and
 * liblapack.so.3) load the chosen BLAS, or undefined for 'system'.
 * @throws RangeError when the choice is unknown or its Debian package is not installed
 */
export function blasLibraryPath(choice: string): string | undefined {
  if (!(BLAS_CHOICES as readonly string[]).includes(choice)) {
    throw new RangeError(`blas: unknown choice ${choice} (known: ${BLAS_CHOICES.join(', ')})`);
  }
  if (choice === 'system') return undefined;
  const triplet = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const lib = `/usr/lib/${triplet}`;
  const [dirs, pkg] =
    choice === 'openblas'
      ? [[`${lib}/openblas-pthread`], 'libopenblas0-pthread']
      : [[`${lib}/blas`, `${lib}/lapack`], 'libblas3 and liblapack3'];
  const missing = dirs.find(
    (d) => !existsSync(`${d}/${d.endsWith('lapack') ? 'liblapack' : 'libblas'}.so.3`),
  );
  if (missing !== undefined) {
    throw new RangeError(`blas: ${choice} needs Debian's ${pkg} (no ${missing})`);
  }
  return dirs.join(':');
}

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  torch: string | null;
  numpy: string | null;
  torchThreads: number | null;
  /** The BLAS choice asked for, and the library the torch process actually loaded. */
  blasChoice: BlasChoice;
  blas: string | null;
  dtype: 'float64';
  /** Where each side ran: 'ssn-ts on CPU 0, torch on CPU 1' when pinned, else null. */
  pinned: string | null;
  /** The CPUs the torch process may run on, as it reports them (null: unknown, not run). */
  torchCpus: number[] | null;
  /** glibc's allocator variables ssn-ts's process ran with (`ALLOCATOR_ENV` when started by
   * run.ts) and those the torch process reports (absent in reports from before they were set). */
  ssnAllocator?: string;
  torchAllocator?: string;
  /** How the ssn-ts side ran (`ssnRuntime`; absent in reports from before it was recorded). */
  ssnRuntime?: string;
  date: string;
}

export interface CompareReport {
  workloads: CompareRow[];
  machine: Machine;
  /** How many runs the report merges (`mergeRuns`); absent for a single run. */
  runs?: number;
  /** Why the torch columns are empty, when they are. */
  torchNote?: string;
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('xs: median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Median of the non-null entries, or null when there are none. */
function medianOrNull(xs: readonly (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length > 0 ? median(v) : null;
}

/**
 * One report from several runs of the same cases, each run a fresh pair of processes (run.ts
 * `--runs K`), or from reports made so (`--merge`: a merged report counts as its runs). A V8
 * process keeps its code and heap layout for its life, and on the AMD EPYC the same workload ran
 * at one speed in most processes and up to about 1.6 times slower in some, all its calls alike
 * (spec/performance.md, "Fairness"), so one run's medians can land either way. Each row's ms are
 * the medians of the runs' medians, its ratio the median of the runs' ratios (each run's two
 * sides timed interleaved, so a run's ratio pairs like with like), and `runs` keeps every run's
 * figures (torch in float32 too, where every report timed it). Values are the first report's; a
 * row agrees when every report's does. The machine is the first report's.
 * @param labels - how errors name the reports (default "report 1", "report 2", …)
 * @throws RangeError when there is no report, the reports' rows differ in workload or params, or
 *   they come from different machines or set-ups (`setupOf`: CPU, Node, torch, numpy, BLAS,
 *   torch threads, pinning, allocators, how the ssn-ts side ran), or only some timed torch in
 *   float32
 */
export function mergeRuns(
  reports: readonly CompareReport[],
  labels: readonly string[] = reports.map((_, i) => `report ${i + 1}`),
): CompareReport {
  if (reports.length === 0) throw new RangeError('reports: nothing to merge');
  const [first] = reports;
  const sameRows = (r: CompareReport) =>
    r.workloads.length === first.workloads.length &&
    r.workloads.every(
      (row, i) =>
        row.name === first.workloads[i].name &&
        JSON.stringify(row.params) === JSON.stringify(first.workloads[i].params),
    );
  const odd = reports.findIndex((r) => !sameRows(r));
  if (odd >= 0) {
    throw new RangeError(`reports: ${labels[odd]} does not have ${labels[0]}'s rows`);
  }
  const other = reports.findIndex((r) => setupOf(r.machine) !== setupOf(first.machine));
  if (other >= 0) {
    throw new RangeError(
      `reports: ${labels[other]} is from another machine or set-up (${setupOf(reports[other].machine)}, against ${setupOf(first.machine)})`,
    );
  }
  const float32 = reports.map((r) => r.workloads.some((w) => w.torchFloat32Ms !== undefined));
  if (float32.some((f) => f !== float32[0])) {
    throw new RangeError(
      `reports: ${labels[float32.indexOf(!float32[0])]} ${float32[0] ? 'has no' : 'has a'} torch float32 column, unlike ${labels[0]}`,
    );
  }
  const figuresOf = (r: CompareRow): RunFigures =>
    r.runs ?? {
      ssnMs: [r.ssnMs],
      torchMs: [r.torchMs],
      ratio: [r.ratio],
      ...(r.torchFloat32Ms !== undefined ? { torchFloat32Ms: [r.torchFloat32Ms] } : {}),
    };
  const workloads = first.workloads.map((row, i): CompareRow => {
    const rows = reports.map((r) => r.workloads[i]);
    const figures = rows.map(figuresOf);
    const runs: RunFigures = {
      ssnMs: figures.flatMap((f) => f.ssnMs),
      torchMs: figures.flatMap((f) => f.torchMs),
      ratio: figures.flatMap((f) => f.ratio),
    };
    if (float32[0]) runs.torchFloat32Ms = figures.flatMap((f) => f.torchFloat32Ms ?? [null]);
    const agrees = rows.map((r) => r.agree);
    const merged: CompareRow = {
      ...row,
      ssnMs: medianOrNull(runs.ssnMs),
      torchMs: medianOrNull(runs.torchMs),
      ratio: medianOrNull(runs.ratio),
      ssnTimesMs: rows.flatMap((r) => r.ssnTimesMs),
      torchTimesMs: rows.flatMap((r) => r.torchTimesMs),
      agree: agrees.every((a) => a === null) ? null : agrees.every((a) => a !== false),
      runs,
    };
    if (runs.torchFloat32Ms !== undefined) {
      merged.torchFloat32Ms = medianOrNull(runs.torchFloat32Ms);
    }
    return merged;
  });
  const count = reports.reduce((sum, r) => sum + (r.runs ?? 1), 0);
  return { ...first, workloads, runs: count };
}

/**
 * What must be the same for reports to merge: the machine, the other side's versions and BLAS,
 * its threads, the pinning, both sides' allocator settings and how the ssn-ts side ran (a
 * report from before `ssnRuntime` was recorded ran through tsx, and does not merge with a
 * compiled one).
 */
function setupOf(m: Machine): string {
  const runtime = m.ssnRuntime ?? 'not recorded (through tsx)';
  return [
    m.cpu,
    m.node,
    m.torch,
    m.numpy,
    m.blas,
    m.torchThreads,
    m.pinned,
    m.ssnAllocator,
    m.torchAllocator,
    runtime,
  ].join(' | ');
}

/** The CPU model from /proc/cpuinfo (os.cpus() elsewhere). */
export function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** Whether two scalars agree to 1e-9 relative (1e-12 absolute near zero). */
export function valuesAgree(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** @throws RangeError naming the workloads of `only` that are not known */
export function checkOnly(only: readonly string[] | undefined): void {
  if (!only) return;
  const known = WORKLOADS.map((w) => w.name as string);
  const unknown = only.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new RangeError(
      `only: unknown workload ${unknown.join(', ')} (known: ${known.join(', ')})`,
    );
  }
}

/** Runs the benchmark and returns its report (writes nothing). */
export async function runCompare(options: CompareOptions = {}): Promise<CompareReport> {
  const quick = options.quick ?? false;
  const log = options.log ?? (() => undefined);
  const only = options.only;
  checkOnly(only);
  const blasChoice = options.blas ?? 'system';
  const libraryPath = blasLibraryPath(blasChoice);
  let server: TorchServer | null = null;
  let torchNote: string | undefined;
  const pinned = options.pin ? pinSides(log) : null;
  if (options.torch === false) {
    torchNote = 'torch side not run (--no-torch)';
  } else {
    const python = options.python ?? process.env.SSN_PYTHON ?? '/usr/bin/python3';
    const env: NodeJS.ProcessEnv = {
      ...ALLOCATOR_ENV,
      ...process.env,
      ...(libraryPath === undefined ? {} : { LD_LIBRARY_PATH: libraryPath }),
    };

    const wrapper = pinned ? ['taskset', '-c', '1'] : [];
    const started = await startTorchServer(python, TORCH_SCRIPT, undefined, env, wrapper);
    if (started.ok) server = started.server;
    else torchNote = `torch side skipped: ${started.reason}`;
  }
  if (torchNote) log(torchNote);

  const rows: CompareRow[] = [];
  try {
    for (const w of WORKLOADS) {
      if (only && !only.includes(w.name)) continue;
      for (const params of w.cases(quick)) {
        const isToy = w.name === 'toy';
        const reps = quick ? 1 : isToy ? (options.toyReps ?? w.reps) : (options.reps ?? w.reps);
        const warmup = quick ? 0 : isToy ? w.warmup : (options.warmup ?? w.warmup);
        log(
          `${w.name} ${JSON.stringify(params)}: ${reps} reps each${warmup ? `, ${warmup} warm-up` : ''}`,
        );
        rows.push(await measure(w, params, reps, warmup, server, options.torchFloat32 ?? false));
      }
    }
  } finally {
    await server?.close();
  }
  const machine: Machine = {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    torch: server?.hello.torch ?? null,
    numpy: server?.hello.numpy ?? null,
    torchThreads: server?.hello.threads ?? null,
    blasChoice,
    blas: server?.hello.blas ?? null,
    dtype: 'float64',
    pinned: pinned ? 'ssn-ts on CPU 0, torch on CPU 1' : null,
    torchCpus: server?.hello.cpus ?? null,
    ssnAllocator: `${allocatorLine(process.env)} (${nodeLibc()})`,
    ssnRuntime: ssnRuntime(),
    ...(server?.hello.allocator
      ? {
          torchAllocator: `${allocatorLine(server.hello.allocator)} (${server.hello.libc ?? 'C library unknown'})`,
        }
      : {}),
    date: new Date().toISOString(),
  };
  return torchNote === undefined
    ? { workloads: rows, machine }
    : { workloads: rows, machine, torchNote };
}

/**
 * Pins this process (every thread) to CPU 0 with taskset, for `runCompare`'s `pin`; the torch
 * process is then started under `taskset -c 1`. False, with a log line, when there is no
 * taskset or no second core.
 */
function pinSides(log: (line: string) => void): boolean {
  if (cpus().length < 2) {
    log('pin: one core only; the two sides are not pinned');
    return false;
  }
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch (e) {
    log(`pin: taskset failed (${e instanceof Error ? e.message : String(e)}); not pinned`);
    return false;
  }
}

/**
 * glibc's allocator settings for both processes (unless set already; run.ts starts itself again
 * with them, and the torch process inherits them): keep freed memory for reuse instead of
 * returning large blocks to the kernel. By default glibc maps each of PyTorch's 40 MB
 * temporaries (the log-density at N 10⁵, R 50) afresh, and the page faults then cost more than
 * the arithmetic: 74 ms a call instead of 40 ms, on some runs and not others, by what the process
 * allocated before; the MC loss's temporaries likewise (torch 103 → 87 ms at 256²). Fixed at the
 * fast state, so that the other side is timed at its best (spec/performance.md, "Fairness").
 * No blocks mapped on their own (`MALLOC_MMAP_MAX_=0`), and none trimmed below 2 GiB: a large
 * `MALLOC_MMAP_THRESHOLD_` instead would do the same where glibc accepts it, but older glibc
 * caps it at 32 MiB and ignores larger values, which would leave PyTorch in its slow state.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = {
  MALLOC_MMAP_MAX_: '0',
  MALLOC_TRIM_THRESHOLD_: String(2 ** 31),
};

/** This process's C library, as Node reports it ("glibc 2.36"). */
function nodeLibc(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } })
    ?.header;
  return header?.glibcVersionRuntime ? `glibc ${header.glibcVersionRuntime}` : 'C library unknown';
}

/** The allocator variables of `ALLOCATOR_ENV` as set in `env`, "NAME=value" (or "(unset)"). */
function allocatorLine(env: Readonly<Record<string, string | null | undefined>>): string {
  return Object.keys(ALLOCATOR_ENV)
    .map((k) => `${k}=${env[k] ?? '(unset)'}`)
    .join(' ');
}

async function measure(
  w: Workload,
  params: Params,
  reps: number,
  warmup: number,
  server: TorchServer | null,
  float32: boolean,
): Promise<CompareRow> {
  const { name, deterministic } = w;
  const run = w.prepare ? w.prepare(params) : null;
  const ssnTimes: number[] = [];
  const torchTimes: number[] = [];
  const torch32Times: number[] = [];
  let ssnValue: number | null = null;
  let torchValue: number | null = null;
  for (let k = 0; k < warmup; k++) run?.();
  if (server && warmup > 0) {
    await server.run(name, params, warmup);
    if (float32) await server.run(name, params, warmup, 'float32');
  }
  for (let k = 0; k < reps; k++) {
    if (run) {
      const t0 = performance.now();
      ssnValue = run();
      ssnTimes.push(performance.now() - t0);
    }
    if (server) {
      const a = await server.run(name, params, 1);
      torchTimes.push(...a.times);
      torchValue = a.value;
      if (float32) torch32Times.push(...(await server.run(name, params, 1, 'float32')).times);
    }
  }
  const ssnMs = ssnTimes.length > 0 ? median(ssnTimes) : null;
  const torchMs = torchTimes.length > 0 ? median(torchTimes) : null;
  const row: CompareRow = {
    name,
    params,
    ssnMs,
    torchMs,
    ratio: ssnMs !== null && torchMs !== null ? ssnMs / torchMs : null,
    ssnTimesMs: ssnTimes,
    torchTimesMs: torchTimes,
    ssnValue,
    torchValue,
    agree:
      deterministic && ssnValue !== null && torchValue !== null
        ? valuesAgree(ssnValue, torchValue)
        : null,
    status: run ? 'ok' : 'pending',
  };
  if (w.baseline) {
    const base = w.baseline(params);
    const part = (v: number | null): number | null => (v === null ? null : v - base);
    row.lowRankPart = { ssn: part(ssnValue), torch: part(torchValue) };
    const { ssn, torch } = row.lowRankPart;
    if (row.agree !== null && ssn !== null && torch !== null) {
      row.agree &&= valuesAgree(ssn, torch);
    }
  }
  if (w.check && server && run) {
    row.agree = await w.check(params, (input) => server.check(name, params, input));
  }
  if (float32) row.torchFloat32Ms = torch32Times.length > 0 ? median(torch32Times) : null;
  return row;
}

/** "lo–hi" of the non-null ratios, two decimals ("—" when there are none). */
function ratioRange(ratios: readonly (number | null)[]): string {
  const v = ratios.filter((x): x is number => x !== null);
  if (v.length === 0) return '—';
  return `${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)}`;
}

/** The report as a plain-text table, with the machine and the notes. */
export function formatReport(report: CompareReport): string {
  const f32 = report.workloads.some((r) => r.torchFloat32Ms !== undefined);
  const ms = (v: number | null | undefined): string =>
    v === null || v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(2);
  const runs = report.runs ?? 1;
  const header = ['workload', 'params', 'ssn-ts ms', 'torch ms', 'ratio'];
  if (runs > 1) header.push('ratio range');
  if (f32) header.push('torch f32 ms');
  header.push('values');
  const body = report.workloads.map((r) => {
    const cells = [
      r.name,
      Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
      r.status === 'pending' ? 'pending' : ms(r.ssnMs),
      ms(r.torchMs),
      r.ratio === null ? '—' : r.ratio.toFixed(2),
    ];
    if (runs > 1) cells.push(ratioRange(r.runs?.ratio ?? []));
    if (f32) cells.push(ms(r.torchFloat32Ms));
    cells.push(r.agree === null ? '' : r.agree ? 'agree' : 'DIFFER');
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const m = report.machine;
  const out = [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `machine: ${m.cpu}, ${m.cores} cores, node ${m.node}, torch ${m.torch ?? '—'} (numpy ${m.numpy ?? '—'}), ${m.torchThreads ?? '—'} torch thread(s), float64 on both sides`,
    `BLAS of the torch side (--blas ${m.blasChoice}): ${m.blas ?? '—'}`,
    ...(m.ssnRuntime ? [`ssn-ts side: ${m.ssnRuntime}`] : []),
    ...(m.ssnAllocator ? [`glibc allocator, ssn-ts: ${m.ssnAllocator}`] : []),
    ...(m.torchAllocator ? [`glibc allocator, torch: ${m.torchAllocator}`] : []),
    `cores: ${m.pinned ?? 'not pinned (--pin: each side on a core of its own)'}`,
    'medians of interleaved repetitions; ratio = ssn-ts / PyTorch (≤ 1: ssn-ts no slower)',
    ...(runs > 1
      ? [
          `${runs} runs, each a fresh pair of processes: ms and ratio are medians over the runs of each run's figures; ratio range: the runs' lowest and highest`,
        ]
      : []),
    'values: logProb and ged values agree to 1e-9 (logProb also less its diagonal part); mcLoss and toy: one untimed loss and its gradients for the same noises agree to 1e-9',
  ];
  if (report.torchNote) out.push(report.torchNote);
  return out.join('\n');
}
