/**
 * The `ssn` command line's entry (bin/ssn.js runs its compiled form, dist/cli/main.js).
 */
import { runCli } from './program.js';

// `ssn … | head -1`: when the reader closes the pipe, stop quietly with the work's exit code.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE')
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw err;
});

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
