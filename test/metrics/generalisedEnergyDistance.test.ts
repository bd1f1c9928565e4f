import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { generalisedEnergyDistance } from '../../src/metrics/generalisedEnergyDistance.js';
import { sampleDiversity } from '../../src/metrics/sampleDiversity.js';
import { isClose, naiveMean, naivePairwise, naiveWithinMean } from './naive.js';
import { permutationFromKeys, permuteMaps, twoSets } from './arbitraries.js';

const close = (actual: number, expected: number) =>
  expect(isClose(actual, expected), `${actual} vs ${expected}`).toBe(true);

describe('sampleDiversity: hand-worked (spec/metrics.md#sample-diversity)', () => {
  // s1 = [1,0], s2 = [1,1], s3 = [0,0]: d12 = 1 − 1/2, d13 = 1, d23 = 1
  const samples = Int32Array.of(1, 0, 1, 1, 0, 0);
  const opts = { pixels: 2, classes: 2 };

  it('V-statistic: 2 Σ_{i<j} d_ij / K² = 2 (1/2 + 1 + 1) / 9', () => {
    expect(sampleDiversity(samples, opts)).toBeCloseTo((2 * (1 / 2 + 1 + 1)) / 9, 15);
    expect(sampleDiversity(samples, { ...opts, estimator: 'v' })).toBeCloseTo(5 / 9, 15);
  });

  it('U-statistic: 2 Σ_{i<j} d_ij / (K (K − 1)) = 5/6', () => {
    expect(sampleDiversity(samples, { ...opts, estimator: 'u' })).toBeCloseTo(5 / 6, 15);
  });

  it('one sample has V-diversity 0', () => {
    expect(sampleDiversity([1, 0], opts)).toBe(0);
  });
});

describe('generalisedEnergyDistance: hand-worked (spec/metrics.md#generalised-energy-distance)', () => {
  // samples s1 = [1,0], s2 = [1,1]; annotations y1 = [1,0], y2 = [0,0]
  // d(s1,y1) = 0, d(s1,y2) = 1, d(s2,y1) = 1/2, d(s2,y2) = 1, d(s1,s2) = 1/2, d(y1,y2) = 1
  const samples = [1, 0, 1, 1];
  const annotations = [1, 0, 0, 0];
  const opts = { pixels: 2, classes: 2 };

  it('V-statistic (default)', () => {
    const r = generalisedEnergyDistance(samples, annotations, opts);
    expect(r.crossDistance).toBeCloseTo((0 + 1 + 1 / 2 + 1) / 4, 15);
    expect(r.diversity).toBeCloseTo((2 * (1 / 2)) / 4, 15);
    expect(r.annotatorDiversity).toBeCloseTo((2 * 1) / 4, 15);
    expect(r.ged).toBeCloseTo(2 * (5 / 8) - 1 / 4 - 1 / 2, 15);
  });

  it('U-statistic: the within-set terms double, and GED² goes negative', () => {
    const r = generalisedEnergyDistance(samples, annotations, { ...opts, estimator: 'u' });
    expect(r.crossDistance).toBeCloseTo(5 / 8, 15);
    expect(r.diversity).toBeCloseTo(1 / 2, 15);
    expect(r.annotatorDiversity).toBeCloseTo(1, 15);
    expect(r.ged).toBeCloseTo(2 * (5 / 8) - 1 / 2 - 1, 15);
  });

  it('three classes, ssn vs lidc', () => {
    // s = [1,2]; y = [2,1]. ssn: each class disjoint -> IoU 0, d = 1.
    // lidc: both fully foreground -> d = 0.
    const ssn = generalisedEnergyDistance([1, 2], [2, 1], { pixels: 2, classes: 3 });
    expect(ssn.ged).toBe(2 * 1 - 0 - 0);
    const lidc = generalisedEnergyDistance([1, 2], [2, 1], {
      pixels: 2,
      classes: 3,
      convention: 'lidc',
    });
    expect(lidc.ged).toBe(0);
  });
});

describe('generalisedEnergyDistance: properties', () => {
  const runs = { seed: 42, numRuns: 150 };

  it('equals the brute-force means over all pairs', () => {
    fc.assert(
      fc.property(
        twoSets,
        fc.constantFrom('v' as const, 'u' as const),
        ({ C, S, convention, Ns, Na, samples, annotations }, estimator) => {
          fc.pre(estimator === 'v' || (Ns >= 2 && Na >= 2));
          const r = generalisedEnergyDistance(samples, annotations, {
            pixels: S,
            classes: C,
            convention,
            estimator,
          });
          const div = naiveWithinMean(
            naivePairwise(samples, samples, S, C, convention),
            Ns,
            estimator,
          );
          const ann = naiveWithinMean(
            naivePairwise(annotations, annotations, S, C, convention),
            Na,
            estimator,
          );
          const cross = naiveMean(naivePairwise(samples, annotations, S, C, convention));
          close(r.diversity, div);
          close(r.annotatorDiversity, ann);
          close(r.crossDistance, cross);
          close(r.ged, 2 * cross - div - ann);
          close(sampleDiversity(samples, { pixels: S, classes: C, convention, estimator }), div);
        },
      ),
      runs,
    );
  });

  it('is zero for identical sets (V-statistic)', () => {
    fc.assert(
      fc.property(twoSets, ({ C, S, convention, samples }) => {
        const r = generalisedEnergyDistance(samples, samples, {
          pixels: S,
          classes: C,
          convention,
        });
        expect(Math.abs(r.ged)).toBeLessThanOrEqual(1e-14);
        expect(r.diversity).toBe(r.annotatorDiversity);
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
