import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { generalisedEnergyDistance } from '../../src/metrics/generalisedEnergyDistance.js';
import { sampleDiversity } from '../../src/metrics/sampleDiversity.js';
import {
  generalisedEnergyDistanceReference,
  meanCrossDistance,
  meanWithinDistance,
  sampleDiversityReference,
} from '../../src/metrics/energyDistanceReference.js';
import { isClose } from './naive.js';
import { permutationFromKeys, permuteMaps, twoSets } from './arbitraries.js';

const close = (actual: number, expected: number) =>
  expect(isClose(actual, expected), `${actual} vs ${expected}`).toBe(true);

// The worked examples hold for the reference (the three mean distances as written) and for the
// kernels the public functions run; test/metrics/kernels.test.ts ties the two bit for bit.
const paths = [
  ['kernels', { sampleDiversity, generalisedEnergyDistance }],
  [
    'reference',
    {
      sampleDiversity: sampleDiversityReference,
      generalisedEnergyDistance: generalisedEnergyDistanceReference,
    },
  ],
] as const;

describe('mean distances over pairs: hand-worked with a toy distance', () => {
  // Maps of one "pixel"; d(a, b) = |a − b| / 10, so every sum is easy to follow.
  const d = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.abs(a[0] - b[0]) / 10;
  const A = [[0], [1], [3]];
  const B = [[2], [5]];

  it('cross: (1 / (Ka Kb)) Σ_i Σ_j d(a_i, b_j)', () => {
    // |0−2| + |0−5| + |1−2| + |1−5| + |3−2| + |3−5| = 2 + 5 + 1 + 4 + 1 + 2 = 15
    expect(meanCrossDistance(A, B, d)).toBeCloseTo(15 / 10 / 6, 15);
  });

  it('within: all K² pairs (V, i = j at 0) or the K (K − 1) pairs i ≠ j (U)', () => {
    // unordered pairs: |0−1| + |0−3| + |1−3| = 1 + 3 + 2 = 6
    expect(meanWithinDistance(A, d)).toBeCloseTo((2 * 6) / 10 / 9, 15);
    expect(meanWithinDistance(A, d, 'u')).toBeCloseTo((2 * 6) / 10 / 6, 15);
    expect(meanWithinDistance([[4]], d)).toBe(0);
    expect(() => meanWithinDistance([[4]], d, 'u', 'set')).toThrow(
      /^set: the U-statistic needs at least 2 maps, got 1/,
    );
  });
});

describe.each(paths)('%s', (_, f) => {
  const { sampleDiversity: diversityOf, generalisedEnergyDistance: gedOf } = f;

  describe('sampleDiversity: hand-worked (spec/metrics.md#sample-diversity)', () => {
    // s1 = [1,0], s2 = [1,1], s3 = [0,0]: d12 = 1 − 1/2, d13 = 1, d23 = 1
    const samples = Int32Array.of(1, 0, 1, 1, 0, 0);
    const opts = { pixels: 2, classes: 2 };

    it('V-statistic: 2 Σ_{i<j} d_ij / K² = 2 (1/2 + 1 + 1) / 9', () => {
      expect(diversityOf(samples, opts)).toBeCloseTo((2 * (1 / 2 + 1 + 1)) / 9, 15);
      expect(diversityOf(samples, { ...opts, estimator: 'v' })).toBeCloseTo(5 / 9, 15);
    });

    it('U-statistic: 2 Σ_{i<j} d_ij / (K (K − 1)) = 5/6', () => {
      expect(diversityOf(samples, { ...opts, estimator: 'u' })).toBeCloseTo(5 / 6, 15);
    });

    it('one sample has V-diversity 0', () => {
      expect(diversityOf([1, 0], opts)).toBe(0);
    });

    it('maxSamples K: only the first K samples', () => {
      // first two: d12 = 1/2 -> V = 2 (1/2) / 4, U = 1/2; K ≥ 3 is all three
      expect(diversityOf(samples, { ...opts, maxSamples: 2 })).toBeCloseTo((2 * (1 / 2)) / 4, 15);
      expect(diversityOf(samples, { ...opts, maxSamples: 2, estimator: 'u' })).toBe(1 / 2);
      expect(diversityOf(samples, { ...opts, maxSamples: 1 })).toBe(0);
      expect(diversityOf(samples, { ...opts, maxSamples: 20 })).toBe(diversityOf(samples, opts));
    });
  });

  describe('generalisedEnergyDistance: hand-worked (spec/metrics.md#generalised-energy-distance)', () => {
    // samples s1 = [1,0], s2 = [1,1]; annotations y1 = [1,0], y2 = [0,0]
    // d(s1,y1) = 0, d(s1,y2) = 1, d(s2,y1) = 1/2, d(s2,y2) = 1, d(s1,s2) = 1/2, d(y1,y2) = 1
    const samples = [1, 0, 1, 1];
    const annotations = [1, 0, 0, 0];
    const opts = { pixels: 2, classes: 2 };

    it('V-statistic (default)', () => {
      const r = gedOf(samples, annotations, opts);
      expect(r.crossDistance).toBeCloseTo((0 + 1 + 1 / 2 + 1) / 4, 15);
      expect(r.diversity).toBeCloseTo((2 * (1 / 2)) / 4, 15);
      expect(r.annotatorDiversity).toBeCloseTo((2 * 1) / 4, 15);
      expect(r.ged).toBeCloseTo(2 * (5 / 8) - 1 / 4 - 1 / 2, 15);
    });

    it('U-statistic: the within-set terms double, and GED² goes negative', () => {
      const r = gedOf(samples, annotations, { ...opts, estimator: 'u' });
      expect(r.crossDistance).toBeCloseTo(5 / 8, 15);
      expect(r.diversity).toBeCloseTo(1 / 2, 15);
      expect(r.annotatorDiversity).toBeCloseTo(1, 15);
      expect(r.ged).toBeCloseTo(2 * (5 / 8) - 1 / 2 - 1, 15);
    });

    it('three classes, ssn vs lidc', () => {
      // s = [1,2]; y = [2,1]. ssn: each class disjoint -> IoU 0, d = 1.
      // lidc: both fully foreground -> d = 0.
      const ssn = gedOf([1, 2], [2, 1], { pixels: 2, classes: 3 });
      expect(ssn.ged).toBe(2 * 1 - 0 - 0);
      const lidc = gedOf([1, 2], [2, 1], {
        pixels: 2,
        classes: 3,
        convention: 'lidc',
      });
      expect(lidc.ged).toBe(0);
    });

    it('maxSamples K: the first K samples in the diversity and the cross term, all annotations', () => {
      // K = 1 keeps s1 = [1,0]: cross = (d(s1,y1) + d(s1,y2))/2 = (0 + 1)/2, diversity 0,
      // annotatorDiversity 1/2 as before; GED² = 2·1/2 − 0 − 1/2 = 1/2
      const r = gedOf(samples, annotations, { ...opts, maxSamples: 1 });
      expect(r.crossDistance).toBe(1 / 2);
      expect(r.diversity).toBe(0);
      expect(r.annotatorDiversity).toBe(1 / 2);
      expect(r.ged).toBe(1 / 2);
      expect(gedOf(samples, annotations, { ...opts, maxSamples: 2 })).toEqual(
        gedOf(samples, annotations, opts),
      );
    });
  });
});

