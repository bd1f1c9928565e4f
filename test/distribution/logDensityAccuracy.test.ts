import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entropy } from '../../src/distribution/entropy.js';
import { gramFactor } from '../../src/distribution/kernels/gramForm.js';
import { logProb } from '../../src/distribution/logProb.js';
import { logProbByWoodbury } from '../../src/distribution/lowRankIdentities.js';
import { logDetCovariance, lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import {
  FAMILIES,
  illConditionedCases,
  referenceLogProb,
  relativeError,
} from './illConditioned.js';

describe('logProb on badly conditioned families, against a 60-digit dense reference', () => {
  const cases = illConditionedCases().map((c) => ({
    ...c,
    dist: lowRankNormal({ ...c }),
    reference: referenceLogProb(c),
  }));

  // About a hundred times the worst error measured (spec/lowrank-normal.md#accuracy), and
  // below what the textbook Woodbury form (torch's) gives on each family.
  const BOUNDS: Record<(typeof FAMILIES)[number], number> = {
    'covDiag 1e-12..1e6': 1e-12,
    'collinear columns': 1e-12,
    'R > N': 1e-11,
    'N = 1': 1e-12,
    'tiny covDiag, large P': 1e-7,
  };

  it.each(FAMILIES)('%s: worst relative error within its bound', (family) => {
    const ofFamily = cases.filter((c) => c.family === family);
    expect(ofFamily.length).toBeGreaterThanOrEqual(20);
    const worst = Math.max(
      ...ofFamily.map((c) => relativeError(logProb(c.dist, c.x), c.reference)),
    );
    expect(worst).toBeLessThanOrEqual(BOUNDS[family]);
    // The bound would catch the textbook form: Woodbury misses it on every family.
    const woodbury = Math.max(
      ...ofFamily.map((c) => {
        try {
          return relativeError(logProbByWoodbury(c.dist, c.x), c.reference);
        } catch {
          return Infinity; // refused: its capacitance's Cholesky failed
        }
      }),
    );
    expect(woodbury).toBeGreaterThan(BOUNDS[family]);
  });

  it('the families exercise every way logProb can go: Householder, the Gram kernel by its bounded difference, by its residual', () => {
    const ways = { householder: 0, difference: 0, residual: 0 };
    for (const c of cases) {
      const g = gramFactor(c.dist, c.x);
      ways[g === null ? 'householder' : (g.firstBy as 'difference' | 'residual')]++;
    }
    expect(ways.householder).toBeGreaterThanOrEqual(50);
    expect(ways.difference).toBeGreaterThanOrEqual(5);
    expect(ways.residual).toBeGreaterThanOrEqual(5);
  });

  it("the issue's case: N 1, R 1, covFactor 16528.48, covDiag 1e-12 gives −11.4207", () => {
    const c = cases.find((k) => k.covDiag[0] === 1e-12 && k.n === 1)!;
    expect(c.reference).toBeCloseTo(-11.4207, 4);
    expect(relativeError(logProb(c.dist, c.x), c.reference)).toBeLessThan(1e-12);
    // the textbook Woodbury form loses most digits here (it is why the stable form runs)
    expect(relativeError(logProbByWoodbury(c.dist, c.x), c.reference)).toBeGreaterThan(1e-3);
  });

  it('is never refused and never NaN: every case gives a finite logProb, entropy and log det', () => {
    for (const c of cases) {
      expect(Number.isFinite(logProb(c.dist, c.x))).toBe(true);
      expect(Number.isFinite(entropy(c.dist))).toBe(true);
      expect(Number.isFinite(logDetCovariance(c.dist))).toBe(true);
    }
  });
});

describe('logProb overflows to −∞ as IEEE rounding of the exact value would, never NaN', () => {
  const one = (covFactor: number, covDiag: number) =>
    lowRankNormal({ loc: [0], covFactor: [covFactor], covDiag: [covDiag], rank: 1 });

  it('x = 1e200, loc 0, P 1, d 1 → −∞ (zᵀΣ⁻¹z = 5e399)', () => {
    expect(logProb(one(1, 1), [1e200])).toBe(-Infinity);
  });

  it('covDiag 1e-320, P 0, x ≠ loc → −∞; x = loc → finite (log det −737)', () => {
    expect(logProb(one(0, 1e-320), [1])).toBe(-Infinity);
    expect(logProb(one(0, 1e-320), [0])).toBeCloseTo(
      -0.5 * (Math.log(2 * Math.PI) + Math.log(1e-320)),
      10,
    );
  });

  it('x − loc overflowing float64 (1e308 − (−1e308)) still gives −∞', () => {
    const d = lowRankNormal({ loc: [-1e308, 0], covFactor: [1, 2], covDiag: [1, 1], rank: 1 });
    expect(logProb(d, [1e308, 0])).toBe(-Infinity);
  });

  it('a point whose whitened form D^{-1/2} z overflows but whose density is finite', () => {
    // Σ = 1e300 + 1e-12; P/√d = 1e156 is past 2⁵⁰⁰, so the QR runs scaled; at x = 1e300 the
    // whitened w = 1e306 and w² overflow, yet zᵀΣ⁻¹z = 1e600 / 1e300 = 1e300.
    const d = one(1e150, 1e-12);
    const logDet = 300 * Math.LN10;
    expect(logProb(d, [1e-6])).toBeCloseTo(-0.5 * (Math.log(2 * Math.PI) + logDet), 10);
    expect(relativeError(logProb(d, [1e300]), -0.5e300)).toBeLessThan(1e-14);
  });

  it('P/√d past 2¹⁰⁰⁰ (the QR runs scaled) with x − loc overflowing: the 60-digit value or −∞', () => {
    const covFactor = [1e308, -1e308, 1, 2];
    const covDiag = [1e-320, 1e300];
    const finite = {
      family: '',
      n: 2,
      rank: 2,
      loc: [-1e308, 0],
      covFactor,
      covDiag,
      x: [1e308, 0],
    };
    const reference = referenceLogProb(finite); // zᵀΣ⁻¹z = 2 though z₁ = 2e308 overflows
    expect(relativeError(logProb(lowRankNormal(finite), finite.x), reference)).toBeLessThan(1e-12);
    const infinite = { ...finite, loc: [-1e308, 1e308], x: [1e308, -1e308] }; // z₂² / Σ₂₂ = 4e316
    expect(referenceLogProb(infinite)).toBe(-Infinity);
    expect(logProb(lowRankNormal(infinite), infinite.x)).toBe(-Infinity);
    const mixed = {
      family: '',
      n: 3,
      rank: 2,
      loc: [0, 0, 0],
      covFactor: [1e160, 3e159, 1, 1e158, 2, -1e157],
      covDiag: [1e-300, 1e-10, 1e300],
      x: [1e150, -3, 1e140],
    };
    expect(
      relativeError(logProb(lowRankNormal(mixed), mixed.x), referenceLogProb(mixed)),
    ).toBeLessThan(1e-12);
  });

  it('huge factors under tiny covDiag (the textbook capacitance overflows) are accepted', () => {
    const d = lowRankNormal({
      loc: [0, 0],
      covFactor: [1e200, 1e200],
      covDiag: [1e-200, 1e-200],
      rank: 1,
    });
    // Σ = 1e400 11ᵀ + 1e-200 I: log det = log(2e400) + log(1e-200)
    expect(logDetCovariance(d)).toBeCloseTo(Math.log(2) + 400 * Math.LN10 - 200 * Math.LN10, 9);
    expect(Number.isFinite(entropy(d))).toBe(true);
  });
});

describe('never NaN from valid input', () => {
  const wide = fc.oneof(
    fc.constant(0),
    fc
      .tuple(fc.boolean(), fc.double({ min: -300, max: 300, noNaN: true }))
      .map(([neg, e]) => (neg ? -1 : 1) * 10 ** e),
  );
  it('logProb, entropy and log det at entries from 1e-300 to 1e300 and covDiag down to 1e-320', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(wide, { minLength: 12, maxLength: 12 }),
        fc.array(fc.double({ min: -320, max: 300, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(wide, { minLength: 8, maxLength: 8 }),
        (n, rank, p, logD, xs) => {
          const dist = lowRankNormal({
            loc: xs.slice(0, n),
            covFactor: p.slice(0, n * rank),
            covDiag: logD.slice(0, n).map((e) => Math.max(10 ** e, Number.MIN_VALUE)),
            rank,
          });
          const lp = logProb(dist, xs.slice(4, 4 + n));
          expect(Number.isNaN(lp)).toBe(false);
          expect(lp).not.toBe(Infinity);
          expect(Number.isFinite(entropy(dist))).toBe(true);
        },
      ),
      { seed: 1313, numRuns: 400 },
    );
  });
});
