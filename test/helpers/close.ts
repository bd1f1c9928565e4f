import { expect } from 'vitest';

/**
 * |actual − expected| ≤ atol + rtol |expected|, entry by entry. NaN equals nothing (not even
 * NaN) and ±∞ only itself, unlike helpers that let NaN pass as "close to" ∞.
 */
export function isClose(actual: number, expected: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return false;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

export function expectClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { rtol = 1e-9, atol = 1e-12, label = '' }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length, `${label} length`).toBe(e.length);
  for (let i = 0; i < a.length; i++) {
    if (!isClose(a[i], e[i], rtol, atol)) {
      expect.fail(
        `${label}[${i}]: ${a[i]} is not within atol ${atol} + rtol ${rtol} of ${e[i]} (diff ${Math.abs(a[i] - e[i])})`,
      );
    }
  }
}
