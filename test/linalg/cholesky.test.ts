/**
 * choleskyLower, solveLower and solveUpperTransposed (src/linalg/cholesky.ts) against mathjs:
 * L Lᵀ = A by mathjs's product, the triangular solves against mathjs's lusolve.
 */
import fc from 'fast-check';
import { lusolve, multiply, transpose } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { choleskyLower, solveLower, solveUpperTransposed } from '../../src/linalg/cholesky.js';
import { floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';

const FC = { seed: 20204, numRuns: 80 };

/** Row-major n x n Float64Array → nested rows. */
function rows(a: Float64Array, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
}

/** An SPD matrix B Bᵀ + n I (row-major), B with entries in [−1, 1]: dimensions, then values. */
const spd = fc
  .integer({ min: 1, max: 8 })
  .chain((n) => fc.tuple(fc.constant(n), floats(n * n, -1, 1)))
  .map(([n, b]) => {
    const bbt = multiply(rows(b, n), transpose(rows(b, n))) as number[][];
    for (let i = 0; i < n; i++) bbt[i][i] += n;
    return { n, a: Float64Array.from(bbt.flat()) };
  });

/** A lower-triangular L (row-major) with diagonal in [1, 2] and entries below it in [−1, 1]. */
const lower = fc
  .integer({ min: 1, max: 8 })
  .chain((n) => fc.tuple(fc.constant(n), floats(n * n, -1, 1), floats(n, 1, 2), floats(n, -5, 5)))
  .map(([n, below, diagonal, b]) => {
    const l = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) l[i * n + j] = below[i * n + j];
      l[i * n + i] = diagonal[i];
    }
    return { n, l, b };
  });

/** mathjs's solution of M y = b, M nested rows. */
function mathjsSolve(m: number[][], b: Float64Array): number[] {
  return (lusolve(m, Array.from(b)) as number[][]).map((row) => row[0]);
}

describe('choleskyLower', () => {
  it('the doc example: [[4, 2], [2, 5]] = L Lᵀ with L = [[2, 0], [1, 2]]', () => {
    expect(Array.from(choleskyLower(Float64Array.of(4, 2, 2, 5), 2)!)).toEqual([2, 0, 1, 2]);
  });

  it('L Lᵀ = A by mathjs, L lower triangular with a positive diagonal (n ≤ 8)', () => {
    fc.assert(
      fc.property(spd, ({ n, a }) => {
        const l = choleskyLower(a, n);
        expect(l).not.toBeNull();
        for (let i = 0; i < n; i++) {
          expect(l![i * n + i]).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(l![i * n + j]).toBe(0);
        }
        const llt = multiply(rows(l!, n), transpose(rows(l!, n))) as number[][];
        expectClose(llt.flat(), a, { rtol: 1e-13, atol: 1e-13 });
      }),
      FC,
    );
  });

  it('reads only the lower triangle: NaN above the diagonal changes nothing', () => {
    const a = Float64Array.of(4, NaN, NaN, 2, 5, NaN, -2, 1, 6);
    const sym = Float64Array.of(4, 2, -2, 2, 5, 1, -2, 1, 6);
    expect(choleskyLower(a, 3)).toStrictEqual(choleskyLower(sym, 3));
  });

  it('null for a matrix that is not positive definite, or a pivot that is not finite', () => {
    expect(choleskyLower(Float64Array.of(1, 2, 2, 1), 2)).toBeNull(); // eigenvalues 3, −1
    expect(choleskyLower(Float64Array.of(1, 1, 1, 1), 2)).toBeNull(); // singular: pivot 0
    expect(choleskyLower(Float64Array.of(-1), 1)).toBeNull();
    expect(choleskyLower(Float64Array.of(NaN), 1)).toBeNull();
    expect(choleskyLower(Float64Array.of(Infinity), 1)).toBeNull();
  });
});

describe('triangular solves against mathjs lusolve', () => {
  it('solveLower: L y = b', () => {
    fc.assert(
      fc.property(lower, ({ n, l, b }) => {
        expectClose(solveLower(l, b, n), mathjsSolve(rows(l, n), b), {
          rtol: 1e-11,
          atol: 1e-11,
        });
      }),
      FC,
    );
  });

  it('solveUpperTransposed: Lᵀ y = b', () => {
    fc.assert(
      fc.property(lower, ({ n, l, b }) => {
        const lt = transpose(rows(l, n));
        expectClose(solveUpperTransposed(l, b, n), mathjsSolve(lt, b), {
          rtol: 1e-11,
          atol: 1e-11,
        });
      }),
      FC,
    );
  });

  it('a 2 x 2 worked by hand: L = [[2, 0], [1, 4]]', () => {
    const l = Float64Array.of(2, 0, 1, 4);
    // L y = (2, 9): y₀ = 1, y₁ = (9 − 1)/4 = 2.
    expect(Array.from(solveLower(l, [2, 9], 2))).toEqual([1, 2]);
    // Lᵀ y = (4, 8), Lᵀ = [[2, 1], [0, 4]]: y₁ = 2, y₀ = (4 − 2)/2 = 1.
    expect(Array.from(solveUpperTransposed(l, [4, 8], 2))).toEqual([1, 2]);
  });

  it('the two solves with A’s Cholesky factor solve A y = b (A = L Lᵀ)', () => {
    fc.assert(
      fc.property(
        spd.chain((s) => fc.tuple(fc.constant(s), floats(s.n, -5, 5))),
        ([{ n, a }, b]) => {
          const l = choleskyLower(a, n)!;
          const y = solveUpperTransposed(l, solveLower(l, b, n), n);
          expectClose(y, mathjsSolve(rows(a, n), b), { rtol: 1e-11, atol: 1e-11 });
        },
      ),
      FC,
    );
  });
});
