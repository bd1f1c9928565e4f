/**
 * Forward error bounds for the float64 log-density and entropy of N(loc, P Pᵀ + D), for the two
 * forms other implementations use. The conformance tolerances of these ops are twice the larger
 * bound, so that a correct float64 implementation of either form (or of a more accurate one,
 * such as ssn-ts's) passes whatever its summation order.
 *
 * 1. The textbook low-rank form, `torch.distributions.LowRankMultivariateNormal` (Woodbury
 *    identity and determinant lemma on the capacitance K = I + Pᵀ D⁻¹ P = L Lᵀ):
 *
 *      log p(x) = −½ (N log 2π + 2 Σ_r log L_rr + Σ_n log d_n + q1 − q2)
 *      q1 = zᵀ D⁻¹ z,   q2 = bᵀ K⁻¹ b = ‖L⁻¹ b‖²,   b = Pᵀ D⁻¹ z,   z = x − loc
 *      H = ½ (N (1 + log 2π) + 2 Σ_r log L_rr + Σ_n log d_n)
 *
 * 2. The dense form (numpy/scipy/JAX `multivariate_normal`, TFP's full-covariance normal):
 *    Σ = P Pᵀ + D = L Lᵀ (N x N), log p(x) = −½ (N log 2π + 2 Σ log L_nn + ‖L⁻¹ z‖²).
 *
 * Derivation (standard rounding-error analysis, Higham, Accuracy and Stability of Numerical
 * Algorithms, 2nd ed.: §3.1 for dot products, Thm 10.3 for Cholesky, Thm 8.5 for triangular
 * solves), with u = 2⁻⁵³ and γ(n) = n u / (1 − n u). A dot product of length n in any order has
 * |error| ≤ γ(n) Σ|terms|. For a symmetric positive definite A factored as L Lᵀ:
 *
 * - Cholesky of the computed Â gives L̂ L̂ᵀ = Â + ΔA with |ΔA| ≤ γ(m + 1) |L̂| |L̂ᵀ| (m the order);
 *   the solve L̂ c = b is exact for L̂ + ΔL, |ΔL| ≤ γ(m) |L̂|, a further perturbation of A of at
 *   most 2 γ(m) |L̂| |L̂ᵀ| to first order: in all γ(3m + 2) |L| |Lᵀ| on top of the error of
 *   forming Â.
 * - To first order, bᵀ A⁻¹ b moves by 2 yᵀ δb − yᵀ δA y with y = A⁻¹ b, so
 *     |δ(bᵀA⁻¹b)| ≤ 2 |y|ᵀ |δb| + |y|ᵀ |δA| |y| + γ(m + 1) bᵀA⁻¹b   (the last: ‖c‖²)
 *   and log det A moves by tr(A⁻¹ δA):
 *     |δ log det A| ≤ Σ_ij |A⁻¹|_ij |δA|_ij + (m + 2) u Σ_i 2 |log L_ii|   (logs and their sum).
 * - Textbook: z, P/d and z/d carry relative errors ≤ u, so |δq1| ≤ γ(N + 4) q1,
 *   |δb| ≤ γ(N + 3) |P|ᵀ D⁻¹ |z|, and forming K errs by ≤ γ(N + 3) (|P|ᵀ D⁻¹ |P| + I); m = R.
 *   Σ log d_n errs by ≤ γ(N + 1) Σ |log d_n|.
 * - Dense: forming Σ errs by ≤ γ(R + 1) (|P| |P|ᵀ + D), z by ≤ u |z|; m = N.
 * - The final sum of four terms and the halving: ≤ 3 u times the sum of the terms' sizes.
 *
 * The bounds are first order: valid while the perturbation is small against A (where
 * ‖A⁻¹‖ ‖δA‖ ≥ 1/4 the form can lose every digit; the bound is then reported as NaN and no
 * float64 tolerance is meaningful). Where q1 ≈ q2 ≫ |log p| (small covDiag under a large factor)
 * the textbook bound is dominated by u (N + R) q1, the cancellation that form cannot avoid; the
 * dense bound grows with the condition number of Σ instead, so either form may be the worse.
 * @see spec/conformance.md#tolerances
 */
import { LOG_2PI } from '../distribution/lowRankNormal.js';
import { choleskyLower, solveLower, solveUpperTransposed } from '../linalg/cholesky.js';

/** Unit roundoff of float64. */
const U = 2 ** -53;

function gamma(n: number): number {
  return (n * U) / (1 - n * U);
}

