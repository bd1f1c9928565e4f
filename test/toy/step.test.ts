/**
 * The fused toy step against toyLossAndGradsReference, the general pieces it replaces in
 * `trainToy`: mcLoss (bernoulli) on `toyDistribution` per target, the per-target results
 * averaged, and `toyDistributionVjp`.
 * The step promises the same floating-point operations in the same order, so the comparison is
 * bit for bit (toEqual on the arrays), not within a tolerance.
 */
import { describe, expect, it } from 'vitest';
import { drawNoise, drawNoiseInto, type Noise } from '../../src/distribution/noise.js';
import { createRng, type Rng } from '../../src/random/rng.js';
import {
  initToyParams,
  toyFactors,
  type ToyParameterisation,
  type ToyParams,
} from '../../src/toy/model.js';
import { toyTargets } from '../../src/toy/problem.js';
import { fusedToyStep } from '../../src/toy/kernels/fusedStep.js';
import { createToyStepWorkspace, toyLossAndGrads } from '../../src/toy/step.js';
import { toyLossAndGradsReference } from '../../src/toy/stepReference.js';

/** Parameters away from the initialisation, so that every term is exercised. */
function randomParams(
  size: number,
  rank: number,
  rng: Rng,
  parameterisation: ToyParameterisation = 'column',
): ToyParams {
  const p = initToyParams(size, rank, rng, {}, parameterisation);
  for (let i = 0; i < size; i++) {
    p.mean[i] = 6 * (rng.uniform() - 0.5);
    p.logDiag[i] = 4 * (rng.uniform() - 0.5);
  }
  for (let k = 0; k < p.logScale.length; k++) p.logScale[k] = 2 * (rng.uniform() - 0.5);
  return p;
}

function randomTargets(count: number, size: number, rng: Rng): Uint8Array[] {
  return Array.from({ length: count }, () =>
    Uint8Array.from({ length: size }, () => +(rng.uniform() < 0.5)),
  );
}

