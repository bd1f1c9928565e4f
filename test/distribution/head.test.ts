import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COV_DIAG_EPSILON,
  headToDistribution,
  headToDistributionVjp,
} from '../../src/distribution/head.js';
import { convertDistributionLayout, convertLayout } from '../../src/distribution/layout.js';
import { logProb } from '../../src/distribution/logProb.js';
import { logDetCovariance, lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { createRng } from '../../src/random/rng.js';
import { expectClose } from '../helpers/close.js';

describe('headToDistribution: the official layout (spec/official-code.md)', () => {
  // C = 2 classes, S = 3 pixels, R = 2. Factor channel k = r*C + c, each a 3-pixel map.
  const mean = [0, 1, 2, 10, 11, 12];
  const logDiag = [0, Math.log(2), Math.log(3), Math.log(4), Math.log(5), Math.log(6)];
  // Encode (r, c, s) in each factor entry as 100 r + 10 c + s.
  const factor: number[] = [];
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) for (let s = 0; s < 3; s++) factor.push(100 * r + 10 * c + s + 1);

  it('reads factor channels rank-major into a class-major covFactor', () => {
    const d = headToDistribution({ mean, logDiag, factor, classes: 2, rank: 2 });
    for (let c = 0; c < 2; c++)
      for (let s = 0; s < 3; s++)
        for (let r = 0; r < 2; r++)
          expect(d.covFactor[(c * 3 + s) * 2 + r]).toBe(100 * r + 10 * c + s + 1);
    expect(Array.from(d.loc)).toEqual(mean);
    expectClose(
      d.covDiag,
      [1, 2, 3, 4, 5, 6].map((v) => v + 1e-5),
      { rtol: 1e-15, atol: 0 },
    );
    expect(COV_DIAG_EPSILON).toBe(1e-5);
  });

  it('the mask zeroes factor rows, sets covDiag to 1e-5 outside and exp + 2e-5 inside, keeps the mean', () => {
    const d = headToDistribution({ mean, logDiag, factor, classes: 2, rank: 2, mask: [1, 0, 1] });
    expect(Array.from(d.loc)).toEqual(mean);
    expectClose(d.covDiag, [1 + 2e-5, 1e-5, 3 + 2e-5, 4 + 2e-5, 1e-5, 6 + 2e-5], {
      rtol: 1e-15,
      atol: 0,
    });
    for (const c of [0, 1])
      for (const r of [0, 1]) expect(d.covFactor[(c * 3 + 1) * 2 + r]).toBe(0);
    expect(d.covFactor[(1 * 3 + 2) * 2 + 1]).toBe(100 + 10 + 2 + 1);
  });

  it('the VJP matches finite differences of a scalar function of the distribution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (seed, masked) => {
        const rng = createRng(seed);
        const C = 3,
          S = 4,
          R = 2;
        const u = (k: number) => Float64Array.from({ length: k }, () => 2 * rng.uniform() - 1);
        const head = {
          mean: u(C * S),
          logDiag: u(C * S),
          factor: u(R * C * S),
          classes: C,
          rank: R,
          mask: masked ? [1, 0, 1, 1] : undefined,
        };
        const a = u(C * S),
          b = u(C * S * R),
          e = u(C * S);
        // f = ⟨a, loc⟩ + ⟨b, covFactor⟩ + ⟨e, covDiag⟩, whose gradients are (a, b, e).
        const f = (h: typeof head) => {
          const d = headToDistribution(h);
          let v = 0;
          d.loc.forEach((x, i) => (v += a[i] * x));
          d.covFactor.forEach((x, i) => (v += b[i] * x));
          d.covDiag.forEach((x, i) => (v += e[i] * x));
          return v;
        };
        const g = headToDistributionVjp(head, { gradLoc: a, gradCovFactor: b, gradCovDiag: e });
        const h = 1e-6;
        for (const key of ['mean', 'logDiag', 'factor'] as const) {
          const grad =
            key === 'mean' ? g.gradMean : key === 'logDiag' ? g.gradLogDiag : g.gradFactor;
          for (let i = 0; i < head[key].length; i++) {
            const plus = { ...head, [key]: head[key].map((x, j) => (j === i ? x + h : x)) };
            const minus = { ...head, [key]: head[key].map((x, j) => (j === i ? x - h : x)) };
            expectClose(grad[i], (f(plus) - f(minus)) / (2 * h), {
              rtol: 1e-6,
              atol: 1e-8,
              label: key,
            });
          }
        }
      }),
      { seed: 3, numRuns: 10 },
    );
  });

  it('rejects bad shapes, NaN, a non-binary mask and overflowing diagonals by name', () => {
    const ok = { mean, logDiag, factor, classes: 2, rank: 2 };
    expect(() => headToDistribution({ ...ok, mean: [0, 1, 2, 3] })).toThrow(
      /^logDiag: length 6 does not match C x S = 2 x 2/,
    );
    expect(() => headToDistribution({ ...ok, mean: [0, 1, 2, 3, 4] })).toThrow(
      /^mean: length 5 is not a positive multiple of classes = 2/,
    );
    expect(() => headToDistribution({ ...ok, factor: factor.slice(1) })).toThrow(
      /^factor: length 11 does not match \(R\*C\) x S/,
    );
    expect(() => headToDistribution({ ...ok, logDiag: [0, 0, 0, 0, NaN, 0] })).toThrow(
      /^logDiag: entry 4 is NaN/,
    );
    expect(() => headToDistribution({ ...ok, logDiag: [0, 0, 0, 0, 800, 0] })).toThrow(
      /^logDiag: entry 4 is 800, exp\(\) overflows/,
    );
    expect(() => headToDistribution({ ...ok, mask: [1, 2, 0] })).toThrow(
      /^mask: entry 1 is 2, expected 0 or 1/,
    );
    expect(() => headToDistribution({ ...ok, rank: 0 })).toThrow(/^rank: must be at least 1/);
  });

  it('blames logDiag, mask or the head, never the covDiag or covFactor they become', () => {
    const ok = { mean, logDiag, factor, classes: 2, rank: 2 };
    expect(() => headToDistribution({ ...ok, logDiag: [0, 0, -800, 0, 0, 0], epsilon: 0 })).toThrow(
      /^logDiag: entry 2 is -800, exp\(\) underflows to 0 with epsilon 0/,
    );
    expect(() => headToDistribution({ ...ok, mask: [1, 0, 1], epsilon: 0 })).toThrow(
      /^mask: pixel 1 is 0 with epsilon 0/,
    );
    expect(() => headToDistribution(undefined as never)).toThrow(/^head: must be an object/);
    expect(() => headToDistribution({ ...ok, mean: undefined as never })).toThrow(
      /^mean: must be an array/,
    );
    // factors huge against the diagonal: accepted (the stable form has no capacitance to fail)
    const d = headToDistribution({
      ...ok,
      factor: factor.map((v) => v * 1e150),
      logDiag: logDiag.map(() => -300),
    });
    expect(Number.isFinite(logProb(d, mean))).toBe(true);
  });
});

