import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyFinite, keepFinite } from '../../src/distribution/kernels/copyFinite.js';
import { GRAM_LIMIT, gramFactor } from '../../src/distribution/kernels/gramForm.js';
import { checkFinite, checkPositive } from '../../src/util/validate.js';
import { sumLog, sumLogPlain } from '../../src/distribution/kernels/sumLog.js';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import {
  mahalanobis,
  whitenedFactor,
  whitenedFactorPlain,
} from '../../src/distribution/whitenedFactor.js';
import { distParams, floats } from '../helpers/arbitraries.js';
import { expectClose } from '../helpers/close.js';
import { illConditionedCases, referenceLogProb, relativeError } from './illConditioned.js';
import { LOG_2PI } from '../../src/distribution/lowRankNormal.js';
import { logProb as logProbOf } from '../../src/distribution/logProb.js';

const FC = { seed: 1311, numRuns: 60 };

describe("kernels/blockedQr: the log-density it gives is the plain thin QR's within rtol 1e-13", () => {
  it('random well-conditioned distributions (N ≤ 42, R ≤ 6)', () => {
    fc.assert(
      fc.property(
        distParams().chain((d) => fc.tuple(fc.constant(d), floats(d.n, -4, 4))),
        ([d, x]) => {
          const dist = lowRankNormal(d);
          const fast = whitenedFactor(dist);
          const plain = whitenedFactorPlain(dist);
          expectClose(fast.logDetCapacitance, plain.logDetCapacitance, {
            rtol: 1e-13,
            atol: 1e-13,
          });
          expectClose(mahalanobis(dist, x, fast), mahalanobis(dist, x, plain), {
            rtol: 1e-13,
            atol: 1e-13,
          });
        },
      ),
      FC,
    );
  });

  it('N across several row blocks, R from 1 to 13', () => {
    for (const rank of [1, 4, 5, 13]) {
      const n = 3000;
      const covFactor = Float64Array.from({ length: n * rank }, (_, i) => Math.sin(0.7 * i + 1));
      const covDiag = Float64Array.from({ length: n }, (_, i) => 0.5 + Math.cos(0.3 * i) ** 2);
      const x = Float64Array.from({ length: n }, (_, i) => Math.cos(0.53 * i));
      const dist = lowRankNormal({ loc: new Float64Array(n), covFactor, covDiag, rank });
      const fast = whitenedFactor(dist);
      const plain = whitenedFactorPlain(dist);
      expectClose(fast.logDetCapacitance, plain.logDetCapacitance, { rtol: 1e-13, atol: 0 });
      expectClose(mahalanobis(dist, x, fast), mahalanobis(dist, x, plain), {
        rtol: 1e-13,
        atol: 0,
      });
    }
  });

  it('the plain reference form meets the 60-digit reference on the ill-conditioned families too', () => {
    let worst = 0;
    for (const c of illConditionedCases(8)) {
      const dist = lowRankNormal({ ...c });
      const f = whitenedFactorPlain(dist);
      const lp =
        -0.5 *
        (c.n * LOG_2PI +
          sumLogPlain(dist.covDiag) +
          f.logDetCapacitance +
          mahalanobis(dist, c.x, f));
      worst = Math.max(worst, relativeError(lp, referenceLogProb(c)));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  });
});

describe('kernels/gramForm: within rtol 1e-11 of the plain form wherever its guard lets it run', () => {
  /** The Gram kernel's two terms (first point, and the same point again) against the plain form's. */
  function expectTied(dist: ReturnType<typeof lowRankNormal>, x: Float64Array): void {
    const gram = gramFactor(dist, x);
    expect(gram).not.toBeNull(); // the guard let it run: what is tied here is the kernel itself
    const plain = whitenedFactorPlain(dist);
    const m = mahalanobis(dist, x, plain);
    const tol = { rtol: 1e-11, atol: 1e-11 };
    expectClose(gram!.factor.logDetCapacitance, plain.logDetCapacitance, tol);
    expectClose(gram!.first, m, tol);
    expectClose(gram!.factor.mahalanobis(x), m, tol);
  }

  /** A distribution of N x R from closed-form entries, P scaled by `pScale`, d by `dScale`. */
  function closedForm(n: number, rank: number, pScale = 1, dScale = 1) {
    const covFactor = Float64Array.from(
      { length: n * rank },
      (_, i) => (pScale * Math.sin(0.7 * i + 1)) / Math.sqrt(n * rank),
    );
    const covDiag = Float64Array.from(
      { length: n },
      (_, i) => dScale * (0.5 + Math.cos(0.3 * i) ** 2),
    );
    const loc = Float64Array.from({ length: n }, (_, i) => pScale * 0.1 * Math.sin(i));
    const x = Float64Array.from(
      { length: n },
      (_, i) => loc[i] + Math.sqrt(dScale) * Math.cos(0.53 * i),
    );
    return { dist: lowRankNormal({ loc, covFactor, covDiag, rank }), x };
  }

  it('random well-conditioned distributions (N ≤ 42, R ≤ 6)', () => {
    fc.assert(
      fc.property(
        distParams().chain((d) => fc.tuple(fc.constant(d), floats(d.n, -4, 4))),
        ([d, x]) => expectTied(lowRankNormal(d), x),
      ),
      FC,
    );
  });

  it('R = 1, R > N, N = 1, widths at the 3 x 3 tile edges (R + 1 = 3, 6, 9, 12 and one past), N not a multiple of the block', () => {
    for (const [n, rank] of [
      [1, 1],
      [1, 5],
      [3, 9],
      [50, 2],
      [127, 3],
      [129, 4],
      [301, 5],
      [300, 7],
      [1000, 8],
      [700, 11],
      [2500, 13],
    ]) {
      const { dist, x } = closedForm(n, rank, 20);
      expectTied(dist, x);
    }
  });

  it('scaled inputs: P by 1e100 and covDiag by 1e200 (A unchanged), P by 1e-150, P by 1e-120 with covDiag by 1e-240', () => {
    for (const [pScale, dScale] of [
      [1e100, 1e200],
      [1e-150, 1],
      [1e-120, 1e-240],
    ]) {
      const { dist, x } = closedForm(400, 6, pScale, dScale);
      expectTied(dist, x);
    }
  });

  it('a point by the bounded difference where w is far from range(A), by the residual pass where it lies near it', () => {
    // Typical: the bench fixture's shape, x − loc unrelated to P.
    const typical = closedForm(3000, 10, 40);
    const g = gramFactor(typical.dist, typical.x);
    expect(g?.firstBy).toBe('difference');
    expect(g?.factor.mahalanobisBy(typical.x).by).toBe('difference'); // a later point
    expectTied(typical.dist, typical.x);
    // x − loc = P c: w = A c lies in range(A), wᵀw ≈ ‖A c‖² is far above zᵀΣ⁻¹z ≈ ‖c‖², so the
    // difference would cancel and its bound sends the point to the residual pass.
    const { dist } = closedForm(3000, 10, 40);
    const z = new Float64Array(3000);
    for (let i = 0; i < 3000; i++) {
      for (let k = 0; k < 10; k++) z[i] += dist.covFactor[i * 10 + k] * (k + 1);
    }
    const inRange = z.map((v, i) => v + dist.loc[i]);
    const h = gramFactor(dist, inRange);
    expect(h?.firstBy).toBe('residual');
    expect(h?.factor.mahalanobisBy(inRange).by).toBe('residual');
    expect(h?.factor.mahalanobisBy(typical.x).by).toBe('difference');
    expectTied(dist, inRange);
    // Every case in the suite's random families runs one of the two and is tied above.
  });

  /** N x R with independent closed-form columns scaled by 10^e (F² far past the limit). */
  function large(n: number, rank: number, e: number, seed: number) {
    const covFactor = Float64Array.from(
      { length: n * rank },
      (_, i) => 10 ** e * Math.sin(1.3 * i + 0.37 * seed + Math.sqrt((i % rank) + 2) * (i + seed)),
    );
    const covDiag = Float64Array.from({ length: n }, (_, i) => 0.5 + Math.cos(0.3 * i + seed) ** 2);
    const loc = Float64Array.from({ length: n }, (_, i) => Math.sin(i + seed));
    return lowRankNormal({ loc, covFactor, covDiag, rank });
  }

  /** The 60-digit dense reference log-density of `dist` at `x`. */
  function referenceOf(dist: ReturnType<typeof lowRankNormal>, x: Float64Array): number {
    return referenceLogProb({
      n: dist.size,
      rank: dist.rank,
      loc: Array.from(dist.loc),
      covFactor: Array.from(dist.covFactor),
      covDiag: Array.from(dist.covDiag),
      x: Array.from(x),
    } as Parameters<typeof referenceLogProb>[0]);
  }

  /** loc + P c + √d ξ: a point as the distribution draws them (ξ closed-form, c = 1 … R). */
  function sampleLike(dist: ReturnType<typeof lowRankNormal>, noise = 1): Float64Array {
    const { size: n, rank } = dist;
    return Float64Array.from({ length: n }, (_, i) => {
      let v = dist.loc[i] + noise * Math.sqrt(dist.covDiag[i]) * Math.sin(2.1 * i + 0.4);
      for (let k = 0; k < rank; k++) v += dist.covFactor[i * rank + k] * (k + 1) * 0.1;
      return v;
    });
  }

  it(`past ‖D^{-1/2} P‖_F² = ${GRAM_LIMIT}, well-conditioned columns of any size: runs by its a-posteriori bounds, within 4x the plain form's error against the 60-digit reference`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 4, max: 7 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (rank, rows, e, seed) => {
          const dist = large(rank * rows, rank, e, seed);
          let frob = 0;
          for (let i = 0; i < dist.size; i++) {
            for (let k = 0; k < rank; k++)
              frob += dist.covFactor[i * rank + k] ** 2 / dist.covDiag[i];
          }
          expect(frob).toBeGreaterThan(GRAM_LIMIT);
          const generic = Float64Array.from(
            { length: dist.size },
            (_, i) => dist.loc[i] + 3 * Math.cos(0.53 * i + seed),
          );
          // A generic point and one as the distribution draws them (w dominated by A c).
          for (const x of [generic, sampleLike(dist)]) {
            const g = gramFactor(dist, x);
            expect(g).not.toBeNull();
            expect(Number.isFinite(g!.first)).toBe(true); // answered by the kernel
            const reference = referenceOf(dist, x);
            const kernel = relativeError(logProbOf(dist, x), reference);
            const plain = relativeError(logProbPlain(dist, x), reference);
            expect(kernel).toBeLessThanOrEqual(Math.max(4 * plain, 1e-11));
          }
        },
      ),
      { seed: 1311, numRuns: 25 },
    );
  });

  it('past the limit, a drawn point at P ~ 1e6 (w dominated by A c): the kernel answers, closer to the reference than the plain form', () => {
    const dist = large(25, 5, 6, 0);
    const x = sampleLike(dist);
    const g = gramFactor(dist, x);
    expect(g!.firstBy).toBe('residual');
    const reference = referenceOf(dist, x);
    // Both are off by about ε ‖w‖ ‖r‖ here (backward stable: a few ulps of x and P).
    const kernel = relativeError(logProbOf(dist, x), reference);
    const plain = relativeError(logProbPlain(dist, x), reference);
    expect(kernel).toBeLessThan(1e-11);
    expect(plain).toBeLessThan(1e-10);
    expect(kernel).toBeLessThanOrEqual(plain);
  });

  it('past the limit: declines nearly collinear columns, and where an entry overflows; logProb then runs Householder', () => {
    const n = 300;
    const rank = 5;
    const base = large(n, rank, 4, 7);
    const covFactor = base.covFactor.map(
      (_, i) => base.covFactor[i - (i % rank)] * (1 + 1e-9 * (i % rank)),
    );
    const collinear = lowRankNormal({ ...base, covFactor, rank });
    expect(gramFactor(collinear, null)).toBeNull();
    const x = sampleLike(collinear);
    expectClose(logProbOf(collinear, x), logProbPlain(collinear, x), { rtol: 1e-11, atol: 0 });
    const overflow = lowRankNormal({ loc: [0], covFactor: [1e300], covDiag: [1e-300], rank: 1 });
    expect(gramFactor(overflow, null)).toBeNull();
  });
});

