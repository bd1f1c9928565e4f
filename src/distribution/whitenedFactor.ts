/**
 * The stable form of the low-rank normal's log-density, for N(μ, Σ) with Σ = P Pᵀ + D (paper
 * section 4, eq. 5; spec/lowrank-normal.md#the-stable-form). With A = D^{-1/2} P (N x R),
 * k = min(N, R):
 *
 *   A = Q R                          thin Householder QR, Q (N x k) orthonormal, R (k x R)
 *   Sᵀ S = I_k + R Rᵀ                S (k x k) upper triangular, from the QR of [Rᵀ; I_k]
 *   w = D^{-1/2} z,  (y; t) = Q_fullᵀ w   y: k coordinates in range(Q), t: the N − k others
 *   zᵀ Σ⁻¹ z   = ‖t‖² + ‖S⁻ᵀ y‖²
 *   log det Σ  = Σ log d_n + 2 Σ_j log|S_jj|
 *
 * Both right-hand sides are sums of non-negative terms: no capacitance I + Aᵀ A is formed and
 * no two large numbers are subtracted, unlike Woodbury's zᵀD⁻¹z − ‖L⁻¹Pᵀ D⁻¹ z‖²
 * (lowRankIdentities.ts). Both QRs are backward stable, so the error is that of a small relative
 * perturbation of A's columns, not ε times the size of zᵀ D⁻¹ z.
 *
 * Written plainly here (`whitenedFactorPlain`, the reference). What logProb, entropy and
 * logDetCovariance run is `logDensityTerms`: the guarded Gram kernel (kernels/gramForm.ts, tied
 * to the plain form within rtol 1e-11) where ‖A‖_F² ≤ 8192 bounds its error or, past that,
 * where its a-posteriori bounds hold, else
 * `whitenedFactor`, the same formulas as the plain form with the QR from the blocked kernel
 * (kernels/blockedQr.ts, tied within rtol 1e-13).
 *
 * Scaling: when some |A_nr| exceeds 2⁵⁰⁰ the QR runs on Ã = c A with c = 2^-E, and
 * S̃ᵀ S̃ = c² I + R̃ R̃ᵀ, so that S = S̃ / c; every intermediate stays finite for any finite P and
 * d > 0.
 */
import { applyQt, householderQr, norm2 } from '../linalg/householder.js';
import { blockedWhitenedQr } from './kernels/blockedQr.js';
import { gramFactor, type GramFactor } from './kernels/gramForm.js';
import { checkDistribution, type LowRankNormal } from './lowRankNormal.js';

/** A QR of Ã = c D^{-1/2} P, as the log-density uses it. */
export interface WhitenedQr {
  /** Rows of the triangular factor R̃ (min(N, R) for the thin QR, R for the blocked kernel). */
  readonly k: number;
  /** Columns R of Ã. */
  readonly rank: number;
  /** R̃ (k x R, upper trapezoidal), column-major with leading dimension `ld`. */
  readonly r: Float64Array;
  readonly ld: number;
  /**
   * With w (length N, overwritten) the whitened point: y = the first k coordinates of Q_fullᵀ w
   * (written to y) and the returned ‖t‖², t the other coordinates, left in w[tFrom … N).
   */
  coordinates(w: Float64Array, y: Float64Array): number;
  /** Where t starts in w after `coordinates`: k for the thin QR, 0 for the blocked kernel. */
  readonly tFrom: number;
}

/** The factorisation of one distribution, computed once (O(N R²)) and reused per point. */
export interface WhitenedFactor {
  readonly qr: WhitenedQr;
  /** S̃ (k x k, upper triangular), column-major with leading dimension `sRows`. */
  readonly s: Float64Array;
  readonly sRows: number;
  /** The scale c = 2^-E of Ã (1 unless A has entries beyond 2⁵⁰⁰). */
  readonly scale: number;
  /** log det(I_R + Aᵀ A) = 2 Σ log|S_jj|. */
  readonly logDetCapacitance: number;
}

/** Largest |A_nr| left unscaled. */
const UNSCALED_MAX = 2 ** 500;

const cache = new WeakMap<LowRankNormal, WhitenedFactor>();

/**
 * The factorisation logProb, entropy and logDetCovariance run: the blocked QR kernel
 * (kernels/blockedQr.ts), cached per distribution object (a distribution's arrays are not to be
 * changed after construction).
 */
export function whitenedFactor(dist: LowRankNormal): WhitenedFactor {
  checkDistribution(dist);
  let f = cache.get(dist);
  if (f === undefined) {
    const scale = whiteningScale(dist);
    f = withCapacitanceRoot(blockedWhitenedQr(dist, scale), scale);
    cache.set(dist, f);
  }
  return f;
}

