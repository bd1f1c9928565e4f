/**
 * The `ssn` command line's one error vocabulary: every failure is one stderr line
 * `ssn: <what>: <what is wrong>` and one of these exit codes.
 *
 * - 0 success;
 * - 1 a value is off (`ssn check` found a field out of tolerance);
 * - 2 a usage error or malformed input (a bad flag, a malformed file, a bad case or field);
 * - 3 a file cannot be read or written;
 * - 4 an unexpected error: ssn-ts failed where it should not have (a bug, or something in its
 *   environment it did not foresee), e.g. `eval` computed NaN from inputs it accepted. Never a
 *   verdict on the user's values: only `check` exits 1.
 */

/** Exit code: `ssn check` found a value out of tolerance. */
export const EXIT_VALUE_OFF = 1;
/** Exit code: usage error or malformed input. */
export const EXIT_USAGE = 2;
/** Exit code: a file cannot be read or written. */
export const EXIT_IO = 3;
/** Exit code: an unexpected error (a bug in ssn-ts, or an environment it did not foresee). */
export const EXIT_INTERNAL = 4;

/** A failure the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A bad flag or malformed input: exit 2. The message starts with the flag or the case/field. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** A file that cannot be read or written: exit 3. The message starts with the path. */
export class FileError extends CliError {
  constructor(message: string) {
    super(message, EXIT_IO);
    this.name = 'FileError';
  }
}