describe('layout conversion', () => {
  it('class-major ↔ pixel-major is the permutation n = c*S + s ↔ s*C + c and round-trips', () => {
    const cm = [0, 1, 2, 10, 11, 12]; // c*10 + s with C = 2, S = 3
    const pm = convertLayout(cm, { classes: 2, from: 'class-major', to: 'pixel-major' });
    expect(Array.from(pm)).toEqual([0, 10, 1, 11, 2, 12]);
    expect(
      Array.from(convertLayout(pm, { classes: 2, from: 'pixel-major', to: 'class-major' })),
    ).toEqual(cm);
    const rows = convertLayout([0, 0.5, 1, 1.5, 2, 2.5, 10, 10.5, 11, 11.5, 12, 12.5], {
      classes: 2,
      from: 'class-major',
      to: 'pixel-major',
      rowWidth: 2,
    });
    expect(Array.from(rows)).toEqual([0, 0.5, 10, 10.5, 1, 1.5, 11, 11.5, 2, 2.5, 12, 12.5]);
  });

  it('a converted distribution has the same log det and, at the permuted point, log-density', () => {
    const d = lowRankNormal({
      loc: [1, 2, 3, 4],
      covFactor: [1, 2, 3, 4, 5, 6, 7, 8],
      covDiag: [1, 2, 3, 4],
      rank: 2,
    });
    const p = convertDistributionLayout(d, { classes: 2, from: 'class-major', to: 'pixel-major' });
    expectClose(logDetCovariance(p), logDetCovariance(d), { rtol: 1e-14, atol: 1e-15 });
    expectClose(logProb(p, [0, 2, 1, 3]), logProb(d, [0, 1, 2, 3]), { rtol: 1e-14, atol: 1e-15 });
    expect(Array.from(p.loc)).toEqual([1, 3, 2, 4]);
  });

  it('rejects unknown layouts and lengths that do not divide', () => {
    expect(() =>
      convertLayout([1, 2, 3], { classes: 2, from: 'class-major', to: 'pixel-major' }),
    ).toThrow(/^values: length 3 is not a multiple of classes x rowWidth = 2/);
    expect(() =>
      convertLayout([1, 2], { classes: 2, from: 'class-major', to: 'nchw' as never }),
    ).toThrow(/^to: unknown layout "nchw"/);
  });
});
