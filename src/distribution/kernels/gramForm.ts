/**
 * Kernel: the log-density's two terms from the Gram matrix of A = D^{-1/2} P, where a bound
 * shows it as accurate as needed (spec/lowrank-normal.md#the-guarded-gram-kernel); elsewhere
 * null, and the Householder form runs (whitenedFactor.ts).
 *
 * Computes, with G = I + Aᵀ A = L Lᵀ (Cholesky), F² = ‖A‖_F² = trace(Aᵀ A):
 *   log det(I + Aᵀ A) = 2 Σ log L_jj
 *   zᵀ Σ⁻¹ z = min_u ‖w − A u‖² + ‖u‖² = ‖w − A u‖² + ‖u‖²  at  u = G⁻¹ Aᵀ w,  w = D^{-1/2} z
 * The second is the damped least-squares objective evaluated at its minimiser: a sum of two
 * squares (no difference of large numbers, unlike Woodbury's wᵀw − bᵀ G⁻¹ b), and an error δu in
 * u moves it only by δuᵀ G δu (second order). Only runs when F² ≤ GRAM_LIMIT; there, with
 * ε = 2⁻⁵³ and γ = (B + N / B) ε for the blocked sums (B ≤ 256 rows a block), the bounds derived
 * in the spec are
 *   |Δ log det| ≤ γ R F²                                        (6e-9 at R 10, N 1e5, the limit)
 *   |Δ zᵀΣ⁻¹z| / zᵀΣ⁻¹z ≤ 2 R ε √(1 + F²)(1 + F/2) + γ² (1 + F²)(F + R F²/2)²   (about 1e-11)
 * against about γ F for the Householder form's determinant. Past the limit it runs where
 * a-posteriori bounds computed from its own Cholesky factor hold (`posterioriTerms`,
 * `boundedResidual`: scale-free, so a well-conditioned factor of any size passes, as network
 * outputs do; nearly collinear columns decline) and Householder runs elsewhere. A point's zᵀΣ⁻¹z is Woodbury's difference wᵀw − bᵀ G⁻¹ b instead
 * wherever an error bound computed alongside shows it within 2⁻⁴⁰ ≈ 9e-13 of the exact value
 * (`boundedDifference`; w far from range(A), the usual case), which saves the residual's pass
 * over P; elsewhere the residual pass runs. Within the limit, tied to the plain form
 * (whitenedFactorPlain) within rtol 1e-11, either way a point goes, by
 * test/distribution/lowRankKernels.test.ts (which also checks that each way is taken where it
 * should be). Past the limit a point's result is backward stable (exact for inputs a few ulps
 * away), so its forward error is within the point's condition number, as the Householder form's
 * is, but not within 1e-11 of it: for a point near loc + range(P) the two may differ by more
 * (the tests compare both with the 60-digit dense reference instead).
 *
 * Why: the Gram of [A | w] is N (R + 1)(R + 2) / 2 multiply-adds in register tiles (six
 * sums held while five entries are loaded), against Householder's N (R + 1)(R + 2) with a load
 * and a store per multiply-add; no N x R array is written (the rows are whitened into an L1
 * scratch block); the first point usually costs no pass of its own (wᵀw and Aᵀ w come with the
 * Gram), and a later point one pass over P (Aᵀ w and wᵀw), two where the residual w − A u runs.
 */
import type { LowRankNormal } from '../lowRankNormal.js';

/** Largest F² = ‖D^{-1/2} P‖_F² the Gram kernel accepts. */
export const GRAM_LIMIT = 8192;

/** Entries per block of rows (32 KiB, so that a block sits in L1). */
const BLOCK_ENTRIES = 4096;

/** Rows per block for `width` entries a row: 16 to 256. */
function blockRows(width: number): number {
  return Math.min(256, Math.max(16, Math.floor(BLOCK_ENTRIES / width)));
}

