/**
 * The `ssn` command line. Each subcommand lives in its own module and registers itself here.
 */
import { Command, CommanderError } from 'commander';
import { registerConformance } from './conformance.js';
import { registerToy } from './toy.js';
import { registerTrain } from './train.js';

const program = new Command()
  .name('ssn')
  .description('Stochastic Segmentation Networks in TypeScript')
  .showHelpAfterError()
  .exitOverride();

registerToy(program);
registerConformance(program);
registerTrain(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode);
  }
  // A user error: one line naming the fault, no stack trace.
  console.error(`ssn: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
