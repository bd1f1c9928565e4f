/**
 * nanSum (src/math/nanSum.ts), numpy's nansum with the count of the entries summed, against
 * hand arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { nanSum } from '../../src/math/nanSum.js';

describe('nanSum', () => {
  it('the doc example: [1, NaN, 2] sums to 3 over 2 entries', () => {
    expect(nanSum([1, NaN, 2])).toEqual({ sum: 3, count: 2 });
    expect(nanSum(Float64Array.of(1, NaN, 2))).toEqual({ sum: 3, count: 2 });
  });

  it('empty, and only NaN: sum 0 over 0 entries (the caller decides what a mean of none is)', () => {
    expect(nanSum([])).toEqual({ sum: 0, count: 0 });
    expect(nanSum([NaN, NaN, NaN])).toEqual({ sum: 0, count: 0 });
  });

  it('counts every entry that is not NaN: zeros, negatives and infinities', () => {
    expect(nanSum([0, -0, -1.5, NaN, 4])).toEqual({ sum: 2.5, count: 4 });
    expect(nanSum([Infinity, NaN, 1])).toEqual({ sum: Infinity, count: 2 });
    // +∞ and −∞ are both counted; their sum is NaN, as numpy's nansum([inf, -inf]) is.
    const both = nanSum([Infinity, -Infinity]);
    expect(both.count).toBe(2);
    expect(both.sum).toBeNaN();
  });

  it('sums in index order (1e16 + 1 rounds to 1e16 first)', () => {
    expect(nanSum([1e16, 1, -1e16]).sum).toBe(0);
    expect(nanSum([1e16, -1e16, 1]).sum).toBe(1);
    expect(nanSum([1e16, NaN, -1e16, NaN, 1]).sum).toBe(1);
  });

  it('many entries: 0.5 at even indices, NaN at odd ones', () => {
    const v = Array.from({ length: 1001 }, (_, i) => (i % 2 === 0 ? 0.5 : NaN));
    expect(nanSum(v)).toEqual({ sum: 250.5, count: 501 });
  });
});
