/**
 * The page's toy training (web/src/toyRun.ts, what its workers run) against the library's
 * `runToyModel` with the settings `ssn toy` parses from the page's command line, computed here at
 * test time: the losses of every step and both estimates must be equal, bit for bit.
 */
import { describe, it, expect } from 'vitest';
import { parseToyOptions } from '../../src/cli/toy.js';
import { runToyModel } from '../../src/toy/experiment.js';
import { runToyInPage, toyCommand } from '../../web/src/toyRun.js';
import type { ToyRunSettings } from '../../web/src/toyRun.js';
import { flagsOf } from './toyCommand.js';

const cases: ToyRunSettings[] = [
  { protocol: 'best', rank: 3, seed: 4, evalSamples: 2000 },
  { protocol: 'best', rank: 1, seed: 1, lr: 0.02, samples: 16, evalSamples: 2000 },
  // The paper preset: the official parameterisation (a log scale per factor entry, no ε).
  { protocol: 'paper', rank: 2, seed: 2, samples: 20, evalSamples: 2000 },
];

describe('the page trains the toy models as ssn toy does', () => {
  for (const s of cases) {
    const cmd = toyCommand(s);
    it(cmd, () => {
      const cli = parseToyOptions(flagsOf(cmd));
      for (const kind of ['diagonal', 'lowrank'] as const) {
        const page = runToyInPage(kind, s, () => {});
        const lib = runToyModel({
          kind,
          rank: cli.rank,
          protocol: cli.protocol,
          seed: cli.seed,
          evalSamples: cli.evalSamples,
        });
        expect(page.losses).toEqual(Array.from(lib.training.losses));
        expect(page.estimate).toBe(lib.evaluation.estimate);
        expect(page.paper1000).toBe(lib.evaluation.paper1000);
        expect(page.standardError).toBe(lib.evaluation.standardError);
      }
    });
  }

  it('refuses a learning rate of 0 by name', () => {
    expect(() => runToyInPage('lowrank', { ...cases[0], lr: 0 }, () => {})).toThrow(/^lr: /);
  });
});
