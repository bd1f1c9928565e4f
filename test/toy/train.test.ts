import { describe, expect, it } from 'vitest';
import { drawNoise } from '../../src/distribution/noise.js';
import { createAdam } from '../../src/nn/adam.js';
import { createRng } from '../../src/random/rng.js';
import { runToyModel } from '../../src/toy/experiment.js';
import { initToyParams } from '../../src/toy/model.js';
import { toyLossAndGradsReference } from '../../src/toy/stepReference.js';
import { toyTargets } from '../../src/toy/problem.js';
import { PAPER_PROTOCOL, toyProtocol, type ToyProtocol } from '../../src/toy/protocol.js';
import { phaseLearningRate, protocolSteps, trainToy } from '../../src/toy/train.js';

const quick = toyProtocol('best', { pretrainSteps: 100, steps: 300, samples: 16 });

describe('toy training', () => {
  it('a short run puts the models in the right order', () => {
    const diag = runToyModel({ kind: 'diagonal', protocol: quick, seed: 0, evalSamples: 5000 });
    const low = runToyModel({ kind: 'lowrank', protocol: quick, seed: 0, evalSamples: 5000 });
    const d = diag.evaluation;
    const l = low.evaluation;
    // The low-rank model is far better; the diagonal one cannot beat the closed form 7 ln ½.
    expect(l.estimate).toBeGreaterThan(d.estimate + 2);
    expect(d.estimate).toBeLessThan(7 * Math.log(0.5) + 3 * d.standardError);
    expect(l.estimate).toBeLessThan(Math.log(0.5) + 3 * l.standardError);
    // Both learnt something: the untrained models score far lower (about −15).
    expect(d.estimate).toBeGreaterThan(-6);
    expect(l.estimate).toBeGreaterThan(-2);
    expect(diag.training.steps).toBe(400);
    expect(diag.rank).toBe(0);
    expect(low.rank).toBe(2);
  });

  it('the same seed gives the same numbers, another seed others', () => {
    const p = toyProtocol('best', { pretrainSteps: 20, steps: 40, samples: 8 });
    const a = runToyModel({ kind: 'lowrank', protocol: p, seed: 7, evalSamples: 500 });
    const b = runToyModel({ kind: 'lowrank', protocol: p, seed: 7, evalSamples: 500 });
    const c = runToyModel({ kind: 'lowrank', protocol: p, seed: 8, evalSamples: 500 });
    expect(b.evaluation).toEqual(a.evaluation);
    expect(Array.from(b.training.losses)).toEqual(Array.from(a.training.losses));
    expect(Array.from(b.params.direction)).toEqual(Array.from(a.params.direction));
    expect(c.evaluation.estimate).not.toBe(a.evaluation.estimate);
  });

  it('equals a plain loop of the reference step and Adam, bit for bit', () => {
    // The paper protocol (independent noises, a mean-only phase) and best's noise sharing and
    // antithetic pairs, short and at a constant lr, for both models and both parameterisations.
    const paper = toyProtocol('paper', { pretrainSteps: 3, steps: 4, samples: 6 });
    const best = toyProtocol('best', { pretrainSteps: 3, steps: 4, samples: 6 });
    best.phases.forEach((ph) => delete ph.lrFinal);
    for (const protocol of [paper, best]) {
      for (const rank of [0, 2]) {
        const seed = `train/oracle/${protocol.name}/${rank}`;
        const init = (rng: ReturnType<typeof createRng>) =>
          initToyParams(21, rank, rng, protocol.init, protocol.parameterisation);
        const rng = createRng(seed);
        const got = init(rng);
        const res = trainToy(got, toyTargets(), protocol, rng);
        const oracle = createRng(seed);
        const want = init(oracle);
        const losses: number[] = [];
        for (const phase of protocol.phases) {
          const all = [want.mean, want.logDiag, want.logScale, want.direction];
          const trained = phase.train === 'mean' ? [want.mean] : all.filter((a) => a.length > 0);
          const adam = createAdam(trained, { lr: phase.lr });
          for (let i = 0; i < phase.steps; i++) {
            const draw = () =>
              drawNoise(oracle, {
                count: protocol.samples,
                rank: Math.max(rank, 1),
                size: 21,
                antithetic: protocol.antithetic,
              });
            const first = draw();
            const noises = [first, protocol.sharedNoise ? first : draw()];
            const { loss, grads } = toyLossAndGradsReference(want, toyTargets(), noises);
            losses.push(loss);
            const g = [grads.gradMean, grads.gradLogDiag, grads.gradLogScale, grads.gradDirection];
            adam.step(phase.train === 'mean' ? [g[0]] : g.filter((a) => a.length > 0));
          }
        }
        expect(Array.from(res.losses)).toEqual(losses);
        expect(got).toEqual(want);
      }
    }
  });

  it('a non-finite loss returns to the last checkpoint and stops', () => {
    // lr 1e308 sends the mean to ±1e308 on the first step and past the largest double soon after.
    const wild: ToyProtocol = {
      ...toyProtocol('paper', { pretrainSteps: 50, steps: 0, samples: 4 }),
      checkpointEvery: 1,
    };
    wild.phases[0].lr = 1e308;
    const run = () => {
      const rng = createRng(11);
      const params = initToyParams(21, 2, rng, wild.init);
      return { params, res: trainToy(params, toyTargets(), wild, rng) };
    };
    const { params, res } = run();
    expect(res.stoppedEarly).toBe(true);
    expect(res.steps).toBeLessThan(50);
    expect(res.restoredStep).toBeLessThan(res.steps);
    for (const v of params.mean) expect(Number.isFinite(v)).toBe(true);
    // The restored parameters are exactly those after `restoredStep` steps of the same run.
    const short = { ...wild, phases: [{ ...wild.phases[0], steps: res.restoredStep }] };
    const rng = createRng(11);
    const ref = initToyParams(21, 2, rng, wild.init);
    trainToy(ref, toyTargets(), short, rng);
    expect(Array.from(params.mean)).toEqual(Array.from(ref.mean));
  });

  it('the paper protocol is the official script', () => {
    expect(PAPER_PROTOCOL.phases).toEqual([
      { steps: 5000, train: 'mean', lr: 1e-3 },
      { steps: 5000, train: 'all', lr: 1e-3 },
    ]);
    expect(PAPER_PROTOCOL.samples).toBe(200);
    expect(PAPER_PROTOCOL.antithetic).toBe(false);
    expect(PAPER_PROTOCOL.sharedNoise).toBe(false);
    expect(PAPER_PROTOCOL.checkpointEvery).toBe(500);
    expect(PAPER_PROTOCOL.init).toEqual({
      mean: 0,
      logDiag: -1,
      logScale: -1,
      directionHalfWidth: 0.5,
    });
    expect(protocolSteps(toyProtocol('paper'))).toBe(10_000);
  });

  it('overrides and the lr schedule', () => {
    const p = toyProtocol('paper', { steps: 7, pretrainSteps: 0, samples: 10, lr: 0.5 });
    expect(p.phases).toEqual([{ steps: 7, train: 'all', lr: 0.5 }]);
    expect(p.samples).toBe(10);
    const b = toyProtocol('best', { lr: 1 });
    const ratio = b.phases[0].lrFinal! / b.phases[0].lr;
    expect(ratio).toBeCloseTo(0.1, 12);
    const ph = { steps: 3, train: 'all' as const, lr: 1, lrFinal: 0.25 };
    expect([0, 1, 2].map((i) => phaseLearningRate(ph, i))).toEqual([1, 0.5, 0.25]);
  });

  it("paper runs the official parameterisation, best the 'column' one, either overridable", () => {
    expect(toyProtocol('paper').parameterisation).toBe('official');
    expect(toyProtocol('best').parameterisation).toBe('column');
    expect(toyProtocol('best', { parameterisation: 'official' }).parameterisation).toBe('official');
    const short = toyProtocol('paper', { pretrainSteps: 0, steps: 3, samples: 4 });
    const run = runToyModel({ kind: 'lowrank', protocol: short, seed: 0, evalSamples: 100 });
    expect(run.params.parameterisation).toBe('official');
    expect(run.params.logScale.length).toBe(42);
    // covDiag = exp(logDiag) exactly, no ε.
    expect(Array.from(run.dist.covDiag)).toEqual(Array.from(run.params.logDiag, Math.exp));
  });

  it('rejects bad protocols by name', () => {
    expect(() => toyProtocol('fast' as 'best')).toThrow(/^protocol:/);
    expect(() => toyProtocol('best', { steps: -1 })).toThrow(/^steps:/);
    expect(() => toyProtocol('best', { pretrainSteps: 1.5 })).toThrow(/^pretrainSteps:/);
    expect(() => toyProtocol('best', { samples: 0 })).toThrow(/^samples:/);
    expect(() => toyProtocol('best', { samples: 3 })).toThrow(/^samples: antithetic/);
    expect(() => toyProtocol('best', { lr: 0 })).toThrow(/^lr:/);
    expect(() => toyProtocol('best', { parameterisation: 'row' as 'official' })).toThrow(
      /^parameterisation: unknown parameterisation "row"/,
    );
    expect(() => runToyModel({ kind: 'full' as 'lowrank', protocol: quick, seed: 0 })).toThrow(
      /^model:/,
    );
    expect(() => runToyModel({ kind: 'lowrank', rank: 0, protocol: quick, seed: 0 })).toThrow(
      /^rank:/,
    );
  });
});

