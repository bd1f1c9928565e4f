/**
 * Numerically stable log-sum-exp of a slice of values.
 *
 * Shift by the maximum m so that no term overflows:
 *   log Σ_i exp(v_i) = m + log Σ_i exp(v_i − m),  m = max_i v_i
 * The largest term contributes exp(0) = 1, so the sum lies in [1, n] and its log is finite.
 *
 * Edge cases: an empty slice gives −∞ (the log of an empty sum); a slice whose values are all
 * −∞ gives −∞; any +∞ gives +∞.
 * @param values - the numbers (any ArrayLike: Float64Array, number[])
 * @param offset - first index of the slice (default 0)
 * @param length - number of values in the slice (default: up to the end)
 * @returns log Σ_{i = offset}^{offset + length − 1} exp(values[i])
 * @throws RangeError when offset/length are not integers inside `values`, or a value is NaN
 * @example logSumExp([Math.log(1), Math.log(3)]) // ≈ 1.3863 (= log 4)
 * @example logSumExp([-1000, -1000]) // ≈ -999.3069 (= −1000 + log 2, no underflow)
 */
export function logSumExp(values: ArrayLike<number>, offset = 0, length?: number): number {
  const total = values.length;
  if (!Number.isInteger(offset) || offset < 0 || offset > total) {
    throw new RangeError(`offset: must be an integer in [0, ${total}], got ${offset}`);
  }
  const n = length ?? total - offset;
  if (!Number.isInteger(n) || n < 0 || offset + n > total) {
    throw new RangeError(
      `length: must be an integer with offset + length <= ${total}, got offset ${offset}, length ${n}`,
    );
  }
  const end = offset + n;
  let max = -Infinity;
  for (let i = offset; i < end; i++) {
    const v = values[i];
    if (Number.isNaN(v)) throw new RangeError(`values: NaN at index ${i}`);
    if (v > max) max = v;
  }
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let i = offset; i < end; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}