/** logProb by the plain thin QR (the reference form). */
function logProbPlain(dist: ReturnType<typeof lowRankNormal>, x: Float64Array): number {
  const f = whitenedFactorPlain(dist);
  const logDet = sumLogPlain(dist.covDiag) + f.logDetCapacitance;
  return -0.5 * (dist.size * LOG_2PI + logDet + mahalanobis(dist, x, f));
}

describe('kernels/sumLog: Σ log d within 4e-15 per block of 32 of the plain sum', () => {
  it('equals the plain sum bit for bit below 32 values, and within the bound above', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: -30, max: 30 }), (n, e) => {
        const d = Float64Array.from({ length: n }, (_, i) => 10 ** (e * Math.sin(i + n)));
        if (n < 32) expect(sumLog(d)).toBe(sumLogPlain(d));
        let scale = 0;
        for (const v of d) scale += Math.abs(Math.log(v));
        const bound = 4e-15 * Math.ceil(n / 32) + 4 * Number.EPSILON * scale;
        expect(Math.abs(sumLog(d) - sumLogPlain(d))).toBeLessThanOrEqual(bound);
      }),
      FC,
    );
  });
});

describe('kernels/copyFinite: checkFinite (or checkPositive) then toFloat64, in one pass', () => {
  /** The error `check` throws for `values`, as "Name: message", or null. */
  function errorOf(check: (name: string, v: ArrayLike<number>) => void, values: ArrayLike<number>) {
    try {
      check('covFactor', values);
      return null;
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  }

  /** copyFinite's error for `values`, in the same form. */
  function copyError(values: ArrayLike<number>, positive: boolean) {
    return errorOf((name, v) => copyFinite(name, v, positive), values);
  }

  it('copies exactly (a fresh array), from a Float64Array across several blocks and from a plain array', () => {
    const src = Float64Array.from({ length: 3 * 4096 + 17 }, (_, i) => Math.sin(i) * 10 ** (i % 9));
    src[5] = -0;
    const copy = copyFinite('covFactor', src);
    expect(copy).not.toBe(src);
    expect(Object.is(copy[5], -0)).toBe(true);
    expect(Array.from(copy)).toEqual(Array.from(src));
    expect(Array.from(copyFinite('loc', [1, -2.5, 3e300]))).toEqual([1, -2.5, 3e300]);
    const positive = src.map((v) => Math.abs(v) + 1e-300);
    expect(Array.from(copyFinite('covDiag', positive, true))).toEqual(Array.from(positive));
  });

  it('keepFinite returns a valid Float64Array itself, and converts any other array', () => {
    const src = Float64Array.from({ length: 2 * 4096 + 5 }, (_, i) => 1 + Math.sin(i) ** 2);
    expect(keepFinite('covFactor', src)).toBe(src);
    expect(keepFinite('covDiag', src, true)).toBe(src);
    const plain = [1, -2.5, 3e300];
    const kept = keepFinite('loc', plain);
    expect(kept).toBeInstanceOf(Float64Array);
    expect(Array.from(kept)).toEqual(plain);
  });

  it("throws the check's own error for a bad entry in any block, at block edges and at the end", () => {
    const n = 2 * 4096 + 3;
    const keepError = (values: ArrayLike<number>, positive: boolean) =>
      errorOf((name, v) => keepFinite(name, v, positive), values);
    for (const at of [0, 4095, 4096, 8191, 8192, n - 1]) {
      for (const bad of [NaN, Infinity, -Infinity, 0, -0, -2]) {
        const src = Float64Array.from({ length: n }, (_, i) => 2 + Math.cos(i));
        src[at] = bad;
        const finite = errorOf(checkFinite, src);
        expect(copyError(src, false)).toBe(finite);
        expect(keepError(src, false)).toBe(finite);
        const positive = errorOf(checkPositive, src);
        expect(positive).not.toBeNull();
        expect(copyError(src, true)).toBe(positive);
        expect(keepError(src, true)).toBe(positive);
      }
    }
    const mixed = [1, 'x' as unknown as number, NaN];
    expect(copyError(mixed, false)).toBe(
      'TypeError: covFactor: entry 1 is x (a string), expected a finite number',
    );
    expect(copyError(mixed, true)).toBe(errorOf(checkPositive, mixed));
  });
});
