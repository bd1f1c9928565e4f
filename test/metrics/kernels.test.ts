/**
 * Ties the metric kernels (src/metrics/kernels/) to the reference formulas bit for bit: every
 * count is an integer and the floating-point steps are the same, in the same order, so equality
 * is exact (`toBe`, `Object.is`), not within a tolerance. The second half covers the fast paths
 * on their own: the Harley–Seal count against a plain per-word sum (every remainder length, words
 * of all ones) and the two-pair counts likewise (contiguous and gathered), the row counts
 * against a per-pixel count on maps whose non-zero word ranges do and do not overlap, sparse and
 * full (so that every way of counting two pairs runs), the packing of every kind of array
 * against a per-pixel packer written here (tails, empty and full maps, both conventions), its
 * errors, and maps long enough (up to 40 words) that the eight-word blocks run, sparse and dense.
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
import { labelMapBitsets } from '../../src/metrics/kernels/labelMapBitsets.js';
import {
  andPopcount,
  andPopcountTwo,
  gatherAndPopcountFour,
  gatherAndPopcountTwo,
} from '../../src/metrics/kernels/popcount.js';
import { countRow, pairRow } from '../../src/metrics/kernels/pairDistances.js';
import { expectGedEqualsReference, mapAt } from './naive.js';
import { labelMap, twoSets } from './arbitraries.js';

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

/** Set bits of a 32-bit word, one bit at a time. */
function bitCount(word: number): number {
  let n = 0;
  for (let b = 0; b < 32; b++) n += (word >>> b) & 1;
  return n;
}

