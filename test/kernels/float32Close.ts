/**
 * The float32 tolerance of the gpu.js kernel tests (conv, sampling, and the page's):
 * |got − want| ≤ 1e-4·|want| + 1e-5·Σ|terms|, where Σ|terms| is the sum of absolute terms
 * feeding that entry. float32 rounds each input and each operation at ε ≈ 6e-8, so the
 * absolute part allows ~150 worst-case-accumulated roundings.
 */
export const RTOL = 1e-4;
export const ATOL_PER_ABS_TERM = 1e-5;

/**
 * The worst entry of |got − want| / (RTOL·|want| + ATOL_PER_ABS_TERM·absTerms) (≤ 1 passes;
 * NaN anywhere gives NaN, which fails `≤ 1`), and where it is.
 */
export function worstFloat32Ratio(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  absTerms: ArrayLike<number>,
): { ratio: number; at: number } {
  if (got.length !== want.length) return { ratio: NaN, at: -1 };
  let ratio = 0;
  let at = -1;
  for (let j = 0; j < want.length; j++) {
    const r =
      Math.abs(got[j] - want[j]) /
      (RTOL * Math.abs(want[j]) + ATOL_PER_ABS_TERM * absTerms[j] + 1e-300);
    if (!(r <= ratio)) {
      ratio = r;
      at = j;
    }
  }
  return { ratio, at };
}
