/**
 * The `ssn` program: every subcommand registered on one commander program, configured once so
 * that every usage error is one line `ssn: --flag: what is wrong` with exit code 2 and no help
 * dump, and every other failure one line with its exit code (src/cli/errors.ts).
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerConformance } from './conformance.js';
import { errorReport } from './flags.js';
import { registerToy } from './toy.js';
import { registerTrain } from './train.js';

/** This package's version, from its package.json (next to dist/ and src/). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/**
 * For a command and its subcommands: quiet on errors (runCli reports them), throwing instead of
 * exiting, and every required option marked "(required)" in the help.
 */
function configure(cmd: Command, writeOut: (s: string) => void): void {
  cmd
    .exitOverride()
    .configureOutput({ writeOut, writeErr: writeOut, outputError: () => {} })
    .showHelpAfterError(false);
  for (const o of cmd.options) {
    if (o.mandatory && !o.description.includes('(required)')) o.description += ' (required)';
  }
  for (const sub of cmd.commands) configure(sub, writeOut);
}

/** The `ssn` program with every subcommand; `writeOut` receives help and version text. */
export function createProgram(writeOut: (s: string) => void = (s) => process.stdout.write(s)) {
  const program = new Command()
    .name('ssn')
    .description('Stochastic Segmentation Networks in TypeScript')
    .version(packageVersion(), '-V, --version', 'print the version');
  registerToy(program);
  registerConformance(program);
  registerTrain(program);
  configure(program, writeOut);
  return program;
}

/**
 * Runs `ssn` on `args` (without `node` and the script). Errors are written as one line
 * `ssn: …` to `err`.
 * @returns the exit code (0 unless something failed; a command may also set process.exitCode)
 */
export async function runCli(
  args: readonly string[],
  err: (line: string) => void = (line) => console.error(line),
): Promise<number> {
  try {
    await createProgram().parseAsync([...args], { from: 'user' });
    return 0;
  } catch (e) {
    const { line, exitCode } = errorReport(e);
    if (line !== null) err(`ssn: ${line}`);
    return exitCode;
  }
}
