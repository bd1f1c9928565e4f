/**
 * `logProbOf(params, x)` against the two calls it stands for, `logProb(lowRankNormal(params), x)`:
 * the same value bit for bit on every path (the Gram kernel's, its fallbacks, the Householder
 * form, overflow to −∞), and the same error, class and message, for every bad input and every
 * pair of bad inputs (the first one `lowRankNormal` then `logProb` meet).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logProb, logProbOf } from '../../src/distribution/logProb.js';
import { lowRankNormal, type LowRankNormalParams } from '../../src/distribution/lowRankNormal.js';
import { distParams, floats } from '../helpers/arbitraries.js';
import { fcParams } from '../helpers/fc.js';
import { illConditionedCases } from './illConditioned.js';

/** What the two calls give: the value, or the error as "Name: message". */
function twoStep(params: LowRankNormalParams, x: ArrayLike<number>): number | string {
  try {
    return logProb(lowRankNormal(params), x);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** What logProbOf gives, in the same form. */
function fused(params: LowRankNormalParams, x: ArrayLike<number>): number | string {
  try {
    return logProbOf(params, x);
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

describe('logProbOf equals logProb(lowRankNormal(params), x)', () => {
  it('bit for bit on random distributions (Float64Array and plain-array arguments)', () => {
    fc.assert(
      fc.property(
        distParams(40, 6).chain((p) => fc.tuple(fc.constant(p), floats(p.n, -4, 4))),
        ([p, x]) => {
          const params = { ...p, rank: p.rank };
          const want = twoStep(params, x);
          expect(typeof want).toBe('number');
          expect(Object.is(fused(params, x), want)).toBe(true);
          const plain = {
            loc: Array.from(p.loc),
            covFactor: Array.from(p.covFactor),
            covDiag: Array.from(p.covDiag),
            rank: p.rank,
          };
          expect(Object.is(fused(plain, Array.from(x)), want)).toBe(true);
        },
      ),
      fcParams(200),
    );
  });

  it('bit for bit on the ill-conditioned families (the Householder form, both Gram ways)', () => {
    for (const c of illConditionedCases(24, 13)) {
      const params = {
        loc: Float64Array.from(c.loc),
        covFactor: Float64Array.from(c.covFactor),
        covDiag: Float64Array.from(c.covDiag),
        rank: c.rank,
      };
      const want = twoStep(params, c.x);
      expect(Object.is(fused(params, c.x), want), `${c.family}`).toBe(true);
    }
  });

  it('bit for bit where the Gram guard fails (‖D^{-1/2}P‖_F² > 8192) and where the result is −∞', () => {
    const n = 300;
    const big = {
      loc: new Float64Array(n),
      covFactor: Float64Array.from({ length: 2 * n }, (_, i) => 10 * Math.sin(i)),
      covDiag: new Float64Array(n).fill(1),
      rank: 2,
    };
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    expect(Object.is(fused(big, x), twoStep(big, x))).toBe(true);
    const far = {
      loc: [0, 0],
      covFactor: [1e-3, 2e-3],
      covDiag: Float64Array.of(1e-300, 1e-300),
      rank: 1,
    };
    const huge = [1e200, -1e200];
    expect(twoStep(far, huge)).toBe(-Infinity);
    expect(fused(far, huge)).toBe(-Infinity);
  });
});

describe('logProbOf: the same errors as lowRankNormal then logProb, in the same order', () => {
  const n = 5000; // more than one whitening block, so a bad entry can sit in a later one
  const good = () => ({
    loc: new Float64Array(n),
    covFactor: Float64Array.from({ length: 2 * n }, (_, i) => 0.01 * Math.sin(i)),
    covDiag: new Float64Array(n).fill(0.5),
    rank: 2,
  });
  const goodX = () => new Float64Array(n).fill(0.25);
  type Fault = (p: ReturnType<typeof good>, x: Float64Array) => void;
  const faults: Record<string, Fault> = {
    'loc NaN': (p) => (p.loc[7] = NaN),
    'covFactor NaN early': (p) => (p.covFactor[3] = NaN),
    'covFactor NaN late': (p) => (p.covFactor[2 * n - 2] = NaN),
    'covFactor +∞': (p) => (p.covFactor[4001] = Infinity),
    'covFactor −∞': (p) => (p.covFactor[9000] = -Infinity),
    'covDiag 0': (p) => (p.covDiag[11] = 0),
    'covDiag −1': (p) => (p.covDiag[4999] = -1),
    'covDiag NaN': (p) => (p.covDiag[0] = NaN),
    'x NaN': (_p, x) => (x[42] = NaN),
    'x +∞': (_p, x) => (x[4999] = Infinity),
  };
  const names = Object.keys(faults);

  it('for every fault alone and every pair of faults', () => {
    for (const a of names) {
      for (const b of names) {
        const p = good();
        const x = goodX();
        faults[a](p, x);
        faults[b](p, x);
        const want = twoStep(p, x);
        expect(typeof want, `${a} + ${b}`).toBe('string');
        expect(fused(p, x), `${a} + ${b}`).toBe(want);
      }
    }
  });

  it('for bad shapes, ranks, kinds and flags', () => {
    const p = good();
    const cases: [LowRankNormalParams, ArrayLike<number>][] = [
      [{ ...p, rank: 0 }, goodX()],
      [{ ...p, rank: 1.5 }, goodX()],
      [{ ...p, loc: [] }, goodX()],
      [{ ...p, covFactor: new Float64Array(3) }, goodX()],
      [{ ...p, covDiag: new Float64Array(3) }, goodX()],
      [{ ...p, copy: 'no' as unknown as boolean }, goodX()],
      [{ ...p, covFactor: Array.from(p.covFactor, (v, i) => (i === 5 ? NaN : v)) }, goodX()],
      [p, new Float64Array(3)],
      [null as unknown as LowRankNormalParams, goodX()],
    ];
    for (const [params, x] of cases) {
      const want = twoStep(params, x);
      expect(typeof want).toBe('string');
      expect(fused(params, x)).toBe(want);
    }
  });
});
