/**
 * The per-pixel likelihoods of a segmentation given its logits, in log space so that logits of
 * magnitude 1e4 stay finite, and where each pixel's logits live in the flat vector.
 */
import { checkLayout, type Layout } from '../distribution/layout.js';
import { checkBinary, checkInteger, checkLabels, checkLength } from '../util/validate.js';

/** The per-pixel likelihood: softmax over C classes, or sigmoid of one logit. */
export type Likelihood = 'categorical' | 'bernoulli';

/** How labels are scored against logits: the likelihood, C, the layout and a mask. */
export interface PixelLikelihoodOptions {
  /**
   * 'categorical': C logits per pixel, p = softmax; 'bernoulli': one logit per pixel,
   * p(y = 1) = sigmoid(eta), labels in {0, 1}.
   */
  likelihood: Likelihood;
  /** Number of classes C; required for categorical, 2 (or omitted) for bernoulli. */
  classes?: number;
  /** Layout of the C x S logits; default 'class-major'. Ignored for bernoulli. */
  layout?: Layout;
  /** Optional S-pixel mask of 0/1; masked pixels add nothing to the loss. */
  mask?: ArrayLike<number>;
}

/** Checked geometry: pixel s's logit for class c is at base(s) + c * classStride. */
export interface PixelGeometry {
  likelihood: Likelihood;
  /** Logits per pixel: C for categorical, 1 for bernoulli. */
  logitsPerPixel: number;
  /** Label classes: C for categorical, 2 for bernoulli. */
  classes: number;
  pixels: number;
  /** base(s) = s * pixelStride. */
  pixelStride: number;
  classStride: number;
  mask: ArrayLike<number> | undefined;
}

/**
 * Validates labels and options against a logit vector of size N and returns where each
 * pixel's logits sit.
 * @throws RangeError naming likelihood, classes, layout, labels or mask when they disagree
 */
export function pixelGeometry(
  size: number,
  labels: ArrayLike<number>,
  options: PixelLikelihoodOptions,
): PixelGeometry {
  const { likelihood } = options;
  if (likelihood !== 'categorical' && likelihood !== 'bernoulli') {
    throw new RangeError(
      `likelihood: unknown likelihood ${JSON.stringify(likelihood)} (expected "categorical" or "bernoulli")`,
    );
  }
  let classes: number;
  let logitsPerPixel: number;
  if (likelihood === 'bernoulli') {
    if (options.classes !== undefined && options.classes !== 2) {
      throw new RangeError(`classes: a bernoulli likelihood has 2 classes, got ${options.classes}`);
    }
    classes = 2;
    logitsPerPixel = 1;
  } else {
    if (options.classes === undefined) {
      throw new RangeError('classes: required for a categorical likelihood');
    }
    checkInteger('classes', options.classes, 2);
    classes = options.classes;
    logitsPerPixel = classes;
  }
  if (size % logitsPerPixel !== 0) {
    throw new RangeError(
      `classes: the logit count N = ${size} is not a multiple of ${logitsPerPixel} classes`,
    );
  }
  const pixels = size / logitsPerPixel;
  checkLength('labels', labels, pixels, `the pixel count S = N / ${logitsPerPixel} = ${pixels}`);
  checkLabels('labels', labels, classes);
  const layout = options.layout ?? 'class-major';
  checkLayout('layout', layout);
  if (options.mask !== undefined) {
    checkLength('mask', options.mask, pixels, `the pixel count S = ${pixels}`);
    checkBinary('mask', options.mask);
  }
  const classMajor = layout === 'class-major' || logitsPerPixel === 1;
  return {
    likelihood,
    logitsPerPixel,
    classes,
    pixels,
    pixelStride: classMajor ? 1 : logitsPerPixel,
    classStride: classMajor ? pixels : 1,
    mask: options.mask,
  };
}

/** log sigmoid(x) = −softplus(−x), finite for any finite x. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/** sigmoid(x) without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