describe('fused toy step', () => {
  const cases = [
    {
      name: 'diagonal, toy targets, shared',
      size: 21,
      rank: 0,
      targets: 2,
      samples: 32,
      shared: true,
    },
    {
      name: 'rank 2, toy targets, shared',
      size: 21,
      rank: 2,
      targets: 2,
      samples: 32,
      shared: true,
    },
    {
      name: 'rank 2, independent noises',
      size: 21,
      rank: 2,
      targets: 2,
      samples: 20,
      shared: false,
    },
    { name: 'rank 1, one target', size: 9, rank: 1, targets: 1, samples: 7, shared: true },
    {
      name: "rank 2, independent noises, 'official' parameterisation",
      size: 21,
      rank: 2,
      targets: 2,
      samples: 20,
      shared: false,
      parameterisation: 'official' as const,
    },
    {
      name: 'rank 3, three targets shared',
      size: 13,
      rank: 3,
      targets: 3,
      samples: 10,
      shared: true,
    },
    {
      name: 'rank 5, three targets independent',
      size: 6,
      rank: 5,
      targets: 3,
      samples: 5,
      shared: false,
    },
    {
      name: 'diagonal, independent noises',
      size: 21,
      rank: 0,
      targets: 2,
      samples: 200,
      shared: false,
    },
  ];
  for (const c of cases) {
    it(`equals toyLossAndGradsReference bit for bit: ${c.name}`, () => {
      const rng = createRng(`step/${c.name}`);
      const p = randomParams(
        c.size,
        c.rank,
        rng,
        'parameterisation' in c ? c.parameterisation : undefined,
      );
      const targets =
        c.size === 21 && c.targets === 2 ? toyTargets() : randomTargets(c.targets, c.size, rng);
      const draw = () =>
        drawNoise(rng, { count: c.samples, rank: Math.max(c.rank, 1), size: c.size });
      const first = draw();
      const noises = targets.map((_, t) => (c.shared || t === 0 ? first : draw()));
      const want = toyLossAndGradsReference(p, targets, noises);
      const got = toyLossAndGrads(p, targets, noises);
      expect(got.loss).toBe(want.loss);
      expect(got.grads).toEqual(want.grads);
      // A reused workspace gives the same again.
      const ws = createToyStepWorkspace(c.size, c.rank, c.samples, c.targets, p.parameterisation);
      toyLossAndGrads(p, targets, noises, ws);
      expect(toyLossAndGrads(p, targets, noises, ws)).toEqual(got);
    });
  }

  it('equals the reference bit for bit where logits overflow to ±∞', () => {
    const rng = createRng('step/overflow');
    const p = initToyParams(21, 2, rng, {}, 'official');
    // exp(709) · u P-entries on top of means near the largest double.
    p.mean[0] = 1.7e308;
    p.mean[1] = -1.7e308;
    p.logScale[0] = 709;
    p.logScale[2] = 709;
    p.direction[0] = 0.5;
    p.direction[2] = -0.5;
    for (const shared of [false, true]) {
      const first = drawNoise(rng, { count: 9, rank: 2, size: 21 });
      const noises = [first, shared ? first : drawNoise(rng, { count: 9, rank: 2, size: 21 })];
      // Some logit of pixel 0 or 1 is ±∞.
      const { covFactor } = toyFactors(p);
      const overflows = noises.some((nz) =>
        Array.from({ length: 9 }, (_, m) => m).some((m) =>
          [0, 1].some((s) => {
            const af =
              covFactor[2 * s] * nz.epsFactor[2 * m] +
              covFactor[2 * s + 1] * nz.epsFactor[2 * m + 1];
            return !Number.isFinite(p.mean[s] + af);
          }),
        ),
      );
      expect(overflows).toBe(true);
      const want = toyLossAndGradsReference(p, toyTargets(), noises);
      const got = toyLossAndGrads(p, toyTargets(), noises);
      expect(got.loss).toBe(want.loss);
      expect(got.grads).toEqual(want.grads);
    }
  });

  it('a mean-only step: the loss and ∂/∂mean of the reference, the other gradients untouched', () => {
    for (const c of cases) {
      const rng = createRng(`step/mean/${c.name}`);
      const p = randomParams(c.size, c.rank, rng, 'official');
      const targets = randomTargets(c.targets, c.size, rng);
      const draw = () =>
        drawNoise(rng, { count: c.samples, rank: Math.max(c.rank, 1), size: c.size });
      const first = draw();
      const noises = targets.map((_, t) => (c.shared || t === 0 ? first : draw()));
      const want = toyLossAndGradsReference(p, targets, noises);
      const ws = createToyStepWorkspace(c.size, c.rank, c.samples, c.targets, p.parameterisation);
      const { gradLogDiag, gradLogScale, gradDirection } = ws.grads;
      for (const g of [gradLogDiag, gradLogScale, gradDirection]) g.fill(7);
      const got = fusedToyStep(p, targets, noises, ws, 'mean');
      expect(got.loss).toBe(want.loss);
      expect(got.grads.gradMean).toEqual(want.grads.gradMean);
      for (const g of [gradLogDiag, gradLogScale, gradDirection]) {
        expect(g.every((v) => v === 7)).toBe(true);
      }
    }
  });

  it('drawNoiseInto draws what drawNoise draws, antithetic pairs included', () => {
    for (const antithetic of [false, true]) {
      const a = drawNoise(createRng(5), { count: 6, rank: 2, size: 4, antithetic });
      const into: Noise = {
        count: 6,
        epsFactor: new Float64Array(12).fill(9),
        epsDiag: new Float64Array(24).fill(9),
      };
      expect(drawNoiseInto(createRng(5), into, antithetic)).toEqual(a);
    }
    const odd: Noise = { count: 3, epsFactor: new Float64Array(3), epsDiag: new Float64Array(6) };
    expect(() => drawNoiseInto(createRng(0), odd, true)).toThrow(/^count: antithetic/);
    const ragged: Noise = {
      count: 2,
      epsFactor: new Float64Array(3),
      epsDiag: new Float64Array(4),
    };
    expect(() => drawNoiseInto(createRng(0), ragged)).toThrow(/^noise: epsFactor \(3\)/);
  });

  it('names the argument when the input is wrong', () => {
    const rng = createRng(1);
    const p = initToyParams(21, 2, rng);
    const y = toyTargets();
    const nz = drawNoise(rng, { count: 4, rank: 2, size: 21 });
    expect(() => toyLossAndGrads(p, [], [])).toThrow(/^targets: /);
    expect(() => toyLossAndGrads(p, y, [nz])).toThrow(/^noises: need one per target/);
    expect(() => toyLossAndGrads(p, [y[0].subarray(1), y[1]], [nz, nz])).toThrow(/^targets\[0\]: /);
    expect(() =>
      toyLossAndGrads(p, [Uint8Array.of(...y[0].slice(0, 20), 2), y[1]], [nz, nz]),
    ).toThrow(/^targets\[0\]: entry 20 is 2/);
    const short = drawNoise(rng, { count: 4, rank: 1, size: 21 });
    expect(() => toyLossAndGrads(p, y, [nz, short])).toThrow(/^noises\[1\]\.epsFactor: /);
    const three = drawNoise(rng, { count: 3, rank: 2, size: 21 });
    expect(() => toyLossAndGrads(p, y, [nz, three])).toThrow(/^noises\[1\]: holds 3 samples/);
    const bad: Noise = { ...nz, epsDiag: nz.epsDiag.slice() };
    bad.epsDiag[5] = NaN;
    expect(() => toyLossAndGrads(p, y, [nz, bad])).toThrow(/^noises\[1\]\.epsDiag: entry 5/);
    const huge = initToyParams(21, 2, rng);
    huge.logDiag[3] = 1000;
    expect(() => toyLossAndGrads(huge, y, [nz, nz])).toThrow(/^exp\(logDiag\): entry 3/);
    const flat = initToyParams(21, 2, rng);
    for (let i = 0; i < 21; i++) flat.direction[2 * i + 1] = 0;
    expect(() => toyLossAndGrads(flat, y, [nz, nz])).toThrow(/^direction: column 1/);
  });
});