/** The Gram kernel's factorisation of one distribution. */
export interface GramFactor {
  /** log det(I + Aᵀ A). */
  readonly logDetCapacitance: number;
  /** zᵀ Σ⁻¹ z at x (+∞ or NaN where an intermediate overflows: the caller falls back). */
  mahalanobis(x: ArrayLike<number>): number;
  /** The same, and which way it went: the bounded difference or the residual pass. */
  mahalanobisBy(x: ArrayLike<number>): { value: number; by: 'difference' | 'residual' };
}

/**
 * The Gram kernel for `dist`, or null where its bounds do not hold (F² > GRAM_LIMIT and the
 * a-posteriori log det bound fails, or an entry of A overflowed). With `x`, the first point's Aᵀ w and wᵀw ride along in the Gram pass
 * (`first` is then its zᵀ Σ⁻¹ z, and `firstBy` says whether the bounded difference or the
 * residual pass gave it).
 */
export function gramFactor(
  dist: LowRankNormal,
  x: ArrayLike<number> | null,
): { factor: GramFactor; first: number; firstBy: 'difference' | 'residual' | null } | null {
  const { size: n, rank } = dist;
  // Columns of the scratch: A's R, then w, padded with zeros to a multiple of 3. The blocks of
  // rows stay those of the earlier 4 x 4 tiles (sized for a width rounded up to 4): each Gram
  // entry is summed over the same rows in the same order as then, bit for bit.
  const width = Math.ceil((rank + 1) / 3) * 3;
  const rows = blockRows(Math.ceil((rank + 1) / 4) * 4);
  const scratch = doubleArray(rows * width);
  const gram = new Float64Array(width * width); // upper triangle, row-major
  for (let i0 = 0; i0 < n; i0 += rows) {
    const len = Math.min(rows, n - i0);
    whitenBlock(dist, x, i0, len, width, scratch);
    if (len < rows) scratch.fill(0, len * width);
    gramTiles(scratch, len, width, gram);
  }
  // F² ≤ GRAM_LIMIT also bounds every |A_nr| by √GRAM_LIMIT; an entry that overflowed, or
  // whose square did, makes F² infinite or NaN and fails the test.
  let frob = 0;
  for (let k = 0; k < rank; k++) frob += gram[k * width + k];
  // Within the limit the a-priori bounds above hold; past it (an overflow makes F² infinite or
  // NaN and declines), the kernel runs only where the a-posteriori bounds below hold.
  const withinLimit = frob <= GRAM_LIMIT;
  if (!withinLimit && !(frob < Infinity)) return null;
  // L (lower, row-major R x R) with L Lᵀ = I + Aᵀ A.
  const l = new Float64Array(rank * rank);
  let logDet = 0;
  for (let j = 0; j < rank; j++) {
    let pivot = 1 + gram[j * width + j];
    for (let k = 0; k < j; k++) pivot -= l[j * rank + k] * l[j * rank + k];
    const ljj = Math.sqrt(pivot); // pivot ≥ 1 − (tiny) since G ⪰ I
    l[j * rank + j] = ljj;
    logDet += 2 * Math.log(ljj);
    for (let i = j + 1; i < rank; i++) {
      let s = gram[j * width + i]; // G_ij = G_ji, upper triangle
      for (let k = 0; k < j; k++) s -= l[i * rank + k] * l[j * rank + k];
      l[i * rank + j] = s / ljj;
    }
  }
  // γ of the blocked sums: the Gram's (G, and the first point's b and wᵀw) and the later points'
  // Aᵀ w pass (one more rounding, the division by d).
  const gamma = (rows + Math.ceil(n / rows) + 2) * EPS;
  const crossRows = blockRows(rank);
  const crossGamma = Math.max(gamma, (crossRows + Math.ceil(n / crossRows) + 3) * EPS);
  const post = withinLimit
    ? null
    : posterioriTerms(l, rank, gram, width, Math.max(gamma, crossGamma));
  if (post !== null && !(post.logDetBound <= gamma * rank * (rank + GRAM_LIMIT))) return null;
  /** zᵀΣ⁻¹z from b = Aᵀ w and wᵀw: the bounded difference, else the residual pass. */
  const fromCross = (b: Float64Array, ww: number, z: ArrayLike<number>, g: number) => {
    const { u, yy } = capacitanceSolve(l, b);
    const bounded = boundedDifference(u, yy, ww, gram, width, frob, g);
    if (!Number.isNaN(bounded)) return { value: bounded, by: 'difference' as const };
    if (post === null) return { value: residualAt(dist, u, z), by: 'residual' as const };
    return { value: boundedResidual(dist, u, z, ww, post, g), by: 'residual' as const };
  };
  const mahalanobisBy = (z: ArrayLike<number>) => {
    const { b, ww } = crossProduct(dist, z);
    return fromCross(b, ww, z, crossGamma);
  };
  const factor: GramFactor = {
    logDetCapacitance: logDet,
    mahalanobisBy,
    mahalanobis: (z) => mahalanobisBy(z).value,
  };
  if (x === null) return { factor, first: NaN, firstBy: null };
  const b = new Float64Array(rank);
  for (let k = 0; k < rank; k++) b[k] = gram[k * width + rank];
  const first = fromCross(b, gram[rank * width + rank], x, gamma);
  return { factor, first: first.value, firstBy: first.by };
}

