/**
 * The SSN head: from a network's output maps to the low-rank normal over logits, exactly as
 * the official PyTorch code builds it (paper section 4; spec/official-code.md), and its VJP back
 * to the maps.
 *
 * Inputs are channel maps of S pixels each, channel-major (channel k at k*S):
 *   mean     C channels            → loc, class-major (n = c*S + s)
 *   logDiag  C channels            → covDiag = exp(logDiag) + ε
 *   factor   R*C channels, read rank-major: channel k = r*C + c holds P[(c, s), r]
 * With a pixel mask m (the official 3D code's background mask):
 *   covFactor rows × m_s,  covDiag = (exp(logDiag) + ε) m_s + ε   (1e-5 outside, +2e-5 inside)
 * and the mean is not masked.
 */
import { checkBinary, checkFinite, checkInteger, checkLength } from '../util/validate.js';
import { knownValid, type LowRankNormal } from './lowRankNormal.js';

/** The ε in covDiag = exp(logDiag) + ε, as in the official code. */
export const COV_DIAG_EPSILON = 1e-5;

/** The three heads' raw outputs for one image, class-major, S pixels (or voxels). */
export interface HeadOutputs {
  /** C x S mean logits. */
  mean: ArrayLike<number>;
  /** C x S log-diagonal. */
  logDiag: ArrayLike<number>;
  /** (R*C) x S factor channels, channel k = r*C + c. */
  factor: ArrayLike<number>;
  classes: number;
  rank: number;
  /** Optional S-pixel mask of 0/1; 0 removes the pixel's covariance (background). */
  mask?: ArrayLike<number>;
  /** ε added to the diagonal; default 1e-5. */
  epsilon?: number;
}

function checkHead(h: HeadOutputs): number {
  if (h === null || typeof h !== 'object') {
    throw new TypeError('head: must be an object { mean, logDiag, factor, classes, rank }');
  }
  if (h.mean == null || typeof h.mean.length !== 'number') {
    throw new TypeError('mean: must be an array of numbers');
  }
  checkInteger('classes', h.classes, 1);
  checkInteger('rank', h.rank, 1);
  const { classes: c, rank: r } = h;
  if (h.mean.length === 0 || h.mean.length % c !== 0) {
    throw new RangeError(
      `mean: length ${h.mean.length} is not a positive multiple of classes = ${c} (expected C x S)`,
    );
  }
  const s = h.mean.length / c;
  checkLength('logDiag', h.logDiag, c * s, `C x S = ${c} x ${s}, the shape of mean`);
  checkLength('factor', h.factor, r * c * s, `(R*C) x S = (${r}*${c}) x ${s}`);
  checkFinite('mean', h.mean);
  checkFinite('logDiag', h.logDiag);
  checkFinite('factor', h.factor);
  if (h.mask !== undefined) {
    checkLength('mask', h.mask, s, `the pixel count S = ${s}`);
    checkBinary('mask', h.mask);
  }
  const eps = h.epsilon ?? COV_DIAG_EPSILON;
  if (!(eps >= 0) || !Number.isFinite(eps)) {
    throw new RangeError(`epsilon: must be a finite number ≥ 0, got ${eps}`);
  }
  return s;
}

/**
 * The class-major low-rank normal that an SSN head's outputs describe.
 * @throws RangeError naming the argument for wrong shapes, non-finite values, a non-0/1 mask,
 *   or a diagonal that overflows (exp(logDiag) = ∞) or is 0 (exp(logDiag) underflows with
 *   epsilon 0, or a masked pixel with epsilon 0); messages name the head's outputs (logDiag,
 *   mask, epsilon, factor), never the covDiag or covFactor they become
 * @see spec/lowrank-normal.md#the-head
 */
export function headToDistribution(head: HeadOutputs): LowRankNormal {
  const s = checkHead(head);
  const { classes: c, rank: r, mask } = head;
  const eps = head.epsilon ?? COV_DIAG_EPSILON;
  const n = c * s;
  const covDiag = new Float64Array(n);
  const covFactor = new Float64Array(n * r);
  for (let cls = 0; cls < c; cls++) {
    for (let px = 0; px < s; px++) {
      const i = cls * s + px;
      const m = mask === undefined ? 1 : mask[px];
      const e = Math.exp(head.logDiag[i]);
      if (!Number.isFinite(e)) {
        throw new RangeError(`logDiag: entry ${i} is ${head.logDiag[i]}, exp() overflows`);
      }
      covDiag[i] = mask === undefined ? e + eps : (e + eps) * m + eps;
      if (!(covDiag[i] > 0)) {
        throw new RangeError(
          m === 0
            ? `mask: pixel ${px} is 0 with epsilon 0, so its covDiag is 0 (need epsilon > 0)`
            : `logDiag: entry ${i} is ${head.logDiag[i]}, exp() underflows to 0 with epsilon 0`,
        );
      }
      if (covDiag[i] === Infinity) {
        throw new RangeError(
          `logDiag: entry ${i} is ${head.logDiag[i]}, exp() + epsilon (${eps}) overflows`,
        );
      }
      for (let k = 0; k < r; k++) covFactor[i * r + k] = head.factor[(k * c + cls) * s + px] * m;
    }
  }
  // Every check of lowRankNormal holds already (shapes and finiteness in checkHead, covDiag
  // finite and > 0 above, covFactor = factor x 0/1), and covFactor and covDiag are fresh arrays
  // of our own: the distribution takes them as they are, not checked and copied a second time.
  return knownValid({ size: n, rank: r, loc: Float64Array.from(head.mean), covFactor, covDiag });
}

/**
 * VJP of `headToDistribution`: maps gradients with respect to (loc, covFactor, covDiag) back to
 * the head's outputs. d covDiag / d logDiag = exp(logDiag) m (chain rule).
 * @returns gradMean (C x S), gradLogDiag (C x S), gradFactor ((R*C) x S)
 */
export function headToDistributionVjp(
  head: HeadOutputs,
  grads: {
    gradLoc: ArrayLike<number>;
    gradCovFactor: ArrayLike<number>;
    gradCovDiag: ArrayLike<number>;
  },
): { gradMean: Float64Array; gradLogDiag: Float64Array; gradFactor: Float64Array } {
  const s = checkHead(head);
  const { classes: c, rank: r, mask } = head;
  const n = c * s;
  checkLength('gradLoc', grads.gradLoc, n, `N = C x S = ${n}`);
  checkLength('gradCovFactor', grads.gradCovFactor, n * r, `N x R = ${n} x ${r}`);
  checkLength('gradCovDiag', grads.gradCovDiag, n, `N = C x S = ${n}`);
  const gradMean = Float64Array.from(grads.gradLoc);
  const gradLogDiag = new Float64Array(n);
  const gradFactor = new Float64Array(n * r);
  // The (class, pixel) walk of headToDistribution, each forward line's derivative in its place.
  for (let cls = 0; cls < c; cls++) {
    for (let px = 0; px < s; px++) {
      const i = cls * s + px;
      const m = mask === undefined ? 1 : mask[px];
      gradLogDiag[i] = grads.gradCovDiag[i] * Math.exp(head.logDiag[i]) * m;
      for (let k = 0; k < r; k++)
        gradFactor[(k * c + cls) * s + px] = grads.gradCovFactor[i * r + k] * m;
    }
  }
  return { gradMean, gradLogDiag, gradFactor };
}
