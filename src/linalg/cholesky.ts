/**
 * Dense Cholesky factorisation and triangular solves for the small R x R capacitance matrix of
 * the textbook identities (src/distribution/lowRankIdentities.ts) and the conformance error
 * bounds (src/conformance/logDensityErrorBound.ts). mathjs has no public Cholesky and works on
 * nested arrays; at R ≤ 100 a hand loop on a Float64Array is right.
 */

/**
 * Lower Cholesky factor L of a symmetric positive definite n x n matrix A = L Lᵀ.
 * Reads only the lower triangle of `a` (row-major, entry (i, j) at i*n + j).
 * @returns L as a new row-major Float64Array with zeros above the diagonal, or `null` when a
 *   pivot is not positive and finite (A is not positive definite in floating point)
 * @example choleskyLower(Float64Array.of(4, 2, 2, 5), 2) // → [2, 0, 1, 2]
 */
export function choleskyLower(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = a[j * n + j];
    for (let k = 0; k < j; k++) pivot -= l[j * n + k] * l[j * n + k];
    if (!(pivot > 0) || !Number.isFinite(pivot)) return null;
    const ljj = Math.sqrt(pivot);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solves L y = b by forward substitution, L lower triangular n x n (row-major).
 * @returns y as a new Float64Array
 */
export function solveLower(l: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  return y;
}

/**
 * Solves Lᵀ y = b by back substitution, L lower triangular n x n (row-major).
 * @returns y as a new Float64Array
 */
export function solveUpperTransposed(
  l: Float64Array,
  b: ArrayLike<number>,
  n: number,
): Float64Array {
  const y = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * y[k];
    y[i] = s / l[i * n + i];
  }
  return y;
}
