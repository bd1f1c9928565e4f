import { checkFinite, checkLength } from '../util/validate.js';
import { keepFinite } from './kernels/copyFinite.js';
import { gramFactor } from './kernels/gramForm.js';
import { sumLog } from './kernels/sumLog.js';
import {
  checkDistribution,
  checkParamShapes,
  LOG_2PI,
  type LowRankNormal,
  type LowRankNormalParams,
} from './lowRankNormal.js';
import { logDensityTerms } from './whitenedFactor.js';

/**
 * Log-density of N(loc, P Pᵀ + diag(d)) at x:
 *   log p(x) = −½ (N log 2π + log det Σ + zᵀ Σ⁻¹ z),  z = x − loc
 * Runs the stable form (whitenedFactor.ts): with A = D^{-1/2} P = Q R, Sᵀ S = I + R Rᵀ,
 * w = D^{-1/2} z and (y; t) = Qᵀ w,
 *   zᵀ Σ⁻¹ z = ‖t‖² + ‖S⁻ᵀ y‖²,   log det Σ = Σ log d_n + 2 Σ log|S_jj|
 * O(N R²) on a distribution's first call (then cached), O(N R) per point after; where
 * ‖D^{-1/2} P‖_F² ≤ 8192 (or, past that, where a-posteriori bounds hold) the same two terms come
 * from a guarded Gram kernel with a stated error bound (kernels/gramForm.ts, `logDensityTerms`). Where
 * zᵀ Σ⁻¹ z exceeds the float64 range the result is −∞, as rounding the exact value would give
 * (or that of an input a few ulps away, for a covariance so ill-conditioned that rounding error
 * alone overflows: P 1e200 and d 1e-200 at x = P); never NaN. The textbook form (Woodbury, torch's) is `logProbByWoodbury`.
 * @param x - a point, length N
 * @throws RangeError when x has the wrong length or a non-finite entry
 * @example logProb(lowRankNormal({ loc: [0], covFactor: [0], covDiag: [1], rank: 1 }), [0])
 *   // ≈ -0.9189 (= -½ log 2π)
 * @see spec/lowrank-normal.md#log-density
 */
export function logProb(dist: LowRankNormal, x: ArrayLike<number>): number {
  checkDistribution(dist);
  return logProbChecked(dist, x);
}

/** `logProb` for a distribution whose fields are checked (`logProbOf`'s are, without a mark). */
function logProbChecked(dist: LowRankNormal, x: ArrayLike<number>): number {
  checkLength('x', x, dist.size, `the distribution's size N = ${dist.size}`);
  checkFinite('x', x);
  const t = logDensityTerms(dist, x);
  return fromTerms(dist, t.logDetCapacitance, t.mahalanobis);
}

/** −½ (N log 2π + Σ log d_n + log det(I + Aᵀ A) + zᵀ Σ⁻¹ z), from the last two terms. */
function fromTerms(dist: LowRankNormal, logDetCapacitance: number, mahalanobis: number): number {
  const logDet = sumLog(dist.covDiag) + logDetCapacitance;
  return -0.5 * (dist.size * LOG_2PI + logDet + mahalanobis);
}

/**
 * `logProb(lowRankNormal(params), x)` for a single point, with one pass over the factor fewer:
 * the same value, bit for bit, and the same errors in the same order (test/distribution/
 * logProbOf.test.ts ties both). For a distribution used once, as in evaluating one label map's
 * logits: a Float64Array covFactor is not checked on its own before the Gram kernel's pass
 * (kernels/gramForm.ts) reads it; that pass's guard (‖D^{-1/2} P‖_F² finite, and ≤ 8192 or its
 * a-posteriori bounds) fails for any non-finite entry (its square sum is then NaN or ∞), and wherever the guard fails, or an
 * earlier check throws, covFactor is checked in full first, so its error comes where
 * `lowRankNormal` would raise it. Nothing is copied or cached (`copy` is checked and ignored).
 * @param params - as `lowRankNormal` takes them
 * @param x - a point, length N
 * @throws as `lowRankNormal(params)` then `logProb(dist, x)` would
 * @example logProbOf({ loc: [0], covFactor: [0], covDiag: [1], rank: 1 }, [0]) // ≈ -0.9189
 */
export function logProbOf(params: LowRankNormalParams, x: ArrayLike<number>): number {
  const { n, rank } = checkParamShapes(params);
  const loc = keepFinite('loc', params.loc);
  // A typed covFactor waits for the Gram pass; any other array is checked (and converted) now.
  const deferred = params.covFactor instanceof Float64Array;
  const covFactor = deferred
    ? (params.covFactor as Float64Array)
    : keepFinite('covFactor', params.covFactor);
  const checkFactor = () => (deferred ? keepFinite('covFactor', covFactor) : covFactor);
  const covDiag = orFactorFirst(checkFactor, () => keepFinite('covDiag', params.covDiag, true));
  orFactorFirst(checkFactor, () => {
    checkLength('x', x, n, `the distribution's size N = ${n}`);
    checkFinite('x', x);
  });
  const dist: LowRankNormal = { size: n, rank, loc, covFactor, covDiag };
  const g = gramFactor(dist, x);
  if (g === null) {
    checkFactor(); // the guard failed: a bad entry, or a factor the Householder form takes
    return logProbChecked(dist, x);
  }
  // The guard held, so every entry of covFactor was finite. logProb takes the same first
  // point's value where it is finite (logDensityTerms), and falls back the same way otherwise.
  if (!Number.isFinite(g.first)) return logProbChecked(dist, x);
  return fromTerms(dist, g.factor.logDetCapacitance, g.first);
}

/** `body()`, but when it throws, `checkFactor()` runs first, so a bad covFactor is named first. */
function orFactorFirst<T>(checkFactor: () => unknown, body: () => T): T {
  try {
    return body();
  } catch (err) {
    checkFactor();
    throw err;
  }
}