const gramCache = new WeakMap<LowRankNormal, GramFactor | null>();

/**
 * log det(I + Aᵀ A) and, given a point x (validated by the caller), zᵀ Σ⁻¹ z (NaN without one):
 * what logProb, entropy and logDetCovariance run. The Gram kernel (kernels/gramForm.ts) where
 * its bound holds (‖A‖_F² ≤ 8192, or its a-posteriori bounds past that; decided once per
 * distribution, cached, a point whose residual bound fails going to Householder), taking the first
 * point's Aᵀ w in its own pass; else, and wherever the kernel's zᵀ Σ⁻¹ z is not finite (z or
 * D^{-1/2} z overflowed), the Householder form (`whitenedFactor`, `mahalanobis`).
 */
export function logDensityTerms(
  dist: LowRankNormal,
  x: ArrayLike<number> | null,
): { logDetCapacitance: number; mahalanobis: number } {
  let g = gramCache.get(dist);
  if (g === undefined) {
    const first = gramFactor(dist, x);
    g = first === null ? null : first.factor;
    gramCache.set(dist, g);
    if (first !== null && (x === null || Number.isFinite(first.first))) {
      return { logDetCapacitance: first.factor.logDetCapacitance, mahalanobis: first.first };
    }
  } else if (g !== null) {
    const m = x === null ? NaN : g.mahalanobis(x);
    if (x === null || Number.isFinite(m)) {
      return { logDetCapacitance: g.logDetCapacitance, mahalanobis: m };
    }
  }
  const f = whitenedFactor(dist);
  return {
    logDetCapacitance: g === null ? f.logDetCapacitance : g.logDetCapacitance,
    mahalanobis: x === null ? NaN : mahalanobis(dist, x, f),
  };
}

/** The same factorisation by the plain thin Householder QR below: the reference for the kernel. */
export function whitenedFactorPlain(dist: LowRankNormal): WhitenedFactor {
  checkDistribution(dist);
  const scale = whiteningScale(dist);
  return withCapacitanceRoot(thinWhitenedQr(dist, scale), scale);
}

/** Thin Householder QR of Ã = c D^{-1/2} P (N x R), k = min(N, R). */
function thinWhitenedQr(dist: LowRankNormal, scale: number): WhitenedQr {
  const { size: n, rank, covFactor: p, covDiag: d } = dist;
  // Ã column-major, so that the reflectors run down contiguous columns. The row scale may
  // underflow only for rows whose entries are below 2^-1000 of the largest.
  const a = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) {
    const si = (1 / Math.sqrt(d[i])) * scale;
    for (let r = 0; r < rank; r++) a[r * n + i] = p[i * rank + r] * si;
  }
  const qr = householderQr(a, n, rank);
  return {
    k: qr.k,
    rank,
    r: a,
    ld: n,
    tFrom: qr.k,
    coordinates(w, y) {
      applyQt(qr, w);
      let tt = 0;
      for (let i = qr.k; i < n; i++) tt += w[i] * w[i];
      for (let i = 0; i < qr.k; i++) y[i] = w[i];
      return tt;
    },
  };
}

/**
 * S̃ with S̃ᵀ S̃ = R̃ R̃ᵀ + c² I_k, the R factor of M = [R̃ᵀ; c I_k] ((R + k) x k), so that
 * S = S̃ / c has Sᵀ S = I + R Rᵀ; and log det(I + Aᵀ A) = 2 Σ log|S̃_jj / c|.
 */
function withCapacitanceRoot(qr: WhitenedQr, scale: number): WhitenedFactor {
  const { k, rank, r: rt, ld } = qr;
  const m = rank + k;
  const mat = new Float64Array(m * k);
  for (let j = 0; j < k; j++) {
    for (let c = j; c < rank; c++) mat[j * m + c] = rt[c * ld + j]; // (R̃ᵀ)_cj = R̃_jc, c ≥ j
    mat[j * m + rank + j] = scale;
  }
  householderQr(mat, m, k);
  let logDet = 0;
  for (let j = 0; j < k; j++) logDet += 2 * (Math.log(Math.abs(mat[j * m + j])) - Math.log(scale));
  return { qr, s: mat, sRows: m, scale, logDetCapacitance: logDet };
}

/** c = 2^-E for `scaleExponent`. */
function whiteningScale(dist: LowRankNormal): number {
  return 2 ** -scaleExponent(dist.covFactor, dist.covDiag, dist.size, dist.rank);
}

/**
 * E = 0 when max |A_nr| ≤ 2⁵⁰⁰, else ⌈log₂ max |A_nr|⌉ capped at 1022 (so that c = 2^-E is a
 * normal number and max |Ã| ≤ 2⁵³⁹, since |P| < 2¹⁰²⁴ and 1/√d < 2⁵³⁸), found from the row
 * maxima in log₂ so that nothing overflows on the way.
 */