/** The inputs of a low-rank normal: loc [N], covFactor [N·R] row-major, covDiag [N], rank R. */
export interface LowRankInputs {
  loc: ArrayLike<number>;
  covFactor: ArrayLike<number>;
  covDiag: ArrayLike<number>;
  rank: number;
}

/** Solves L Lᵀ y = b. */
function choleskySolve(l: Float64Array, m: number, b: ArrayLike<number>): Float64Array {
  return solveUpperTransposed(l, solveLower(l, b, m), m);
}

/** |x|ᵀ A |x| for a non-negative m x m matrix A. */
function absQuadratic(a: Float64Array, m: number, x: ArrayLike<number>): number {
  let q = 0;
  for (let r = 0; r < m; r++) {
    for (let s = 0; s < m; s++) q += Math.abs(x[r]) * a[r * m + s] * Math.abs(x[s]);
  }
  return q;
}

/**
 * An SPD matrix A (m x m) as a float64 implementation factors it, with the bound on the total
 * perturbation of A: `formError` (from forming A) plus γ(3m + 2) |L| |Lᵀ| (Cholesky and solve).
 */
class FactoredBound {
  readonly l: Float64Array;
  /** Bound on |δA| entry by entry. */
  readonly dA: Float64Array;
  readonly logDet: number;
  /** Bound on |δ log det A|; NaN beyond first order. */
  readonly logDetBound: number;

  constructor(
    readonly m: number,
    a: Float64Array,
    formError: Float64Array,
  ) {
    // Not positive definite in float64: an L of NaN, so that every bound below is NaN.
    const l = choleskyLower(a, m) ?? new Float64Array(m * m).fill(NaN);
    this.l = l;
    const dA = Float64Array.from(formError);
    for (let r = 0; r < m; r++) {
      for (let s = 0; s < m; s++) {
        let v = 0;
        for (let t = 0; t <= Math.min(r, s); t++) v += Math.abs(l[r * m + t] * l[s * m + t]);
        dA[r * m + s] += gamma(3 * m + 2) * v;
      }
    }
    this.dA = dA;
    let bound = 0;
    let invNorm = 0;
    let dNorm = 0;
    for (let s = 0; s < m; s++) {
      const e = new Float64Array(m);
      e[s] = 1;
      const column = choleskySolve(l, m, e); // column s of A⁻¹
      let colSum = 0;
      let rowSum = 0;
      for (let r = 0; r < m; r++) {
        bound += Math.abs(column[r]) * dA[r * m + s];
        colSum += Math.abs(column[r]);
        rowSum += dA[s * m + r];
      }
      invNorm = Math.max(invNorm, colSum);
      dNorm = Math.max(dNorm, rowSum);
    }
    let logDet = 0;
    let sumAbsLog = 0;
    for (let r = 0; r < m; r++) {
      const log = Math.log(l[r * m + r]);
      logDet += 2 * log;
      sumAbsLog += 2 * Math.abs(log);
    }
    this.logDet = logDet;
    // ‖A⁻¹‖₁ ‖δA‖_∞ bounds ‖A⁻¹ δA‖ (A⁻¹ symmetric): first order needs it small.
    this.logDetBound = invNorm * dNorm < 0.25 ? bound + (m + 2) * U * sumAbsLog : NaN;
  }

  /** bᵀ A⁻¹ b and the bound on its error, given a bound `db` on the error of b. */
  quadratic(b: ArrayLike<number>, db: ArrayLike<number>): { value: number; bound: number } {
    const y = choleskySolve(this.l, this.m, b);
    let value = 0;
    let cross = 0;
    for (let r = 0; r < this.m; r++) {
      value += b[r] * y[r];
      cross += Math.abs(y[r]) * db[r];
    }
    const bound = 2 * cross + absQuadratic(this.dA, this.m, y) + gamma(this.m + 1) * value;
    return { value, bound };
  }
}

/** The textbook form's capacitance K = I + Pᵀ D⁻¹ P with its error bounds. */
function capacitanceBound(inputs: LowRankInputs): FactoredBound {
  const { covFactor: p, covDiag: d, rank: R } = inputs;
  const N = d.length;
  const k = new Float64Array(R * R);
  const formError = new Float64Array(R * R);
  for (let i = 0; i < N; i++) {
    for (let r = 0; r < R; r++) {
      for (let s = 0; s < R; s++) {
        const v = (p[i * R + r] * p[i * R + s]) / d[i];
        k[r * R + s] += v;
        formError[r * R + s] += Math.abs(v);
      }
    }
  }
  for (let r = 0; r < R; r++) {
    k[r * R + r] += 1;
    formError[r * R + r] += 1;
  }
  for (let j = 0; j < R * R; j++) formError[j] *= gamma(N + 3);
  return new FactoredBound(R, k, formError);
}

