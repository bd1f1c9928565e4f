import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { iouDistance, pairwiseIouDistances } from '../../src/metrics/iouDistance.js';
import { iouDistanceReference, iouReference } from '../../src/metrics/iouDistanceReference.js';
import { mapAt } from './naive.js';
import { dims, labelMap, twoSets } from './arbitraries.js';

// The worked examples hold for the reference (the formula, pixel by pixel) and for the bitset
// kernel that `iouDistance` runs; test/metrics/kernels.test.ts ties the two bit for bit.
describe.each([
  ['iouDistance (bitset kernel)', iouDistance],
  ['iouDistanceReference', iouDistanceReference],
])('%s: hand-worked (spec/metrics.md#distance)', (_, distance) => {
  it('binary: |a∩b| = 2, |a∪b| = 3 + 4 − 2 = 5', () => {
    const a = Int32Array.of(1, 1, 1, 0, 0, 0);
    const b = Int32Array.of(0, 1, 1, 1, 1, 0);
    expect(distance(a, b, { classes: 2 })).toBeCloseTo(1 - 2 / 5, 15);
    expect(distance(a, b, { classes: 2, convention: 'lidc' })).toBeCloseTo(1 - 2 / 5, 15);
  });

  it('three classes: ssn averages classes, lidc merges the foreground', () => {
    const a = Uint8Array.of(0, 1, 1, 2, 2, 0);
    const b = Uint8Array.of(0, 1, 2, 2, 0, 0);
    // class 1: a{1,2}, b{1} -> 1/2; class 2: a{3,4}, b{2,3} -> 1/3
    expect(distance(a, b, { classes: 3 })).toBeCloseTo(1 - (1 / 2 + 1 / 3) / 2, 15);
    // foreground: a{1,2,3,4}, b{1,2,3} -> 3/4
    expect(distance(a, b, { classes: 3, convention: 'lidc' })).toBeCloseTo(1 - 3 / 4, 15);
  });

  it('ssn: a class empty in both maps counts IoU 1', () => {
    // class 1: a{1,2}, b{1} -> 1/2; class 2 empty in both -> 1
    expect(distance([0, 1, 1, 0], [0, 1, 0, 0], { classes: 3 })).toBeCloseTo(
      1 - (1 / 2 + 1) / 2,
      15,
    );
  });

  it('empty vs empty is 0, empty vs non-empty is 1, in both conventions', () => {
    for (const convention of ['ssn', 'lidc'] as const) {
      expect(distance([0, 0, 0], [0, 0, 0], { classes: 2, convention })).toBe(0);
      expect(distance([0, 0, 0], [0, 1, 0], { classes: 2, convention })).toBe(1);
    }
  });

  it('spans word boundaries: 70 pixels, lesion across pixels 30..40', () => {
    const a = new Int32Array(70);
    const b = new Int32Array(70);
    for (let s = 30; s <= 40; s++) a[s] = 1; // 11 pixels
    for (let s = 35; s <= 69; s++) b[s] = 1; // 35 pixels; overlap 35..40 = 6
    expect(distance(a, b, { classes: 2 })).toBeCloseTo(1 - 6 / (11 + 35 - 6), 15);
  });
});

describe('iouReference and pairwiseIouDistances: hand-worked', () => {
  it('iouReference: |a_c ∩ b_c| / |a_c ∪ b_c|, 1 when the channel is empty in both', () => {
    expect(iouReference([1, 1, 1, 0], [0, 1, 1, 1], (v) => v === 1)).toBe(2 / 4);
    expect(iouReference([0, 1, 0], [0, 0, 0], (v) => v === 2)).toBe(1);
    expect(iouReference([0, 2, 0], [0, 0, 0], (v) => v > 0)).toBe(0);
  });

  it('pairwiseIouDistances: row-major Ka × Kb', () => {
    // a0 = [1,0], a1 = [1,1]; b0 = [0,0], b1 = [1,0]
    const d = pairwiseIouDistances([1, 0, 1, 1], [0, 0, 1, 0], { pixels: 2, classes: 2 });
    expect(Array.from(d)).toEqual([1, 0, 1, 1 - 1 / 2]);
  });
});

describe('iouDistance: properties', () => {
  it('is symmetric, lies in [0, 1], and d(a, a) = 0', () => {
    const pair = dims.chain(({ C, S, convention }) =>
      fc.record({
        C: fc.constant(C),
        convention: fc.constant(convention),
        a: labelMap(S, C),
        b: labelMap(S, C),
      }),
    );
    fc.assert(
      fc.property(pair, ({ C, convention, a, b }) => {
        const opts = { classes: C, convention };
        const dab = iouDistance(a, b, opts);
        expect(dab).toBe(iouDistance(b, a, opts));
        expect(dab).toBeGreaterThanOrEqual(0);
        expect(dab).toBeLessThanOrEqual(1);
        expect(iouDistance(a, a, opts)).toBe(0);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('ssn and lidc coincide for two classes', () => {
    const pair = fc
      .integer({ min: 1, max: 70 })
      .chain((S) => fc.tuple(labelMap(S, 2), labelMap(S, 2)));
    fc.assert(
      fc.property(pair, ([a, b]) => {
        expect(iouDistance(a, b, { classes: 2, convention: 'ssn' })).toBe(
          iouDistance(a, b, { classes: 2, convention: 'lidc' }),
        );
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it('single-map helpers agree with the matrix', () => {
    fc.assert(
      fc.property(twoSets, ({ C, S, convention, samples, annotations, Na }) => {
        const m = pairwiseIouDistances(samples, annotations, { pixels: S, classes: C, convention });
        const d = iouDistance(mapAt(samples, 0, S), mapAt(annotations, Na - 1, S), {
          classes: C,
          convention,
        });
        expect(d).toBe(m[Na - 1]);
      }),
      { seed: 42, numRuns: 50 },
    );
  });
});
