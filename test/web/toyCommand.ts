import { Command } from 'commander';
import { registerToy, type ToyCliOptions } from '../../src/cli/toy.js';

/**
 * `ssn toy --a-b 1 --c 2` → the options `parseToyOptions` takes, parsed by the real `ssn toy`
 * command's own flag definitions (its action replaced, so nothing runs).
 */
export function flagsOf(command: string): ToyCliOptions {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'ssn' || words[1] !== 'toy')
    throw new RangeError(`command: not ssn toy: ${command}`);
  const program = new Command().exitOverride();
  registerToy(program);
  const toy = program.commands.find((c) => c.name() === 'toy');
  if (toy === undefined) throw new Error('ssn toy is not registered');
  let options: ToyCliOptions | undefined;
  toy.exitOverride().action((o: ToyCliOptions) => {
    options = o;
  });
  program.parse(words.slice(1), { from: 'user' });
  if (options === undefined) throw new Error(`command: ${command} did not parse`);
  return options;
}
