/**
 * Householder QR of a tall or wide m x n matrix, for the stable form of the low-rank normal's
 * log-density (spec/lowrank-normal.md#the-stable-form). Backward stable: the computed R is the
 * exact factor of A + ΔA with ‖ΔA_j‖ ≤ c m n ε ‖A_j‖ for each column j (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., Theorem 19.4).
 *
 * Storage is column-major (entry (i, j) at j*m + i), as in LAPACK's dgeqr2, whose conventions
 * (dlarfg's reflector H = I − τ v vᵀ with v₀ = 1) this follows.
 */

/** The k = min(m, n) reflectors and R of A = H₀ H₁ … H_{k−1} R, all in one array. */
export interface HouseholderQr {
  readonly rows: number;
  readonly cols: number;
  /** Number of reflectors, min(m, n). */
  readonly k: number;
  /**
   * m x n column-major: R in and above the diagonal (k x n), reflector j's vector v below the
   * diagonal of column j (its leading 1 implied).
   */
  readonly a: Float64Array;
  /** τ_j of H_j = I − τ_j v_j v_jᵀ; 0 when H_j = I. */
  readonly tau: Float64Array;
}

/**
 * Factorises `a` (m x n column-major) in place: A = Q R with Q = H₀ … H_{k−1} orthogonal.
 * Column norms are taken without overflow or underflow (a scaled second pass where the plain
 * sum of squares leaves [2⁻⁹⁰⁰, 2⁹⁰⁰]), so every finite A gives finite R and reflectors.
 * @example householderQr(Float64Array.of(3, 4), 2, 1).a[0] // → -5 (R = [-5], the norm with dlarfg's sign)
 */
export function householderQr(a: Float64Array, m: number, n: number): HouseholderQr {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const col = j * m;
    const h = reflector(a, col + j + 1, col + m, a[col + j]);
    if (h.tau === 0) continue; // H_j = I: the column is already upper triangular
    tau[j] = h.tau;
    a[col + j] = h.beta;
    // Apply H_j to the columns on its right: c ← c − τ v (vᵀ c).
    for (let c = j + 1; c < n; c++) {
      const cc = c * m;
      let s = a[cc + j];
      for (let i = j + 1; i < m; i++) s += a[col + i] * a[cc + i];
      s *= tau[j];
      a[cc + j] -= s;
      for (let i = j + 1; i < m; i++) a[cc + i] -= s * a[col + i];
    }
  }
  return { rows: m, cols: n, k, a, tau };
}

/**
 * dlarfg: the reflector H = I − τ v vᵀ, v = (1; x/(α − β)), with H (α; x) = (β; 0), β = ∓‖(α; x)‖.
 * Overwrites a[from … to) (x) with v's tail; τ = 0 (and x untouched) when x = 0. A column whose
 * norm is below 2⁻⁹⁰⁰ is scaled by 2⁶⁰⁰ first (exact), so that its norm keeps every digit and
 * 1 / (α − β) stays finite; v and τ do not depend on the scale.
 */
export function reflector(
  a: Float64Array,
  from: number,
  to: number,
  alpha: number,
): { beta: number; tau: number } {
  let xnorm = norm2(a, from, to);
  if (xnorm === 0) return { beta: alpha, tau: 0 };
  let f = 1;
  if (Math.hypot(alpha, xnorm) < 2 ** -900) {
    f = 2 ** 600;
    for (let i = from; i < to; i++) a[i] *= f;
    xnorm = norm2(a, from, to);
  }
  const alphaF = alpha * f;
  const beta = -Math.sign(alphaF || 1) * Math.hypot(alphaF, xnorm);
  const inv = 1 / (alphaF - beta);
  for (let i = from; i < to; i++) a[i] *= inv;
  return { beta: beta / f, tau: (beta - alphaF) / beta };
}

/**
 * w ← Qᵀ w = H_{k−1} … H₀ w in place (w of length m). The first k entries of the result are the
 * coordinates of w in the column space of A (when A has full column rank), the other m − k
 * the coordinates in its orthogonal complement.
 */
export function applyQt(qr: HouseholderQr, w: Float64Array): void {
  const { rows: m, k, a, tau } = qr;
  for (let j = 0; j < k; j++) {
    if (tau[j] === 0) continue;
    const col = j * m;
    let s = w[j];
    for (let i = j + 1; i < m; i++) s += a[col + i] * w[i];
    s *= tau[j];
    w[j] -= s;
    for (let i = j + 1; i < m; i++) w[i] -= s * a[col + i];
  }
}

/**
 * ‖a[from … to)‖₂: the plain sum of squares when it stays within [2⁻⁹⁰⁰, 2⁹⁰⁰], else a second
 * pass scaled by the largest magnitude (LAPACK's dnrm2 idea), so neither overflow nor underflow
 * of the squares changes the result.
 */
export function norm2(a: Float64Array, from: number, to: number): number {
  let ss = 0;
  for (let i = from; i < to; i++) ss += a[i] * a[i];
  if (ss >= 2 ** -900 && ss <= 2 ** 900) return Math.sqrt(ss);
  let big = 0;
  for (let i = from; i < to; i++) big = Math.max(big, Math.abs(a[i]));
  if (big === 0) return 0;
  ss = 0;
  for (let i = from; i < to; i++) {
    const t = a[i] / big;
    ss += t * t;
  }
  return big * Math.sqrt(ss);
}
