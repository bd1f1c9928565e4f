/**
 * The low-rank multivariate normal N(loc, P Pᵀ + D) over N logits, the distribution at the
 * heart of a Stochastic Segmentation Network (paper section 3.1).
 *
 * Public names follow torch.distributions.LowRankMultivariateNormal: `loc` is the mean μ (N),
 * `covFactor` is P (N x R, row-major: entry (n, r) at n*R + r), `covDiag` is the diagonal of
 * D (N, every entry > 0), `capacitanceTril` is the lower Cholesky factor L of the capacitance
 * K = I_R + Pᵀ D⁻¹ P (R x R, row-major).
 * @see spec/lowrank-normal.md
 */
import { choleskyLower } from '../linalg/cholesky.js';
import {
  checkFinite,
  checkInteger,
  checkLength,
  checkPositive,
  toFloat64,
} from '../util/validate.js';

/** Rows of P per block when forming the capacitance. */
const CAPACITANCE_BLOCK = 256;

/** log 2π. */
export const LOG_2PI = Math.log(2 * Math.PI);

export interface LowRankNormal {
  /** Event size N (C x S for a segmentation). */
  readonly size: number;
  /** Rank R of the covariance factor. */
  readonly rank: number;
  /** Mean μ, length N. */
  readonly loc: Float64Array;
  /** Covariance factor P, N x R row-major. */
  readonly covFactor: Float64Array;
  /** Diagonal of D, length N, all > 0. */
  readonly covDiag: Float64Array;
  /** L with L Lᵀ = I_R + Pᵀ D⁻¹ P, R x R row-major lower triangular. */
  readonly capacitanceTril: Float64Array;
}

export interface LowRankNormalParams {
  loc: ArrayLike<number>;
  covFactor: ArrayLike<number>;
  covDiag: ArrayLike<number>;
  rank: number;
}

/**
 * Builds and validates N(loc, covFactor covFactorᵀ + diag(covDiag)), copying the inputs, and
 * factorises the capacitance matrix once (O(N R²)), as torch does at construction.
 * @throws RangeError/TypeError naming the argument when the rank is not an integer ≥ 1, the
 *   lengths disagree (covFactor must hold N*R entries), a value is not finite, some covDiag ≤ 0,
 *   or the capacitance is not positive definite in floating point
 * @example
 * const d = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 });
 * d.capacitanceTril // → [√3] since K = 1 + 1 + 1
 */
export function lowRankNormal(params: LowRankNormalParams): LowRankNormal {
  const { rank } = params;
  checkInteger('rank', rank, 1);
  const n = params.loc?.length;
  if (typeof n !== 'number' || n < 1) {
    throw new RangeError('loc: must be a non-empty array of numbers');
  }
  checkLength('covFactor', params.covFactor, n * rank, `N x R = ${n} x ${rank} (row-major)`);
  checkLength('covDiag', params.covDiag, n, `N = ${n} (the length of loc)`);
  checkFinite('loc', params.loc);
  checkFinite('covFactor', params.covFactor);
  checkPositive('covDiag', params.covDiag);
  const loc = toFloat64(params.loc);
  const covFactor = toFloat64(params.covFactor);
  const covDiag = toFloat64(params.covDiag);
  const capacitanceTril = capacitanceCholesky(covFactor, covDiag, n, rank);
  return { size: n, rank, loc, covFactor, covDiag, capacitanceTril };
}

/**
 * L with L Lᵀ = K = I_R + Pᵀ D⁻¹ P. K is positive definite in exact arithmetic for any P and
 * D > 0, so a failure means the entries are so large or so badly scaled that floating point
 * lost it (the official repository's issue #4). ssn-ts never falls back to a diagonal model.
 * @throws RangeError naming covFactor and covDiag when K is not positive definite or not finite
 */
export function capacitanceCholesky(
  covFactor: Float64Array,
  covDiag: Float64Array,
  n: number,
  rank: number,
): Float64Array {
  const k = new Float64Array(rank * rank);
  // Pᵀ D⁻¹ P by blocks of rows: each block of P/√d is transposed into a small column-major
  // scratch that stays in L1, and every entry (a, b ≤ a) is a dot product of two of its columns
  // with the sums in registers (about 2x faster at R = 50 than accumulating outer products).
  const block = Math.min(n, CAPACITANCE_BLOCK);
  const cols = new Float64Array(rank * block);
  for (let i0 = 0; i0 < n; i0 += block) {
    const len = Math.min(block, n - i0);
    for (let j = 0; j < len; j++) {
      const row = (i0 + j) * rank;
      const scale = 1 / Math.sqrt(covDiag[i0 + j]);
      for (let a = 0; a < rank; a++) cols[a * block + j] = covFactor[row + a] * scale;
    }
    // Four partial sums break the chain of dependent additions.
    const len4 = len - (len % 4);
    for (let a = 0; a < rank; a++) {
      const ca = a * block;
      for (let b = 0; b <= a; b++) {
        const cb = b * block;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let j = 0;
        for (; j < len4; j += 4) {
          s0 += cols[ca + j] * cols[cb + j];
          s1 += cols[ca + j + 1] * cols[cb + j + 1];
          s2 += cols[ca + j + 2] * cols[cb + j + 2];
          s3 += cols[ca + j + 3] * cols[cb + j + 3];
        }
        for (; j < len; j++) s0 += cols[ca + j] * cols[cb + j];
        k[a * rank + b] += s0 + s1 + (s2 + s3);
      }
    }
  }
  for (let a = 0; a < rank; a++) k[a * rank + a] += 1;
  const l = choleskyLower(k, rank);
  if (l === null) {
    throw new RangeError(
      'covFactor, covDiag: the capacitance I + Pᵀ D⁻¹ P is not positive definite in float64 ' +
        '(entries too large or covDiag too small relative to covFactor; the official code fell ' +
        'back to a diagonal model here, ssn-ts refuses)',
    );
  }
  return l;
}

/** log det(P Pᵀ + D) = 2 Σ log L_rr + Σ log d_n (matrix determinant lemma). */
export function logDetCovariance(dist: LowRankNormal): number {
  const { rank, capacitanceTril: l, covDiag } = dist;
  let s = 0;
  for (let r = 0; r < rank; r++) s += 2 * Math.log(l[r * rank + r]);
  for (let i = 0; i < covDiag.length; i++) s += Math.log(covDiag[i]);
  return s;
}
