import type { Command } from 'commander';

/** Placeholder: `ssn train` and `ssn experiment` land with the conv-net work. */
export function registerTrain(_program: Command): void {}
