import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { headToDistribution } from '../../src/distribution/head.js';
import { convertLayout } from '../../src/distribution/layout.js';
import {
  headToDistributionFromViews,
  labelMapFromView,
  logitsView,
  pixelMajorView,
  samplesView,
  toFlat,
} from '../../src/ndarray/views.js';

/** Irregular deterministic values. */
const fill = (n: number, phase: number) =>
  Float64Array.from({ length: n }, (_, j) => 0.3 * Math.sin(1.3 * j + phase));

describe('headToDistributionFromViews', () => {
  it.each([
    ['2D', [3, 4]],
    ['3D', [2, 3, 4]],
  ])('%s: the same distribution as headToDistribution on the flat arrays', (_name, spatial) => {
    const C = 2;
    const R = 3;
    const S = spatial.reduce((a, b) => a * b, 1);
    const mean = fill(C * S, 0);
    const logDiag = fill(C * S, 1);
    const factor = fill(R * C * S, 2);
    const mask = Float64Array.from({ length: S }, (_, s) => (s % 3 === 0 ? 0 : 1));
    const got = headToDistributionFromViews({
      mean: ndarray(mean, [C, ...spatial]),
      logDiag: ndarray(logDiag, [C, ...spatial]),
      factor: ndarray(factor, [R * C, ...spatial]),
      mask: ndarray(mask, spatial),
    });
    const want = headToDistribution({ mean, logDiag, factor, classes: C, rank: R, mask });
    expect(got.rank).toBe(R);
    expect(got.size).toBe(C * S);
    expect(Array.from(got.loc)).toEqual(Array.from(want.loc));
    expect(Array.from(got.covDiag)).toEqual(Array.from(want.covDiag));
    expect(Array.from(got.covFactor)).toEqual(Array.from(want.covFactor));
  });

  it('accepts strided views (a pixel-major array seen class-major) and copies them in order', () => {
    const C = 2;
    const spatial = [3, 4];
    const S = 12;
    const classMajor = fill(C * S, 0.5);
    const pixelMajor = convertLayout(classMajor, {
      classes: C,
      from: 'class-major',
      to: 'pixel-major',
    });
    const view = logitsView(pixelMajor, C, spatial, 'pixel-major');
    expect(Array.from(toFlat('mean', view))).toEqual(Array.from(classMajor));
    const d = headToDistributionFromViews({
      mean: view,
      logDiag: ndarray(fill(C * S, 1), [C, 3, 4]),
      factor: ndarray(fill(C * S, 2), [C, 3, 4]),
    });
    expect(Array.from(d.loc)).toEqual(Array.from(classMajor));
  });

  it('bad shapes: errors naming the argument and the shape', () => {
    const v = (shape: number[]) => ndarray(new Float64Array(shape.reduce((a, b) => a * b)), shape);
    const ok = { mean: v([2, 3, 4]), logDiag: v([2, 3, 4]), factor: v([4, 3, 4]) };
    expect(() => headToDistributionFromViews({ ...ok, mean: v([24]) })).toThrow(
      /^mean: must have shape \[C, H, W\] .*got shape \[24\]$/,
    );
    expect(() => headToDistributionFromViews({ ...ok, logDiag: v([2, 4, 3]) })).toThrow(
      /^logDiag: shape \[2, 4, 3\] does not match/,
    );
    expect(() => headToDistributionFromViews({ ...ok, factor: v([5, 3, 4]) })).toThrow(
      /^factor: shape \[5, 3, 4\] has 5 channels, not a multiple of C = 2/,
    );
    expect(() => headToDistributionFromViews({ ...ok, factor: v([4, 3, 5]) })).toThrow(
      /^factor: shape \[4, 3, 5\] does not match/,
    );
    expect(() => headToDistributionFromViews({ ...ok, mask: v([4, 3]) })).toThrow(
      /^mask: shape \[4, 3\] does not match mean's spatial shape \[3, 4\]$/,
    );
    expect(() => headToDistributionFromViews({ ...ok, mean: [1, 2] as never })).toThrow(TypeError);
  });
});

describe('views of flat arrays (zero-copy)', () => {
  it('logitsView: class c at pixel (h, w) in either layout, sharing the data', () => {
    const C = 3;
    const classMajor = fill(C * 6, 0);
    const pixelMajor = convertLayout(classMajor, {
      classes: C,
      from: 'class-major',
      to: 'pixel-major',
    });
    const a = logitsView(classMajor, C, [2, 3]);
    const b = logitsView(pixelMajor, C, [2, 3], 'pixel-major');
    expect(a.shape).toEqual([3, 2, 3]);
    expect(b.shape).toEqual([3, 2, 3]);
    for (let c = 0; c < C; c++)
      for (let h = 0; h < 2; h++)
        for (let w = 0; w < 3; w++) expect(b.get(c, h, w)).toBe(a.get(c, h, w));
    expect(b.data).toBe(pixelMajor);
    expect(() => logitsView(classMajor, 4, [2, 3])).toThrow(
      /^logits: length 18 does not equal C·S = 4·6 for spatial shape \[2, 3\]$/,
    );
    expect(() => logitsView(classMajor, 3, [18])).toThrow(/^spatial: must be \[H, W\]/);
  });

  it('pixelMajorView: the transposed view, same data; its flat copy is the pixel-major order', () => {
    const C = 2;
    const data = fill(C * 2 * 2 * 3, 0);
    const cm = ndarray(data, [C, 2, 2, 3]);
    const pm = pixelMajorView(cm);
    expect(pm.shape).toEqual([2, 2, 3, C]);
    expect(pm.data).toBe(data);
    expect(pm.get(1, 0, 2, 1)).toBe(cm.get(1, 1, 0, 2));
    expect(Array.from(toFlat('x', pm))).toEqual(
      Array.from(convertLayout(data, { classes: C, from: 'class-major', to: 'pixel-major' })),
    );
    expect(() => pixelMajorView(ndarray(data, [24]))).toThrow(/^classMajor: .*got shape \[24\]$/);
  });

  it('samplesView: [M, C, ...spatial] over the same data (2D and 3D)', () => {
    const samples = fill(4 * 2 * 6, 0);
    const v2 = samplesView(samples, 2, [2, 3]);
    expect(v2.shape).toEqual([4, 2, 2, 3]);
    expect(v2.get(3, 1, 1, 2)).toBe(samples[3 * 12 + 1 * 6 + 1 * 3 + 2]);
    const v3 = samplesView(samples, 2, [1, 2, 3]);
    expect(v3.shape).toEqual([4, 2, 1, 2, 3]);
    expect(v3.data).toBe(samples);
    expect(() => samplesView(samples, 5, [2, 3])).toThrow(
      /^samples: length 48 is not a positive multiple of C·S = 30/,
    );
  });

  it('labelMapFromView: [H, W] or [D, H, W] to flat row-major labels', () => {
    const labels = Float64Array.of(0, 1, 1, 0, 2, 2);
    const t = ndarray(labels, [2, 3]).transpose(1, 0);
    expect(labelMapFromView(t)).toEqual({
      labels: Float64Array.of(0, 0, 1, 2, 1, 2),
      shape: [3, 2],
    });
    expect(labelMapFromView(ndarray(labels, [1, 2, 3])).shape).toEqual([1, 2, 3]);
    expect(() => labelMapFromView(ndarray(labels, [6]), 'annotation')).toThrow(
      /^annotation: must have shape \[H, W\] or \[D, H, W\], got shape \[6\]$/,
    );
  });
});
