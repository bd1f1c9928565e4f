import type { Command } from 'commander';

/** Placeholder until the toy problem lands. */
export function registerToy(program: Command): void {
  program
    .command('toy')
    .description('train and evaluate the 21-pixel toy problem (paper section 5.1)')
    .action(() => {
      throw new Error('ssn toy is not implemented yet');
    });
}
