import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropy } from '../../src/distribution/entropy.js';
import { logProb } from '../../src/distribution/logProb.js';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { denseCovariance, marginalVariance } from '../../src/distribution/marginals.js';
import { distParams, floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';
import { denseCov, denseEntropy, denseLogProb } from '../helpers/dense.js';

const FC = { seed: 20201, numRuns: 60 };

describe('lowRankNormal: log-density and entropy against a dense mathjs computation', () => {
  it('logProb equals the dense Gaussian log-density (N ≤ 42, R ≤ 6)', () => {
    fc.assert(
      fc.property(
        distParams().chain((d) => fc.tuple(fc.constant(d), floats(d.n, -4, 4))),
        ([d, x]) => {
          const dist = lowRankNormal({ ...d, rank: d.rank });
          const cov = denseCov(d.covFactor, d.covDiag, d.rank);
          expectClose(logProb(dist, x), denseLogProb(x, d.loc, cov), { rtol: 1e-9, atol: 1e-9 });
        },
      ),
      FC,
    );
  });

  it('entropy equals ½ (N (1 + log 2π) + log det Σ) computed densely', () => {
    fc.assert(
      fc.property(distParams(), (d) => {
        const dist = lowRankNormal(d);
        expectClose(entropy(dist), denseEntropy(denseCov(d.covFactor, d.covDiag, d.rank)), {
          rtol: 1e-9,
          atol: 1e-9,
        });
      }),
      FC,
    );
  });

  it('a one-dimensional case worked by hand', () => {
    // σ² = 2² + 1 = 5; log p(1) = −½ (log 2π + log 5 + (1 − 0.5)²/5)
    const dist = lowRankNormal({ loc: [0.5], covFactor: [2], covDiag: [1], rank: 1 });
    expectClose(logProb(dist, [1]), -0.5 * (Math.log(2 * Math.PI) + Math.log(5) + 0.25 / 5));
    expectClose(entropy(dist), 0.5 * (1 + Math.log(2 * Math.PI) + Math.log(5)));
    expectClose(marginalVariance(dist), [5]);
  });

  it('rotating the factor by an orthogonal matrix changes neither logProb nor covariance', () => {
    fc.assert(
      fc.property(
        distParams(20, 5).chain((d) =>
          fc.tuple(fc.constant(d), floats(d.n, -3, 3), floats(d.rank * d.rank, -1, 1)),
        ),
        ([d, x, a]) => {
          const q = orthogonalFrom(a, d.rank);
          const rotated = new Float64Array(d.n * d.rank);
          for (let i = 0; i < d.n; i++)
            for (let j = 0; j < d.rank; j++)
              for (let k = 0; k < d.rank; k++)
                rotated[i * d.rank + j] += d.covFactor[i * d.rank + k] * q[k * d.rank + j];
          const base = lowRankNormal(d);
          const turned = lowRankNormal({ ...d, covFactor: rotated });
          expectClose(logProb(turned, x), logProb(base, x), { rtol: 1e-10, atol: 1e-10 });
          expectClose(denseCovariance(turned), denseCovariance(base), { rtol: 1e-10, atol: 1e-12 });
        },
      ),
      FC,
    );
  });

  it('marginalVariance is the diagonal of the dense covariance', () => {
    fc.assert(
      fc.property(distParams(), (d) => {
        const dist = lowRankNormal(d);
        const cov = denseCovariance(dist);
        expectClose(
          marginalVariance(dist),
          Array.from({ length: d.n }, (_, i) => cov[i * d.n + i]),
          { rtol: 1e-12, atol: 0 },
        );
      }),
      FC,
    );
  });
});

describe('lowRankNormal: bad input names the argument', () => {
  const ok = { loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 };
  it.each([
    [{ ...ok, rank: 0 }, /^rank: must be at least 1/],
    [{ ...ok, rank: 1.5 }, /^rank: must be an integer/],
    [{ ...ok, covFactor: [1, 1, 1] }, /^covFactor: length 3 does not match N x R = 2 x 1/],
    [{ ...ok, covDiag: [1] }, /^covDiag: length 1 does not match N = 2/],
    [{ ...ok, covDiag: [1, 0] }, /^covDiag: entry 1 is 0, expected a value > 0/],
    [{ ...ok, covDiag: [-1, 1] }, /^covDiag: entry 0 is -1/],
    [{ ...ok, loc: [0, NaN] }, /^loc: entry 1 is NaN/],
    [{ ...ok, covFactor: [Infinity, 1] }, /^covFactor: entry 0 is Infinity/],
    [{ ...ok, loc: [], covFactor: [], covDiag: [] }, /^loc: must be a non-empty array/],
    [
      { ...ok, covFactor: [1e200, 1e200], covDiag: [1e-200, 1e-200] },
      /capacitance .* not positive definite/,
    ],
  ])('%j', (params, message) => {
    expect(() => lowRankNormal(params)).toThrow(message);
  });

  it('logProb rejects x of the wrong length or with NaN', () => {
    const dist = lowRankNormal(ok);
    expect(() => logProb(dist, [0])).toThrow(/^x: length 1 does not match/);
    expect(() => logProb(dist, [0, NaN])).toThrow(/^x: entry 1 is NaN/);
  });

  it('names a non-finite covFactor entry in a later block of a typed array, and copies exactly', () => {
    const n = 700;
    const rank = 3;
    const covFactor = Float64Array.from({ length: n * rank }, (_, i) => Math.sin(i));
    const base = { loc: new Float64Array(n), covDiag: new Float64Array(n).fill(1), rank };
    const dist = lowRankNormal({ ...base, covFactor });
    expect(Array.from(dist.covFactor)).toEqual(Array.from(covFactor));
    covFactor[600 * rank + 2] = -Infinity;
    expect(() => lowRankNormal({ ...base, covFactor })).toThrow(
      /^covFactor: entry 1802 is -Infinity/,
    );
    expect(() =>
      lowRankNormal({
        ...base,
        covFactor: Array.from(covFactor, (v, i) => (i === 5 ? ('x' as unknown as number) : v)),
      }),
    ).toThrow(/^covFactor: entry 5 is x/);
  });

  it('copies its inputs, so later changes to the caller arrays do not leak in', () => {
    const loc = Float64Array.of(1, 2);
    const dist = lowRankNormal({ ...ok, loc });
    loc[0] = 99;
    expect(dist.loc[0]).toBe(1);
  });
});

/** Q from Gram–Schmidt on a random matrix (columns orthonormal; falls back to I if degenerate). */
function orthogonalFrom(a: Float64Array, r: number): Float64Array {
  const q = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    const v = Array.from({ length: r }, (_, i) => a[i * r + j] + (i === j ? 2 : 0));
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < r; i++) dot += v[i] * q[i * r + k];
      for (let i = 0; i < r; i++) v[i] -= dot * q[i * r + k];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < r; i++) q[i * r + j] = v[i] / norm;
  }
  return q;
}
