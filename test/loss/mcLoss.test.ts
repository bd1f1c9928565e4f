import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  convertDistributionLayout,
  convertLayout,
  type Layout,
} from '../../src/distribution/layout.js';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { drawNoise } from '../../src/distribution/noise.js';
import { crossEntropyLoss } from '../../src/loss/crossEntropy.js';
import { mcLoss, mcLossSampled } from '../../src/loss/mcLoss.js';
import { mcLossReference } from '../../src/loss/mcLossReference.js';
import type { Likelihood } from '../../src/loss/pixelLikelihood.js';
import { createRng } from '../../src/random/rng.js';
import { floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';

interface Case {
  likelihood: Likelihood;
  classes: number;
  layout: Layout;
  pixels: number;
  rank: number;
  samples: number;
  antithetic: boolean;
  masked: boolean;
  seed: number;
}

/** A random problem: the distribution, labels, mask and noises, all from one seed. */
function makeProblem(c: Case) {
  const rng = createRng(c.seed);
  const perPixel = c.likelihood === 'bernoulli' ? 1 : c.classes;
  const n = perPixel * c.pixels;
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const loc = Float64Array.from({ length: n }, () => u(-2, 2));
  const covFactor = Float64Array.from({ length: n * c.rank }, () => u(-1, 1));
  const covDiag = Float64Array.from({ length: n }, () => u(0.1, 1.5));
  const labels = Int32Array.from({ length: c.pixels }, () => Math.floor(u(0, c.classes)));
  const mask = c.masked
    ? Int32Array.from({ length: c.pixels }, (_, s) => (s % 3 === 1 ? 0 : 1))
    : undefined;
  const noise = drawNoise(rng, {
    count: c.samples,
    rank: c.rank,
    size: n,
    antithetic: c.antithetic,
  });
  const options = { likelihood: c.likelihood, classes: c.classes, layout: c.layout, mask };
  return { loc, covFactor, covDiag, labels, noise, options, n };
}

const cases = fc
  .record({
    likelihood: fc.constantFrom<Likelihood>('categorical', 'bernoulli'),
    classes: fc.integer({ min: 2, max: 4 }),
    layout: fc.constantFrom<Layout>('class-major', 'pixel-major'),
    pixels: fc.integer({ min: 1, max: 12 }),
    rank: fc.integer({ min: 1, max: 6 }),
    samples: fc.integer({ min: 1, max: 6 }).map((k) => 2 * k),
    antithetic: fc.boolean(),
    masked: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
  })
  .map((c) => (c.likelihood === 'bernoulli' ? { ...c, classes: 2 } : c));

describe('mcLoss: value', () => {
  it('equals eq. 7 evaluated by mcLossReference from materialised samples', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const p = makeProblem(c);
        const dist = lowRankNormal({ ...p, rank: c.rank });
        const res = mcLoss(dist, p.labels, p.noise, p.options);
        const ref = mcLossReference(dist, p.labels, p.noise, p.options);
        expectClose(res.loss, ref.loss, { rtol: 1e-11, atol: 1e-11 });
        for (const k of ['gradLoc', 'gradCovFactor', 'gradCovDiag'] as const) {
          expectClose(res[k], ref[k], { rtol: 1e-9, atol: 1e-12, label: k });
        }
        expectClose(
          res.weights.reduce((a, b) => a + b, 0),
          1,
          { rtol: 1e-14, atol: 0 },
        );
      }),
      { seed: 11, numRuns: 80 },
    );
  });

  it('with zero noise it is the cross-entropy of softmax(loc), gradients included', () => {
    const dist = lowRankNormal({
      loc: [2, -1, 0.5, 0.5],
      covFactor: [1, 1, 1, 1],
      covDiag: [1, 1, 1, 1],
      rank: 1,
    });
    const noise = { epsFactor: [0], epsDiag: [0, 0, 0, 0] };
    const o = { likelihood: 'categorical' as const, classes: 2 };
    const res = mcLoss(dist, [1, 0], noise, o);
    const ce = crossEntropyLoss(dist.loc, [1, 0], o);
    // Pixel 0: logits (2, 0.5), label 1 → −log σ(0.5 − 2); pixel 1: (−1, 0.5), label 0 → −log σ(−1 − 0.5).
    const expected = Math.log1p(Math.exp(1.5)) + Math.log1p(Math.exp(1.5));
    expectClose(res.loss, expected, { rtol: 1e-14, atol: 0 });
    expectClose(ce.loss, expected, { rtol: 1e-14, atol: 0 });
    expectClose(res.gradLoc, ce.gradLogits, { rtol: 1e-14, atol: 1e-16 });
  });

  it('stays finite for logits of magnitude 1e4 (log space throughout)', () => {
    const problems = [
      // Class-major: class 0 at 1e4 on both pixels, labels say class 1 → loss ≈ 2 · 2e4.
      {
        likelihood: 'categorical' as const,
        loc: [1e4, 1e4, -1e4, -1e4],
        labels: [1, 1],
        loss: 4e4,
      },
      // Bernoulli: logit +1e4 with label 0, −1e4 with label 1 → loss ≈ 2 · 1e4.
      { likelihood: 'bernoulli' as const, loc: [1e4, -1e4], labels: [0, 1], loss: 2e4 },
    ];
    for (const { likelihood, loc, labels, loss } of problems) {
      const n = loc.length;
      const dist = lowRankNormal({
        loc,
        covFactor: new Array(n).fill(1),
        covDiag: new Array(n).fill(1),
        rank: 1,
      });
      const res = mcLossSampled(dist, labels, createRng(1), { likelihood, classes: 2, samples: 4 });
      expectClose(res.loss, loss, { rtol: 1e-2, atol: 0 });
      expect(Number.isFinite(res.loss)).toBe(true);
      for (const g of [res.gradLoc, res.gradCovFactor, res.gradCovDiag])
        expect(Array.from(g).every(Number.isFinite)).toBe(true);
    }
  });

  it('the two layouts give the same loss, and gradients that convert into each other', () => {
    fc.assert(
      fc.property(
        cases.filter((c) => c.likelihood === 'categorical'),
        (c) => {
          const p = makeProblem({ ...c, layout: 'class-major' });
          const dist = lowRankNormal({ ...p, rank: c.rank });
          const conv = {
            classes: c.classes,
            from: 'class-major' as const,
            to: 'pixel-major' as const,
          };
          const pm = convertDistributionLayout(dist, conv);
          const epsDiag = new Float64Array(p.noise.epsDiag.length);
          for (let m = 0; m < c.samples; m++)
            epsDiag.set(
              convertLayout(p.noise.epsDiag.subarray(m * p.n, (m + 1) * p.n), conv),
              m * p.n,
            );
          const a = mcLoss(dist, p.labels, p.noise, p.options);
          const b = mcLoss(
            pm,
            p.labels,
            { epsFactor: p.noise.epsFactor, epsDiag },
            { ...p.options, layout: 'pixel-major' },
          );
          expectClose(b.loss, a.loss, { rtol: 1e-13, atol: 1e-13 });
          expectClose(b.gradLoc, convertLayout(a.gradLoc, conv), { rtol: 1e-12, atol: 1e-14 });
          expectClose(
            b.gradCovFactor,
            convertLayout(a.gradCovFactor, { ...conv, rowWidth: c.rank }),
            { rtol: 1e-12, atol: 1e-14 },
          );
          expectClose(b.gradCovDiag, convertLayout(a.gradCovDiag, conv), {
            rtol: 1e-12,
            atol: 1e-14,
          });
        },
      ),
      { seed: 5, numRuns: 40 },
    );
  });
});

