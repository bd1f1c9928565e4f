/**
 * `ssn vectors`, `ssn eval` and `ssn check`: the conformance format from the command line.
 *
 * Exit codes: 0 success (check: every field within tolerance); 1 check found a field out of
 * tolerance; 2 malformed input (a file that cannot be read or parsed, a bad case or field: one
 * line `ssn: ...` naming the case id and field).
 * @see spec/conformance.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { computeCase } from '../conformance/caseOps.js';
import {
  compareResults,
  DEFAULT_TOLERANCE,
  formatComparison,
  formatSummary,
  summarizeComparison,
} from '../conformance/compareResults.js';
import {
  ConformanceError,
  parseConformance,
  serializeConformance,
  toJsonValue,
  type ConformanceFile,
} from '../conformance/format.js';
import { generateVectors } from '../conformance/generateVectors.js';

/** Where a command writes: stdout lines and stderr lines. */
export interface ConformanceIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: ConformanceIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Exit code for malformed input. */
export const EXIT_MALFORMED = 2;
/** Exit code when `ssn check` finds a field out of tolerance. */
export const EXIT_FAILED = 1;

function readConformanceFile(path: string): ConformanceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConformanceError(
      `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  return parseConformance(text, path);
}

/** Runs `body`, turning a ConformanceError into one line on stderr and exit code 2. */
function guarded(io: ConformanceIo, body: () => number): number {
  try {
    return body();
  } catch (err) {
    if (err instanceof ConformanceError) {
      io.err(`ssn: ${err.message}`);
      return EXIT_MALFORMED;
    }
    throw err;
  }
}

/** `ssn vectors --seed N --out FILE`. */
export function runVectors(
  options: { seed: string; out: string },
  io: ConformanceIo = consoleIo,
): number {
  const file = generateVectors(options.seed);
  writeFileSync(options.out, serializeConformance(file));
  io.out(`wrote ${file.cases.length} cases (seed ${options.seed}) to ${options.out}`);
  return 0;
}

/** `ssn eval FILE --out FILE2`: every case computed with ssn-ts into `expected`. */
export function runEval(
  input: string,
  options: { out: string },
  io: ConformanceIo = consoleIo,
): number {
  return guarded(io, () => {
    const file = readConformanceFile(input);
    const cases = file.cases.map((c) => ({
      ...c,
      expected: toJsonValue(computeCase(c)) as Record<string, unknown>,
    }));
    writeFileSync(options.out, serializeConformance({ ...file, cases }));
    io.out(`computed ${cases.length} cases with ssn-ts into ${options.out}`);
    return 0;
  });
}

export interface CheckOptions {
  vectors: string;
  results: string;
  /** Tolerance for cases without their own. */
  rtol?: number;
  atol?: number;
  /** Print only failing rows of the per-field table. */
  failuresOnly?: boolean;
}

/** `ssn check --vectors V --results R`: the tables, then 0 (all pass) or 1 (some fail). */
export function runCheck(options: CheckOptions, io: ConformanceIo = consoleIo): number {
  return guarded(io, () => {
    const vectors = readConformanceFile(options.vectors);
    const results = readConformanceFile(options.results);
    const { rows, failed } = compareResults(vectors, results, {
      defaultTolerance: {
        rtol: options.rtol ?? DEFAULT_TOLERANCE.rtol,
        atol: options.atol ?? DEFAULT_TOLERANCE.atol,
      },
    });
    const shown = options.failuresOnly ? rows.filter((r) => !r.ok) : rows;
    if (shown.length > 0) io.out(formatComparison(shown));
    io.out('');
    io.out(formatSummary(summarizeComparison(rows)));
    io.out('');
    io.out(
      `${failed === 0 ? 'PASS' : 'FAIL'}: ${rows.length - failed} of ${rows.length} fields ` +
        `(${vectors.cases.length} cases) within |a − e| ≤ atol + rtol |e|`,
    );
    return failed === 0 ? 0 : EXIT_FAILED;
  });
}

function parseTolerance(name: string) {
  return (value: string): number => {
    const x = Number(value);
    if (!Number.isFinite(x) || x < 0)
      throw new RangeError(`${name}: expected a number ≥ 0, got ${value}`);
    return x;
  };
}

/** Adds `vectors`, `eval` and `check` to the `ssn` program. */
export function registerConformance(program: Command): void {
  program
    .command('vectors')
    .description('write a seeded set of conformance cases with ssn-ts reference values')
    .requiredOption('--seed <n>', 'seed (same seed, same file)')
    .requiredOption('--out <file>', 'where to write the JSON vectors')
    .action((options: { seed: string; out: string }) => {
      process.exitCode = runVectors(options);
    });
  program
    .command('eval')
    .description('compute every case of a conformance file with ssn-ts, filling "expected"')
    .argument('<file>', 'a conformance file ("expected" may be absent)')
    .requiredOption('--out <file>', 'where to write the file with "expected" filled')
    .action((input: string, options: { out: string }) => {
      process.exitCode = runEval(input, options);
    });
  program
    .command('check')
    .description(
      "compare another implementation's results with the vectors' expected values " +
        '(exit 0 pass, 1 fail, 2 malformed input)',
    )
    .requiredOption('--vectors <file>', 'the reference vectors (values in "expected")')
    .requiredOption('--results <file>', 'the results to check (same format, values in "expected")')
    .option(
      '--rtol <x>',
      `rtol for cases without a tolerance (default ${DEFAULT_TOLERANCE.rtol})`,
      parseTolerance('rtol'),
    )
    .option(
      '--atol <x>',
      `atol for cases without a tolerance (default ${DEFAULT_TOLERANCE.atol})`,
      parseTolerance('atol'),
    )
    .option('--failures-only', 'print only the failing rows of the per-field table')
    .action((options: CheckOptions) => {
      process.exitCode = runCheck(options);
    });
}
