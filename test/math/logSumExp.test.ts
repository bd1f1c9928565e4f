/**
 * logSumExp (src/math/logSumExp.ts): hand-worked values, the infinities, values past exp's
 * range, the offset/length slice and its errors, and a naive log Σ exp as the oracle where
 * nothing overflows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSumExp } from '../../src/math/logSumExp.js';
import { expectClose } from '../helpers/close.js';

const FC = { seed: 20205, numRuns: 100 };

describe('logSumExp: values', () => {
  it('worked by hand: log(1 + 3) = log 4; log(e⁰ + e⁰) = log 2; one value is itself', () => {
    expectClose(logSumExp([Math.log(1), Math.log(3)]), Math.log(4), { rtol: 1e-15, atol: 0 });
    expect(logSumExp([0, 0])).toBe(Math.LN2);
    expect(logSumExp([-7.25])).toBe(-7.25);
  });

  it('huge values neither overflow nor underflow: ±1000 and ±1e308', () => {
    expect(logSumExp([1000, 1000])).toBe(1000 + Math.LN2);
    expect(logSumExp([-1000, -1000])).toBe(-1000 + Math.LN2);
    // exp(−2000) underflows beside exp(0) but not beside itself: −1000 wins, the other adds 0.
    expect(logSumExp([-1000, -3000])).toBe(-1000);
    expect(logSumExp([1e308, 1e308])).toBe(1e308); // 1e308 + log 2 rounds to 1e308
    expect(logSumExp([Number.MAX_VALUE, Number.MAX_VALUE])).toBe(Number.MAX_VALUE);
    expect(logSumExp([-1e308, 0])).toBe(0);
  });

  it('±∞: any +∞ gives +∞; −∞ entries add nothing; only −∞ (or nothing) gives −∞', () => {
    expect(logSumExp([Infinity, 0])).toBe(Infinity);
    expect(logSumExp([Infinity, -Infinity])).toBe(Infinity);
    expect(logSumExp([-Infinity, 0])).toBe(0);
    expect(logSumExp([-Infinity, Math.log(2), -Infinity, Math.log(2)])).toBe(Math.log(4));
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([-Infinity])).toBe(-Infinity);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp(new Float64Array(0))).toBe(-Infinity);
  });

  it('NaN is refused, naming its index', () => {
    expect(() => logSumExp([0, NaN])).toThrow(RangeError);
    expect(() => logSumExp([0, NaN])).toThrow(/^values: NaN at index 1/);
    expect(() => logSumExp([Infinity, NaN])).toThrow(/^values: NaN at index 1/);
  });

  it('equals the naive log Σ exp where nothing overflows (values in [−30, 30])', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (xs) => {
          const naive = Math.log(xs.reduce((s, v) => s + Math.exp(v), 0));
          expectClose(logSumExp(xs), naive, { rtol: 1e-14, atol: 1e-14 });
          expectClose(logSumExp(Float64Array.from(xs)), naive, { rtol: 1e-14, atol: 1e-14 });
        },
      ),
      FC,
    );
  });

  it('shifting every value by c shifts the result by c, also by 1e300 (no overflow)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.constantFrom(-700, 700, 1e5),
        (xs, c) => {
          expectClose(logSumExp(xs.map((v) => v + c)), logSumExp(xs) + c, {
            rtol: 1e-13,
            atol: 1e-12,
          });
        },
      ),
      FC,
    );
  });
});

describe('logSumExp: offset and length', () => {
  it('sums only the slice [offset, offset + length)', () => {
    const v = [100, 0, 0, 100];
    expect(logSumExp(v, 1, 2)).toBe(Math.LN2);
    expect(logSumExp(v, 1)).toBe(logSumExp([0, 0, 100])); // to the end
    expect(logSumExp(v, 3, 1)).toBe(100);
    expect(logSumExp(v, 2, 0)).toBe(-Infinity); // an empty slice
    expect(logSumExp(v, 4)).toBe(-Infinity); // offset at the end: empty
  });

  it('a NaN outside the slice is not read', () => {
    expect(logSumExp([NaN, 0, 0, NaN], 1, 2)).toBe(Math.LN2);
  });

  it('refuses offset and length outside the values, or not integers', () => {
    const v = [1, 2, 3];
    expect(() => logSumExp(v, -1)).toThrow(/^offset: must be an integer in \[0, 3\], got -1/);
    expect(() => logSumExp(v, 1.5)).toThrow(/^offset: .* got 1\.5/);
    expect(() => logSumExp(v, 4)).toThrow(RangeError);
    expect(() => logSumExp(v, 1, 3)).toThrow(
      /^length: must be an integer with offset \+ length <= 3, got offset 1, length 3/,
    );
    expect(() => logSumExp(v, 0, -1)).toThrow(/^length: /);
    expect(() => logSumExp(v, 0, 0.5)).toThrow(/^length: /);
  });
});
