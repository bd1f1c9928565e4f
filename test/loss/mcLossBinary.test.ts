/**
 * The binary fast path of mcLoss (categorical C = 2 and bernoulli) against the formulas evaluated
 * naively, on sizes that cross its pixel blocks and the remainders of its 4-wide loops, and its
 * exponential against Math.exp.
 */
import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { drawNoise, type Noise } from '../../src/distribution/noise.js';
import { rsample } from '../../src/distribution/rsample.js';
import { expNonPositive, mcLoss, mcLossSampled } from '../../src/loss/mcLoss.js';
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

/** Every output of mcLoss from the documented formulas, with materialised samples. */
function naive(
  dist: ReturnType<typeof lowRankNormal>,
  labels: Int32Array,
  noise: Noise,
  c: Setup,
  mask: Int32Array | undefined,
) {
  const { size: n, rank, covDiag } = dist;
  const M = noise.count;
  const S = labels.length;
  const etas = rsample(dist, noise);
  const two = c.likelihood === 'categorical';
  const idx = (s: number, k: number) =>
    !two ? s : c.layout === 'class-major' ? k * S + s : s * 2 + k;
  const ll = new Float64Array(M);
  const dl = new Float64Array(M * n); // ∂ℓ_m/∂eta
  for (let m = 0; m < M; m++) {
    for (let s = 0; s < S; s++) {
      if (mask && mask[s] === 0) continue;
      const y = labels[s];
      if (two) {
        const e0 = etas[m * n + idx(s, 0)];
        const e1 = etas[m * n + idx(s, 1)];
        const mx = Math.max(e0, e1);
        const lz = mx + Math.log(Math.exp(e0 - mx) + Math.exp(e1 - mx));
        ll[m] += (y === 1 ? e1 : e0) - lz;
        dl[m * n + idx(s, 1)] = (y === 1 ? 1 : 0) - Math.exp(e1 - lz);
        dl[m * n + idx(s, 0)] = (y === 0 ? 1 : 0) - Math.exp(e0 - lz);
      } else {
        const e = etas[m * n + s];
        const p1 = 1 / (1 + Math.exp(-e));
        ll[m] += y === 1 ? Math.log(p1) : Math.log(1 - p1);
        dl[m * n + s] = y - p1;
      }
    }
  }
  const mx = Math.max(...ll);
  const ws = Array.from(ll, (l) => Math.exp(l - mx));
  const z = ws.reduce((x, y) => x + y, 0);
  const w = ws.map((v) => v / z);
  const loss = -(mx + Math.log(z)) + Math.log(M);
  const gradLoc = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * rank);
  const gradCovDiag = new Float64Array(n);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < n; i++) {
      const g = -w[m] * dl[m * n + i];
      gradLoc[i] += g;
      gradCovDiag[i] += (g * noise.epsDiag[m * n + i]) / (2 * Math.sqrt(covDiag[i]));
      for (let r = 0; r < rank; r++)
        gradCovFactor[i * rank + r] += g * noise.epsFactor[m * rank + r];
    }
  }
  return { loss, ll, w, gradLoc, gradCovFactor, gradCovDiag };
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
    it(`matches the naive formulas: ${JSON.stringify(c)}`, () => {
      const { dist, labels, mask, noise } = problem(c, JSON.stringify(c));
      const options = { likelihood: c.likelihood, classes: 2, layout: c.layout, mask };
      const res = mcLoss(dist, labels, noise, options);
      const ref = naive(dist, labels, noise, c, mask);
      expectClose(res.loss, ref.loss, { rtol: 1e-12, atol: 1e-12 });
      expectClose(res.logLikelihoods, ref.ll, { rtol: 1e-12, atol: 1e-10 });
      expectClose(res.weights, ref.w, { rtol: 1e-9, atol: 1e-15 });
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
  it('is within 2 ulp of exp on [−708, 0], exact at 0, and tiny but positive below', () => {
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
    for (const x of [-709, -1e4, -Infinity]) {
      expect(expNonPositive(x)).toBeGreaterThan(0);
      expect(expNonPositive(x)).toBeLessThan(3.4e-308);
    }
    // e^−1 to the last digit of the correctly rounded double.
    expect(expNonPositive(-1)).toBe(0.36787944117144233);
  });

  it('is monotone non-increasing', () => {
    let prev = Infinity;
    let increases = 0;
    for (let x = 0; x >= -50; x -= 0.00137) {
      const v = expNonPositive(x);
      if (v > prev) increases++;
      prev = v;
    }
    expect(increases).toBe(0);
  });
});
