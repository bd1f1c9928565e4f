import { solveLower } from '../linalg/cholesky.js';
import { checkFinite, checkLength } from '../util/validate.js';
import { LOG_2PI, logDetCovariance, type LowRankNormal } from './lowRankNormal.js';

/**
 * Log-density of N(loc, P Pᵀ + diag(d)) at x, in O(N R) given the capacitance factor.
 * Determinant lemma and Woodbury, with K = I + Pᵀ D⁻¹ P = L Lᵀ:
 *   log p(x) = -½ (N log 2π + 2 Σ log L_rr + Σ log d_n + zᵀD⁻¹z − ‖L⁻¹ Pᵀ D⁻¹ z‖²),  z = x − loc
 * @param x - a point, length N
 * @throws RangeError when x has the wrong length or a non-finite entry
 * @example logProb(lowRankNormal({ loc: [0], covFactor: [0], covDiag: [1], rank: 1 }), [0])
 *   // ≈ -0.9189 (= -½ log 2π)
 * @see spec/lowrank-normal.md#log-density
 */
export function logProb(dist: LowRankNormal, x: ArrayLike<number>): number {
  const { size: n, rank, loc, covFactor: p, covDiag: d, capacitanceTril: l } = dist;
  checkLength('x', x, n, `the distribution's size N = ${n}`);
  checkFinite('x', x);
  const a = new Float64Array(rank); // Pᵀ D⁻¹ z
  let quadD = 0; // zᵀ D⁻¹ z
  for (let i = 0; i < n; i++) {
    const zOverD = (x[i] - loc[i]) / d[i];
    quadD += zOverD * (x[i] - loc[i]);
    const row = i * rank;
    for (let r = 0; r < rank; r++) a[r] += p[row + r] * zOverD;
  }
  const b = solveLower(l, a, rank);
  let quadK = 0;
  for (let r = 0; r < rank; r++) quadK += b[r] * b[r];
  return -0.5 * (n * LOG_2PI + logDetCovariance(dist) + quadD - quadK);
}
