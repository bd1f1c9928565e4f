/**
 * Kernel: the QR of Ã = c D^{-1/2} P (N x R) by blocks of rows, for the log-density's stable
 * form (spec/lowrank-normal.md#the-stable-form).
 *
 * Computes: a Householder QR of the (R + N) x R matrix [0_R; Ã], whose R factor R̃ (R x R) has
 * R̃ᵀ R̃ = Ãᵀ Ã, as the thin Householder QR in whitenedFactor.ts does (`whitenedFactorPlain`),
 * and the coordinates of a whitened point in it. The log-densities from the two agree within
 * rtol 1e-13 on well-conditioned inputs and both meet the 60-digit reference on the badly
 * conditioned families; tied by test/distribution/lowRankKernels.test.ts.
 *
 * Why: the plain QR runs every reflector down whole columns of N entries, streaming the N x R
 * matrix from memory R times. Here rows go in blocks of 32 KiB, and each block is reduced
 * against the running R̃ while it sits in L1 (sequential TSQR, LAPACK's dtpqrt): reflector j of
 * a block is e_j on top (the running R̃ stays upper triangular) and a vector on the block's
 * rows, so the reflectors take exactly N x R entries, stored where the block was; each
 * reflector updates four columns per pass. Same flops (2 N R²), 2 to 3 times faster than the
 * plain QR at N 100 000, R 50 (bench/logDensitySpeed.ts).
 *
 * With y the first R coordinates and t_b the block's rows after its reflectors, Q_fullᵀ [0; w]
 * = (y; t_0; t_1; …), so ‖t‖² = Σ_b ‖t_b‖².
 */
import { reflector } from '../../linalg/householder.js';
import type { LowRankNormal } from '../lowRankNormal.js';
import type { WhitenedQr } from '../whitenedFactor.js';

/** Entries of Ã per block of rows (32 KiB, an L1 cache). */
const BLOCK_ENTRIES = 4096;

export function blockedWhitenedQr(dist: LowRankNormal, scale: number): WhitenedQr {
  const { size: n, rank, covFactor: p, covDiag: d } = dist;
  const block = Math.max(8, Math.floor(BLOCK_ENTRIES / rank));
  const v = new Float64Array(n * rank); // block b (rows i0 … i0+len−1) at i0 R, column-major
  const tau = new Float64Array(Math.ceil(n / block) * rank);
  const r = new Float64Array(rank * rank); // the running R̃, column-major
  // v_{j+1} · v_j on the block's rows, for even j: lets a point take reflectors in pairs.
  const cross = new Float64Array(tau.length);
  for (let i0 = 0, b = 0; i0 < n; i0 += block, b++) {
    const len = Math.min(block, n - i0);
    const base = i0 * rank;
    for (let i = 0; i < len; i++) {
      const si = (1 / Math.sqrt(d[i0 + i])) * scale;
      for (let c = 0, o = (i0 + i) * rank; c < rank; c++) v[base + c * len + i] = p[o + c] * si;
    }
    for (let j = 0; j < rank; j++) {
      const col = base + j * len;
      const h = reflector(v, col, col + len, r[j * rank + j]);
      if (h.tau === 0) continue; // nothing below R̃_jj in this block
      const t = h.tau;
      tau[b * rank + j] = t;
      r[j * rank + j] = h.beta;
      // H_j on the columns to the right, four at a time (v read once for four dot products and
      // once for four updates), then one at a time.
      let c = j + 1;
      for (; c + 4 <= rank; c += 4) {
        const c0 = base + c * len;
        const c1 = c0 + len;
        const c2 = c1 + len;
        const c3 = c2 + len;
        let s0 = r[c * rank + j];
        let s1 = r[(c + 1) * rank + j];
        let s2 = r[(c + 2) * rank + j];
        let s3 = r[(c + 3) * rank + j];
        for (let i = 0; i < len; i++) {
          const vi = v[col + i];
          s0 += vi * v[c0 + i];
          s1 += vi * v[c1 + i];
          s2 += vi * v[c2 + i];
          s3 += vi * v[c3 + i];
        }
        s0 *= t;
        s1 *= t;
        s2 *= t;
        s3 *= t;
        r[c * rank + j] -= s0;
        r[(c + 1) * rank + j] -= s1;
        r[(c + 2) * rank + j] -= s2;
        r[(c + 3) * rank + j] -= s3;
        for (let i = 0; i < len; i++) {
          const vi = v[col + i];
          v[c0 + i] -= s0 * vi;
          v[c1 + i] -= s1 * vi;
          v[c2 + i] -= s2 * vi;
          v[c3 + i] -= s3 * vi;
        }
      }
      for (; c < rank; c++) {
        const cc = base + c * len;
        let s = r[c * rank + j];
        for (let i = 0; i < len; i++) s += v[col + i] * v[cc + i];
        s *= t;
        r[c * rank + j] -= s;
        for (let i = 0; i < len; i++) v[cc + i] -= s * v[col + i];
      }
    }
    for (let j = 0; j + 1 < rank; j += 2) {
      const c0 = base + j * len;
      let s = 0;
      for (let i = 0; i < len; i++) s += v[c0 + i] * v[c0 + len + i];
      cross[b * rank + j] = s;
    }
  }
  return {
    k: rank,
    rank,
    r,
    ld: rank,
    tFrom: 0,
    coordinates(w, y) {
      y.fill(0);
      let tt = 0;
      for (let i0 = 0, b = 0; i0 < n; i0 += block, b++) {
        const len = Math.min(block, n - i0);
        const base = i0 * rank;
        // Reflectors in pairs: H_{j+1} H_j w in one pass for the two dot products and one for
        // the update, with s₁ corrected by s₀ (v_{j+1} · v_j) for H_j having acted first (a
        // reflector with τ = 0 has v = 0 here, so the pair stays exact).
        let j = 0;
        for (; j + 1 < rank; j += 2) {
          const c0 = base + j * len;
          const c1 = c0 + len;
          let d0 = y[j];
          let d1 = y[j + 1];
          for (let i = 0; i < len; i++) {
            const wi = w[i0 + i];
            d0 += v[c0 + i] * wi;
            d1 += v[c1 + i] * wi;
          }
          const s0 = tau[b * rank + j] * d0;
          const s1 = tau[b * rank + j + 1] * (d1 - s0 * cross[b * rank + j]);
          y[j] -= s0;
          y[j + 1] -= s1;
          for (let i = 0; i < len; i++) w[i0 + i] -= s0 * v[c0 + i] + s1 * v[c1 + i];
        }
        if (j < rank) {
          const col = base + j * len;
          let s = y[j];
          for (let i = 0; i < len; i++) s += v[col + i] * w[i0 + i];
          s *= tau[b * rank + j];
          y[j] -= s;
          for (let i = 0; i < len; i++) w[i0 + i] -= s * v[col + i];
        }
        for (let i = i0; i < i0 + len; i++) tt += w[i] * w[i];
      }
      return tt;
    },
  };
}
