/**
 * The `ssn` command line's one way of reading flags and reporting usage errors: commander
 * argument parsers for every kind of flag value, the translation of commander's own errors and of
 * the library's field-named errors into one line `--flag: what is wrong` (exit 2), and the
 * writability checks every command runs on its output paths before any work starts (exit 3).
 */
import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CommanderError, InvalidArgumentError } from 'commander';
import { CliError, EXIT_INTERNAL, EXIT_IO, EXIT_USAGE, FileError, UsageError } from './errors.js';

/** A commander parser for an integer flag ≥ `min`. */
export function integerArg(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** A commander parser for a positive finite number. */
export function positiveArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !(n > 0)) {
    throw new InvalidArgumentError(`must be a positive number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A commander parser for a number ≥ 0. */
export function nonNegativeArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError(`must be a number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A commander parser for one of `choices`. */
export function choiceArg<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(
        `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
      );
    }
    return value as T;
  };
}

/** A commander parser for a comma-separated list of `choices`. */
export function choiceListArg<T extends string>(choices: readonly T[]): (value: string) => T[] {
  const one = choiceArg(choices);
  return (value) => value.split(',').map((v) => one(v.trim()));
}

/** A commander parser for a non-empty path. */
export function pathArg(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must be a path, got ""');
  return value;
}

/** The long flag in commander's `flags` text: '-q, --quiet' → '--quiet'. */
function longFlag(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0] ?? flags;
}

/**
 * Commander's error as one line `--flag: what is wrong` (without the `ssn: ` prefix), or null for
 * the ones that are not errors (help, version).
 */
export function commanderErrorLine(err: CommanderError): string | null {
  const m = err.message.replace(/^error: /, '');
  let g: RegExpExecArray | null;
  switch (err.code) {
    case 'commander.helpDisplayed':
    case 'commander.version':
    case 'commander.executeSubCommandAsync':
      return null;
    case 'commander.invalidArgument':
      if ((g = /^option '([^']+)' argument '.*' is invalid\. (.*)$/s.exec(m)) !== null) {
        return `${longFlag(g[1] ?? '')}: ${g[2] ?? ''}`;
      }
      if (
        (g = /^command-argument value '(.*)' is invalid for argument '([^']+)'\. (.*)$/s.exec(m))
      ) {
        return `<${g[2] ?? ''}>: ${g[3] ?? ''}`;
      }
      return m;
    case 'commander.missingMandatoryOptionValue':
      g = /option '([^']+)'/.exec(m);
      return `${longFlag(g?.[1] ?? '')}: required`;
    case 'commander.optionMissingArgument':
      g = /option '([^']+)'/.exec(m);
      return `${longFlag(g?.[1] ?? '')}: needs a value`;
    case 'commander.unknownOption':
      g = /unknown option '([^']+)'(.*)$/s.exec(m);
      return `${g?.[1] ?? m}: unknown option${(g?.[2] ?? '').replace(/^\s*\(Did you mean (.*)\?\)/, ' (did you mean $1?)')}`;
    case 'commander.unknownCommand':
      g = /unknown command '([^']+)'/.exec(m);
      return `${g?.[1] ?? m}: unknown command (ssn --help lists them)`;
    case 'commander.missingArgument':
      g = /argument '([^']+)'/.exec(m);
      return `<${g?.[1] ?? ''}>: required`;
    case 'commander.excessArguments':
      return `${m.replace(/\.$/, '')} (ssn <command> --help shows the usage)`;
    case 'commander.help':
      return 'a command is needed (ssn --help lists them)';
    default:
      return m;
  }
}

/**
 * A library error whose message starts with a field name (`lossSamples: must be even`) as a
 * UsageError naming the flag (`--loss-samples: must be even`); other errors pass unchanged.
 */
export function asFlagError(err: unknown, flags: Readonly<Record<string, string>>): unknown {
  if (!(err instanceof RangeError || err instanceof TypeError)) return err;
  const g = /^([A-Za-z]\w*)(\[\d+\])?: (.*)$/s.exec(err.message);
  const flag = g === null ? undefined : flags[g[1] ?? ''];
  return flag === undefined ? err : new UsageError(`${flag}: ${g?.[3] ?? ''}`);
}

/** The nearest existing ancestor of `path` (itself if it exists). */
function nearestExisting(path: string): string {
  let p = resolve(path);
  for (;;) {
    try {
      statSync(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

function checkCanWrite(flag: string, path: string, target: string): void {
  try {
    accessSync(target, constants.W_OK);
  } catch (e) {
    throw new FileError(
      `${flag}: ${path}: cannot write into ${target} (${(e as NodeJS.ErrnoException).code ?? 'denied'})`,
    );
  }
}

/**
 * Checks that the directory `dir` exists and is writable, or can be created: its nearest
 * existing ancestor is a writable directory in which a folder can be made (tried, and removed
 * at once: some file systems, such as /proc as root, pass the access test but refuse any new
 * folder, and Node's recursive mkdir then loops for ever). Leaves nothing behind.
 * @throws FileError naming the flag and the path
 */
export function checkWritableDir(flag: string, dir: string, shown = dir): void {
  const existing = nearestExisting(dir);
  if (!statSync(existing).isDirectory()) {
    throw new FileError(`${flag}: ${shown}: ${existing} is not a directory`);
  }
  checkCanWrite(flag, shown, existing);
  const target = resolve(dir);
  if (target === existing) return;
  // The first missing folder on the way to `dir`.
  const first = join(existing, relative(existing, target).split(sep)[0] as string);
  try {
    mkdirSync(first);
    rmdirSync(first);
  } catch (e) {
    throw new FileError(
      `${flag}: ${shown}: cannot create ${first} (${(e as NodeJS.ErrnoException).code ?? 'refused'})`,
    );
  }
}

/**
 * Checks that the file `file` can be written: an existing writable file, or a new one in a
 * directory that exists (writable) or can be created. Writes nothing.
 * @throws FileError naming the flag and the path
 */
export function checkWritableFile(flag: string, file: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    checkWritableDir(flag, dirname(resolve(file)), file);
    return;
  }
  if (isDirectory) throw new FileError(`${flag}: ${file} is a directory, not a file`);
  checkCanWrite(flag, file, file);
}

/**
 * Any error as the CLI reports it: one line (without `ssn: `) and an exit code. CliError keeps
 * its code; commander's usage errors and the library's RangeError/TypeError (bad input) are 2; a
 * file system error is 3; anything else is unexpected: 4, its line marked as such (exit 1 stays
 * `check`'s verdict that a value is off, which a crash must not look like).
 */
export function errorReport(err: unknown): { line: string | null; exitCode: number } {
  if (err instanceof CliError) return { line: err.message, exitCode: err.exitCode };
  if (err instanceof CommanderError) {
    const line = commanderErrorLine(err);
    return { line, exitCode: line === null ? err.exitCode : EXIT_USAGE };
  }
  if (err instanceof RangeError || err instanceof TypeError) {
    return { line: err.message, exitCode: EXIT_USAGE };
  }
  const e = err as NodeJS.ErrnoException;
  if (err instanceof Error && typeof e.code === 'string' && typeof e.path === 'string') {
    return { line: `${e.path}: cannot read or write (${e.code})`, exitCode: EXIT_IO };
  }
  const what = err instanceof Error ? err.message : String(err);
  return { line: `unexpected error: ${what} (please report it)`, exitCode: EXIT_INTERNAL };
}