describe('mcLoss: analytic gradients against central finite differences', () => {
  it('directional derivatives ⟨grad, v⟩ match (f(x + εv) − f(x − εv)) / 2ε for all options', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: 0, max: 1e9 }), (c, dirSeed) => {
        const p = makeProblem(c);
        const dist = lowRankNormal({ ...p, rank: c.rank });
        const res = mcLoss(dist, p.labels, p.noise, p.options);
        const r = createRng(dirSeed);
        const dir = (k: number) => Float64Array.from({ length: k }, () => 2 * r.uniform() - 1);
        const vl = dir(p.n);
        const vf = dir(p.n * c.rank);
        const vd = dir(p.n);
        const f = (t: number) =>
          mcLoss(
            lowRankNormal({
              loc: p.loc.map((x, i) => x + t * vl[i]),
              covFactor: p.covFactor.map((x, i) => x + t * vf[i]),
              covDiag: p.covDiag.map((x, i) => x + t * vd[i] * 0.05),
              rank: c.rank,
            }),
            p.labels,
            p.noise,
            p.options,
          ).loss;
        const h = 1e-6;
        const numeric = (f(h) - f(-h)) / (2 * h);
        let analytic = 0;
        for (let i = 0; i < p.n; i++)
          analytic += res.gradLoc[i] * vl[i] + res.gradCovDiag[i] * vd[i] * 0.05;
        for (let i = 0; i < p.n * c.rank; i++) analytic += res.gradCovFactor[i] * vf[i];
        expectClose(analytic, numeric, { rtol: 1e-6, atol: 1e-7 });
      }),
      { seed: 99, numRuns: 120 },
    );
  });

  it('every entry matches a finite difference on a small categorical case with mask and antithetic pairs', () => {
    const c: Case = {
      likelihood: 'categorical',
      classes: 3,
      layout: 'pixel-major',
      pixels: 4,
      rank: 2,
      samples: 4,
      antithetic: true,
      masked: true,
      seed: 4,
    };
    const p = makeProblem(c);
    const res = mcLoss(lowRankNormal({ ...p, rank: 2 }), p.labels, p.noise, p.options);
    const h = 1e-6;
    const fd = (which: 'loc' | 'covFactor' | 'covDiag', i: number) => {
      const at = (t: number) => {
        const q = {
          loc: p.loc.slice(),
          covFactor: p.covFactor.slice(),
          covDiag: p.covDiag.slice(),
        };
        q[which][i] += t;
        return mcLoss(lowRankNormal({ ...q, rank: 2 }), p.labels, p.noise, p.options).loss;
      };
      return (at(h) - at(-h)) / (2 * h);
    };
    for (let i = 0; i < p.n; i++) {
      expectClose(res.gradLoc[i], fd('loc', i), { rtol: 1e-6, atol: 1e-8, label: `gradLoc` });
      expectClose(res.gradCovDiag[i], fd('covDiag', i), {
        rtol: 1e-6,
        atol: 1e-8,
        label: `gradCovDiag`,
      });
    }
    for (let i = 0; i < p.n * 2; i++)
      expectClose(res.gradCovFactor[i], fd('covFactor', i), {
        rtol: 1e-6,
        atol: 1e-8,
        label: 'gradCovFactor',
      });
    // Masked pixels (s = 1) get no gradient at all.
    for (let cl = 0; cl < 3; cl++) expect(res.gradLoc[1 * 3 + cl]).toBe(0);
  });
});

