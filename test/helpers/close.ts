import { expect } from 'vitest';

/** The one NaN switch of the closeness checks. */
export interface NanRule {
  /**
   * When true, an expected NaN is matched by an actual NaN (and by nothing else): for a test
   * that states a result is undefined, e.g. the Dice of two empty maps. Default false: NaN is
   * close to nothing, not even NaN, so a NaN produced by a bug on both sides cannot pass.
   */
  equalNan?: boolean;
}

/**
 * The project's one closeness rule: |actual − expected| ≤ atol + rtol·|expected|; ±∞ is close
 * only to itself; NaN is close to nothing (never to ±∞, unlike helpers that let NaN pass as
 * "close to" ∞), unless `equalNan` is set and both are NaN.
 */
export function isClose(
  actual: number,
  expected: number,
  rtol = 1e-12,
  atol = 1e-12,
  { equalNan = false }: NanRule = {},
): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) {
    return equalNan && Number.isNaN(actual) && Number.isNaN(expected);
  }
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

/** `isClose` entry by entry, failing with the first entry that is not close (default rtol 1e-9). */
export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  {
    rtol = 1e-9,
    atol = 1e-12,
    label = '',
    equalNan = false,
  }: { rtol?: number; atol?: number; label?: string } & NanRule = {},
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${label} length`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    if (!isClose(a[i], e[i], rtol, atol, { equalNan })) {
      expect.fail(
        `${label}[${i}]: ${a[i]} is not within atol ${atol} + rtol ${rtol} of ${e[i]} (diff ${Math.abs(a[i] - e[i])})`,
      );
    }
  }
}
