import { checkFinite, checkLength } from '../util/validate.js';
import { sumLog } from './kernels/sumLog.js';
import { LOG_2PI, type LowRankNormal } from './lowRankNormal.js';
import { logDensityTerms } from './whitenedFactor.js';

/**
 * Log-density of N(loc, P Pᵀ + diag(d)) at x:
 *   log p(x) = −½ (N log 2π + log det Σ + zᵀ Σ⁻¹ z),  z = x − loc
 * Runs the stable form (whitenedFactor.ts): with A = D^{-1/2} P = Q R, Sᵀ S = I + R Rᵀ,
 * w = D^{-1/2} z and (y; t) = Qᵀ w,
 *   zᵀ Σ⁻¹ z = ‖t‖² + ‖S⁻ᵀ y‖²,   log det Σ = Σ log d_n + 2 Σ log|S_jj|
 * O(N R²) on a distribution's first call (then cached), O(N R) per point after; where
 * ‖D^{-1/2} P‖_F² ≤ 8192 the same two terms come from a guarded Gram kernel with a stated error
 * bound (kernels/gramForm.ts, `logDensityTerms`). Where
 * zᵀ Σ⁻¹ z exceeds the float64 range the result is −∞, as rounding the exact value would give;
 * never NaN. The textbook form (Woodbury, torch's) is `logProbByWoodbury`.
 * @param x - a point, length N
 * @throws RangeError when x has the wrong length or a non-finite entry
 * @example logProb(lowRankNormal({ loc: [0], covFactor: [0], covDiag: [1], rank: 1 }), [0])
 *   // ≈ -0.9189 (= -½ log 2π)
 * @see spec/lowrank-normal.md#log-density
 */
export function logProb(dist: LowRankNormal, x: ArrayLike<number>): number {
  checkLength('x', x, dist.size, `the distribution's size N = ${dist.size}`);
  checkFinite('x', x);
  const t = logDensityTerms(dist, x);
  const logDet = sumLog(dist.covDiag) + t.logDetCapacitance;
  return -0.5 * (dist.size * LOG_2PI + logDet + t.mahalanobis);
}
