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
  // A typed array's entries are numbers; a plain array's are checked for type here, and for
  // finiteness, like a typed array's, in the pass below.
  if (!(params.covFactor instanceof Float64Array)) checkFinite('covFactor', params.covFactor);
  checkPositive('covDiag', params.covDiag);
  const loc = toFloat64(params.loc);
  const covDiag = toFloat64(params.covDiag);
  // covFactor is copied, checked and reduced to the capacitance in one pass over its N x R
  // entries (the largest input: one read instead of three).
  const covFactor = new Float64Array(n * rank);
  const capacitanceTril = factorCapacitance(params.covFactor, covDiag, n, rank, covFactor);
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
  return factorCapacitance(covFactor, covDiag, n, rank, null);
}

/**
 * `capacitanceCholesky` reading the factor from `source`; with `copyInto`, also copies it there
 * and checks every entry is finite on the way.
 * @throws RangeError naming covFactor's first non-finite entry (with `copyInto`)
 */
function factorCapacitance(
  source: ArrayLike<number>,
  covDiag: Float64Array,
  n: number,
  rank: number,
  copyInto: Float64Array | null,
): Float64Array {
  const k = new Float64Array(rank * rank);
  // Pᵀ D⁻¹ P by blocks of rows: each block of P/√d is transposed into a small column-major
  // scratch that stays in L1 (one spare zero column pads an odd rank), and the lower triangle is
  // formed in 2 x 2 tiles of column dot products, four sums in registers sharing four loads.
  const block = Math.min(n, CAPACITANCE_BLOCK);
  const cols = new Float64Array((rank + 1) * block);
  for (let i0 = 0; i0 < n; i0 += block) {
    const len = Math.min(block, n - i0);
    for (let j = 0; j < len; j++) {
      const row = (i0 + j) * rank;
      const scale = 1 / Math.sqrt(covDiag[i0 + j]);
      for (let a = 0; a < rank; a++) cols[a * block + j] = source[row + a] * scale;
    }
    if (copyInto !== null) {
      // v − v is 0 for finite v, NaN otherwise; the full check then names the first bad entry.
      let bad = 0;
      const end = (i0 + len) * rank;
      for (let i = i0 * rank; i < end; i++) {
        const v = source[i];
        copyInto[i] = v;
        bad += v - v;
      }
      if (bad !== 0) checkFinite('covFactor', source);
    }
    for (let a = 0; a < rank; a += 2) {
      const ca0 = a * block;
      const ca1 = ca0 + block;
      for (let b = 0; b <= a; b += 2) {
        const cb0 = b * block;
        const cb1 = cb0 + block;
        let s00 = 0;
        let s01 = 0;
        let s10 = 0;
        let s11 = 0;
        for (let j = 0; j < len; j++) {
          const x0 = cols[ca0 + j];
          const x1 = cols[ca1 + j];
          const y0 = cols[cb0 + j];
          const y1 = cols[cb1 + j];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        // Keep the lower triangle; entries that fall above it or on the spare column are dropped.
        k[a * rank + b] += s00;
        if (b + 1 <= a) k[a * rank + b + 1] += s01;
        if (a + 1 < rank) {
          k[(a + 1) * rank + b] += s10;
          k[(a + 1) * rank + b + 1] += s11;
        }
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