describe('generalisedEnergyDistance: properties', () => {
  const runs = { seed: 42, numRuns: 150 };

  it('is zero against a reordered copy of the samples (V-statistic): cross = both diversities', () => {
    // The annotations are the samples in another order, so the three terms come from different
    // arrays; they agree only if the cross term is the V-mean over all K² pairs (i = j included)
    // and the within-set terms are order-invariant V-statistics.
    const withOrder = twoSets.chain((t) =>
      fc.record({
        t: fc.constant(t),
        keys: fc.array(fc.double({ noNaN: true }), { minLength: t.Ns, maxLength: t.Ns }),
      }),
    );
    fc.assert(
      fc.property(withOrder, ({ t, keys }) => {
        const copy = permuteMaps(t.samples, t.S, permutationFromKeys(keys));
        const opts = { pixels: t.S, classes: t.C, convention: t.convention };
        const r = generalisedEnergyDistance(t.samples, copy, opts);
        close(r.crossDistance, r.diversity);
        close(r.annotatorDiversity, r.diversity);
        expect(Math.abs(r.ged)).toBeLessThanOrEqual(1e-14);
        // With the U-statistic the same sets give GED² = 2 (V − U) = −2 U / K ≤ 0.
        if (t.Ns >= 2) {
          const u = generalisedEnergyDistance(t.samples, copy, { ...opts, estimator: 'u' });
          close(u.ged, (-2 * u.diversity) / t.Ns);
        }
      }),
      runs,
    );
  });

  it('is invariant to the order of samples and of annotators', () => {
    const withOrders = twoSets.chain((t) =>
      fc.record({
        t: fc.constant(t),
        sampleKeys: fc.array(fc.double({ noNaN: true }), { minLength: t.Ns, maxLength: t.Ns }),
        annotatorKeys: fc.array(fc.double({ noNaN: true }), { minLength: t.Na, maxLength: t.Na }),
      }),
    );
    fc.assert(
      fc.property(withOrders, ({ t, sampleKeys, annotatorKeys }) => {
        const opts = { pixels: t.S, classes: t.C, convention: t.convention };
        const r = generalisedEnergyDistance(t.samples, t.annotations, opts);
        const samples = permuteMaps(t.samples, t.S, permutationFromKeys(sampleKeys));
        const annotations = permuteMaps(t.annotations, t.S, permutationFromKeys(annotatorKeys));
        const p = generalisedEnergyDistance(samples, annotations, opts);
        close(p.ged, r.ged);
        close(p.diversity, r.diversity);
        close(p.annotatorDiversity, r.annotatorDiversity);
        close(p.crossDistance, r.crossDistance);
      }),
      runs,
    );
  });

  it('V = (Ns − 1)/Ns · U for the diversity; all terms in [0, 1]', () => {
    fc.assert(
      fc.property(twoSets, ({ C, S, convention, Ns, samples }) => {
        fc.pre(Ns >= 2);
        const opts = { pixels: S, classes: C, convention };
        const v = sampleDiversity(samples, { ...opts, estimator: 'v' });
        const u = sampleDiversity(samples, { ...opts, estimator: 'u' });
        close(v, ((Ns - 1) / Ns) * u);
        for (const x of [u, v]) {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(1);
        }
      }),
      runs,
    );
  });
});
