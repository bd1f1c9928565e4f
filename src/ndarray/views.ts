/**
 * ndarray at the API's boundary: maps and volumes carry their shape as ndarray views, beside the
 * flat class-major arrays the hot loops use. A 2D image is [H, W] (logits [C, H, W]); a 3D volume
 * is [D, H, W] (logits [C, D, H, W]) and goes through exactly the same code: the spatial axes are
 * flattened row-major into S = H·W or D·H·W pixels (voxels), as the official 3D code does.
 *
 * Views in, flat out: a view (of any strides, e.g. a transposed or sliced one) is copied into a
 * fresh contiguous Float64Array with ndarray-ops when it is not already contiguous and
 * class-major. Flat in, views out: samples and logits are wrapped without copying, and the
 * pixel-major order is a transposed view of the same data.
 */
import ndarray from 'ndarray';
import type { Data, NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { headToDistribution } from '../distribution/head.js';
import type { Layout } from '../distribution/layout.js';
import type { LowRankNormal } from '../distribution/lowRankNormal.js';

/** A view of numbers with a shape, as the `ndarray` package makes them. */
export type NumberView = NdArray<Data<number>>;

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function checkView(name: string, x: unknown): asserts x is NumberView {
  const v = x as Partial<NumberView> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    !Array.isArray(v.shape) ||
    !Array.isArray(v.stride) ||
    typeof v.get !== 'function'
  ) {
    throw new TypeError(`${name}: must be an ndarray view (ndarray(data, shape)), got ${typeof x}`);
  }
}

/**
 * The view's entries, row-major, as a contiguous Float64Array (a copy).
 * @throws TypeError when `x` is not an ndarray view
 */
export function toFlat(name: string, x: NumberView): Float64Array {
  checkView(name, x);
  const out = new Float64Array(x.size);
  ops.assign(ndarray(out, x.shape.slice()), x);
  return out;
}

/**
 * A [C, …spatial] view (spatial = [H, W] or [D, H, W]) checked and split into C and the spatial
 * shape.
 * @throws RangeError naming the argument and its shape
 */
function channelsAndSpatial(
  name: string,
  x: NumberView,
  what: string,
): { channels: number; spatial: number[] } {
  checkView(name, x);
  const shape = x.shape;
  if (shape.length !== 3 && shape.length !== 4) {
    throw new RangeError(
      `${name}: must have shape ${what} (2D) or with a depth axis (3D), got shape ${fmt(shape)}`,
    );
  }
  if (shape.some((n) => !(n > 0))) {
    throw new RangeError(`${name}: every axis must be ≥ 1, got shape ${fmt(shape)}`);
  }
  return { channels: shape[0], spatial: shape.slice(1) };
}

/** The three heads' outputs as views: [C, H, W] or [C, D, H, W]; the factor [R·C, …]. */
export interface HeadViews {
  /** Mean logits, [C, H, W] or [C, D, H, W]. */
  mean: NumberView;
  /** Log of the diagonal, the shape of `mean`. */
  logDiag: NumberView;
  /** The factor's R·C channels (channel r·C + c holds rank r of class c), [R·C, …spatial]. */
  factor: NumberView;
  /** Optional 0/1 pixel mask, [H, W] or [D, H, W]; 0 removes the pixel's covariance. */
  mask?: NumberView;
  /** ε added to the diagonal; default 1e-5. */
  epsilon?: number;
}

/**
 * The low-rank normal that an SSN head's output maps describe (`headToDistribution` on their
 * flat, class-major copies); C comes from `mean`'s first axis and R from `factor`'s.
 * @throws RangeError naming the argument and its shape when the shapes disagree
 * @example
 * headToDistributionFromViews({ mean: ndarray(m, [2, 4, 4]), logDiag: ndarray(d, [2, 4, 4]),
 *   factor: ndarray(f, [20, 4, 4]) }).rank // 10
 */
export function headToDistributionFromViews(head: HeadViews): LowRankNormal {
  const { channels: classes, spatial } = channelsAndSpatial('mean', head.mean, '[C, H, W]');
  const same = (name: string, v: NumberView, channels: number, what: string) => {
    const got = channelsAndSpatial(name, v, what);
    if (got.channels !== channels || fmt(got.spatial) !== fmt(spatial)) {
      throw new RangeError(
        `${name}: shape ${fmt(v.shape)} does not match ${what} = ${fmt([channels, ...spatial])} (from mean's shape ${fmt(head.mean.shape)})`,
      );
    }
  };
  same('logDiag', head.logDiag, classes, '[C, …spatial]');
  const factorChannels = channelsAndSpatial('factor', head.factor, '[R·C, H, W]').channels;
  if (factorChannels % classes !== 0) {
    throw new RangeError(
      `factor: shape ${fmt(head.factor.shape)} has ${factorChannels} channels, not a multiple of C = ${classes} (expected [R·C, …spatial])`,
    );
  }
  const rank = factorChannels / classes;
  same('factor', head.factor, factorChannels, '[R·C, …spatial]');
  let mask: Float64Array | undefined;
  if (head.mask !== undefined) {
    checkView('mask', head.mask);
    if (fmt(head.mask.shape) !== fmt(spatial)) {
      throw new RangeError(
        `mask: shape ${fmt(head.mask.shape)} does not match mean's spatial shape ${fmt(spatial)}`,
      );
    }
    mask = toFlat('mask', head.mask);
  }
  return headToDistribution({
    mean: toFlat('mean', head.mean),
    logDiag: toFlat('logDiag', head.logDiag),
    factor: toFlat('factor', head.factor),
    classes,
    rank,
    ...(mask === undefined ? {} : { mask }),
    ...(head.epsilon === undefined ? {} : { epsilon: head.epsilon }),
  });
}

