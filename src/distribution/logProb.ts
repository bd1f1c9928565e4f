import { solveLower } from '../linalg/cholesky.js';
import { checkFinite, checkLength } from '../util/validate.js';
import { LOG_2PI, logDetCovariance, type LowRankNormal } from './lowRankNormal.js';

/** Entries of P per block of rows when forming Pᵀ D⁻¹ z (24 KiB). */
const LOG_PROB_BLOCK_ENTRIES = 3072;

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
  // By blocks of rows: D⁻¹ z for the block into a scratch, then Pᵀ times it six columns at a time
  // (the sums in registers rather than in a[r]), the rest two at a time and the last alone. A
  // block of P spans about 24 KiB, so that it stays in L1 between the passes over its columns.
  const block = Math.min(n, Math.max(16, Math.floor(LOG_PROB_BLOCK_ENTRIES / rank)));
  const w = new Float64Array(block);
  for (let i0 = 0; i0 < n; i0 += block) {
    const len = Math.min(block, n - i0);
    for (let j = 0; j < len; j++) {
      const z = x[i0 + j] - loc[i0 + j];
      const zOverD = z / d[i0 + j];
      w[j] = zOverD;
      quadD += zOverD * z;
    }
    const start = i0 * rank;
    let r = 0;
    for (; r + 6 <= rank; r += 6) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let s4 = 0;
      let s5 = 0;
      for (let j = 0, o = start + r; j < len; j++, o += rank) {
        const v = w[j];
        s0 += p[o] * v;
        s1 += p[o + 1] * v;
        s2 += p[o + 2] * v;
        s3 += p[o + 3] * v;
        s4 += p[o + 4] * v;
        s5 += p[o + 5] * v;
      }
      a[r] += s0;
      a[r + 1] += s1;
      a[r + 2] += s2;
      a[r + 3] += s3;
      a[r + 4] += s4;
      a[r + 5] += s5;
    }
    for (; r + 2 <= rank; r += 2) {
      let s0 = 0;
      let s1 = 0;
      for (let j = 0, o = start + r; j < len; j++, o += rank) {
        const v = w[j];
        s0 += p[o] * v;
        s1 += p[o + 1] * v;
      }
      a[r] += s0;
      a[r + 1] += s1;
    }
    if (r < rank) {
      let s0 = 0;
      for (let j = 0, o = start + r; j < len; j++, o += rank) s0 += p[o] * w[j];
      a[r] += s0;
    }
  }
  const b = solveLower(l, a, rank);
  let quadK = 0;
  for (let r = 0; r < rank; r++) quadK += b[r] * b[r];
  return -0.5 * (n * LOG_2PI + logDetCovariance(dist) + quadD - quadK);
}