/** ε = 2⁻⁵³, the unit roundoff. */
const EPS = 2 ** -53;

/**
 * What the a-posteriori bounds need past GRAM_LIMIT (spec: "past the limit"), from the Cholesky
 * factor: t_j = √G_jj (≥ the row norms of L and ‖a_j‖), H = |G⁻¹| (entrywise, from L⁻¹; only
 * tᵀ H t is kept) and
 *   logDetBound = (γ + 2 (R + 1) ε) tᵀ H t
 * which bounds |Δ log det| = |tr(G⁻¹ (ΔG + E))| for the Gram's errors |ΔG_jk| ≤ γ t_j t_k and the
 * Cholesky's backward error |E| ≤ 2 (R + 1) ε |L| |Lᵀ| ≤ 2 (R + 1) ε t tᵀ. Scale-free: for well
 * conditioned columns of A it is about R γ whatever their size, where the a-priori bound grows
 * as F².
 */
interface Posteriori {
  t: Float64Array;
  tHt: number;
  logDetBound: number;
}

function posterioriTerms(
  l: Float64Array,
  rank: number,
  gram: Float64Array,
  width: number,
  gamma: number,
): Posteriori {
  const t = new Float64Array(rank);
  for (let j = 0; j < rank; j++) t[j] = Math.sqrt(1 + gram[j * width + j]);
  // M = L⁻¹ (lower triangular), then G⁻¹ = Mᵀ M.
  const m = new Float64Array(rank * rank);
  for (let j = 0; j < rank; j++) {
    m[j * rank + j] = 1 / l[j * rank + j];
    for (let i = j + 1; i < rank; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * rank + k] * m[k * rank + j];
      m[i * rank + j] = s / l[i * rank + i];
    }
  }
  let tHt = 0;
  for (let i = 0; i < rank; i++) {
    for (let j = 0; j < rank; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < rank; k++) s += m[k * rank + i] * m[k * rank + j];
      tHt += t[i] * Math.abs(s) * t[j];
    }
  }
  // Doubled: H itself is computed, with a relative error of order κ(G) ε.
  return { t, tHt, logDetBound: 2 * (gamma + 2 * (rank + 1) * EPS) * tHt };
}

