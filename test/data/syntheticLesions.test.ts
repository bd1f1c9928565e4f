import { describe, it, expect } from 'vitest';
import {
  DEFAULT_ANNOTATOR_HABITS,
  makeSyntheticDataset,
  type SyntheticDataset,
} from '../../src/data/syntheticLesions.js';
import { annotationStats } from '../../src/data/annotationStats.js';
import { iouDistance as iouDistanceC } from '../../src/metrics/iouDistance.js';

const iouDistance = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  iouDistanceC(a, b, { classes: 2 });
import { splitDataset } from '../../src/data/splitDataset.js';

function bytesOf(ds: SyntheticDataset): Buffer {
  const parts: Buffer[] = [];
  ds.images.forEach((img, i) => {
    parts.push(Buffer.from(img.buffer, img.byteOffset, img.byteLength));
    for (const a of ds.annotations[i])
      parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  });
  return Buffer.concat(parts);
}

// One shared data set of a few hundred images for the statistical checks (≈ 0.3 s).
const big = makeSyntheticDataset({ seed: 7, count: 400 });

describe('makeSyntheticDataset', () => {
  it('gives identical bytes for the same seed and different bytes for another seed', () => {
    const a = makeSyntheticDataset({ seed: 3, count: 12 });
    const b = makeSyntheticDataset({ seed: 3, count: 12 });
    const c = makeSyntheticDataset({ seed: 4, count: 12 });
    expect(bytesOf(a).equals(bytesOf(b))).toBe(true);
    expect(bytesOf(a).equals(bytesOf(c))).toBe(false);
    expect(JSON.stringify(a.meta)).toBe(JSON.stringify(b.meta));
  });

  it('makes image i independent of how many images follow (per-image streams)', () => {
    const short = makeSyntheticDataset({ seed: 'x', count: 3 });
    const long = makeSyntheticDataset({ seed: 'x', count: 8 });
    expect(Array.from(short.images[2])).toEqual(Array.from(long.images[2]));
  });

  it('has the documented shapes, finite intensities and 0/1 labels', () => {
    const ds = makeSyntheticDataset({ seed: 1, count: 20, size: 24, annotators: 6 });
    expect(ds.height).toBe(24);
    expect(ds.width).toBe(24);
    expect(ds.annotators).toBe(6);
    expect(ds.images).toHaveLength(20);
    expect(ds.annotations).toHaveLength(20);
    expect(ds.meta).toHaveLength(20);
    ds.images.forEach((img, i) => {
      expect(img).toBeInstanceOf(Float64Array);
      expect(img.length).toBe(24 * 24);
      expect(img.every(Number.isFinite)).toBe(true);
      expect(ds.annotations[i]).toHaveLength(6);
      for (const a of ds.annotations[i]) {
        expect(a).toBeInstanceOf(Int32Array);
        expect(a.length).toBe(24 * 24);
        expect(a.every((v) => v === 0 || v === 1)).toBe(true);
      }
      for (const lesion of ds.meta[i].lesions) expect(lesion.markedBy).toHaveLength(6);
    });
  });

  it('marks exactly the lesions recorded as marked (label maps agree with meta)', () => {
    for (let i = 0; i < 100; i++) {
      const { lesions } = big.meta[i];
      for (let a = 0; a < 4; a++) {
        const drawn = big.annotations[i][a].some((v) => v === 1);
        expect(drawn).toBe(lesions.some((l) => l.markedBy[a]));
      }
    }
  });

  it('contains lesion-free images, all of whose annotations are empty', () => {
    const free = big.meta.map((m, i) => (m.lesions.length === 0 ? i : -1)).filter((i) => i >= 0);
    // emptyProbability 0.2: expect about 80 of 400; 40..120 is far beyond sampling noise.
    expect(free.length).toBeGreaterThan(40);
    expect(free.length).toBeLessThan(120);
    for (const i of free)
      expect(big.annotations[i].every((a) => a.every((v) => v === 0))).toBe(true);
  });

  it('lesions are brighter than their surroundings in the image (a network can learn them)', () => {
    let inside = 0;
    let outside = 0;
    let nIn = 0;
    let nOut = 0;
    big.images.forEach((img, i) => {
      const truth = big.meta[i].truth;
      if (!big.meta[i].lesions.some((l) => l.contrast > 0.6)) return;
      for (let p = 0; p < img.length; p++) {
        if (truth[p]) {
          inside += img[p];
          nIn++;
        } else {
          outside += img[p];
          nOut++;
        }
      }
    });
    expect(inside / nIn - outside / nOut).toBeGreaterThan(0.4);
  });

  it('annotators agree on some images and disagree on others', () => {
    let disagree = 0;
    let agree = 0;
    big.annotations.forEach((maps, i) => {
      if (big.meta[i].lesions.length === 0) return;
      // The generous and the tight annotator: large disagreement is common.
      if (iouDistance(maps[0], maps[1]) > 0.3) disagree++;
      // The average and the conservative annotator draw similar outlines of clear lesions.
      if (maps[2].some((v) => v === 1) && iouDistance(maps[2], maps[3]) < 0.2) agree++;
    });
    expect(disagree).toBeGreaterThan(50);
    expect(agree).toBeGreaterThan(20);
  });

  it('the generous annotator draws larger than the tight one', () => {
    const s = annotationStats(big);
    expect(s.foregroundFractionByAnnotator[0]).toBeGreaterThan(
      1.5 * s.foregroundFractionByAnnotator[1],
    );
  });

  it('faint lesions are marked less often than bright ones', () => {
    const rate = (lo: number, hi: number): number => {
      let marks = 0;
      let total = 0;
      for (const m of big.meta) {
        for (const l of m.lesions) {
          if (l.contrast < lo || l.contrast >= hi) continue;
          marks += l.markedBy.filter(Boolean).length;
          total += l.markedBy.length;
        }
      }
      expect(total).toBeGreaterThan(40);
      return marks / total;
    };
    const faint = rate(0.08, 0.25);
    const middle = rate(0.25, 0.45);
    const bright = rate(0.6, 1.0);
    expect(faint).toBeLessThan(middle);
    expect(middle).toBeLessThan(bright);
    expect(bright).toBeGreaterThan(0.9);
    expect(faint).toBeLessThan(0.5);
  });

  it('a faint lesion is marked by some annotators and not others on some images', () => {
    const split = big.meta.filter((m) =>
      m.lesions.some(
        (l) => l.contrast < 0.4 && l.markedBy.some(Boolean) && !l.markedBy.every(Boolean),
      ),
    );
    expect(split.length).toBeGreaterThan(10);
  });

  it('rejects bad options by name', () => {
    expect(() => makeSyntheticDataset({ seed: 1, count: 0 })).toThrow(
      new RangeError('count: must be at least 1, got 0'),
    );
    expect(() => makeSyntheticDataset({ seed: 1, count: 1.5 })).toThrow(
      new TypeError('count: must be an integer, got 1.5'),
    );
    expect(() => makeSyntheticDataset({ seed: 1, count: 2, size: 8 })).toThrow(
      /^size: must be at least 16/,
    );
    // Sizes 16–23 with the default radiusRange [2.5, 6] (6 > size/4): size is to blame, not the
    // radiusRange the caller never set; with a radiusRange that fits, 16 works.
    for (const size of [16, 23]) {
      expect(() => makeSyntheticDataset({ seed: 1, count: 2, size })).toThrow(
        new RangeError(
          `size: must be at least 24 with the default radiusRange [2.5, 6] (its upper bound must be ≤ size/4), got ${size}`,
        ),
      );
    }
    expect(makeSyntheticDataset({ seed: 1, count: 2, size: 24 }).height).toBe(24);
    expect(makeSyntheticDataset({ seed: 1, count: 2, size: 16, radiusRange: [1, 4] }).height).toBe(
      16,
    );
    expect(() =>
      makeSyntheticDataset({ seed: 1, count: 2, size: 16, radiusRange: [1, 5] }),
    ).toThrow(new RangeError('radiusRange: upper bound 5 exceeds size/4 = 4'));
    expect(() => makeSyntheticDataset({ seed: NaN, count: 2 })).toThrow(/^seed:/);
    expect(() => makeSyntheticDataset({ seed: 1, count: 2, emptyProbability: 1.5 })).toThrow(
      /^emptyProbability:/,
    );
    expect(() => makeSyntheticDataset({ seed: 1, count: 2, habits: [] })).toThrow(/^habits:/);
    expect(() =>
      makeSyntheticDataset({
        seed: 1,
        count: 2,
        habits: [{ ...DEFAULT_ANNOTATOR_HABITS[0], missRate: -1 }],
      }),
    ).toThrow(/^habits\[0\]\.missRate:/);
  });
});