/** Words biased to the cases that stress the carries: 0, all ones, and random. */
const word = fc.oneof(
  fc.constant(0),
  fc.constant(0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);

describe('andPopcount (kernels/popcount.ts) = the plain per-word sum', () => {
  it('for every range [lo, hi) of two word arrays, lengths 0 to 40, empty ranges included', () => {
    const arrays = fc.integer({ min: 0, max: 44 }).chain((n) =>
      fc.record({
        a: fc.array(word, { minLength: n, maxLength: n }),
        b: fc.array(word, { minLength: n, maxLength: n }),
        lo: fc.integer({ min: 0, max: n }),
        hi: fc.integer({ min: 0, max: n }),
        shift: fc.integer({ min: 0, max: 3 }),
      }),
    );
    fc.assert(
      fc.property(arrays, ({ a, b, lo, hi, shift }) => {
        // a is read at offset 0, b at `shift` (b's words placed after `shift` leading zeros).
        const A = Uint32Array.from(a);
        const B = Uint32Array.from([...new Array<number>(shift).fill(7), ...b]);
        let expected = 0;
        for (let w = lo; w < hi; w++) expected += bitCount(a[w] & b[w]);
        expect(andPopcount(A, 0, B, shift, lo, hi)).toBe(expected);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('counts 32 per word when both ranges are all ones (every carry taken)', () => {
    const ones = new Uint32Array(40).fill(0xffffffff);
    for (let n = 0; n <= 40; n++) expect(andPopcount(ones, 0, ones, 0, 0, n)).toBe(32 * n);
  });
});

describe('andPopcountTwo (kernels/popcount.ts) = two plain per-word sums', () => {
  it('for every range [lo, hi), lengths 0 to 44, the two second bitsets at any offsets', () => {
    const arrays = fc.integer({ min: 0, max: 44 }).chain((n) =>
      fc.record({
        a: fc.array(word, { minLength: n, maxLength: n }),
        b0: fc.array(word, { minLength: n, maxLength: n }),
        b1: fc.array(word, { minLength: n, maxLength: n }),
        lo: fc.integer({ min: 0, max: n }),
        hi: fc.integer({ min: 0, max: n }),
        shift: fc.integer({ min: 0, max: 3 }),
        oa: fc.integer({ min: 0, max: 2 }),
      }),
    );
    fc.assert(
      fc.property(arrays, ({ a, b0, b1, lo, hi, shift, oa }) => {
        // a at offset oa; b holds `shift` filler words, then b0, then b1.
        const A = Uint32Array.from([...new Array<number>(oa).fill(5), ...a]);
        const B = Uint32Array.from([...new Array<number>(shift).fill(7), ...b0, ...b1]);
        const expected = [0, 0];
        for (let w = lo; w < hi; w++) {
          expected[0] += bitCount(a[w] & b0[w]);
          expected[1] += bitCount(a[w] & b1[w]);
        }
        const out = Int32Array.of(-1, -1, -1, -1);
        andPopcountTwo(A, oa, B, shift, shift + a.length, lo, hi, out, 1);
        expect([...out]).toEqual([-1, ...expected, -1]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('gathered: for any list of words and indices, any [k0, k1), lengths 0 to 44', () => {
    const lists = fc.integer({ min: 0, max: 44 }).chain((n) =>
      fc.record({
        v: fc.array(word, { minLength: n, maxLength: n }),
        x: fc.array(fc.integer({ min: 0, max: 49 }), { minLength: n, maxLength: n }),
        b: fc.array(word, { minLength: 200, maxLength: 200 }),
        k0: fc.integer({ min: 0, max: n }),
        k1: fc.integer({ min: 0, max: n }),
      }),
    );
    fc.assert(
      fc.property(lists, ({ v, x, b, k0, k1 }) => {
        // The second bitsets are b's words 0..49, 50..99, 100..149 and 150..199.
        const expected = [0, 0, 0, 0];
        for (let k = k0; k < k1; k++) {
          for (let m = 0; m < 4; m++) expected[m] += bitCount(v[k] & b[50 * m + x[k]]);
        }
        const [V, X, B] = [Uint32Array.from(v), Int32Array.from(x), Uint32Array.from(b)];
        const two = Int32Array.of(-1, -1, -1, -1);
        gatherAndPopcountTwo(V, X, k0, k1, B, 0, 50, two, 1);
        expect([...two]).toEqual([-1, expected[0], expected[1], -1]);
        const four = Int32Array.of(-1, -1, -1, -1, -1, -1);
        gatherAndPopcountFour(V, X, k0, k1, B, 0, 50, 100, 150, four, 1);
        expect([...four]).toEqual([-1, ...expected, -1]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  it('counts 32 per word when all three ranges are all ones', () => {
    const ones = new Uint32Array(80).fill(0xffffffff);
    const out = new Int32Array(2);
    for (let n = 0; n <= 40; n++) {
      andPopcountTwo(ones, 0, ones, 0, 40, 0, n, out, 0);
      expect([...out]).toEqual([32 * n, 32 * n]);
    }
  });
});

/**
 * One binary map of S pixels whose foreground lies in [start, start + length) (clipped to S):
 * empty, all ones there, random there, or random at one pixel in 64 there (so that every other
 * word at least is zero, and the gathered count runs); so that maps' non-zero word ranges
 * overlap, nest, or lie apart.
 */
function windowMap(S: number): fc.Arbitrary<number[]> {
  return fc
    .record({
      start: fc.integer({ min: 0, max: S }),
      length: fc.integer({ min: 0, max: S }),
      fill: fc.constantFrom('empty', 'ones', 'random', 'scattered'),
      bits: fc.array(fc.boolean(), { minLength: S, maxLength: S }),
      spot: fc.integer({ min: 0, max: 63 }),
    })
    .map(({ start, length, fill, bits, spot }) =>
      Array.from({ length: S }, (_, s) => {
        if (fill === 'empty' || s < start || s >= start + length) return 0;
        if (fill === 'ones') return 1;
        return bits[s] && (fill === 'random' || s % 64 === spot) ? 1 : 0;
      }),
    );
}

describe('countRow (kernels/pairDistances.ts) = the per-pixel intersection counts', () => {
  it('on maps whose non-zero ranges overlap, nest or lie apart, any S (tails included)', () => {
    const sets = fc
      .oneof(fc.integer({ min: 1, max: 700 }), fc.constantFrom(32, 96, 640))
      .chain((S) =>
        fc.record({
          S: fc.constant(S),
          a: fc.array(windowMap(S), { minLength: 1, maxLength: 3 }),
          // Up to 9 maps: rows of four pairs a pass, then two, then one.
          b: fc.array(windowMap(S), { minLength: 1, maxLength: 9 }),
          jStart: fc.nat(),
        }),
      );
    fc.assert(
      fc.property(sets, ({ S, a, b, jStart }) => {
        const options = { pixels: S, classes: 2 };
        const A = labelMapBitsets('a', Int32Array.from(a.flat()), options);
        const B = labelMapBitsets('b', Int32Array.from(b.flat()), options);
        const start = jStart % b.length;
        const row = pairRow([A], b.length);
        a.forEach((mapA, i) => {
          row.counts.fill(-1);
          countRow(A, i, B, start, b.length, row);
          b.forEach((mapB, j) => {
            const expected =
              j < start ? -1 : mapA.filter((v, s) => v === 1 && mapB[s] === 1).length;
            expect(row.counts[j]).toBe(expected);
          });
        });
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("counts right whether two pairs' overlaps lie far apart (counted apart) or coincide (together)", () => {
    // S = 1024 (32 words). Map i is all ones; j0 has its foreground in word 0 only, j1 in word
    // 31 only: the union of the overlaps is 32 words against 2 summed, so they are counted
    // apart. j2 and j3 are all ones: the same overlap, counted together.
    const S = 1024;
    const ones = new Array<number>(S).fill(1);
    const head = ones.map((_, s) => (s < 32 && s % 3 === 0 ? 1 : 0)); // 11 pixels
    const tail = ones.map((_, s) => (s >= S - 32 && s % 2 === 0 ? 1 : 0)); // 16 pixels
    const options = { pixels: S, classes: 2 };
    const A = labelMapBitsets('a', Int32Array.from(ones), options);
    const B = labelMapBitsets('b', Int32Array.from([...head, ...tail, ...ones, ...ones]), options);
    const row = pairRow([A], 4);
    countRow(A, 0, B, 0, 4, row);
    expect([...row.counts]).toEqual([11, 16, S, S]);
  });
});

/** The kinds of array a set of label maps can arrive as. */
const arrayKinds = {
  Array: (v: number[]) => v,
  Int32Array: (v: number[]) => Int32Array.from(v),
  Uint8Array: (v: number[]) => Uint8Array.from(v),
  Uint32Array: (v: number[]) => Uint32Array.from(v),
  Int8Array: (v: number[]) => Int8Array.from(v),
  Float64Array: (v: number[]) => Float64Array.from(v),
  // Views starting 4 bytes past an 8-byte boundary (labels not paired on double boundaries).
  'Int32Array at an odd offset': (v: number[]) => offsetView(Int32Array, v),
  'Uint32Array at an odd offset': (v: number[]) => offsetView(Uint32Array, v),
} as const;

/** `v` in a view of `Kind` starting one element into its buffer. */
function offsetView<T extends Int32Array | Uint32Array>(
  Kind: new (length: number) => T,
  v: number[],
): T {
  const whole = new Kind(v.length + 1);
  whole.set(v, 1);
  return whole.subarray(1) as T;
}
const kinds = Object.keys(arrayKinds) as (keyof typeof arrayKinds)[];

/** One map: background-heavy or empty (labelMap), or all foreground of one class. */
function anyMap(S: number, C: number): fc.Arbitrary<number[]> {
  return fc.oneof(
    { weight: 3, arbitrary: labelMap(S, C) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: C - 1 }).map((c) => new Array<number>(S).fill(c)),
    },
  );
}

/** K maps of S ∈ [1, 1300] pixels (up to 41 words: the eight-word blocks and their remainders). */
const longSets = fc
  .record({
    C: fc.constantFrom(2, 3, 5),
    S: fc.oneof(fc.integer({ min: 1, max: 1300 }), fc.constantFrom(32, 256, 288, 1024)),
    convention: fc.constantFrom('ssn' as const, 'lidc' as const),
    kind: fc.constantFrom(...kinds),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      samples: fc.array(anyMap(d.S, d.C), { minLength: 1, maxLength: 5 }),
      annotations: fc.array(anyMap(d.S, d.C), { minLength: 1, maxLength: 3 }),
      estimator: fc.constantFrom('v' as const, 'u' as const),
    }),
  );

describe('the fast paths on long maps, every array kind', () => {
  it('labelMapBitsets equals a per-pixel packer (bits, sizes, word ranges)', () => {
    fc.assert(
      fc.property(longSets, ({ d, samples }) => {
        const { C, S, convention } = d;
        const flat = samples.flat();
        const packed = labelMapBitsets('s', arrayKinds[d.kind](flat), {
          pixels: S,
          classes: C,
          convention,
        });
        const Q = convention === 'ssn' ? C - 1 : 1;
        const W = Math.ceil(S / 32);
        expect([packed.count, packed.channels, packed.words]).toEqual([samples.length, Q, W]);
        samples.forEach((map, k) => {
          for (let q = 0; q < Q; q++) {
            const kq = k * Q + q;
            const inChannel = (v: number): boolean => (Q === 1 ? v > 0 : v === q + 1);
            const expectedBits = new Uint32Array(W);
            map.forEach((v, s) => {
              if (inChannel(v)) expectedBits[s >>> 5] |= 1 << (s & 31);
            });
            const nonZero = [...expectedBits.keys()].filter((w) => expectedBits[w] !== 0);
            expect(packed.bits.subarray(kq * W, (kq + 1) * W)).toEqual(expectedBits);
            expect(packed.sizes[kq]).toBe(map.filter(inChannel).length);
            expect(packed.first[kq]).toBe(nonZero.length ? nonZero[0] : W);
            expect(packed.end[kq]).toBe(nonZero.length ? nonZero[nonZero.length - 1] + 1 : 0);
            expect(packed.nonZero[kq]).toBe(nonZero.length);
          }
        });
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('GED² and diversity equal the reference bit for bit', () => {
    fc.assert(
      fc.property(longSets, ({ d, samples, annotations, estimator }) => {
        fc.pre(estimator === 'v' || (samples.length >= 2 && annotations.length >= 2));
        const options = { pixels: d.S, classes: d.C, convention: d.convention, estimator };
        const s = arrayKinds[d.kind](samples.flat());
        const y = arrayKinds[d.kind](annotations.flat());
        expectGedEqualsReference(s, y, options);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it('a bad label in any word, of any integer array kind, gets the per-pixel check error', () => {
    const bad = fc.record({
      S: fc.integer({ min: 1, max: 100 }),
      K: fc.integer({ min: 1, max: 3 }),
      C: fc.constantFrom(2, 3),
      convention: fc.constantFrom('ssn' as const, 'lidc' as const),
      at: fc.nat(),
      value: fc.constantFrom(-1, 3, 7, 200, 2 ** 31, 2 ** 32 - 1, -(2 ** 31)),
      kind: fc.constantFrom(
        'Int32Array',
        'Uint8Array',
        'Uint32Array',
        'Int8Array',
        'Int32Array at an odd offset',
        'Uint32Array at an odd offset' as const,
      ),
      // All background (half-words skipped on their doubles), all foreground, or mixed.
      fill: fc.constantFrom('background', 'foreground', 'alternate'),
    });
    fc.assert(
      fc.property(bad, ({ S, K, C, convention, at, value, kind, fill }) => {
        const label = (s: number): number =>
          fill === 'background' ? 0 : fill === 'foreground' ? C - 1 : s & 1;
        const labels = arrayKinds[kind](Array.from({ length: K * S }, (_, s) => label(s)));
        labels[at % (K * S)] = value; // wraps in the typed array as it would for a caller
        const stored = labels[at % (K * S)];
        fc.pre(stored < 0 || stored >= C);
        const options = { pixels: S, classes: C, convention };
        const expected = `samples: value ${stored} at index ${at % (K * S)} is out of range for ${C} classes`;
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(RangeError);
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(expected);
      }),
      { seed: 42, numRuns: 600 },
    );
  });

  it('a half-word of 2s and 0s whose doubles sum as an all-foreground one does is refused', () => {
    // Even labels 2, 0, 1, …, 1 and odd labels 1: Σ even = 8 and Σ odd = 8, as for all 1s.
    const labels = new Int32Array(64).fill(1);
    labels[16] = 2;
    labels[18] = 0;
    const expected = 'samples: value 2 at index 16 is out of range for 2 classes';
    expect(() => labelMapBitsets('samples', labels, { pixels: 32, classes: 2 })).toThrow(expected);
  });

  it('a label −2³¹ after a 0, whose pair of labels reads as the double −0, is refused', () => {
    // Labels 2i, 2i + 1 = 0, −2³¹ are the bits of −0, which compares equal to 0.
    for (const at of [1, 3, 15, 17, 33, 63, 1023]) {
      for (const S of [32, 64, 1024, 40]) {
        const labels = new Int32Array(2 * S);
        labels[at % (2 * S)] = -(2 ** 31);
        const options = { pixels: S, classes: 2 };
        const expected = `samples: value -2147483648 at index ${at % (2 * S)} is out of range for 2 classes`;
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(RangeError);
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(expected);
        const unsigned = new Uint32Array(labels.buffer);
        const expectedUnsigned = expected.replace('-2147483648', '2147483648');
        expect(() => labelMapBitsets('samples', unsigned, options)).toThrow(expectedUnsigned);
      }
    }
  });

  it('a non-integer label in any word of an Array or Float64Array is a TypeError', () => {
    const bad = fc.record({
      S: fc.integer({ min: 1, max: 100 }),
      K: fc.integer({ min: 1, max: 3 }),
      at: fc.nat(),
      value: fc.constantFrom(0.5, 1.5, -0.5, Number.NaN),
      kind: fc.constantFrom('Array', 'Float64Array' as const),
    });
    fc.assert(
      fc.property(bad, ({ S, K, at, value, kind }) => {
        const flat = new Array<number>(K * S).fill(1);
        flat[at % (K * S)] = value;
        const labels = arrayKinds[kind](flat);
        const options = { pixels: S, classes: 2 };
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(TypeError);
        expect(() => labelMapBitsets('samples', labels, options)).toThrow(
          `at index ${at % (K * S)} is not an integer label`,
        );
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