/**
 * Past GRAM_LIMIT: the residual form ‖w − A u‖² + ‖u‖², unless an a-posteriori bound on the
 * part of its error that no perturbation of the inputs explains exceeds `residualRtol` (what
 * the a-priori bound allows at the limit); then NaN, and the caller falls back to Householder.
 * The accepted result's whole error may exceed that budget: the backward part is bounded only by
 * the point's condition number (as for the Householder form).
 * Forming r = w − A u rounds each entry within (R + 4) ε of |w_n| + Σ_k |a_nk| |u_k|: that is the
 * exact r of P and x perturbed entrywise by (R + 4) ulps, at which the computed u is still a
 * minimiser to first order, so the result is exact for those inputs up to the second-order terms
 * (backward stable, as the Householder form is, whose t carries the same order of error for a
 * point with w near range(A); both are then off by about ε ‖w‖ ‖r‖). What is bounded is
 *   γ (‖r‖² + ‖u‖²)                                  the sums of squares
 *   μ² tᵀ H t,  μ = γ ‖w‖ + (γ + 4 (R + 1) ε) τ       the solve's error δu, δuᵀ G δu (second order)
 * with τ = tᵀ |u| ≥ Σ_k ‖a_k‖ |u_k| and the Gram's and the Cholesky's errors as above.
 */
function boundedResidual(
  dist: LowRankNormal,
  u: Float64Array,
  x: ArrayLike<number>,
  ww: number,
  post: Posteriori,
  gamma: number,
): number {
  const { rank } = dist;
  let tau = 0;
  for (let k = 0; k < rank; k++) tau += post.t[k] * Math.abs(u[k]);
  const result = residualAt(dist, u, x);
  const mu = gamma * Math.sqrt(ww) + (gamma + 4 * (rank + 1) * EPS) * tau;
  const bound = gamma * result + mu * mu * post.tHt;
  return bound <= residualRtol(rank) * result ? result : NaN;
}

/**
 * The relative error the a-priori residual bound allows at the limit, 2 R ε √(1 + L) (1 + √L / 2)
 * with L = GRAM_LIMIT (about 9e-12 at R 10): past the limit a point is accepted up to the same.
 */
function residualRtol(rank: number): number {
  return 2 * rank * EPS * Math.sqrt(1 + GRAM_LIMIT) * (1 + Math.sqrt(GRAM_LIMIT) / 2);
}

/** Largest error bound, relative to the result, at which `boundedDifference` answers. */
const DIFFERENCE_RTOL = 2 ** -40;

/**
 * zᵀ Σ⁻¹ z = wᵀw − ‖L⁻¹ b‖² (Woodbury's difference; b = Aᵀ w, yy = ‖L⁻¹ b‖², u = G⁻¹ b) from
 * the Gram pass's own wᵀw and b, where an error bound computed from the same numbers shows it
 * within DIFFERENCE_RTOL (about 9e-13) of the exact value; else NaN, and the residual pass runs.
 * With s = Σ_k |u_k| ‖a_k‖ and γ the blocked sums' (B + N/B + 2) ε, the bound adds (spec: "the
 * first point's shortcut"):
 *   γ (‖w‖ + s)²                      the Gram's errors in wᵀw, b and G, to first order
 *   4 (R + 1) ε (R + F²) ‖u‖²         the Cholesky factor and the triangular solve
 *   (R + 4) ε wᵀw + 12 ε ‖w‖ √result  the sums of squares, the difference, the whitening
 * It answers where the difference cancels little (w far from range(A), as for a typical
 * point); where w lies near range(A) the bound is large and the residual pass runs.
 */
function boundedDifference(
  u: Float64Array,
  yy: number,
  ww: number,
  gram: Float64Array,
  width: number,
  frob: number,
  gamma: number,
): number {
  const rank = u.length;
  const result = ww - yy;
  let s = 0;
  let uu = 0;
  for (let k = 0; k < rank; k++) {
    s += Math.abs(u[k]) * Math.sqrt(gram[k * width + k]);
    uu += u[k] * u[k];
  }
  const w = Math.sqrt(ww);
  const bound =
    gamma * (w + s) ** 2 +
    4 * (rank + 1) * EPS * (rank + frob) * uu +
    (rank + 4) * EPS * ww +
    12 * EPS * w * Math.sqrt(Math.max(result, 0));
  // Every comparison is false for NaN: an overflowed wᵀw or b sends the point to the residual.
  return result > 0 && bound <= DIFFERENCE_RTOL * result ? result : NaN;
}

