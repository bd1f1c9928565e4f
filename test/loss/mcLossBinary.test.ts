/**
 * The binary fast path of mcLoss (categorical C = 2 and bernoulli) against mcLossReference (the
 * formulas evaluated with materialised samples), on sizes that cross its pixel blocks and the remainders of its 4-wide loops, and its
 * exponential against Math.exp.
 */
import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { drawNoise } from '../../src/distribution/noise.js';
import { expNonPositive } from '../../src/loss/kernels/expNonPositive.js';
import { mcLoss, mcLossSampled } from '../../src/loss/mcLoss.js';
import { mcLossReference } from '../../src/loss/mcLossReference.js';
import { createRng } from '../../src/random/rng.js';
import { expectClose } from '../helpers/close.js';

interface Setup {
  likelihood: 'categorical' | 'bernoulli';
  layout: 'class-major' | 'pixel-major';
  pixels: number;
  rank: number;
  samples: number;
  masked: boolean;
}

function problem(c: Setup, seed: string) {
  const rng = createRng(seed);
  const n = (c.likelihood === 'categorical' ? 2 : 1) * c.pixels;
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const dist = lowRankNormal({
    loc: Float64Array.from({ length: n }, () => u(-3, 3)),
    covFactor: Float64Array.from({ length: n * c.rank }, () => u(-0.7, 0.7)),
    covDiag: Float64Array.from({ length: n }, () => u(0.05, 2)),
    rank: c.rank,
  });
  const labels = Int32Array.from({ length: c.pixels }, () => (rng.uniform() < 0.4 ? 1 : 0));
  const mask = c.masked
    ? Int32Array.from({ length: c.pixels }, (_, s) => (s % 7 === 3 || s % 5 === 0 ? 0 : 1))
    : undefined;
  const noise = drawNoise(rng, { count: c.samples, rank: c.rank, size: n });
  return { dist, labels, mask, noise };
}

const setups: Setup[] = [
  {
    likelihood: 'categorical',
    layout: 'class-major',
    pixels: 600,
    rank: 10,
    samples: 20,
    masked: false,
  },
  {
    likelihood: 'categorical',
    layout: 'pixel-major',
    pixels: 531,
    rank: 3,
    samples: 6,
    masked: true,
  },
  {
    likelihood: 'categorical',
    layout: 'class-major',
    pixels: 257,
    rank: 1,
    samples: 1,
    masked: true,
  },
  {
    likelihood: 'categorical',
    layout: 'class-major',
    pixels: 300,
    rank: 6,
    samples: 5,
    masked: false,
  },
  {
    likelihood: 'bernoulli',
    layout: 'class-major',
    pixels: 700,
    rank: 5,
    samples: 7,
    masked: true,
  },
  {
    likelihood: 'bernoulli',
    layout: 'class-major',
    pixels: 130,
    rank: 2,
    samples: 3,
    masked: false,
  },
];

