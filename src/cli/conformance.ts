/**
 * `ssn vectors`, `ssn eval` and `ssn check`: the conformance format from the command line.
 *
 * Exit codes (src/cli/errors.ts): 0 success (check: every field within tolerance); 1 check found a
 * field out of tolerance; 2 a usage error or malformed input (a bad flag, a file that is not this
 * format, a bad case or field, a case over the resource limits); 3 a file that cannot be read or
 * written; 4 an unexpected error (eval computed NaN from valid inputs, or any other failure ssn-ts
 * did not foresee: a bug to report). Every failure is one stderr line `ssn: ...` naming the file,
 * or the case (JSON-quoted id) and field.
 * @see spec/conformance.md#commands
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { CaseBugError, computeCase } from '../conformance/caseOps.js';
import { DEFAULT_LIMITS, formatBytes, parseBytes } from '../conformance/caseCost.js';
import { caseTolerance } from '../conformance/caseTolerance.js';
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
import { CliError, EXIT_INTERNAL, EXIT_VALUE_OFF, FileError, UsageError } from './errors.js';
import { checkWritableFile, nonNegativeArg, positiveArg } from './flags.js';

/** Where a command writes: stdout lines and stderr lines. */
export interface ConformanceIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: ConformanceIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** Why a file operation failed, in a few words (the errno code when there is one). */
function reason(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function readConformanceFile(path: string): ConformanceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FileError(`${path}: cannot read (${reason(err)})`);
  }
  return parseConformance(text, path);
}

/**
 * Writes `text` to `path` whole or not at all: into a fresh file beside it, then renamed over it.
 * @throws FileError naming the path
 */
function writeWhole(path: string, text: string): void {
  let scratch: string | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true }); // as the other commands create their folders
    scratch = mkdtempSync(join(dirname(path), '.ssn-write-'));
    const temporary = join(scratch, 'out.json');
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (err) {
    throw new FileError(`${path}: cannot write (${reason(err)})`);
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** Runs `body`; a CliError or malformed input becomes one stderr line and its exit code. */
function guarded(io: ConformanceIo, body: () => number): number {
  try {
    return body();
  } catch (err) {
    let failure: CliError;
    if (err instanceof CliError) failure = err;
    else if (err instanceof ConformanceError) failure = new UsageError(err.message);
    else if (err instanceof CaseBugError) failure = new CliError(err.message, EXIT_INTERNAL);
    else throw err;
    // One line, whatever a path or a library message holds (ids are JSON-quoted already).
    io.err(`ssn: ${failure.message.replace(/\s*[\r\n]+\s*/g, ' ')}`);
    return failure.exitCode;
  }
}

/** `ssn vectors --seed N --out FILE`. */
export function runVectors(
  options: { seed: string; out: string },
  io: ConformanceIo = consoleIo,
): number {
  return guarded(io, () => {
    checkWritableFile('--out', options.out);
    const file = generateVectors(options.seed);
    writeWhole(options.out, serializeConformance(file));
    io.out(`wrote ${file.cases.length} cases (seed ${options.seed}) to ${options.out}`);
    return 0;
  });
}

/** Options of `ssn eval`. */
export interface EvalOptions {
  out: string;
  /** Refuse a case estimated to need more bytes (default DEFAULT_LIMITS.bytes). */
  maxMemory?: number;
  /** Refuse a case estimated to need more floating-point operations. */
  maxOperations?: number;
}

/**
 * `ssn eval FILE --out FILE2`: every case computed with ssn-ts into `expected`, a case without a
 * `tolerance` given the derived one (caseTolerance.ts), every other key kept. Nothing is written
 * unless every case computed.
 */
export function runEval(
  input: string,
  options: EvalOptions,
  io: ConformanceIo = consoleIo,
): number {
  return guarded(io, () => {
    checkWritableFile('--out', options.out);
    const file = readConformanceFile(input);
    const limits = {
      bytes: options.maxMemory ?? DEFAULT_LIMITS.bytes,
      operations: options.maxOperations ?? DEFAULT_LIMITS.operations,
    };
    const cases = file.cases.map((c) => {
      const expected = toJsonValue(computeCase(c, { limits }));
      const tolerance = c.tolerance ?? caseTolerance(c, expected);
      return tolerance === undefined ? { ...c, expected } : { ...c, expected, tolerance };
    });
    writeWhole(options.out, serializeConformance({ ...file, cases }));
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
    return failed === 0 ? 0 : EXIT_VALUE_OFF;
  });
}

function parseMemory(value: string): number {
  const bytes = parseBytes(value);
  if (bytes === undefined) {
    throw new InvalidArgumentError(
      `expected a size such as 8GiB, 500MB or 2e9 (bytes), got ${JSON.stringify(value)}`,
    );
  }
  return bytes;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a value is off: check found a field out of tolerance (only check exits 1)
  2  usage error or malformed input: a bad flag, a file not in the ssn-conformance format, a
     bad case or field, a case over the resource limits
  3  a file cannot be read or written
  4  an unexpected error: eval computed NaN from valid inputs, or ssn-ts failed in a way it
     did not foresee (a bug to report)
Every failure is one stderr line "ssn: <file, or case "ID" (op) and field>: <what is wrong>".`;

/** Adds `vectors`, `eval` and `check` to the `ssn` program. */
export function registerConformance(program: Command): void {
  program
    .command('vectors')
    .description('write a seeded set of conformance cases with ssn-ts reference values')
    .requiredOption('--seed <n>', 'seed (same seed, same file)')
    .requiredOption('--out <file>', 'where to write the JSON vectors')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((options: { seed: string; out: string }) => {
      process.exitCode = runVectors(options);
    });
  program
    .command('eval')
    .description(
      'compute every case of a conformance file with ssn-ts, filling "expected" (and a derived "tolerance" where a case has none)',
    )
    .argument('<file>', 'a conformance file ("expected" may be absent)')
    .requiredOption('--out <file>', 'where to write the file with "expected" filled')
    .option(
      '--max-memory <size>',
      `refuse a case estimated to need more memory (default ${formatBytes(DEFAULT_LIMITS.bytes)})`,
      parseMemory,
    )
    .option(
      '--max-operations <n>',
      `refuse a case estimated to need more floating-point operations (default ${DEFAULT_LIMITS.operations.toExponential()})`,
      positiveArg,
    )
    .addHelpText('after', EXIT_CODES_HELP)
    .action((input: string, options: EvalOptions) => {
      process.exitCode = runEval(input, options);
    });
  program
    .command('check')
    .description("compare another implementation's results with the vectors' expected values")
    .requiredOption('--vectors <file>', 'the reference vectors (values in "expected")')
    .requiredOption('--results <file>', 'the results to check (same format, values in "expected")')
    .option(
      '--rtol <x>',
      `rtol for cases without a tolerance (default ${DEFAULT_TOLERANCE.rtol})`,
      nonNegativeArg,
    )
    .option(
      '--atol <x>',
      `atol for cases without a tolerance (default ${DEFAULT_TOLERANCE.atol})`,
      nonNegativeArg,
    )
    .option('--failures-only', 'print only the failing rows of the per-field table')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((options: CheckOptions) => {
      process.exitCode = runCheck(options);
    });
}