/**
 * A label map [H, W] or volume [D, H, W] as the flat row-major labels the metrics and the loss
 * take, with its spatial shape.
 * @throws RangeError naming `name` and the shape when it is not 2D or 3D
 */
export function labelMapFromView(
  labels: NumberView,
  name = 'labels',
): { labels: Float64Array; shape: number[] } {
  checkView(name, labels);
  if (labels.shape.length !== 2 && labels.shape.length !== 3) {
    throw new RangeError(
      `${name}: must have shape [H, W] or [D, H, W], got shape ${fmt(labels.shape)}`,
    );
  }
  return { labels: toFlat(name, labels), shape: labels.shape.slice() };
}

function checkSpatial(spatial: readonly number[]): void {
  if (
    (spatial.length !== 2 && spatial.length !== 3) ||
    spatial.some((n) => !Number.isSafeInteger(n) || n < 1)
  ) {
    throw new RangeError(
      `spatial: must be [H, W] or [D, H, W] of integers ≥ 1, got ${fmt(spatial)}`,
    );
  }
}

/**
 * Flat logits (C·S entries in `layout` order) as a [C, …spatial] view, without copying: for
 * 'pixel-major' data the view's strides walk the interleaved order, so `view.get(c, h, w)` is
 * class c at pixel (h, w) either way.
 * @throws RangeError naming the argument when the length is not C·S
 */
export function logitsView(
  logits: Float64Array,
  classes: number,
  spatial: readonly number[],
  layout: Layout = 'class-major',
): NdArray<Float64Array> {
  checkSpatial(spatial);
  const s = spatial.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(`classes: must be an integer ≥ 1, got ${classes}`);
  }
  if (logits.length !== classes * s) {
    throw new RangeError(
      `logits: length ${logits.length} does not equal C·S = ${classes}·${s} for spatial shape ${fmt(spatial)}`,
    );
  }
  const shape = [...spatial];
  if (layout === 'class-major') return ndarray(logits, [classes, ...shape]);
  if (layout !== 'pixel-major') {
    throw new RangeError(`layout: must be 'class-major' or 'pixel-major', got ${String(layout)}`);
  }
  // Pixel-major is [...spatial, C] row-major; its transpose puts C first, sharing the data.
  const axes = shape.map((_, i) => i);
  return ndarray(logits, [...shape, classes]).transpose(shape.length, ...axes);
}

/**
 * A [C, …spatial] view as its pixel-major [..spatial, C] transpose, or back: zero-copy, the same
 * data with permuted strides.
 */
export function pixelMajorView<D extends Data<number>>(classMajor: NdArray<D>): NdArray<D> {
  const d = classMajor.shape.length;
  if (d !== 3 && d !== 4) {
    throw new RangeError(
      `classMajor: must have shape [C, H, W] or [C, D, H, W], got shape ${fmt(classMajor.shape)}`,
    );
  }
  return classMajor.transpose(...Array.from({ length: d - 1 }, (_, i) => i + 1), 0);
}

/**
 * M samples of a C·S-logit distribution (M·C·S entries, each sample class-major, as `sample`
 * and `rsample` return them) as an [M, C, …spatial] view, without copying.
 * @throws RangeError naming the argument when the length is not M·C·S
 */
export function samplesView(
  samples: Float64Array,
  classes: number,
  spatial: readonly number[],
): NdArray<Float64Array> {
  checkSpatial(spatial);
  const perSample = classes * spatial.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(classes) || classes < 1) {
    throw new RangeError(`classes: must be an integer ≥ 1, got ${classes}`);
  }
  if (samples.length === 0 || samples.length % perSample !== 0) {
    throw new RangeError(
      `samples: length ${samples.length} is not a positive multiple of C·S = ${perSample} (C = ${classes}, spatial ${fmt(spatial)})`,
    );
  }
  return ndarray(samples, [samples.length / perSample, classes, ...spatial]);
}
