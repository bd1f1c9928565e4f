/**
 * Kernel: Σ_n log d_n, the log det D term of the low-rank normal's log-density.
 *
 * Computes: `sumLogPlain(d)` = Σ log d_n (the plain loop below), within
 * |sumLog(d) − sumLogPlain(d)| ≤ 4e-15 ⌈N / 32⌉ + 4 ε Σ |log d_n| (4e-15 per block of 32 from
 * the rounded product, the rest from summing in another order); equal bit for bit for N < 32.
 * Tied by test/distribution/lowRankKernels.test.ts.
 *
 * Why: one Math.log per 32 values instead of one per value; the log dominates the O(N) part
 * of logProb and entropy at small ranks.
 */

/** Values of d multiplied together before one log (even). */
const LOG_BLOCK = 32;

/** The smallest positive normal float64, 2⁻¹⁰²². */
const MIN_NORMAL = 2 ** -1022;

/** Σ log d_n, one log per value: the definition the kernel is checked against. */
export function sumLogPlain(d: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += Math.log(d[i]);
  return s;
}

/**
 * Σ log d_n as a sum of logs of products of LOG_BLOCK values: one log per block instead of one
 * per value. A product of 32 rounds 31 times by ½ ulp at most, moving its log by under 4e-15.
 * A block where some partial product left the normal range (lost digits, or overflowed), or with
 * a value ≤ 0 or NaN, falls back to the sum of logs, as do the last n mod LOG_BLOCK values.
 */
export function sumLog(d: Float64Array): number {
  const n = d.length;
  let s = 0;
  let i = 0;
  for (; i + LOG_BLOCK <= n; i += LOG_BLOCK) {
    // Two interleaved products halve the chain of dependent multiplies.
    let p0 = 1;
    let p1 = 1;
    let normal = true;
    for (let j = i; j < i + LOG_BLOCK; j += 2) {
      p0 *= d[j];
      p1 *= d[j + 1];
      if (!(p0 >= MIN_NORMAL && p1 >= MIN_NORMAL)) normal = false;
    }
    const p = p0 * p1;
    if (normal && p >= MIN_NORMAL && p <= Number.MAX_VALUE) {
      s += Math.log(p);
    } else {
      for (let j = i; j < i + LOG_BLOCK; j++) s += Math.log(d[j]);
    }
  }
  for (; i < n; i++) s += Math.log(d[i]);
  return s;
}
