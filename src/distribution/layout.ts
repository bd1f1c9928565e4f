/**
 * Where logit (class c, pixel s) sits in the flat event vector of size N = C x S.
 *   class-major (official PyTorch code): n = c*S + s
 *   pixel-major (TensorFlow LIDC fork):  n = s*C + c
 * s is the row-major pixel index in both.
 */
import { checkInteger, checkLength } from '../util/validate.js';
import { checkDistribution, knownValid, type LowRankNormal } from './lowRankNormal.js';

/**
 * The order of the C x S logits in a flat array: 'class-major' (class c's S pixels together,
 * index c*S + s, as the net's channels) or 'pixel-major' (pixel s's C logits together, s*C + c).
 */
export type Layout = 'class-major' | 'pixel-major';

/** Every logit layout, in a fixed order. */
export const LAYOUTS: readonly Layout[] = ['class-major', 'pixel-major'];

/** Throws unless `layout` names a known layout. */
export function checkLayout(name: string, layout: unknown): asserts layout is Layout {
  if (layout !== 'class-major' && layout !== 'pixel-major') {
    throw new RangeError(
      `${name}: unknown layout ${JSON.stringify(layout)} (expected "class-major" or "pixel-major")`,
    );
  }
}

/** Flat index of logit (c, s) in the given layout. */
export function logitIndex(
  c: number,
  s: number,
  classes: number,
  pixels: number,
  layout: Layout,
): number {
  return layout === 'class-major' ? c * pixels + s : s * classes + c;
}

/** Options of `convertLayout`: C, the layouts to convert from and to, entries per logit. */
export interface ConvertLayoutOptions {
  classes: number;
  from: Layout;
  to: Layout;
  /** Entries per logit: 1 for loc/covDiag/gradients, R for covFactor's rows. Default 1. */
  rowWidth?: number;
}

/**
 * Reorders the rows of an N x rowWidth array from one layout to the other (a permutation, so
 * nothing is computed). Returns a new array; equal layouts give a copy.
 * @throws RangeError when the length is not a multiple of classes x rowWidth
 * @example convertLayout([0, 1, 2, 10, 11, 12], { classes: 2, from: 'class-major', to: 'pixel-major' })
 *   // → [0, 10, 1, 11, 2, 12]
 */
export function convertLayout(
  values: ArrayLike<number>,
  options: ConvertLayoutOptions,
): Float64Array {
  const { classes, from, to, rowWidth = 1 } = options;
  checkInteger('classes', classes, 1);
  checkInteger('rowWidth', rowWidth, 1);
  checkLayout('from', from);
  checkLayout('to', to);
  if (values.length % (classes * rowWidth) !== 0) {
    throw new RangeError(
      `values: length ${values.length} is not a multiple of classes x rowWidth = ${classes * rowWidth}`,
    );
  }
  const pixels = values.length / (classes * rowWidth);
  const out = new Float64Array(values.length);
  for (let c = 0; c < classes; c++) {
    for (let s = 0; s < pixels; s++) {
      const src = logitIndex(c, s, classes, pixels, from) * rowWidth;
      const dst = logitIndex(c, s, classes, pixels, to) * rowWidth;
      for (let k = 0; k < rowWidth; k++) out[dst + k] = values[src + k];
    }
  }
  return out;
}

/**
 * The same distribution with its logits reordered to another layout (a permutation of the
 * logits leaves the log-density of correspondingly permuted points unchanged).
 */
export function convertDistributionLayout(
  dist: LowRankNormal,
  options: { classes: number; from: Layout; to: Layout },
): LowRankNormal {
  checkDistribution(dist);
  if (dist.size % options.classes !== 0) {
    throw new RangeError(
      `classes: the distribution's size ${dist.size} is not a multiple of ${options.classes} classes`,
    );
  }
  // A permutation of a valid distribution's rows: valid, and fresh arrays of this call.
  return knownValid({
    size: dist.size,
    rank: dist.rank,
    loc: convertLayout(dist.loc, options),
    covFactor: convertLayout(dist.covFactor, { ...options, rowWidth: dist.rank }),
    covDiag: convertLayout(dist.covDiag, options),
  });
}

/**
 * Per-logit noise weights for the paper's per-class manipulation (Figure 6): every logit of
 * class c gets weights[c]. Pass the result as `rowWeights` to `rsample`, with the same noises,
 * to scale one class's noise from −3 to 3 while the others keep weight 1.
 * @param options.weights - one weight per class, length C
 */
export function classNoiseWeights(options: {
  classes: number;
  pixels: number;
  layout: Layout;
  weights: ArrayLike<number>;
}): Float64Array {
  const { classes, pixels, layout, weights } = options;
  checkInteger('classes', classes, 1);
  checkInteger('pixels', pixels, 1);
  checkLayout('layout', layout);
  checkLength('weights', weights, classes, `one weight per class (C = ${classes})`);
  const out = new Float64Array(classes * pixels);
  for (let c = 0; c < classes; c++) {
    if (!Number.isFinite(weights[c])) {
      throw new RangeError(`weights: entry ${c} is ${weights[c]}, expected a finite number`);
    }
    for (let s = 0; s < pixels; s++) out[logitIndex(c, s, classes, pixels, layout)] = weights[c];
  }
  return out;
}
