/**
 * Kernel: the validated copy `lowRankNormal` keeps of an argument.
 *
 * Computes: `copyFinite(name, v)` = `checkFinite(name, v)` followed by `toFloat64(v)`
 * (src/util/validate.ts), and `copyFinite(name, v, true)` = `checkPositive(name, v)` followed by
 * `toFloat64(v)`: the same errors (it calls the check to throw them) and an exact copy, bit for
 * bit. `keepFinite` runs the same checks and returns a Float64Array argument itself (the
 * `copy: false` of `lowRankNormal`). Tied by test/distribution/lowRankKernels.test.ts.
 *
 * Why: for a Float64Array (the 5e6-entry covFactor of an N 1e5, R 50 distribution), one pass
 * over the argument instead of two: the copy goes by blocks of CHUNK entries (memcpy speed) and
 * each block is checked while it sits in L1, instead of checking all of the argument, then
 * copying all of it (both from memory).
 */
import { checkFinite, checkPositive, toFloat64 } from '../../util/validate.js';

/** Entries per block: 32 KiB, so that a block checks from L1. */
const CHUNK = 4096;

/**
 * A Float64Array copy of `values` after checking every entry is a finite number (and, with
 * `positive`, > 0).
 * @throws TypeError / RangeError as `checkFinite` (`checkPositive`), naming `name` and the first
 *   bad entry
 */
export function copyFinite(
  name: string,
  values: ArrayLike<number>,
  positive = false,
): Float64Array {
  const check = positive ? checkPositive : checkFinite;
  if (!(values instanceof Float64Array)) {
    check(name, values);
    return toFloat64(values);
  }
  const n = values.length;
  const out = new Float64Array(n);
  for (let c = 0; c < n; c += CHUNK) {
    const end = Math.min(n, c + CHUNK);
    out.set(values.subarray(c, end), c);
    const ok = finiteTest(out, c, end) === 0 && (!positive || smallest(out, c, end) > 0);
    if (!ok) check(name, values); // throws, naming the entry
  }
  return out;
}

/**
 * `values` itself after the checks of `copyFinite`, for a Float64Array (no copy: the caller keeps
 * ownership); any other array is checked and copied as `copyFinite` does.
 * @throws TypeError / RangeError as `copyFinite`
 */
export function keepFinite(
  name: string,
  values: ArrayLike<number>,
  positive = false,
): Float64Array {
  if (!(values instanceof Float64Array)) return copyFinite(name, values, positive);
  const n = values.length;
  for (let c = 0; c < n; c += CHUNK) {
    const end = Math.min(n, c + CHUNK);
    const ok = finiteTest(values, c, end) === 0 && (!positive || smallest(values, c, end) > 0);
    if (!ok) (positive ? checkPositive : checkFinite)(name, values); // throws, naming the entry
  }
  return values;
}

/** The smallest of a[from … to) (NaN if any is NaN; the caller has checked finiteness). */
function smallest(a: Float64Array, from: number, to: number): number {
  let lo = Infinity;
  for (let i = from; i < to; i = (i + 1) | 0) lo = Math.min(lo, a[i]);
  return lo;
}

/**
 * Σ (v − v) over a[from … to): 0 exactly when every entry is finite, NaN otherwise (v − v is NaN
 * for NaN and ±∞); four independent sums, indices truncated so that V8 adds them unchecked.
 */
function finiteTest(a: Float64Array, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  for (; i + 4 <= to; i = (i + 4) | 0) {
    const v0 = a[i];
    const v1 = a[(i + 1) | 0];
    const v2 = a[(i + 2) | 0];
    const v3 = a[(i + 3) | 0];
    s0 += v0 - v0;
    s1 += v1 - v1;
    s2 += v2 - v2;
    s3 += v3 - v3;
  }
  for (; i < to; i++) s0 += a[i] - a[i];
  return s0 + s1 + s2 + s3;
}
