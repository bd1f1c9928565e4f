import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropy } from '../../src/distribution/entropy.js';
import { logProb } from '../../src/distribution/logProb.js';
import {
  capacitanceCholesky,
  logDetByDeterminantLemma,
  logProbByWoodbury,
} from '../../src/distribution/lowRankIdentities.js';
import { logDetCovariance, lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { denseCovariance, marginalVariance } from '../../src/distribution/marginals.js';
import { choleskyLower, solveLower } from '../../src/linalg/cholesky.js';
import { distParams, floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';
import { denseCov, denseEntropy, denseLogDet, denseLogProb } from '../helpers/dense.js';

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

describe('lowRankNormal: the stable form and the textbook identities against plain loops', () => {
  // N across the 32-value log blocks (none a multiple), well-conditioned factors: the stable
  // form and the textbook identities agree with the plain Woodbury loops to 1e-12.
  it.each([1, 2, 3, 5, 7, 10, 13])('rank %i: capacitance, logProb and log det', (rank) => {
    for (const n of [1, 6, 259, 517]) {
      const covFactor = Float64Array.from({ length: n * rank }, (_, i) => Math.sin(0.7 * i + 1));
      const covDiag = Float64Array.from({ length: n }, (_, i) => 0.5 + Math.cos(0.3 * i) ** 2);
      const loc = Float64Array.from({ length: n }, (_, i) => Math.sin(0.37 * i));
      const x = Float64Array.from({ length: n }, (_, i) => Math.cos(0.53 * i));
      const ref = plainLogProb(loc, covFactor, covDiag, rank, x);
      for (const dist of [
        lowRankNormal({ loc, covFactor, covDiag, rank }),
        lowRankNormal({ loc, covFactor: Array.from(covFactor), covDiag, rank }),
      ]) {
        expect(Array.from(dist.covFactor)).toEqual(Array.from(covFactor));
        expectClose(logDetCovariance(dist), ref.logDet, { rtol: 1e-12, atol: 1e-12 });
        expectClose(logProb(dist, x), ref.logProb, { rtol: 1e-12, atol: 1e-12 });
        expectClose(logDetByDeterminantLemma(dist), ref.logDet, { rtol: 1e-12, atol: 1e-12 });
        expectClose(logProbByWoodbury(dist, x), ref.logProb, { rtol: 1e-12, atol: 1e-12 });
      }
      // Off-diagonal entries of L are sums with cancellation: absolute error on L's scale.
      expectClose(capacitanceCholesky(covFactor, covDiag, n, rank), ref.l, {
        rtol: 1e-12,
        atol: 1e-11,
      });
    }
  });

  it('log det: blocks whose product of covDiag leaves the normal range fall back to Σ log', () => {
    const n = 1000; // 31 blocks of 32 and 8 more
    const cases: [string, (i: number) => number][] = [
      ['overflow', (i) => (i < 100 ? 1e20 : 1.5)],
      ['underflow to 0', (i) => (i >= 200 && i < 300 ? 1e-20 : 0.7)],
      ['huge and tiny mixed', (i) => (i % 7 === 3 ? 1e-300 : i % 11 === 5 ? 1e300 : 1.1)],
      // A partial product goes subnormal (2 significant bits) and back up: multiplied straight
      // through, the product of 1e-300, 1e-23, 1e300 comes out as 9.88e-24, its log off by 0.012.
      ['subnormal partial product', (i) => [1e-300, 1, 1e-23, 1, 1e300][i % 64] ?? 0.9],
      ['subnormal entries', (i) => (i % 97 === 0 ? 5e-324 : 2)],
    ];
    for (const [label, entry] of cases) {
      const covDiag = Float64Array.from({ length: n }, (_, i) => entry(i));
      const dist = lowRankNormal({
        loc: new Float64Array(n),
        covFactor: new Float64Array(n),
        covDiag,
        rank: 1,
      });
      // log det(I + AᵀA) is 0 for a zero factor, so log det Σ is Σ log d. The reference sums
      // with Neumaier's compensation: a plain running sum of 1000 logs is off by up to ~1e-13
      // relative, more than the blocked sum.
      let sum = 0;
      let carry = 0;
      let scale = 0;
      for (let i = 0; i < n; i++) {
        const v = Math.log(covDiag[i]);
        const t = sum + v;
        carry += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
        sum = t;
        scale += Math.abs(v);
      }
      expectClose(logDetCovariance(dist), sum + carry, { rtol: 0, atol: 1e-14 * scale, label });
    }
  });

  it('log det and logProb with over- and underflowing blocks agree with the dense computation', () => {
    const n = 150;
    const rank = 2;
    // The 1e10 block overflows its product (1e320), the 1e-10 ones underflow it; the factor is
    // small next to every d, so that the dense LU stays accurate (at 1e±12 it is not).
    const covDiag = Float64Array.from({ length: n }, (_, i) =>
      i < 40 ? 1e10 : i >= 64 && i < 128 ? 1e-10 : 1 + 0.5 * Math.sin(i),
    );
    const covFactor = Float64Array.from({ length: n * rank }, (_, i) => 1e-6 * Math.sin(i + 1));
    const loc = new Float64Array(n);
    const x = Float64Array.from({ length: n }, (_, i) => 1e-6 * Math.cos(i));
    const dist = lowRankNormal({ loc, covFactor, covDiag, rank });
    const cov = denseCov(covFactor, covDiag, rank);
    expectClose(logDetCovariance(dist), denseLogDet(cov), { rtol: 1e-12, atol: 1e-12 });
    expectClose(logProb(dist, x), denseLogProb(x, loc, cov), { rtol: 1e-10, atol: 1e-10 });
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
  ])('%j', (params, message) => {
    expect(() => lowRankNormal(params)).toThrow(message);
  });

  it.each([undefined, null, 3])('params %j: a TypeError naming params', (params) => {
    expect(() => lowRankNormal(params as never)).toThrow(TypeError);
    expect(() => lowRankNormal(params as never)).toThrow(/^params: must be an object/);
  });

  it('accepts what the textbook capacitance refuses (K = 1 + 2e800 overflows float64)', () => {
    const params = { ...ok, covFactor: [1e200, 1e200], covDiag: [1e-200, 1e-200] };
    const dist = lowRankNormal(params);
    expect(Number.isFinite(logProb(dist, [0, 0]))).toBe(true);
    expect(() => logProbByWoodbury(dist, [0, 0])).toThrow(/^covFactor, covDiag: the capacitance/);
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

  it('names a NaN anywhere in covFactor; capacitanceCholesky blames K', () => {
    const n = 701;
    const rank = 3;
    const covFactor = Float64Array.from({ length: n * rank }, (_, i) => Math.cos(i));
    const covDiag = new Float64Array(n).fill(2);
    covFactor[700 * rank + 1] = NaN;
    expect(() => lowRankNormal({ loc: new Float64Array(n), covFactor, covDiag, rank })).toThrow(
      /^covFactor: entry 2101 is NaN/,
    );
    expect(() => capacitanceCholesky(covFactor, covDiag, n, rank)).toThrow(
      /capacitance .* not positive definite/,
    );
  });

  it('copies its inputs, so later changes to the caller arrays do not leak in', () => {
    const loc = Float64Array.of(1, 2);
    const dist = lowRankNormal({ ...ok, loc });
    loc[0] = 99;
    expect(dist.loc[0]).toBe(1);
  });

  it('with copy: false keeps Float64Array arguments, checks them the same and gives the same values', () => {
    const loc = Float64Array.of(0.5, -1, 2);
    const covFactor = Float64Array.of(1, 0.5, -0.25, 2, 0, 1);
    const covDiag = Float64Array.of(1, 0.5, 3);
    const x = [0.1, 0.2, -0.3];
    const kept = lowRankNormal({ loc, covFactor, covDiag, rank: 2, copy: false });
    expect(kept.loc).toBe(loc);
    expect(kept.covFactor).toBe(covFactor);
    expect(kept.covDiag).toBe(covDiag);
    const copied = lowRankNormal({ loc, covFactor, covDiag, rank: 2 });
    expect(copied.covFactor).not.toBe(covFactor);
    expect(logProb(kept, x)).toBe(logProb(copied, x));
    // Plain arrays are converted even so; bad values are refused with the same messages.
    const plain = lowRankNormal({ loc: [0], covFactor: [1], covDiag: [1], rank: 1, copy: false });
    expect(plain.loc).toBeInstanceOf(Float64Array);
    for (const bad of [
      { loc: Float64Array.of(NaN, 0, 0), covFactor, covDiag },
      { loc, covFactor: Float64Array.of(1, 0.5, -0.25, Infinity, 0, 1), covDiag },
      { loc, covFactor, covDiag: Float64Array.of(1, 0, 3) },
    ]) {
      const message = (copy: boolean) => {
        try {
          lowRankNormal({ ...bad, rank: 2, copy });
          return 'accepted';
        } catch (e) {
          return (e as Error).message;
        }
      };
      expect(message(false)).not.toBe('accepted');
      expect(message(false)).toBe(message(true));
    }
    expect(() => lowRankNormal({ ...ok, copy: 'no' as unknown as boolean })).toThrow(
      /^copy: must be true or false, got string/,
    );
  });
});

/**
 * The log-density, log det Σ and capacitance factor by plain loops: K = I + Σ_n p_n p_nᵀ / d_n
 * row by row, Woodbury and the determinant lemma term by term.
 */
function plainLogProb(
  loc: Float64Array,
  covFactor: Float64Array,
  covDiag: Float64Array,
  rank: number,
  x: Float64Array,
): { l: Float64Array; logDet: number; logProb: number } {
  const n = covDiag.length;
  const k = new Float64Array(rank * rank);
  const a = new Float64Array(rank);
  let quadD = 0;
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    const z = x[i] - loc[i];
    quadD += (z * z) / covDiag[i];
    logDet += Math.log(covDiag[i]);
    for (let r = 0; r < rank; r++) {
      a[r] += (covFactor[i * rank + r] * z) / covDiag[i];
      for (let c = 0; c < rank; c++)
        k[r * rank + c] += (covFactor[i * rank + r] * covFactor[i * rank + c]) / covDiag[i];
    }
  }
  for (let r = 0; r < rank; r++) k[r * rank + r] += 1;
  const l = choleskyLower(k, rank)!;
  for (let r = 0; r < rank; r++) logDet += 2 * Math.log(l[r * rank + r]);
  const b = solveLower(l, a, rank);
  let quadK = 0;
  for (let r = 0; r < rank; r++) quadK += b[r] * b[r];
  return { l, logDet, logProb: -0.5 * (n * Math.log(2 * Math.PI) + logDet + quadD - quadK) };
}

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
