/**
 * marginalVariance and denseCovariance against Σ = P Pᵀ + diag(d) formed by mathjs (its own
 * matrix product and diag), not by the library's loops; and denseCovariance's size limit.
 */
import fc from 'fast-check';
import { add, diag, matrix, multiply, transpose, type Matrix } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import {
  DENSE_COVARIANCE_MAX_SIZE,
  denseCovariance,
  marginalVariance,
} from '../../src/distribution/marginals.js';
import { distParams } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';

const FC = { seed: 20202, numRuns: 60 };

/** Σ = P Pᵀ + diag(d) with mathjs matrices, as nested arrays. */
function mathjsCovariance(covFactor: Float64Array, covDiag: Float64Array, rank: number) {
  const n = covDiag.length;
  const p = matrix(
    Array.from({ length: n }, (_, i) => Array.from(covFactor.subarray(i * rank, (i + 1) * rank))),
  );
  const sigma = add(multiply(p, transpose(p)), diag(Array.from(covDiag))) as Matrix;
  return sigma.toArray() as number[][];
}

describe('denseCovariance and marginalVariance against mathjs', () => {
  it('denseCovariance equals P Pᵀ + diag(d) formed by mathjs (N ≤ 42, R ≤ 6)', () => {
    fc.assert(
      fc.property(distParams(), (d) => {
        const sigma = mathjsCovariance(d.covFactor, d.covDiag, d.rank);
        // Each entry is a sum of R ≤ 6 products of terms ≤ 2.25 plus d ≤ 2: the two sums differ
        // only by their order, a few ulps of the largest term.
        expectClose(denseCovariance(lowRankNormal(d)), sigma.flat(), { rtol: 1e-14, atol: 1e-14 });
      }),
      FC,
    );
  });

  it('marginalVariance equals the diagonal of mathjs’s P Pᵀ + diag(d)', () => {
    fc.assert(
      fc.property(distParams(), (d) => {
        const sigma = mathjsCovariance(d.covFactor, d.covDiag, d.rank);
        expectClose(
          marginalVariance(lowRankNormal(d)),
          sigma.map((row, i) => row[i]),
          { rtol: 1e-14, atol: 1e-14 },
        );
      }),
      FC,
    );
  });

  it('a case worked by hand: P = [[1, 2], [3, 4], [0, 0]], d = (0.5, 1, 2)', () => {
    // P Pᵀ = [[5, 11, 0], [11, 25, 0], [0, 0, 0]]; + diag(d).
    const dist = lowRankNormal({
      loc: [0, 0, 0],
      covFactor: [1, 2, 3, 4, 0, 0],
      covDiag: [0.5, 1, 2],
      rank: 2,
    });
    expect(Array.from(denseCovariance(dist))).toEqual([5.5, 11, 0, 11, 26, 0, 0, 0, 2]);
    expect(Array.from(marginalVariance(dist))).toEqual([5.5, 26, 2]);
  });
});

describe('denseCovariance refuses an N x N matrix past N = 4096', () => {
  const withSize = (n: number) =>
    lowRankNormal({
      loc: new Float64Array(n),
      covFactor: new Float64Array(n).fill(1),
      covDiag: new Float64Array(n).fill(2),
      rank: 1,
      copy: false,
    });

  it('the limit is 4096 (8 N² bytes = 128 MiB)', () => {
    expect(DENSE_COVARIANCE_MAX_SIZE).toBe(4096);
  });

  it('N = 4097 is refused by name, N = 4096 is built', () => {
    expect(() => denseCovariance(withSize(4097))).toThrow(RangeError);
    expect(() => denseCovariance(withSize(4097))).toThrow(
      /^dist: size N = 4097 is too large for a dense N x N covariance \(at most 4096\)/,
    );
    const sigma = denseCovariance(withSize(4096));
    expect(sigma.length).toBe(4096 * 4096);
    // Σ = 1 1ᵀ + 2 I: 3 on the diagonal, 1 elsewhere.
    for (const [i, j] of [
      [0, 0],
      [4095, 4095],
      [0, 4095],
      [4095, 0],
      [17, 2000],
    ]) {
      expect(sigma[i * 4096 + j]).toBe(i === j ? 3 : 1);
    }
  });

  it('marginalVariance has no such limit (O(N R), no N x N matrix)', () => {
    const v = marginalVariance(withSize(100_000));
    expect(v.length).toBe(100_000);
    expect(v.every((x) => x === 3)).toBe(true);
  });
});
