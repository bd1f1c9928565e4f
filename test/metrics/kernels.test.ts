/**
 * Ties the metric kernels (src/metrics/kernels/) to the reference formulas bit for bit: every
 * count is an integer and the floating-point steps are the same, in the same order, so equality
 * is exact (`toBe`, `Object.is`), not within a tolerance.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { iouDistance, pairwiseIouDistances } from '../../src/metrics/iouDistance.js';
import { sampleDiversity } from '../../src/metrics/sampleDiversity.js';
import { generalisedEnergyDistance } from '../../src/metrics/generalisedEnergyDistance.js';
import { iouDistanceReference } from '../../src/metrics/iouDistanceReference.js';
import {
  generalisedEnergyDistanceReference,
  sampleDiversityReference,
} from '../../src/metrics/energyDistanceReference.js';
import { mapAt } from './naive.js';
import { twoSets } from './arbitraries.js';

describe('kernels equal the reference bit for bit', () => {
  it('bitset IoU distance (kernels/labelMapBitsets.ts) = iouDistanceReference', () => {
    fc.assert(
      fc.property(twoSets, ({ C, S, convention, Ns, Na, samples, annotations }) => {
        const options = { pixels: S, classes: C, convention };
        const matrix = pairwiseIouDistances(samples, annotations, options);
        for (let i = 0; i < Ns; i++) {
          for (let j = 0; j < Na; j++) {
            const a = mapAt(samples, i, S);
            const b = mapAt(annotations, j, S);
            const reference = iouDistanceReference(a, b, options);
            expect(matrix[i * Na + j]).toBe(reference);
            expect(iouDistance(a, b, options)).toBe(reference);
          }
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('pair loops (kernels/pairDistances.ts) = the three mean distances, any estimator and K', () => {
    const withK = twoSets.chain((t) =>
      fc.record({
        t: fc.constant(t),
        estimator: fc.constantFrom('v' as const, 'u' as const),
        maxSamples: fc.option(fc.integer({ min: 1, max: t.Ns + 1 }), { nil: undefined }),
      }),
    );
    fc.assert(
      fc.property(withK, ({ t, estimator, maxSamples }) => {
        const K = Math.min(maxSamples ?? t.Ns, t.Ns);
        fc.pre(estimator === 'v' || (K >= 2 && t.Na >= 2));
        const options = {
          pixels: t.S,
          classes: t.C,
          convention: t.convention,
          estimator,
          maxSamples,
        };
        const fast = generalisedEnergyDistance(t.samples, t.annotations, options);
        const reference = generalisedEnergyDistanceReference(t.samples, t.annotations, options);
        expect(fast).toEqual(reference);
        for (const key of ['ged', 'diversity', 'annotatorDiversity', 'crossDistance'] as const) {
          expect(Object.is(fast[key], reference[key])).toBe(true);
        }
        const diversity = sampleDiversity(t.samples, options);
        expect(diversity).toBe(sampleDiversityReference(t.samples, options));
        expect(diversity).toBe(fast.diversity);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