describe('mcLoss binary path (C = 2, bernoulli)', () => {
  for (const c of setups) {
    it(`matches mcLossReference: ${JSON.stringify(c)}`, () => {
      const { dist, labels, mask, noise } = problem(c, JSON.stringify(c));
      const options = { likelihood: c.likelihood, classes: 2, layout: c.layout, mask };
      const res = mcLoss(dist, labels, noise, options);
      const ref = mcLossReference(dist, labels, noise, options);
      expectClose(res.loss, ref.loss, { rtol: 1e-12, atol: 1e-12 });
      expectClose(res.logLikelihoods, ref.logLikelihoods, { rtol: 1e-12, atol: 1e-10 });
      expectClose(res.weights, ref.weights, { rtol: 1e-9, atol: 1e-15 });
      expectClose(res.gradLoc, ref.gradLoc, { rtol: 1e-9, atol: 1e-14 });
      expectClose(res.gradCovFactor, ref.gradCovFactor, { rtol: 1e-9, atol: 1e-14 });
      expectClose(res.gradCovDiag, ref.gradCovDiag, { rtol: 1e-9, atol: 1e-14 });
      if (mask) {
        // Masked pixels get exactly zero gradients, whatever the layout.
        const S = c.pixels;
        const logits = (s: number) =>
          c.likelihood === 'bernoulli'
            ? [s]
            : c.layout === 'class-major'
              ? [s, S + s]
              : [2 * s, 2 * s + 1];
        for (let s = 0; s < S; s++) {
          if (mask[s] === 0) for (const i of logits(s)) expect(res.gradLoc[i]).toBe(0);
        }
      }
    });
  }

  it('calls of the same sizes, which reuse the buffers of the last call, give the same bits', () => {
    // The kernel keeps √d and the slopes of its last call for the next one of the same sizes:
    // masked, unmasked and masked again, each against the same problem computed first.
    const c: Setup = { ...setups[1], layout: 'class-major' };
    const options = (mask: Int32Array | undefined) =>
      ({ likelihood: c.likelihood, classes: 2, layout: c.layout, mask }) as const;
    const runs = ['a', 'b', 'a', 'c'].map((seed) => {
      const { dist, labels, mask, noise } = problem(c, seed);
      const masks = [mask, undefined];
      return masks.map((m) => mcLoss(dist, labels, noise, options(m)));
    });
    // Seed 'a' twice, after other problems of the same sizes in between: the same bits.
    expect(runs[2]).toEqual(runs[0]);
    const { dist, labels, mask, noise } = problem(c, 'c');
    const ref = mcLossReference(dist, labels, noise, options(mask));
    expectClose(runs[3][0].gradCovFactor, ref.gradCovFactor, { rtol: 1e-9, atol: 1e-14 });
    expectClose(runs[3][0].logLikelihoods, ref.logLikelihoods, { rtol: 1e-12, atol: 1e-10 });
  });

  it('a masked pixel adds nothing, even when its logit difference overflows', () => {
    // Pixel 1 has logits (1.7e308, −1.7e308): t = −∞ in float64, but it is masked out.
    const dist = lowRankNormal({
      loc: [0.3, 1.7e308, -0.2, -1.7e308],
      covFactor: [0.5, 0.1, -0.4, 0.2],
      covDiag: [1, 1, 1, 1],
      rank: 1,
    });
    const one = lowRankNormal({
      loc: [0.3, -0.2],
      covFactor: [0.5, -0.4],
      covDiag: [1, 1],
      rank: 1,
    });
    const noise = { epsFactor: [0.7, -1.1], epsDiag: [0.1, 0.2, -0.3, 0.4, -0.5, 0.6, 0.7, -0.8] };
    const res = mcLoss(dist, [1, 0], noise, {
      likelihood: 'categorical',
      classes: 2,
      mask: [1, 0],
    });
    const ref = mcLoss(
      one,
      [1],
      { epsFactor: noise.epsFactor, epsDiag: [0.1, -0.3, -0.5, 0.7] },
      { likelihood: 'categorical', classes: 2 },
    );
    expect(Number.isFinite(res.loss)).toBe(true);
    expectClose(res.loss, ref.loss, { rtol: 1e-15, atol: 0 });
    expect(Array.from(res.gradLoc)).toEqual([ref.gradLoc[0], 0, ref.gradLoc[1], 0]);
  });

  it('mcLossSampled equals mcLoss on the noises it reports', () => {
    const c = setups[0];
    const { dist, labels } = problem(c, 'sampled');
    const options = { likelihood: c.likelihood, classes: 2 } as const;
    const a = mcLossSampled(dist, labels, createRng(5), { ...options, samples: 20 });
    const b = mcLoss(dist, labels, a.noise, options);
    expect(a.loss).toBe(b.loss);
    expect(Array.from(a.gradCovFactor)).toEqual(Array.from(b.gradCovFactor));
  });

  it('rejects non-finite noises by name, anywhere in a Float64Array', () => {
    const { dist, labels, noise } = problem(setups[3], 'nan');
    const epsDiag = Float64Array.from(noise.epsDiag);
    epsDiag[epsDiag.length - 1] = NaN;
    const o = { likelihood: 'categorical', classes: 2 } as const;
    expect(() => mcLoss(dist, labels, { epsFactor: noise.epsFactor, epsDiag }, o)).toThrow(
      new RegExp(`^epsDiag: entry ${epsDiag.length - 1} is NaN`),
    );
    const epsFactor = Float64Array.from(noise.epsFactor);
    epsFactor[2] = -Infinity;
    expect(() => mcLoss(dist, labels, { epsFactor, epsDiag: noise.epsDiag }, o)).toThrow(
      /^epsFactor: entry 2 is -Infinity/,
    );
  });
});

describe('expNonPositive', () => {
  it('is within 2 ulp of exp on [−708, 0], exact at 0, subnormal below and 0 at −∞', () => {
    const rng = createRng('exp');
    const xs = [0, -0, -1e-300, -1e-17, -1e-9, -0.5, -Math.LN2, -1, -10, -700, -708];
    for (let k = 0; k < 20000; k++) xs.push(-708 * rng.uniform() ** 3);
    for (const x of xs) {
      const want = Math.exp(x);
      expect(Math.abs(expNonPositive(x) - want)).toBeLessThanOrEqual(
        2 * 2.220446049250313e-16 * want,
      );
    }
    expect(expNonPositive(0)).toBe(1);
    // Subnormal results: within a few ulp of the smallest subnormal 2^−1074 (absolute).
    for (const x of [-708.5, -709, -720, -740, -744.4, -745.1]) {
      expect(Math.abs(expNonPositive(x) - Math.exp(x))).toBeLessThanOrEqual(
        4 * 2.220446049250313e-16 * Math.exp(x) + 2 * 5e-324,
      );
      expect(expNonPositive(x)).toBeGreaterThan(0);
    }
    for (const x of [-746.5, -1e4, -Infinity]) expect(expNonPositive(x)).toBe(0);
    // e^−1 to the last digit of the correctly rounded double.
    expect(expNonPositive(-1)).toBe(0.36787944117144233);
  });

  it('is monotone non-increasing', () => {
    let prev = Infinity;
    let increases = 0;
    for (let x = 0; x >= -750; x -= 0.00137) {
      const v = expNonPositive(x);
      if (v > prev) increases++;
      prev = v;
    }
    expect(increases).toBe(0);
  });
});
