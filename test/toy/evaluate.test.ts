import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { createRng } from '../../src/random/rng.js';
import { bernoulliSampleLogLikelihoods, evaluateToy } from '../../src/toy/evaluate.js';
import { toyTargets } from '../../src/toy/problem.js';
import { expectClose } from '../helpers/close.js';

/** Mean ±a outside the middle block, 0 inside, a shared factor `scale` on it, diagonal d. */
function handBuilt(a: number, scale: number, d: number, rank = 1) {
  const loc = new Float64Array(21);
  const covFactor = new Float64Array(21 * rank);
  for (let s = 0; s < 7; s++) loc[s] = a;
  for (let s = 14; s < 21; s++) loc[s] = -a;
  for (let s = 7; s < 14; s++) covFactor[s * rank] = scale;
  return lowRankNormal({ loc, covFactor, covDiag: new Float64Array(21).fill(d), rank });
}

describe('toy evaluation', () => {
  it('a hand-built near-ideal model scores close to ln ½', () => {
    const ev = evaluateToy(handBuilt(40, 1000, 1e-4, 2), toyTargets(), createRng(1), {
      samples: 20_000,
    });
    // Deficit ≈ E[min(1, 7 e^{−1000|ε|})] ≈ 0.005: within 0.02 of the optimum, and below it.
    expect(Math.abs(ev.estimate - Math.log(0.5))).toBeLessThan(0.02);
    // The 1000-sample estimate has about √(20000/1000) times the precise one's standard error
    // (≈ 0.025 here): within the deficit plus 4 of its standard errors (a failure chance near
    // 6e-5 for a correct estimator, whatever the seed's stream).
    const se1000 = ev.standardError * Math.sqrt(20_000 / 1000);
    expect(se1000).toBeLessThan(0.05);
    expect(Math.abs(ev.paper1000 - Math.log(0.5))).toBeLessThan(0.02 + 4 * se1000);
    expect(ev.estimate).toBeLessThan(Math.log(0.5) + 3 * ev.standardError);
    expect(ev.samples).toBe(20_000);
  });

  it('a near-deterministic independent model scores 7 ln ½ with no spread', () => {
    // Middle logits fixed at 0 (tiny variance): every sample's likelihood is 2^-7.
    const ev = evaluateToy(handBuilt(40, 0, 1e-12), toyTargets(), createRng(2), { samples: 5000 });
    expectClose(ev.estimate, 7 * Math.log(0.5), { rtol: 1e-6 });
    expectClose(ev.paper1000, 7 * Math.log(0.5), { rtol: 1e-6 });
    expect(ev.standardError).toBeLessThan(1e-6);
  });

  it('the standard error matches the spread of repeated estimates', () => {
    // One pixel, loc 0, variance 4: p(y = 1) = E[sigmoid(2ε)] = ½ exactly by symmetry.
    const dist = lowRankNormal({ loc: [0], covFactor: [0], covDiag: [4], rank: 1 });
    const estimates: number[] = [];
    const ses: number[] = [];
    for (let k = 0; k < 30; k++) {
      const ev = evaluateToy(dist, [[1]], createRng(`se/${k}`), {
        samples: 2000,
        paperSamples: 10,
        chunk: 700,
      });
      estimates.push(ev.estimate);
      ses.push(ev.standardError);
    }
    const mean = estimates.reduce((x, y) => x + y, 0) / estimates.length;
    const sd = Math.sqrt(
      estimates.reduce((x, y) => x + (y - mean) ** 2, 0) / (estimates.length - 1),
    );
    const se = ses.reduce((x, y) => x + y, 0) / ses.length;
    expect(sd / se).toBeGreaterThan(0.6);
    expect(sd / se).toBeLessThan(1.5);
    expect(Math.abs(mean - Math.log(0.5))).toBeLessThan((4 * se) / Math.sqrt(30));
  });

  it('per-sample log-likelihoods match a hand computation', () => {
    const dist = lowRankNormal({ loc: [1, -2], covFactor: [0.5, 0], covDiag: [1, 4], rank: 1 });
    const ll = bernoulliSampleLogLikelihoods(dist, [1, 0], { epsFactor: [2], epsDiag: [0, 0.5] });
    // eta = (1 + 0.5·2, −2 + 2·0.5) = (2, −1): log σ(2) + log σ(1).
    const ls = (x: number) => -Math.log1p(Math.exp(-x));
    expectClose(ll[0], ls(2) + ls(1), { rtol: 1e-14 });
  });

  it('rejects bad options by name', () => {
    const d = handBuilt(1, 1, 1);
    expect(() => evaluateToy(d, toyTargets(), createRng(0), { samples: 0 })).toThrow(/^samples:/);
    expect(() => evaluateToy(d, toyTargets(), createRng(0), { paperSamples: 1.5 })).toThrow(
      /^paperSamples:/,
    );
    expect(() => evaluateToy(d, [], createRng(0))).toThrow(/^targets:/);
    expect(() => evaluateToy(d, [[1, 0]], createRng(0))).toThrow(/^labels:/);
  });
});