/**
 * The dense form's covariance Σ = P Pᵀ + D with its error bounds, built as `capacitanceBound`
 * builds K (each entry's value beside the sum of its terms' magnitudes), for another matrix.
 */
function covarianceBound(inputs: LowRankInputs): FactoredBound {
  const { covFactor: p, covDiag: d, rank: R } = inputs;
  const N = d.length;
  const sigma = new Float64Array(N * N);
  const formError = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      let v = i === j ? d[i] : 0;
      let abs = Math.abs(v);
      for (let r = 0; r < R; r++) {
        v += p[i * R + r] * p[j * R + r];
        abs += Math.abs(p[i * R + r] * p[j * R + r]);
      }
      sigma[i * N + j] = v;
      formError[i * N + j] = gamma(R + 1) * abs;
    }
  }
  return new FactoredBound(N, sigma, formError);
}

/** Options of the bounds. */
export interface BoundOptions {
  /** Compute the dense form's bound (O(N³)); default true. When false it is NaN. */
  dense?: boolean;
}

/** Σ log d_n, Σ |log d_n|. */
function logDiagonal(d: ArrayLike<number>): { sum: number; sumAbs: number } {
  let sum = 0;
  let sumAbs = 0;
  for (let i = 0; i < d.length; i++) {
    sum += Math.log(d[i]);
    sumAbs += Math.abs(Math.log(d[i]));
  }
  return { sum, sumAbs };
}

/**
 * A bound on |computed − exact| for the float64 log-density of N(loc, P Pᵀ + D) at x, for the
 * textbook low-rank form and the dense form (module comment).
 * @returns both bounds; NaN where the first-order analysis does not hold for that form (or the
 *   dense one was not asked for)
 * @example logProbErrorBounds({ loc: [0], covFactor: [1], covDiag: [1], rank: 1 }, [1]).textbook // ≈ 2.1e-15
 */
export function logProbErrorBounds(
  inputs: LowRankInputs,
  x: ArrayLike<number>,
  options: BoundOptions = {},
): { textbook: number; dense: number } {
  const { loc, covFactor: p, covDiag: d, rank: R } = inputs;
  const N = d.length;
  const z = Float64Array.from({ length: N }, (_, i) => x[i] - loc[i]);
  const logD = logDiagonal(d);

  const cap = capacitanceBound(inputs);
  let q1 = 0;
  const b = new Float64Array(R);
  const db = new Float64Array(R);
  for (let i = 0; i < N; i++) {
    q1 += (z[i] * z[i]) / d[i];
    for (let r = 0; r < R; r++) {
      b[r] += (p[i * R + r] * z[i]) / d[i];
      db[r] += gamma(N + 3) * Math.abs((p[i * R + r] * z[i]) / d[i]);
    }
  }
  const q2 = cap.quadratic(b, db);
  const textbook =
    0.5 *
    (gamma(N + 4) * q1 +
      q2.bound +
      cap.logDetBound +
      gamma(N + 1) * logD.sumAbs +
      3 * U * (N * LOG_2PI + Math.abs(cap.logDet) + Math.abs(logD.sum) + q1 + q2.value));

  if (options.dense === false) return { textbook, dense: NaN };
  const cov = covarianceBound(inputs);
  const q = cov.quadratic(
    z,
    z.map((v) => U * Math.abs(v)),
  );
  const dense =
    0.5 *
    (q.bound + cov.logDetBound + 3 * U * (N * LOG_2PI + Math.abs(cov.logDet) + Math.abs(q.value)));
  return { textbook, dense };
}

/**
 * A bound on |computed − exact| for the float64 entropy of N(loc, P Pᵀ + D), for the textbook
 * low-rank form and the dense form.
 * @returns both bounds; NaN where the first-order analysis does not hold for that form
 */
export function entropyErrorBounds(
  inputs: LowRankInputs,
  options: BoundOptions = {},
): { textbook: number; dense: number } {
  const N = inputs.covDiag.length;
  const logD = logDiagonal(inputs.covDiag);
  const cap = capacitanceBound(inputs);
  const textbook =
    0.5 *
    (cap.logDetBound +
      gamma(N + 1) * logD.sumAbs +
      3 * U * (N * (1 + LOG_2PI) + Math.abs(cap.logDet) + Math.abs(logD.sum)));
  if (options.dense === false) return { textbook, dense: NaN };
  const cov = covarianceBound(inputs);
  const dense = 0.5 * (cov.logDetBound + 3 * U * (N * (1 + LOG_2PI) + Math.abs(cov.logDet)));
  return { textbook, dense };
}
