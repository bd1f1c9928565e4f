/**
 * mcLossReference on its own (against numbers worked by hand and finite differences of itself),
 * then as the oracle for the fast paths at the edge of the float64 range: logits up to ±1e308
 * must give what the general formula gives, ±∞ included, and never NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { mcLoss } from '../../src/loss/mcLoss.js';
import { mcLossReference } from '../../src/loss/mcLossReference.js';
import type { Likelihood } from '../../src/loss/pixelLikelihood.js';
import { createRng } from '../../src/random/rng.js';
import { expectClose } from '../helpers/close.js';

const GRADS = ['gradLoc', 'gradCovFactor', 'gradCovDiag'] as const;

describe('mcLossReference', () => {
  it('one bernoulli pixel, two samples: the loss and gradients worked by hand', () => {
    // eta_m = loc + P eps_R + √d eps_N = 0.5 + 2·(±0.25) + 1·(±0.5) → 1.5 and −0.5; label 1.
    const dist = lowRankNormal({ loc: [0.5], covFactor: [2], covDiag: [1], rank: 1 });
    const res = mcLossReference(
      dist,
      [1],
      { epsFactor: [0.25, -0.25], epsDiag: [0.5, -0.5] },
      { likelihood: 'bernoulli' },
    );
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    const [p1, p2] = [s(1.5), s(-0.5)];
    expectClose(res.loss, -Math.log((p1 + p2) / 2), { rtol: 1e-15, atol: 0 });
    const [w1, w2] = [p1 / (p1 + p2), p2 / (p1 + p2)];
    const [a1, a2] = [1 - p1, 1 - p2]; // ∂ℓ_m/∂eta = y − sigmoid(eta)
    expectClose(res.gradLoc, [-(w1 * a1 + w2 * a2)], { rtol: 1e-15, atol: 0 });
    expectClose(res.gradCovFactor, [-(w1 * a1 * 0.25 - w2 * a2 * 0.25)], { rtol: 1e-14, atol: 0 });
    expectClose(res.gradCovDiag, [-(w1 * a1 * 0.5 - w2 * a2 * 0.5) / 2], { rtol: 1e-14, atol: 0 });
  });

  it('its gradients match central finite differences of its own loss', () => {
    const rng = createRng('reference-fd');
    const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
    for (const [likelihood, classes, n] of [
      ['categorical', 3, 12],
      ['categorical', 2, 8],
      ['bernoulli', 2, 5],
    ] as const) {
      const rank = 2;
      const count = 3;
      const loc = Float64Array.from({ length: n }, () => u(-2, 2));
      const covFactor = Float64Array.from({ length: n * rank }, () => u(-1, 1));
      const covDiag = Float64Array.from({ length: n }, () => u(0.2, 1.5));
      const perPixel = likelihood === 'bernoulli' ? 1 : classes;
      const labels = Array.from({ length: n / perPixel }, () => Math.floor(u(0, classes)));
      const noise = {
        epsFactor: Array.from({ length: count * rank }, () => u(-2, 2)),
        epsDiag: Array.from({ length: count * n }, () => u(-2, 2)),
      };
      const o = { likelihood, classes };
      const at = (q: { loc: Float64Array; covFactor: Float64Array; covDiag: Float64Array }) =>
        mcLossReference(lowRankNormal({ ...q, rank }), labels, noise, o).loss;
      const res = mcLossReference(
        lowRankNormal({ loc, covFactor, covDiag, rank }),
        labels,
        noise,
        o,
      );
      const h = 1e-6;
      for (const [key, grad] of [
        ['loc', res.gradLoc],
        ['covFactor', res.gradCovFactor],
        ['covDiag', res.gradCovDiag],
      ] as const) {
        for (let i = 0; i < grad.length; i++) {
          const plus = { loc: loc.slice(), covFactor: covFactor.slice(), covDiag: covDiag.slice() };
          const minus = {
            loc: loc.slice(),
            covFactor: covFactor.slice(),
            covDiag: covDiag.slice(),
          };
          plus[key][i] += h;
          minus[key][i] -= h;
          const fd = (at(plus) - at(minus)) / (2 * h);
          expectClose(grad[i], fd, { rtol: 1e-6, atol: 1e-8, label: `${likelihood} ${key}` });
        }
      }
    }
  });
});

describe('logits up to ±1e308: infinities, not NaN', () => {
  it('two classes, loc [−1e308, 1e308], label 1, zero noise: loss 0 and finite gradients', () => {
    const dist = lowRankNormal({
      loc: [-1e308, 1e308],
      covFactor: [0, 0],
      covDiag: [1, 1],
      rank: 1,
    });
    const noise = { epsFactor: [0], epsDiag: [0, 0] };
    const o = { likelihood: 'categorical' as const, classes: 2 };
    for (const res of [mcLoss(dist, [1], noise, o), mcLossReference(dist, [1], noise, o)]) {
      expect(res.loss).toBe(0);
      expect(Array.from(res.gradLoc).every((g) => g === 0)).toBe(true); // ±0
      for (const k of GRADS) expect(Array.from(res[k]).every(Number.isFinite)).toBe(true);
    }
    // Label 0 under the same logits: probability e^−2e308, so the loss is +∞, gradients finite.
    const res0 = mcLoss(dist, [0], noise, o);
    expect(res0.loss).toBe(Infinity);
    expect(Array.from(res0.gradLoc)).toEqual([-1, 1]);
  });

  it('finite logits whose terms overflow on the way (loc ±1e308, P eps_R ∓1e308): the exact loss, not an error', () => {
    // The kernels sum loc + P eps_R in plain arithmetic (∞ − ∞ = NaN); mcLoss then takes the
    // reference's overflow-safe sums. Two classes: eta = (0, 0), so p(label 1) = ½.
    const two = lowRankNormal({
      loc: [-1e308, 1e308],
      covFactor: [-1e308, 1e308],
      covDiag: [1, 1],
      rank: 1,
    });
    const noise2 = { epsFactor: [-1], epsDiag: [0, 0] };
    const o2 = { likelihood: 'categorical' as const, classes: 2 };
    for (const res of [mcLoss(two, [1], noise2, o2), mcLossReference(two, [1], noise2, o2)]) {
      expect(res.loss).toBe(Math.LN2);
      expect(Array.from(res.gradLoc)).toEqual([0.5, -0.5]);
      expect(Array.from(res.gradCovFactor)).toEqual([-0.5, 0.5]);
      expect(Array.from(res.gradCovDiag)).toEqual([0, 0]);
    }
    // Three classes: eta = (1e308, 0, 0) with label 0, so p = 1 and the loss is 0.
    const three = lowRankNormal({
      loc: [1e308, 0, 0],
      covFactor: [1e308, -1e308, 0, 0, 0, 0],
      covDiag: [1, 1, 1],
      rank: 2,
    });
    const noise3 = { epsFactor: [1, 1], epsDiag: [0, 0, 0] };
    const res3 = mcLoss(three, [0], noise3, { likelihood: 'categorical', classes: 3 });
    expect(res3.loss).toBe(0);
    for (const k of GRADS) expect(Array.from(res3[k]).every((g) => g === 0)).toBe(true);
  });

  it('bernoulli, loc −1e308 on two pixels with labels 1: the loss is +∞, not NaN', () => {
    const dist = lowRankNormal({
      loc: [-1e308, -1e308],
      covFactor: [0, 0],
      covDiag: [1, 1],
      rank: 1,
    });
    const noise = { epsFactor: [0, 0], epsDiag: [0, 0, 0, 0] };
    for (const f of [mcLoss, mcLossReference]) {
      const res = f(dist, [1, 1], noise, { likelihood: 'bernoulli' });
      expect(res.loss).toBe(Infinity);
      expect(Array.from(res.logLikelihoods)).toEqual([-Infinity, -Infinity]);
      // Every sample's likelihood underflowed: equal weights, and the slopes y − sigmoid = 1.
      expect(Array.from(res.weights)).toEqual([0.5, 0.5]);
      expect(Array.from(res.gradLoc)).toEqual([-1, -1]);
    }
  });

  it('the two-class and bernoulli fast paths agree with the general path (property)', () => {
    // Either logits up to ±1e308 with zero noises (a noise term added to 1e308 is absorbed by
    // the general path but not by the fast path, which forms the logit difference first and is
    // then the more exact of the two), or ordinary logits with noises.
    const huge = fc.oneof(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.double({ min: -1e308, max: 1e308, noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom(-1e308, 1e308, -1.7e308, 1.7e308),
    );
    const problem = fc
      .record({
        likelihood: fc.constantFrom<Likelihood>('categorical', 'bernoulli'),
        pixels: fc.integer({ min: 1, max: 5 }),
        rank: fc.integer({ min: 1, max: 3 }),
        count: fc.integer({ min: 1, max: 4 }),
        noisy: fc.boolean(),
      })
      .chain((c) => {
        const n = (c.likelihood === 'bernoulli' ? 1 : 2) * c.pixels;
        const zeros = (len: number) => fc.constant(new Array<number>(len).fill(0));
        const small = (len: number, lo: number, hi: number) =>
          fc.array(fc.double({ min: lo, max: hi, noNaN: true }), {
            minLength: len,
            maxLength: len,
          });
        return fc.record({
          c: fc.constant(c),
          loc: c.noisy ? small(n, -5, 5) : fc.array(huge, { minLength: n, maxLength: n }),
          covFactor: small(n * c.rank, -2, 2),
          covDiag: small(n, 0.01, 3),
          labels: fc.array(fc.integer({ min: 0, max: 1 }), {
            minLength: c.pixels,
            maxLength: c.pixels,
          }),
          epsFactor: c.noisy ? small(c.count * c.rank, -3, 3) : zeros(c.count * c.rank),
          epsDiag: c.noisy ? small(c.count * n, -3, 3) : zeros(c.count * n),
        });
      });
    fc.assert(
      fc.property(problem, ({ c, loc, covFactor, covDiag, labels, epsFactor, epsDiag }) => {
        const dist = lowRankNormal({ loc, covFactor, covDiag, rank: c.rank });
        const o = { likelihood: c.likelihood, classes: 2 };
        const fast = mcLoss(dist, labels, { epsFactor, epsDiag }, o);
        const ref = mcLossReference(dist, labels, { epsFactor, epsDiag }, o);
        expectClose(fast.loss, ref.loss, { rtol: 1e-12, atol: 1e-12, label: 'loss' });
        expectClose(fast.logLikelihoods, ref.logLikelihoods, { rtol: 1e-12, atol: 1e-12 });
        for (const k of GRADS) {
          expect(Array.from(fast[k]).every(Number.isFinite), k).toBe(true);
          expectClose(fast[k], ref[k], { rtol: 1e-9, atol: 1e-12, label: k });
        }
      }),
      { seed: 1308, numRuns: 300 },
    );
  });
});