describe('mcLoss: bad input names the argument', () => {
  const dist = lowRankNormal({
    loc: [0, 0, 0, 0],
    covFactor: [1, 1, 1, 1],
    covDiag: [1, 1, 1, 1],
    rank: 1,
  });
  const noise = { epsFactor: [0.1, -0.1], epsDiag: new Array(8).fill(0.2) };
  const cat = { likelihood: 'categorical' as const, classes: 2 };
  it.each([
    [[0, 2], cat, /^labels: value 2 at index 1 is out of range for 2 classes/],
    [[0, 0.5], cat, /^labels: value 0.5 at index 1/],
    [[0, 1, 1], cat, /^labels: length 3 does not match the pixel count S = N \/ 2 = 2/],
    [[0, 1], { ...cat, mask: [1] }, /^mask: length 1 does not match the pixel count S = 2/],
    [[0, 1], { ...cat, mask: [1, 0.5] }, /^mask: entry 1 is 0.5, expected 0 or 1/],
    [
      [0, 1],
      { ...cat, classes: 3 },
      /^classes: the logit count N = 4 is not a multiple of 3 classes/,
    ],
    [[0, 1], { ...cat, classes: 1 }, /^classes: must be at least 2/],
    [
      [0, 1],
      { likelihood: 'categorical' as const },
      /^classes: required for a categorical likelihood/,
    ],
    [[0, 1], { ...cat, layout: 'row-major' as Layout }, /^layout: unknown layout "row-major"/],
    [
      [0, 1, 0, 1],
      { likelihood: 'bernoulli' as const, classes: 3 },
      /^classes: a bernoulli likelihood has 2 classes, got 3/,
    ],
    [
      [0, 1],
      { likelihood: 'poisson' as Likelihood, classes: 2 },
      /^likelihood: unknown likelihood "poisson"/,
    ],
  ])('labels %j with %j', (labels, options, message) => {
    expect(() => mcLoss(dist, labels, noise, options)).toThrow(message);
  });

  it('rejects noises that do not fit and odd antithetic sample counts', () => {
    expect(() => mcLoss(dist, [0, 1], { epsFactor: [0.1], epsDiag: [1, 2, 3] }, cat)).toThrow(
      /^epsDiag: length 3 does not match M x N = 1 x 4/,
    );
    expect(() =>
      mcLoss(dist, [0, 1], { epsFactor: [0.1], epsDiag: [1, 2, 3, Infinity] }, cat),
    ).toThrow(/^epsDiag: entry 3 is Infinity/);
    expect(() =>
      mcLossSampled(dist, [0, 1], createRng(1), { ...cat, samples: 3, antithetic: true }),
    ).toThrow(/^samples: antithetic pairs need an even sample count, got 3/);
  });
});

