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

/** Values of covDiag multiplied together before one log in logDetCovariance (even). */
const LOG_BLOCK = 32;

/** The smallest positive normal float64, 2⁻¹⁰²². */
const MIN_NORMAL = 2 ** -1022;

/** log 2π. */
export const LOG_2PI = Math.log(2 * Math.PI);

/** N(loc, covFactor covFactorᵀ + diag(covDiag)), validated, with its capacitance factor. */
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

/** The arguments of `lowRankNormal`: loc (N), covFactor (N x R row-major), covDiag (N), R. */
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
  // A plain array's entries are checked here, for type and finiteness; a Float64Array's are
  // numbers, and a non-finite one shows up in the factorisation below.
  if (!(params.covFactor instanceof Float64Array)) checkFinite('covFactor', params.covFactor);
  checkPositive('covDiag', params.covDiag);
  const loc = toFloat64(params.loc);
  const covDiag = toFloat64(params.covDiag);
  let covFactor: Float64Array;
  let capacitanceTril: Float64Array | null;
  if (params.covFactor instanceof Float64Array) {
    // covFactor, the largest input, is copied and reduced to the capacitance in one pass over its
    // N x R entries; checking it costs no pass of its own (below).
    covFactor = new Float64Array(n * rank);
    capacitanceTril = factorCapacitance(params.covFactor, covDiag, n, rank, covFactor);
  } else {
    // Other arrays become float64 first, so the pass below only ever reads a Float64Array.
    covFactor = toFloat64(params.covFactor);
    capacitanceTril = factorCapacitance(covFactor, covDiag, n, rank, null);
  }
  if (capacitanceTril === null) {
    // A NaN or ±∞ in column r of P makes K_rr NaN or +∞, which fails the factorisation, so P
    // needs checking only here: the first bad entry is named before K is blamed.
    checkFinite('covFactor', covFactor);
    throw notPositiveDefinite();
  }
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
  const l = factorCapacitance(covFactor, covDiag, n, rank, null);
  if (l === null) throw notPositiveDefinite();
  return l;
}

function notPositiveDefinite(): RangeError {
  return new RangeError(
    'covFactor, covDiag: the capacitance I + Pᵀ D⁻¹ P is not positive definite in float64 ' +
      '(entries too large or covDiag too small relative to covFactor; the official code fell ' +
      'back to a diagonal model here, ssn-ts refuses)',
  );
}

/**
 * `capacitanceCholesky` reading the factor from `source`, and also copying it into `copyInto`
 * when given; `null` when K is not positive definite or not finite.
 */
function factorCapacitance(
  source: Float64Array,
  covDiag: Float64Array,
  n: number,
  rank: number,
  copyInto: Float64Array | null,
): Float64Array | null {
  const k = new Float64Array(rank * rank);
  // Pᵀ D⁻¹ P by blocks of rows: each block of P/√d is transposed into a small column-major
  // scratch that stays in L1 (one spare zero column pads an odd rank), whose Gram matrix is added.
  const block = Math.min(n, CAPACITANCE_BLOCK);
  const cols = new Float64Array((rank + 1) * block);
  // Without a copy to keep, the rows are copied into a four-row scratch and dropped, so that one
  // loop serves both callers.
  const copy = copyInto ?? new Float64Array(4 * rank);
  for (let i0 = 0; i0 < n; i0 += block) {
    const len = Math.min(block, n - i0);
    scaleTransposed(source, covDiag, i0, len, rank, cols, block, copy, copyInto !== null);
    addGramLower(cols, block, len, rank, k);
  }
  for (let a = 0; a < rank; a++) k[a * rank + a] += 1;
  return choleskyLower(k, rank);
}

/**
 * Writes rows i0 … i0+len−1 of P/√d into `cols`, column a at a·block, and copies the rows of P
 * into `copy`: at their own indices when `keepCopy`, else over its first four rows. Four rows
 * per step share V8's per-iteration bookkeeping (map and bounds checks, index arithmetic), which
 * costs more than the data moved.
 */
function scaleTransposed(
  source: Float64Array,
  covDiag: Float64Array,
  i0: number,
  len: number,
  rank: number,
  cols: Float64Array,
  block: number,
  copy: Float64Array,
  keepCopy: boolean,
): void {
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const r0 = (i0 + j) * rank;
    const r1 = r0 + rank;
    const r2 = r1 + rank;
    const r3 = r2 + rank;
    const c0 = keepCopy ? r0 : 0;
    const c1 = c0 + rank;
    const c2 = c1 + rank;
    const c3 = c2 + rank;
    const s0 = 1 / Math.sqrt(covDiag[i0 + j]);
    const s1 = 1 / Math.sqrt(covDiag[i0 + j + 1]);
    const s2 = 1 / Math.sqrt(covDiag[i0 + j + 2]);
    const s3 = 1 / Math.sqrt(covDiag[i0 + j + 3]);
    for (let a = 0, t = j; a < rank; a++, t += block) {
      const v0 = source[r0 + a];
      const v1 = source[r1 + a];
      const v2 = source[r2 + a];
      const v3 = source[r3 + a];
      copy[c0 + a] = v0;
      copy[c1 + a] = v1;
      copy[c2 + a] = v2;
      copy[c3 + a] = v3;
      cols[t] = v0 * s0;
      cols[t + 1] = v1 * s1;
      cols[t + 2] = v2 * s2;
      cols[t + 3] = v3 * s3;
    }
  }
  for (; j < len; j++) {
    const r0 = (i0 + j) * rank;
    const c0 = keepCopy ? r0 : 0;
    const s0 = 1 / Math.sqrt(covDiag[i0 + j]);
    for (let a = 0, t = j; a < rank; a++, t += block) {
      const v0 = source[r0 + a];
      copy[c0 + a] = v0;
      cols[t] = v0 * s0;
    }
  }
}

