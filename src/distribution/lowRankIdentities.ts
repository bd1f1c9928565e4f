/**
 * The textbook identities for N(μ, Σ), Σ = P Pᵀ + D (paper section 4, eq. 5), written as the
 * formulas, as torch's `_batch_capacitance_tril`, `_batch_lowrank_logdet` and
 * `_batch_lowrank_mahalanobis` compute them:
 *
 *   K = I_R + Pᵀ D⁻¹ P = L Lᵀ                          the capacitance
 *   log det Σ = log det K + Σ log d_n                  the matrix determinant lemma
 *   zᵀ Σ⁻¹ z = zᵀ D⁻¹ z − ‖L⁻¹ Pᵀ D⁻¹ z‖²               Woodbury
 *
 * They are here to be read, called and compared against; the library does not run them.
 * Why: Woodbury subtracts two numbers that grow like ‖D^{-1/2} z‖² when covDiag is small
 * against P Pᵀ, and forming K squares the condition of D^{-1/2} P, so in float64 the result
 * can lose every digit (N 1, R 1, P 16528.48, d 1e-12: Woodbury gives 0 or worse where the
 * exact log-density is −11.42) and K can even fail to be positive definite. logProb, entropy
 * and logDetCovariance run the stable form in whitenedFactor.ts instead.
 * @see spec/lowrank-normal.md#the-textbook-identities
 */
import { choleskyLower, solveLower } from '../linalg/cholesky.js';
import { checkDistribution, LOG_2PI, type LowRankNormal } from './lowRankNormal.js';

/**
 * The capacitance K = I_R + Pᵀ D⁻¹ P (R x R, row-major), summed over the rows of P:
 * K_ab = δ_ab + Σ_n P_na P_nb / d_n.
 */
export function capacitance(
  covFactor: Float64Array,
  covDiag: Float64Array,
  n: number,
  rank: number,
): Float64Array {
  const k = new Float64Array(rank * rank);
  for (let a = 0; a < rank; a++) k[a * rank + a] = 1;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < rank; a++) {
      const pa = covFactor[i * rank + a] / covDiag[i];
      for (let b = 0; b < rank; b++) k[a * rank + b] += pa * covFactor[i * rank + b];
    }
  }
  return k;
}

/**
 * L with L Lᵀ = K = I_R + Pᵀ D⁻¹ P (torch's `capacitance_tril`), R x R row-major.
 * @throws RangeError naming covFactor and covDiag when K is not positive definite in float64
 *   (it always is in exact arithmetic; the official code fell back to a diagonal model here)
 * @example capacitanceCholesky(Float64Array.of(1, 1), Float64Array.of(1, 1), 2, 1) // → [√3]
 */
export function capacitanceCholesky(
  covFactor: Float64Array,
  covDiag: Float64Array,
  n: number,
  rank: number,
): Float64Array {
  const l = choleskyLower(capacitance(covFactor, covDiag, n, rank), rank);
  if (l === null) {
    throw new RangeError(
      'covFactor, covDiag: the capacitance I + Pᵀ D⁻¹ P is not positive definite in float64 ' +
        '(entries too large or covDiag too small relative to covFactor); the stable form ' +
        '(logProb, logDetCovariance) does not form it',
    );
  }
  return l;
}

/** log det Σ = 2 Σ_r log L_rr + Σ_n log d_n, the matrix determinant lemma. */
export function logDetByDeterminantLemma(dist: LowRankNormal): number {
  checkDistribution(dist);
  const { size: n, rank, covFactor, covDiag } = dist;
  const l = capacitanceCholesky(covFactor, covDiag, n, rank);
  let s = 0;
  for (let r = 0; r < rank; r++) s += 2 * Math.log(l[r * rank + r]);
  for (let i = 0; i < n; i++) s += Math.log(covDiag[i]);
  return s;
}

/** zᵀ Σ⁻¹ z = zᵀ D⁻¹ z − ‖L⁻¹ Pᵀ D⁻¹ z‖², z = x − loc, the Woodbury identity. */
export function mahalanobisByWoodbury(dist: LowRankNormal, x: ArrayLike<number>): number {
  checkDistribution(dist);
  const { size: n, rank, loc, covFactor, covDiag } = dist;
  const l = capacitanceCholesky(covFactor, covDiag, n, rank);
  const a = new Float64Array(rank); // Pᵀ D⁻¹ z
  let quadD = 0; // zᵀ D⁻¹ z
  for (let i = 0; i < n; i++) {
    const zOverD = (x[i] - loc[i]) / covDiag[i];
    quadD += zOverD * (x[i] - loc[i]);
    for (let r = 0; r < rank; r++) a[r] += covFactor[i * rank + r] * zOverD;
  }
  const b = solveLower(l, a, rank);
  let quadK = 0;
  for (let r = 0; r < rank; r++) quadK += b[r] * b[r];
  return quadD - quadK;
}

/**
 * log p(x) = −½ (N log 2π + log det Σ + zᵀ Σ⁻¹ z) by the determinant lemma and Woodbury: the
 * textbook log-density (torch's `LowRankMultivariateNormal.log_prob`), for comparison.
 * @throws RangeError when the capacitance is not positive definite in float64
 */
export function logProbByWoodbury(dist: LowRankNormal, x: ArrayLike<number>): number {
  checkDistribution(dist);
  return (
    -0.5 * (dist.size * LOG_2PI + logDetByDeterminantLemma(dist) + mahalanobisByWoodbury(dist, x))
  );
}
