/**
 * The sum and the count of the entries that are not NaN (numpy's nansum and the count beside
 * it), summed in index order: what `meanDice`'s nanmean and `meanSe` share.
 * @example nanSum([1, NaN, 2]) // { sum: 3, count: 2 }
 */
export function nanSum(values: ArrayLike<number>): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) {
      sum += values[i];
      count++;
    }
  }
  return { sum, count };
}
