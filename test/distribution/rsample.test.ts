import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classNoiseWeights } from '../../src/distribution/layout.js';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { denseCovariance } from '../../src/distribution/marginals.js';
import { drawNoise } from '../../src/distribution/noise.js';
import { rsample, sample } from '../../src/distribution/rsample.js';
import { rsampleReference } from '../../src/distribution/rsampleReference.js';
import { createRng } from '../../src/random/rng.js';
import { distParams } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';

describe('rsample: sample moments approach loc and P Pᵀ + D', () => {
  it('within 5 standard errors that shrink as 1/√draws', () => {
    fc.assert(
      fc.property(distParams(8, 4), fc.integer({ min: 0, max: 1e6 }), (d, seed) => {
        const dist = lowRankNormal(d);
        const draws = 20000;
        const { samples } = sample(dist, createRng(seed), { count: draws });
        const n = d.n;
        const mean = new Float64Array(n);
        for (let m = 0; m < draws; m++)
          for (let i = 0; i < n; i++) mean[i] += samples[m * n + i] / draws;
        const cov = new Float64Array(n * n);
        for (let m = 0; m < draws; m++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              cov[i * n + j] +=
                ((samples[m * n + i] - dist.loc[i]) * (samples[m * n + j] - dist.loc[j])) / draws;
        const sigma = denseCovariance(dist);
        for (let i = 0; i < n; i++) {
          const se = Math.sqrt(sigma[i * n + i] / draws);
          expect(Math.abs(mean[i] - dist.loc[i])).toBeLessThan(5 * se);
          for (let j = 0; j < n; j++) {
            // Var of a product of jointly normal variables: Σii Σjj + Σij².
            const seCov = Math.sqrt(
              (sigma[i * n + i] * sigma[j * n + j] + sigma[i * n + j] ** 2) / draws,
            );
            expect(Math.abs(cov[i * n + j] - sigma[i * n + j])).toBeLessThan(5 * seCov);
          }
        }
      }),
      { seed: 7, numRuns: 12 },
    );
  });
});

describe('rsample: the formula and its options', () => {
  const dist = lowRankNormal({
    loc: [1, -1, 0.5],
    covFactor: [1, 0, 0.5, 2, -1, 1],
    covDiag: [0.25, 4, 1],
    rank: 2,
  });
  const noise = { epsFactor: Float64Array.of(0.3, -1.2), epsDiag: Float64Array.of(2, -0.5, 1) };

  it('is loc + P eps_R + √d ⊙ eps_N, written out by hand', () => {
    const expected = [
      1 + (1 * 0.3 + 0 * -1.2) + 0.5 * 2,
      -1 + (0.5 * 0.3 + 2 * -1.2) + 2 * -0.5,
      0.5 + (-1 * 0.3 + 1 * -1.2) + 1 * 1,
    ];
    expectClose(rsample(dist, noise), expected, { rtol: 1e-15, atol: 1e-15 });
  });

  it('temperature 0 gives the mean, temperature T scales the deviation', () => {
    expectClose(rsample(dist, noise, { temperature: 0 }), dist.loc, { rtol: 0, atol: 0 });
    const one = rsample(dist, noise);
    const half = rsample(dist, noise, { temperature: 0.5 });
    expectClose(
      half,
      Array.from(one, (v, i) => dist.loc[i] + 0.5 * (v - dist.loc[i])),
      { rtol: 1e-15, atol: 1e-15 },
    );
  });

  it('class weights scale one class block and leave the other untouched (paper Figure 6)', () => {
    // 2 classes x 3 pixels, class-major: rows 0-2 class 0, rows 3-5 class 1.
    const d6 = lowRankNormal({
      loc: [0, 1, 2, 3, 4, 5],
      covFactor: [1, 1, 1, 1, 1, 1],
      covDiag: [1, 1, 1, 1, 1, 1],
      rank: 1,
    });
    const nz = { epsFactor: Float64Array.of(1), epsDiag: new Float64Array(6).fill(1) };
    const w = classNoiseWeights({ classes: 2, pixels: 3, layout: 'class-major', weights: [-3, 1] });
    expect(Array.from(w)).toEqual([-3, -3, -3, 1, 1, 1]);
    expectClose(rsample(d6, nz, { rowWeights: w }), [-6, -5, -4, 5, 6, 7], {
      rtol: 0,
      atol: 1e-15,
    });
    const wp = classNoiseWeights({
      classes: 2,
      pixels: 3,
      layout: 'pixel-major',
      weights: [-3, 1],
    });
    expect(Array.from(wp)).toEqual([-3, 1, -3, 1, -3, 1]);
  });

  it('antithetic noises come in mirrored pairs: sample m + M/2 = 2 loc − sample m', () => {
    const rng = createRng(3);
    const { samples, noise: nz } = sample(dist, rng, { count: 6, antithetic: true });
    expect(nz.count).toBe(6);
    for (let m = 0; m < 3; m++)
      for (let i = 0; i < 3; i++)
        expect(samples[(m + 3) * 3 + i]).toBeCloseTo(2 * dist.loc[i] - samples[m * 3 + i], 12);
  });

  it('the same seed draws the same noises', () => {
    const a = drawNoise(createRng('x'), { count: 4, rank: 2, size: 3 });
    const b = drawNoise(createRng('x'), { count: 4, rank: 2, size: 3 });
    expect(a).toEqual(b);
    const c = drawNoise(createRng('y'), { count: 4, rank: 2, size: 3 });
    expect(c.epsDiag).not.toEqual(a.epsDiag);
  });

  it('rejects bad noises, temperatures, weights and odd antithetic counts by name', () => {
    expect(() => rsample(dist, { epsFactor: [1, 2, 3], epsDiag: [0, 0, 0] })).toThrow(
      /^epsFactor: length 3 is not a positive multiple of the rank R = 2/,
    );
    expect(() => rsample(dist, { epsFactor: [1, 2], epsDiag: [0, 0] })).toThrow(
      /^epsDiag: length 2 does not match M x N = 1 x 3/,
    );
    expect(() => rsample(dist, { epsFactor: [1, NaN], epsDiag: [0, 0, 0] })).toThrow(
      /^epsFactor: entry 1 is NaN/,
    );
    expect(() => rsample(dist, noise, { temperature: -1 })).toThrow(
      /^temperature: must be a finite number ≥ 0/,
    );
    expect(() => rsample(dist, noise, { rowWeights: [1, 1] })).toThrow(/^rowWeights: length 2/);
    expect(() => sample(dist, createRng(1), { count: 5, antithetic: true })).toThrow(
      /^count: antithetic pairs need an even sample count, got 5/,
    );
    expect(() => sample(dist, createRng(1), { count: 0 })).toThrow(/^count: must be at least 1/);
  });
});

describe('rsample and sample at the edges', () => {
  const dist = lowRankNormal({ loc: [0, 1], covFactor: [1, 2], covDiag: [1, 1], rank: 1 });

  it('temperature 1e308: ±∞ where the exact value overflows, never NaN', () => {
    // Noise terms v = (1·1 + 1·0.5, 2·1 − 3) = (1.5, −1): T v = (1.5e308, −1e308), both finite.
    const noise = { epsFactor: [1, 0, 2], epsDiag: [0.5, -3, 0, 0, 0, 0] };
    const out = rsample(dist, noise, { temperature: 1e308 });
    expect(out[0]).toBe(1.5e308);
    expect(out[1]).toBe(1 + -1e308);
    expect(out[2]).toBe(0); // zero noise: loc exactly
    expect(out[3]).toBe(1);
    expect(out[4]).toBe(Infinity); // T · 2 overflows
    expect(out[5]).toBe(Infinity);
    // T w overflows (w = 4): zero noise still gives loc, nonzero noise ±∞.
    const w = rsample(dist, noise, { temperature: 1e308, rowWeights: [4, -4] });
    expect(Array.from(w)).toEqual([Infinity, Infinity, 0, 1, Infinity, -Infinity]);
    const { samples } = sample(dist, createRng(3), { count: 50, temperature: 1e308 });
    expect(Array.from(samples).some(Number.isNaN)).toBe(false);
    expect(Array.from(samples).some((v) => !Number.isFinite(v))).toBe(true);
  });

  it('a noise sum that overflows: loc at T = 0, the finite value, ±∞ only past float64', () => {
    // v = P eps_R + √d eps_N overflows to -∞ (1e308 · -2), or to ∞ − ∞ = NaN (two huge terms
    // of opposite sign), though loc + T v is exactly representable.
    const big = lowRankNormal({
      loc: [3, -1],
      covFactor: [1e308, 1e308, 1e308, -1e308],
      covDiag: [4, 4],
      rank: 2,
    });
    const noise = { epsFactor: [-2, 0, 2, 2], epsDiag: [0, 0, 0.5, 1] };
    expect(Array.from(rsample(big, noise, { temperature: 0 }))).toEqual([3, -1, 3, -1]);
    // Sample 0: v = (-2e308, -2e308); T = 0.25 gives loc - 5e307 exactly.
    const quarter = rsample(big, noise, { temperature: 0.25 });
    expect(quarter[0]).toBe(3 - 5e307);
    expect(quarter[1]).toBe(-1 - 5e307);
    // Sample 1: v = (2·0.5 + 4e308, 2·1 + 2e308 − 2e308) in the formula's order: 4e308, and
    // 0 (the 2 is below one ulp of 2e308, as in float64 without overflow): loc + T v.
    expect(quarter[2]).toBe(3 + 1e308);
    expect(quarter[3]).toBe(-1);
    // T = 1: -2e308 is past float64, so -∞; the cancelled entry stays finite.
    const one = rsample(big, noise);
    expect(Array.from(one)).toEqual([-Infinity, -Infinity, Infinity, -1]);
    const asNoise = {
      count: 2,
      epsFactor: Float64Array.from(noise.epsFactor),
      epsDiag: Float64Array.from(noise.epsDiag),
    };
    expect(Array.from(rsampleReference(big, asNoise, 0.25))).toEqual(Array.from(quarter));
  });

  it('a rejected call leaves the generator untouched, and names the argument', () => {
    const untouched = (f: (rng: ReturnType<typeof createRng>) => unknown, message: RegExp) => {
      const rng = createRng(7);
      expect(() => f(rng)).toThrow(message);
      expect(rng.uniform()).toBe(createRng(7).uniform());
    };
    untouched((r) => sample(dist, r, { count: 4, temperature: -1 }), /^temperature: /);
    untouched((r) => sample(dist, r, { count: 4, rowWeights: [1] }), /^rowWeights: /);
    untouched((r) => sample(dist, r, { count: 3, antithetic: true }), /^count: /);
    untouched((r) => sample(dist, r, { count: 0 }), /^count: /);
    untouched((r) => sample(dist, r, { count: 1e10 }), /^count: .*too many to allocate/);
  });
});