/** n zeros in a plain array that V8 stores as unboxed doubles (elements kind PACKED_DOUBLE). */
function doubleArray(n: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  return a.fill(0);
}

/**
 * Rows i0 … i0+len−1 of [A | w] into the scratch (row-major, `width` columns; w only with x).
 * Each block's loops are a function of their own (so are the other passes' below), so that V8
 * optimises them from full type feedback after a few blocks, on a distribution's first call.
 */
function whitenBlock(
  dist: LowRankNormal,
  x: ArrayLike<number> | null,
  i0: number,
  len: number,
  width: number,
  scratch: number[],
): void {
  const { rank, covFactor: p, covDiag: d } = dist;
  let q = (i0 * rank) | 0; // P's rows are consecutive: one running index through the block
  for (let i = 0, o = 0; i < len; i++, o = (o + width) | 0) {
    const si = 1 / Math.sqrt(d[(i0 + i) | 0]);
    const end = (q + rank) | 0;
    let t = o;
    // Four entries a step, so that V8's per-iteration checks (maps, stack) are paid a quarter
    // as often.
    for (; ((q + 4) | 0) <= end; q = (q + 4) | 0, t = (t + 4) | 0) {
      const v0 = p[q];
      const v1 = p[(q + 1) | 0];
      const v2 = p[(q + 2) | 0];
      const v3 = p[(q + 3) | 0];
      scratch[t] = v0 * si;
      scratch[(t + 1) | 0] = v1 * si;
      scratch[(t + 2) | 0] = v2 * si;
      scratch[(t + 3) | 0] = v3 * si;
    }
    for (; q < end; q = (q + 1) | 0, t = (t + 1) | 0) scratch[t] = p[q] * si;
  }
  if (x !== null) whitenPoint(dist, x, i0, len, width, scratch);
}

/** Column R of the scratch block: w_i = (x_i − loc_i) / √d_i for rows i0 … i0+len−1. */
function whitenPoint(
  dist: LowRankNormal,
  x: ArrayLike<number>,
  i0: number,
  len: number,
  width: number,
  scratch: number[],
): void {
  const { rank, covDiag: d, loc } = dist;
  for (let i = 0, o = rank; i < len; i++, o = (o + width) | 0) {
    const n = (i0 + i) | 0;
    scratch[o] = (x[n] - loc[n]) / Math.sqrt(d[n]);
  }
}

/**
 * b = Aᵀ w = Pᵀ D⁻¹ (x − loc) and wᵀw, by blocks of rows (in L1), four entries of b at a time
 * held in registers.
 */
function crossProduct(dist: LowRankNormal, x: ArrayLike<number>): { b: Float64Array; ww: number } {
  const b = new Float64Array(dist.rank);
  const rows = blockRows(dist.rank);
  const v = new Float64Array(rows);
  let ww = 0;
  for (let i0 = 0; i0 < dist.size; i0 += rows) {
    ww += crossBlock(dist, x, i0, Math.min(rows, dist.size - i0), v, b);
  }
  return { b, ww };
}

/**
 * b += the rows i0 … i0+len−1 of Pᵀ D⁻¹ (x − loc) (v: scratch for D⁻¹ (x − loc)); returns
 * those rows' Σ w_i² = Σ (x_i − loc_i)² / d_i.
 */
function crossBlock(
  dist: LowRankNormal,
  x: ArrayLike<number>,
  i0: number,
  len: number,
  v: Float64Array,
  b: Float64Array,
): number {
  const { rank, covFactor: p, covDiag: d, loc } = dist;
  let ww = 0;
  for (let i = 0; i < len; i++) {
    const z = x[i0 + i] - loc[i0 + i];
    v[i] = z / d[i0 + i]; // w_i / √d_i
    ww += z * v[i];
  }
  let k = 0;
  for (; k + 4 <= rank; k += 4) {
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let i = 0, q = i0 * rank + k; i < len; i++, q += rank) {
      const vi = v[i];
      b0 += p[q] * vi;
      b1 += p[q + 1] * vi;
      b2 += p[q + 2] * vi;
      b3 += p[q + 3] * vi;
    }
    b[k] += b0;
    b[k + 1] += b1;
    b[k + 2] += b2;
    b[k + 3] += b3;
  }
  for (; k < rank; k++) {
    let bk = 0;
    for (let i = 0, q = i0 * rank + k; i < len; i++, q += rank) bk += p[q] * v[i];
    b[k] += bk;
  }
  return ww;
}