describe('runToyModel: onTrained', () => {
  it('hands over the trained distribution and the untouched figure stream before evaluating', () => {
    const protocol = toyProtocol('best', { pretrainSteps: 5, steps: 10, samples: 4 });
    const options = { kind: 'lowrank' as const, protocol, seed: 3, evalSamples: 50 };
    const plain = runToyModel(options);
    let seen: { loc: number[]; draw: number } | undefined;
    const hooked = runToyModel({
      ...options,
      onTrained: (t) => {
        expect(seen).toBeUndefined();
        expect([t.name, t.rank]).toEqual(['lowrank', 2]);
        seen = { loc: Array.from(t.dist.loc), draw: t.figureRng.uniform() };
      },
    });
    // The same trained model, the figure stream's first draw, and an evaluation the hook did not
    // change.
    expect(seen?.loc).toEqual(Array.from(plain.dist.loc));
    expect(seen?.draw).toBe(plain.figureRng.uniform());
    expect(hooked.evaluation).toEqual(plain.evaluation);
  });
});

describe('trainToy: onStep', () => {
  it('reports each step with its loss and the parameters being trained, as they stand after it', () => {
    const protocol = toyProtocol('best', { pretrainSteps: 2, steps: 3, samples: 4 });
    const params = initToyParams(21, 2, createRng(3), protocol.init, protocol.parameterisation);
    const seen: { step: number; total: number; same: boolean; mean0: number }[] = [];
    const result = trainToy(params, toyTargets(), protocol, createRng(4), (step, total, _l, p) =>
      seen.push({ step, total, same: p === params, mean0: p.mean[0] }),
    );
    expect(seen.map((s) => s.step)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((s) => s.total === 5 && s.same)).toBe(true);
    // The parameters move from step to step, and the last report holds the final values.
    expect(new Set(seen.map((s) => s.mean0)).size).toBe(5);
    expect(seen[4].mean0).toBe(params.mean[0]);
    expect(result.steps).toBe(5);
  });
});