describe('annotationStats', () => {
  it('iouDistance follows the empty/empty = 0 convention', () => {
    expect(iouDistance(Int32Array.of(0, 0), Int32Array.of(0, 0))).toBe(0);
    expect(iouDistance(Int32Array.of(1, 0), Int32Array.of(0, 0))).toBe(1);
    expect(iouDistance(Int32Array.of(1, 1, 0), Int32Array.of(1, 0, 0))).toBe(0.5);
  });

  it('matches a hand count on a two-image data set', () => {
    const z = (): Int32Array => new Int32Array(4);
    const ds: SyntheticDataset = {
      height: 2,
      width: 2,
      annotators: 2,
      images: [new Float64Array(4), new Float64Array(4)],
      annotations: [
        [z(), z()],
        [Int32Array.of(1, 1, 0, 0), Int32Array.of(1, 0, 0, 0)],
      ],
      meta: [
        { lesions: [], truth: z() },
        { lesions: [], truth: z() },
      ],
    };
    const s = annotationStats(ds);
    expect(s.emptyAnnotationFraction).toBe(0.5);
    expect(s.allEmptyImageFraction).toBe(0.5);
    expect(s.mixedEmptyImageFraction).toBe(0);
    expect(s.meanPairwiseIouDistance).toBe(0.25); // (0 + 0.5) / 2
    expect(s.meanPairwiseIouDistanceAnnotated).toBe(0.5);
    expect(s.annotatorDiversity).toBe(0.125); // image 2: (0 + 0.5 + 0.5 + 0) / 4, mean with 0
    expect(s.foregroundFractionByAnnotator).toEqual([0.25, 0.125]);
  });
});