/**
 * ‖w − A u‖² + ‖u‖² with u = G⁻¹ b (b = Aᵀ w, G = L Lᵀ), w = D^{-1/2} (x − loc): the damped
 * least-squares objective at its minimiser.
 */
function residualAt(dist: LowRankNormal, u: Float64Array, x: ArrayLike<number>): number {
  const { size: n, rank } = dist;
  let uu = 0;
  for (let k = 0; k < rank; k++) uu += u[k] * u[k];
  let rr = 0;
  const rows = blockRows(rank);
  for (let i0 = 0; i0 < n; i0 += rows) {
    rr += residualRows(dist, x, u, i0, Math.min(i0 + rows, n));
  }
  return rr + uu;
}

/** u = G⁻¹ b by the two triangular solves with L (G = L Lᵀ), and ‖L⁻¹ b‖² = bᵀ G⁻¹ b. */
function capacitanceSolve(l: Float64Array, b: Float64Array): { u: Float64Array; yy: number } {
  const rank = b.length;
  const u = new Float64Array(rank);
  let yy = 0;
  for (let i = 0; i < rank; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * rank + k] * u[k];
    u[i] = s / l[i * rank + i];
    yy += u[i] * u[i];
  }
  for (let i = rank - 1; i >= 0; i--) {
    let s = u[i];
    for (let k = i + 1; k < rank; k++) s -= l[k * rank + i] * u[k];
    u[i] = s / l[i * rank + i];
  }
  return { u, yy };
}

/**
 * gram += Sᵀ S for the scratch block S (len x width, row-major, width a multiple of 3), upper
 * triangle, each block's sums added once (blocked summation): three rows j … j+2 at a time, the
 * 3 x 3 diagonal tile by `diagonalTile` (six sums and three loads a row), then 3 x 2 tiles
 * (six running sums, three held entries, the b entries loaded one at a time) and, where the
 * columns left are odd, one 3 x 1 tile (`columnTile`). On an AMD EPYC (Zen 4) the 3 x 2 tiles
 * ran about 1.2 times as many multiply-adds a second as the 3 x 3 ones they replaced (nine sums
 * left V8 too few registers there), and 2 x 4, 3 x 4, 4 x 4 and two rows a step were slower
 * still (spec/performance.md#the-log-density). Each entry is still the sum over the block's rows
 * in row order, so the tile shape does not change a bit. The indices are truncated (`| 0`) so that V8 adds them without overflow checks, and the
 * scratch is a plain array of doubles, whose loads V8 compiles shorter than a typed array's.
 */
function gramTiles(s: number[], len: number, width: number, gram: Float64Array): void {
  const end = (len * width) | 0;
  for (let j = 0; j < width; j += 3) {
    diagonalTile(s, end, width, j, gram);
    let k = j + 3;
    for (; k + 2 <= width; k += 2) {
      let g00 = 0,
        g01 = 0;
      let g10 = 0,
        g11 = 0;
      let g20 = 0,
        g21 = 0;
      for (let o = 0; o < end; o = (o + width) | 0) {
        const p = (o + j) | 0;
        const q = (o + k) | 0;
        const a0 = s[p];
        const a1 = s[(p + 1) | 0];
        const a2 = s[(p + 2) | 0];
        const b0 = s[q];
        g00 += a0 * b0;
        g10 += a1 * b0;
        g20 += a2 * b0;
        const b1 = s[(q + 1) | 0];
        g01 += a0 * b1;
        g11 += a1 * b1;
        g21 += a2 * b1;
      }
      const r0 = j * width + k;
      gram[r0] += g00;
      gram[r0 + 1] += g01;
      gram[r0 + width] += g10;
      gram[r0 + width + 1] += g11;
      gram[r0 + 2 * width] += g20;
      gram[r0 + 2 * width + 1] += g21;
    }
    if (k < width) columnTile(s, end, width, j, k, gram);
  }
}

