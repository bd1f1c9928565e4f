/**
 * npm run bench:compare [-- --json FILE] [--quick] [--reps K] [--toy-reps K] [--warmup K]
 *   [--only mcLoss,logProb,toy,ged] [--no-torch] [--torch-float32] [--python PATH]
 *   [--blas system|reference|openblas] [--pin] [--runs K]
 * npm run bench:compare -- --merge A.json --merge B.json [--json FILE]
 *
 * Times each workload in ssn-ts and in PyTorch (spec/torch/bench.py), interleaved, and prints
 * medians and the ratio ssn-ts / PyTorch. With --runs K (K > 1) it does that K times, each
 * in a fresh pair of processes, and reports the medians over the runs with each row's range
 * of ratios (`mergeRuns`); --merge merges reports made earlier (same machine and set-up) into
 * one, a merged report counting as its runs, and times nothing. See spec/performance.md. Exit
 * code 1 when a deterministic workload's values differ between the two sides, 2 for a bad flag.
 */
import { spawnSync } from 'node:child_process';
import { constants as osConstants, tmpdir } from 'node:os';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ALLOCATOR_ENV,
  blasLibraryPath,
  checkOnly,
  formatReport,
  mergeRuns,
  runCompare,
} from './compare.js';
import type { BlasChoice, CompareReport } from './compare.js';

/** The integer value of flag --name, at least `min`; undefined when the flag is absent. */
function intFlag(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`--${name}: expected an integer ≥ ${min}, got ${v}`);
  }
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: 'string' },
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      'toy-reps': { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string' },
      'no-torch': { type: 'boolean', default: false },
      'torch-float32': { type: 'boolean', default: false },
      python: { type: 'string' },
      blas: { type: 'string' },
      pin: { type: 'boolean', default: false },
      runs: { type: 'string' },
      merge: { type: 'string', multiple: true },
    },
    strict: true,
  });
  // The flags given that shape a run (booleans left false are not given).
  const shaping = Object.entries(values).filter(
    ([k, v]) => k !== 'merge' && k !== 'json' && v !== undefined && v !== false,
  );
  if (values.merge !== undefined) {
    // Merging times nothing: a flag that would shape a run is a mistake, not to be ignored.
    if (shaping.length > 0) {
      const flags = shaping.map(([k]) => `--${k}`).join(', ');
      throw new RangeError(`--merge: merges reports already made; ${flags} does not apply`);
    }
    const files = values.merge;
    return finish(mergeRuns(files.map(readReport), files), values.json);
  }
  const blas = values.blas ?? 'system';
  blasLibraryPath(blas); // a bad choice or a missing package fails before any timing
  const runs = intFlag('runs', values.runs, 1) ?? 1;
  // The same flags, but --runs, for each run's process (which gets its own --json).
  const childArgs = shaping.flatMap(([k, v]) =>
    k === 'runs' ? [] : v === true ? [`--${k}`] : [`--${k}`, String(v)],
  );
  const options = {
    blas: blas as BlasChoice,
    quick: values.quick,
    reps: intFlag('reps', values.reps, 1),
    toyReps: intFlag('toy-reps', values['toy-reps'], 1),
    warmup: intFlag('warmup', values.warmup, 0),
    only: values.only?.split(',').map((s) => s.trim()),
    torch: !values['no-torch'],
    torchFloat32: values['torch-float32'],
    python: values.python,
    pin: values.pin,
    log: (line: string) => process.stderr.write(`${line}\n`),
  };
  checkOnly(options.only); // every flag checked here, before any run starts
  return finish(runs > 1 ? mergeEach(runs, childArgs) : await runCompare(options), values.json);
}

/** Prints the report, writes it to `json` if given; 1 when some values differ, else 0. */
function finish(report: CompareReport, json: string | undefined): number {
  console.log(formatReport(report));
  if (json) {
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${json}`);
  }
  const differ = report.workloads.filter((r) => r.agree === false);
  if (differ.length > 0) {
    console.error(
      `values differ between ssn-ts and torch: ${differ.map((r) => r.name).join(', ')}`,
    );
    return 1;
  }
  return 0;
}

/** A report written by --json, read back for --merge. @throws RangeError naming the file */
function readReport(file: string): CompareReport {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RangeError(`--merge: cannot read ${file} (${e instanceof Error ? e.message : e})`);
  }
  const r = json as Partial<CompareReport> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    !Array.isArray(r.workloads) ||
    r.machine === null ||
    typeof r.machine !== 'object'
  ) {
    throw new RangeError(
      `--merge: ${file} is not a bench:compare report (no workloads or machine)`,
    );
  }
  return r as CompareReport;
}

/**
 * Runs this script `runs` times, one after the other, each in a process of its own (which starts
 * its own torch process) with `args` and a JSON report of its own, and merges their reports.
 * Each run's progress goes to stderr under a "run i/K" line; its table is not printed. The
 * reports are written to a temporary folder, removed once merged; when a run fails or the runs
 * do not merge, the folder is kept and the error names it, so that finished runs are not lost.
 * @throws Error when a run fails other than by values that differ (its stderr has been passed
 *   through), or RangeError when the runs do not merge (`mergeRuns`)
 */
function mergeEach(runs: number, args: readonly string[]): CompareReport {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const reports: CompareReport[] = [];
  const kept = () => `; the finished runs' reports are in ${dir}`;
  for (let i = 1; i <= runs; i++) {
    process.stderr.write(`run ${i}/${runs}\n`);
    const json = join(dir, `run${i}.json`);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, process.argv[1], ...args, '--json', json],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    // Exit status 1 with a report written: values differ, which the merged report says too.
    // Without one, status 1 is a crash like any other.
    const wrote = existsSync(json);
    if (child.error || !((child.status === 0 || child.status === 1) && wrote)) {
      const why =
        child.error?.message ??
        child.signal ??
        `exit status ${child.status}${wrote ? '' : ', no report'}`;
      throw new Error(`run ${i}/${runs} failed (${why})${kept()}`);
    }
    reports.push(JSON.parse(readFileSync(json, 'utf8')) as CompareReport);
  }
  let merged: CompareReport;
  try {
    merged = mergeRuns(
      reports,
      reports.map((_, i) => `run ${i + 1}`),
    );
  } catch (e) {
    throw new RangeError(`${e instanceof Error ? e.message : String(e)}${kept()}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return merged;
}

/**
 * Both sides run with the same glibc allocator settings (`ALLOCATOR_ENV`): when this process was
 * started without them, it runs itself again with them (the torch process inherits them). See
 * `ALLOCATOR_ENV` in compare.ts for why.
 */
function withAllocatorSettings(): boolean {
  if (Object.keys(ALLOCATOR_ENV).every((k) => process.env[k] !== undefined)) return true;
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...ALLOCATOR_ENV, ...process.env },
  });
  if (again.error) {
    console.error(`bench:compare: could not start itself again: ${again.error.message}`);
    process.exitCode = 4;
  } else if (again.signal) {
    console.error(`bench:compare: ended by ${again.signal}`);
    process.exitCode = 128 + (osConstants.signals[again.signal] ?? 0);
  } else {
    process.exitCode = again.status ?? 4;
  }
  return false;
}

if (withAllocatorSettings())
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`bench:compare: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 2;
    },
  );
