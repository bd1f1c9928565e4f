import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
