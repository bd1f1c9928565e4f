import type { Command } from 'commander';

/** Placeholder: `ssn vectors`, `ssn eval` and `ssn check` land with the conformance work. */
export function registerConformance(_program: Command): void {}