/** The 3 x 1 tile of rows j … j+2 and column k (a row of 3 x 2 tiles of odd length). */
function columnTile(
  s: number[],
  end: number,
  width: number,
  j: number,
  k: number,
  gram: Float64Array,
): void {
  let g0 = 0;
  let g1 = 0;
  let g2 = 0;
  for (let o = 0; o < end; o = (o + width) | 0) {
    const p = (o + j) | 0;
    const b = s[(o + k) | 0];
    g0 += s[p] * b;
    g1 += s[(p + 1) | 0] * b;
    g2 += s[(p + 2) | 0] * b;
  }
  const r0 = j * width + k;
  gram[r0] += g0;
  gram[r0 + width] += g1;
  gram[r0 + 2 * width] += g2;
}

/** gram[r … r+3) += (a, b, c). */
function addRow(gram: Float64Array, r: number, a: number, b: number, c: number): void {
  gram[r] += a;
  gram[r + 1] += b;
  gram[r + 2] += c;
}

/**
 * Σ r_i² over rows from … to−1, r_i = ((x_i − loc_i) − (P u)_i) / √d_i = (w − A u)_i; four rows
 * at a time, so that each u_k is loaded once for four multiply-adds.
 */
function residualRows(
  dist: LowRankNormal,
  x: ArrayLike<number>,
  u: Float64Array,
  from: number,
  to: number,
): number {
  const { rank, covFactor: p, covDiag: d, loc } = dist;
  let rr = 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const q = i * rank;
    let pu0 = 0;
    let pu1 = 0;
    let pu2 = 0;
    let pu3 = 0;
    for (let k = 0; k < rank; k++) {
      const uk = u[k];
      pu0 += p[q + k] * uk;
      pu1 += p[q + rank + k] * uk;
      pu2 += p[q + 2 * rank + k] * uk;
      pu3 += p[q + 3 * rank + k] * uk;
    }
    const r0 = (x[i] - loc[i] - pu0) / Math.sqrt(d[i]);
    const r1 = (x[i + 1] - loc[i + 1] - pu1) / Math.sqrt(d[i + 1]);
    const r2 = (x[i + 2] - loc[i + 2] - pu2) / Math.sqrt(d[i + 2]);
    const r3 = (x[i + 3] - loc[i + 3] - pu3) / Math.sqrt(d[i + 3]);
    rr += r0 * r0 + r1 * r1 + r2 * r2 + r3 * r3;
  }
  for (; i < to; i++) {
    let pu = 0;
    for (let k = 0; k < rank; k++) pu += p[i * rank + k] * u[k];
    const r = (x[i] - loc[i] - pu) / Math.sqrt(d[i]);
    rr += r * r;
  }
  return rr;
}

/** gram += the upper triangle of S_jᵀ S_j for the three columns j … j+2 (end = len x width). */
function diagonalTile(
  s: number[],
  end: number,
  width: number,
  j: number,
  gram: Float64Array,
): void {
  let g00 = 0;
  let g01 = 0;
  let g02 = 0;
  let g11 = 0;
  let g12 = 0;
  let g22 = 0;
  for (let o = j; o < end; o = (o + width) | 0) {
    const a0 = s[o];
    const a1 = s[(o + 1) | 0];
    const a2 = s[(o + 2) | 0];
    g00 += a0 * a0;
    g01 += a0 * a1;
    g02 += a0 * a2;
    g11 += a1 * a1;
    g12 += a1 * a2;
    g22 += a2 * a2;
  }
  const r = j * width + j;
  addRow(gram, r, g00, g01, g02);
  gram[r + width + 1] += g11;
  gram[r + width + 2] += g12;
  gram[r + 2 * width + 2] += g22;
}