describe('splitDataset', () => {
  const ds = makeSyntheticDataset({ seed: 2, count: 10 });

  it('splits in order by counts, leaving the rest out', () => {
    const s = splitDataset(ds, { train: 5, validation: 2, test: 2 });
    expect(s.indices).toEqual({ train: [0, 1, 2, 3, 4], validation: [5, 6], test: [7, 8] });
    expect(s.validation.images[0]).toBe(ds.images[5]);
    expect(s.test.annotations[1]).toBe(ds.annotations[8]);
  });

  it('with a seed, shuffles deterministically into a partition', () => {
    const a = splitDataset(ds, { train: 6, validation: 2, test: 2, seed: 9 });
    const b = splitDataset(ds, { train: 6, validation: 2, test: 2, seed: 9 });
    expect(a.indices).toEqual(b.indices);
    const all = [...a.indices.train, ...a.indices.validation, ...a.indices.test].sort(
      (x, y) => x - y,
    );
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.indices.train).not.toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects sizes that do not fit', () => {
    expect(() => splitDataset(ds, { train: 8, validation: 2, test: 1 })).toThrow(
      /^sizes: .* exceeds the 10 images/,
    );
    expect(() => splitDataset(ds, { train: 0.7, validation: 0, test: 0 })).toThrow(/^train:/);
  });
});
