/**
 * The `ssn` command line's entry (bin/ssn.js runs its compiled form, dist/cli/main.js).
 */
import { errorReport } from './flags.js';
import { runCli } from './program.js';

// A failure outside a command's own handling (a callback, a stream, a rejected promise nobody
// awaits) is reported like the others, one line and its code (4 when unexpected), not as Node's
// stack trace with exit 1, which is `check`'s verdict that a value is off.
const reportAndExit = (err: unknown): void => {
  const { line, exitCode } = errorReport(err);
  if (line !== null) process.stderr.write(`ssn: ${line}\n`);
  process.exit(exitCode);
};
process.on('uncaughtException', reportAndExit);
process.on('unhandledRejection', reportAndExit);

// `ssn … | head -1`: when the reader closes the pipe, stop quietly with the work's exit code.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE')
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw err;
});

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