describe('mcLoss: sampled logits past float64', () => {
  // Three classes, one pixel labelled 1; P = (1.9, 1, 1), zero diagonal noise: eta = eps_R P.
  const dist = lowRankNormal({
    loc: [0, 0, 0],
    covFactor: [1.9, 1, 1],
    covDiag: [1, 1, 1],
    rank: 1,
  });
  const options = { likelihood: 'categorical', classes: 3 } as const;
  const at = (e: number) => mcLoss(dist, [1], { epsFactor: [e], epsDiag: [0, 0, 0] }, options);

  it('a logit that overflows to −∞ drops out: the loss is the two-way tie, ln 2', () => {
    // eta = (−∞, −1e308, −1e308): p(label 1) = ½ exactly.
    const r = at(-1e308);
    expect(r.loss).toBe(Math.LN2);
    expect(Array.from(r.gradLoc)).toEqual([0, -0.5, 0.5]);
  });

  it('a logit that overflows to +∞ is refused by name, never NaN', () => {
    expect(() => at(1e308)).toThrow(
      /^covFactor, epsFactor: sample 0's logit 0 is Infinity .*not representable/,
    );
    // Huge but representable logits are computed: eta = (1.9e200, 1e200, 1e200).
    expect(at(1e200).loss).toBe(1.9e200 - 1e200);
  });
});

describe('mcLossSampled: checks before drawing', () => {
  const dist = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 });
  const bern = { likelihood: 'bernoulli' as const };
  it.each([
    [[5, 0], { ...bern, samples: 2 }, /^labels: value 5/],
    [[1], { ...bern, samples: 2 }, /^labels: length 1/],
    [[1, 0], { ...bern, samples: 0 }, /^samples: must be at least 1, got 0/],
    [[1, 0], { ...bern, samples: 2.5 }, /^samples: /],
    [[1, 0], { ...bern, samples: 3, antithetic: true }, /^samples: antithetic pairs/],
    [[1, 0], { ...bern, samples: 1e10 }, /^samples: .*too many to allocate/],
    [[1, 0], { ...bern, samples: 2, mask: [1] }, /^mask: /],
  ])('labels %j with %j: leaves the generator untouched', (labels, options, message) => {
    const rng = createRng(9);
    expect(() => mcLossSampled(dist, labels, rng, options)).toThrow(message);
    expect(rng.uniform()).toBe(createRng(9).uniform());
  });
});

describe('mcLoss: Monte Carlo behaviour', () => {
  it('antithetic sampling uses mirrored noise pairs, exactly as if they were passed in', () => {
    const c: Case = {
      likelihood: 'categorical',
      classes: 2,
      layout: 'class-major',
      pixels: 30,
      rank: 3,
      samples: 20,
      antithetic: false,
      masked: false,
      seed: 8,
    };
    const p = makeProblem(c);
    const dist = lowRankNormal({ ...p, rank: 3 });
    const res = mcLossSampled(dist, p.labels, createRng('pairs'), {
      ...p.options,
      samples: 20,
      antithetic: true,
    });
    const { epsFactor, epsDiag } = res.noise;
    for (let i = 0; i < 10 * 3; i++) expect(epsFactor[30 + i]).toBe(-epsFactor[i]);
    for (let i = 0; i < 10 * p.n; i++) expect(epsDiag[10 * p.n + i]).toBe(-epsDiag[i]);
    const replay = mcLoss(dist, p.labels, res.noise, p.options);
    expect(replay.loss).toBe(res.loss);
    expect(Array.from(replay.gradCovFactor)).toEqual(Array.from(res.gradCovFactor));
  });

  it('antithetic pairs reduce the variance of the likelihood estimate exp(−loss) for a monotone likelihood', () => {
    // One bernoulli pixel, eta = P eps_R + small noise: exp(−loss) = mean_m sigmoid(eta_m) is
    // the MC estimate of p(y = 1); sigmoid is monotone, so Cov(h(ε), h(−ε)) < 0 and the
    // antithetic estimator's variance is below that of independent draws (near-linear h: far below).
    const dist = lowRankNormal({ loc: [0], covFactor: [1], covDiag: [1e-4], rank: 1 });
    const variance = (antithetic: boolean) => {
      const vals = Array.from({ length: 400 }, (_, k) =>
        Math.exp(
          -mcLossSampled(dist, [1], createRng(`v${k}`), {
            likelihood: 'bernoulli',
            samples: 2,
            antithetic,
          }).loss,
        ),
      );
      const mean = vals.reduce((a, b) => a + b) / vals.length;
      return vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length;
    };
    expect(variance(true)).toBeLessThan(0.2 * variance(false));
  });

  it('floats arbitrary is bounded (sanity of the generators used above)', () => {
    fc.assert(
      fc.property(floats(5, -1, 1), (a) => a.every((v) => v >= -1 && v <= 1)),
      { seed: 1, numRuns: 20 },
    );
  });
});