/**
 * Adds the lower triangle of Cᵀ C into `k` (R x R, row-major), C being the first `len` rows of
 * the column-major block `cols` (column a at a·block; column R, when R is odd, all zero).
 * Rows of K go in pairs (the zero column completes an odd rank's last pair, its sums dropped);
 * against a pair, columns four at a time (eight sums in registers share six loads per row; more
 * sums spill, V8 has 15 xmm registers to give), then two, then the diagonal block's three sums.
 * `| 0` keeps the small index sums in int32 without overflow checks.
 */
function addGramLower(
  cols: Float64Array,
  block: number,
  len: number,
  rank: number,
  k: Float64Array,
): void {
  for (let a = 0; a < rank; a += 2) {
    const x0 = a * block;
    const x1 = x0 + block;
    const row0 = a * rank;
    const row1 = a + 1 < rank ? row0 + rank : -1;
    let b = 0;
    for (; b + 4 <= a; b += 4) {
      const y0 = b * block;
      const y1 = y0 + block;
      const y2 = y1 + block;
      const y3 = y2 + block;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let j = 0; j < len; j = (j + 1) | 0) {
        const u0 = cols[(x0 + j) | 0];
        const u1 = cols[(x1 + j) | 0];
        const v0 = cols[(y0 + j) | 0];
        s00 += u0 * v0;
        s10 += u1 * v0;
        const v1 = cols[(y1 + j) | 0];
        s01 += u0 * v1;
        s11 += u1 * v1;
        const v2 = cols[(y2 + j) | 0];
        s02 += u0 * v2;
        s12 += u1 * v2;
        const v3 = cols[(y3 + j) | 0];
        s03 += u0 * v3;
        s13 += u1 * v3;
      }
      k[row0 + b] += s00;
      k[row0 + b + 1] += s01;
      k[row0 + b + 2] += s02;
      k[row0 + b + 3] += s03;
      if (row1 >= 0) {
        k[row1 + b] += s10;
        k[row1 + b + 1] += s11;
        k[row1 + b + 2] += s12;
        k[row1 + b + 3] += s13;
      }
    }
    for (; b < a; b += 2) {
      const y0 = b * block;
      const y1 = y0 + block;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let j = 0; j < len; j = (j + 1) | 0) {
        const u0 = cols[(x0 + j) | 0];
        const u1 = cols[(x1 + j) | 0];
        const v0 = cols[(y0 + j) | 0];
        const v1 = cols[(y1 + j) | 0];
        s00 += u0 * v0;
        s01 += u0 * v1;
        s10 += u1 * v0;
        s11 += u1 * v1;
      }
      k[row0 + b] += s00;
      k[row0 + b + 1] += s01;
      if (row1 >= 0) {
        k[row1 + b] += s10;
        k[row1 + b + 1] += s11;
      }
    }
    let s00 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let j = 0; j < len; j = (j + 1) | 0) {
      const u0 = cols[(x0 + j) | 0];
      const u1 = cols[(x1 + j) | 0];
      s00 += u0 * u0;
      s10 += u1 * u0;
      s11 += u1 * u1;
    }
    k[row0 + a] += s00;
    if (row1 >= 0) {
      k[row1 + a] += s10;
      k[row1 + a + 1] += s11;
    }
  }
}

/** log det(P Pᵀ + D) = 2 Σ log L_rr + Σ log d_n (matrix determinant lemma). */
export function logDetCovariance(dist: LowRankNormal): number {
  const { rank, capacitanceTril: l, covDiag } = dist;
  let s = 0;
  for (let r = 0; r < rank; r++) s += 2 * Math.log(l[r * rank + r]);
  return s + sumLog(covDiag);
}

/**
 * Σ log d_n as a sum of logs of products of LOG_BLOCK values: one log per block instead of one
 * per value. A product of 32 rounds 31 times by ½ ulp at most, moving its log by under 4e-15.
 * A block where some partial product left the normal range (lost digits, or overflowed), or with
 * a value ≤ 0 or NaN, falls back to the sum of logs, as do the last n mod LOG_BLOCK values.
 */
function sumLog(d: Float64Array): number {
  const n = d.length;
  let s = 0;
  let i = 0;
  for (; i + LOG_BLOCK <= n; i += LOG_BLOCK) {
    // Two interleaved products halve the chain of dependent multiplies.
    let p0 = 1;
    let p1 = 1;
    let normal = true;
    for (let j = i; j < i + LOG_BLOCK; j += 2) {
      p0 *= d[j];
      p1 *= d[j + 1];
      if (!(p0 >= MIN_NORMAL && p1 >= MIN_NORMAL)) normal = false;
    }
    const p = p0 * p1;
    if (normal && p >= MIN_NORMAL && p <= Number.MAX_VALUE) {
      s += Math.log(p);
    } else {
      for (let j = i; j < i + LOG_BLOCK; j++) s += Math.log(d[j]);
    }
  }
  for (; i < n; i++) s += Math.log(d[i]);
  return s;
}
