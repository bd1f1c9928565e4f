/**
 * The toy problem's training step and a whole default run. `ssn toy` at its defaults trains
 * both models for 1800 steps of 32 antithetic samples shared by both targets (protocol best);
 * the paper protocol's step draws 200 fresh samples per target. Run:
 *   npx vitest bench --run bench/toy.bench.ts
 */
import { bench, describe } from 'vitest';
import { createRng } from '../src/random/rng.js';
import { runToyModel } from '../src/toy/experiment.js';
import { initToyParams } from '../src/toy/model.js';
import { toyTargets } from '../src/toy/problem.js';
import { toyProtocol } from '../src/toy/protocol.js';
import { trainToy } from '../src/toy/train.js';

const targets = toyTargets();

describe('toy: 100 training steps of the rank-2 model', () => {
  for (const name of ['best', 'paper'] as const) {
    const protocol = toyProtocol(name, { pretrainSteps: 0, steps: 100 });
    bench(`protocol ${name} (${protocol.samples} samples/target)`, () => {
      const rng = createRng(0);
      const params = initToyParams(21, 2, rng, protocol.init, protocol.parameterisation);
      trainToy(params, targets, protocol, rng);
    });
  }
});

describe('toy: the default run (both models, protocol best, 100,000-sample evaluation)', () => {
  bench(
    'diagonal + rank 2',
    () => {
      for (const kind of ['diagonal', 'lowrank'] as const) {
        runToyModel({ kind, protocol: toyProtocol('best'), seed: 0 });
      }
    },
    { iterations: 3, time: 0 },
  );
});