function scaleExponent(p: Float64Array, d: Float64Array, n: number, rank: number): number {
  // First in plain arithmetic (max |P_nr| / √d_n may overflow to +∞, never to NaN) …
  let top = 0;
  for (let i = 0, o = 0; i < n; i++) {
    let big = 0;
    for (let r = 0; r < rank; r++, o++) big = Math.max(big, Math.abs(p[o]));
    top = Math.max(top, big / Math.sqrt(d[i]));
  }
  if (top <= UNSCALED_MAX) return 0;
  // … and where that is past 2⁵⁰⁰, in log₂.
  let log2Top = -Infinity;
  for (let i = 0; i < n; i++) {
    let big = 0;
    for (let r = 0; r < rank; r++) big = Math.max(big, Math.abs(p[i * rank + r]));
    if (big > 0) log2Top = Math.max(log2Top, Math.log2(big) - 0.5 * Math.log2(d[i]));
  }
  return Math.min(Math.ceil(log2Top), 1022);
}

/**
 * zᵀ Σ⁻¹ z = ‖t‖² + ‖S⁻ᵀ y‖² for z = x − loc, with (y; t) = Q_fullᵀ D^{-1/2} z. +∞ when the
 * exact value exceeds the largest float64 (then w or its square overflows; the sums of squares
 * keep +∞ rather than NaN, see `whiten`), and also where only the rounding error does: the
 * computed t carries an error of order ε ‖w‖, whose square overflows when ‖w‖ ≳ 1e170 whatever
 * the exact value (backward stable: the exact value for an input a few ulps away).
 */
export function mahalanobis(
  dist: LowRankNormal,
  x: ArrayLike<number>,
  f: WhitenedFactor = whitenedFactor(dist),
): number {
  checkDistribution(dist); // (the default f has checked it already)
  const plain = whitenedParts(dist, f, x, 1);
  const sum = plain.tt + plain.vv;
  if (Number.isFinite(sum)) return sum;
  // z or D^{-1/2} z overflowed on the way (the sum is +∞ or NaN): again with z scaled by
  // 2^-1000, which keeps every whitened entry finite (|z| 2^-1000 / √d ≤ 2¹⁰²⁵ 2^-1000 2⁵³⁸), and
  // the norms taken without underflow; (norm 2¹⁰⁰⁰)² then overflows to +∞ exactly when the true
  // value does.
  const small = whitenedParts(dist, f, x, 2 ** -1000);
  const norm = Math.hypot(norm2(small.w, f.qr.tFrom, dist.size), norm2(small.v, 0, f.qr.k));
  return (norm * 2 ** 1000) ** 2;
}

/**
 * For w = σ D^{-1/2} (x − loc): t and v = S⁻ᵀ y (in `w` and `v`) and their squared norms, so
 * that tt + vv = ‖t‖² + ‖S⁻ᵀ y‖² = σ² zᵀ Σ⁻¹ z.
 */
function whitenedParts(
  dist: LowRankNormal,
  f: WhitenedFactor,
  x: ArrayLike<number>,
  sigma: number,
): { w: Float64Array; v: Float64Array; tt: number; vv: number } {
  const { size: n, loc, covDiag: d } = dist;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = (x[i] * sigma - loc[i] * sigma) / Math.sqrt(d[i]);
  const k = f.qr.k;
  const y = new Float64Array(k);
  const tt = f.qr.coordinates(w, y); // ‖t‖², the part of w outside the factor's column space
  // Sᵀ v = y with S = S̃ / c: v = c u with S̃ᵀ u = y, by forward substitution (S̃ᵀ is lower
  // triangular). All singular values of S are ≥ 1, so ‖v‖ ≤ ‖y‖. With c < 1, u can overflow
  // where v does not; then S̃ᵀ v = c y is solved instead (c y may lose small entries to
  // underflow, the first way does not).
  let v = solveScaled(f, y, 1);
  if (f.scale !== 1) {
    for (let i = 0; i < k; i++) v[i] *= f.scale;
    if (!v.every(Number.isFinite)) v = solveScaled(f, y, f.scale);
  }
  let vv = 0; // ‖S⁻ᵀ y‖²
  for (let i = 0; i < k; i++) vv += v[i] * v[i];
  return { w, v, tt, vv };
}

/** u with S̃ᵀ u = ρ y (forward substitution). */
function solveScaled(f: WhitenedFactor, y: Float64Array, rho: number): Float64Array {
  const { s, sRows: m } = f;
  const k = y.length;
  const u = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let acc = rho * y[i];
    for (let l = 0; l < i; l++) acc -= s[i * m + l] * u[l];
    u[i] = acc / s[i * m + i];
  }
  return u;
}
