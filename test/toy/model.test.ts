import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/random/rng.js';
import {
  cloneToyParams,
  initToyParams,
  toyDistribution,
  toyDistributionVjp,
  type ToyParameterisation,
  type ToyParams,
} from '../../src/toy/model.js';
import { expectClose, isClose } from '../helpers/close.js';

/** L = ⟨a, loc⟩ + ⟨b, covFactor⟩ + ⟨c, covDiag⟩: its gradients are (a, b, c) exactly. */
function linearLoss(p: ToyParams, a: Float64Array, b: Float64Array, c: Float64Array): number {
  const d = toyDistribution(p);
  let s = 0;
  for (let i = 0; i < d.size; i++) s += a[i] * d.loc[i] + c[i] * d.covDiag[i];
  for (let i = 0; i < b.length; i++) s += b[i] * d.covFactor[i];
  return s;
}

function randomArray(rng: ReturnType<typeof createRng>, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * (2 * rng.uniform() - 1));
}

describe('toy model parameterisation', () => {
  it('starts where the official script starts', () => {
    const p = initToyParams(21, 2, createRng(3));
    expect(Array.from(p.mean)).toEqual(new Array(21).fill(0));
    expect(Array.from(p.logDiag)).toEqual(new Array(21).fill(-1));
    expect(Array.from(p.logScale)).toEqual([-1, -1]);
    expect(p.direction.length).toBe(42);
    for (const v of p.direction) expect(Math.abs(v)).toBeLessThan(0.5);
    // covDiag = e^-1 + 1e-5, every factor column has norm e^-1.
    const d = toyDistribution(p);
    expectClose(d.covDiag, new Array(21).fill(Math.exp(-1) + 1e-5), { rtol: 1e-15 });
    for (let k = 0; k < 2; k++) {
      let ss = 0;
      for (let i = 0; i < 21; i++) ss += d.covFactor[i * 2 + k] ** 2;
      expectClose(Math.sqrt(ss), Math.exp(-1), { rtol: 1e-14 });
    }
  });

  it("'official': a log scale per factor entry and no ε, as ssn/toy_problem.py", () => {
    const p = initToyParams(21, 2, createRng(3), {}, 'official');
    const q = initToyParams(21, 2, createRng(3)); // 'column': the same draws
    expect(Array.from(p.direction)).toEqual(Array.from(q.direction));
    expect(Array.from(p.logScale)).toEqual(new Array(42).fill(-1));
    const d = toyDistribution(p);
    expect(Array.from(d.covDiag)).toEqual(new Array(21).fill(Math.exp(-1)));
    // At the initialisation every entry's scale is e^-1, so the factor is the column one's.
    expectClose(d.covFactor, toyDistribution(q).covFactor, { rtol: 1e-15, atol: 0 });
    // Entry scales act on one entry each.
    p.logScale[2 * 5 + 1] = 0;
    const e = toyDistribution(p);
    expectClose(e.covFactor[11], Math.E * d.covFactor[11], { rtol: 1e-15, atol: 0 });
    expect(e.covFactor[10]).toBe(d.covFactor[10]);
    expect(() => initToyParams(21, 2, createRng(3), {}, 'row' as ToyParameterisation)).toThrow(
      /^parameterisation: unknown parameterisation "row"/,
    );
    expect(() => toyDistribution({ ...p, logScale: new Float64Array(2) })).toThrow(
      /^logScale: length 2 does not match N x R = 21 x 2/,
    );
  });

  it('builds the diagonal model as a rank-1 distribution with a zero factor', () => {
    const p = initToyParams(21, 0, createRng(3));
    expect(p.kind).toBe('diagonal');
    const d = toyDistribution(p);
    expect(d.rank).toBe(1);
    expect(Array.from(d.covFactor)).toEqual(new Array(21).fill(0));
    const g = toyDistributionVjp(p, {
      gradLoc: new Float64Array(21).fill(1),
      gradCovFactor: new Float64Array(21).fill(5),
      gradCovDiag: new Float64Array(21).fill(2),
    });
    expect(g.gradLogScale.length).toBe(0);
    expect(g.gradDirection.length).toBe(0);
    expectClose(g.gradLogDiag, new Array(21).fill(2 * Math.exp(-1)), { rtol: 1e-15 });
  });

  it('VJP matches central finite differences along random directions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.constantFrom<ToyParameterisation>('official', 'column'),
        (n, rank, seed, parameterisation) => {
          const rng = createRng(seed);
          const p0 = initToyParams(n, rank, rng, {}, parameterisation);
          p0.mean.set(randomArray(rng, n, 2));
          p0.logDiag.set(randomArray(rng, n, 1));
          p0.logScale.set(randomArray(rng, p0.logScale.length, 1));
          const r = Math.max(rank, 1);
          const a = randomArray(rng, n);
          const b = randomArray(rng, n * r);
          const c = randomArray(rng, n);
          const g = toyDistributionVjp(p0, { gradLoc: a, gradCovFactor: b, gradCovDiag: c });
          if (rank === 0) b.fill(0); // the zero factor is not a parameter
          // Direction v over every free parameter.
          const v = {
            mean: randomArray(rng, n),
            logDiag: randomArray(rng, n),
            logScale: randomArray(rng, p0.logScale.length),
            direction: randomArray(rng, n * rank),
          };
          const shifted = (t: number) => {
            const q = cloneToyParams(p0);
            for (const k of ['mean', 'logDiag', 'logScale', 'direction'] as const) {
              for (let i = 0; i < q[k].length; i++) q[k][i] += t * v[k][i];
            }
            return linearLoss(q, a, b, c);
          };
          const eps = 1e-6;
          const fd = (shifted(eps) - shifted(-eps)) / (2 * eps);
          let an = 0;
          const pairs: [Float64Array, Float64Array][] = [
            [g.gradMean, v.mean],
            [g.gradLogDiag, v.logDiag],
            [g.gradLogScale, v.logScale],
            [g.gradDirection, v.direction],
          ];
          for (const [gi, vi] of pairs) for (let i = 0; i < gi.length; i++) an += gi[i] * vi[i];
          return isClose(an, fd, 1e-6, 1e-8);
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it('the factor does not change when a direction column is rescaled', () => {
    const p = initToyParams(21, 2, createRng(5));
    const q = cloneToyParams(p);
    for (let i = 0; i < 21; i++) q.direction[i * 2] *= 7.5;
    expectClose(toyDistribution(q).covFactor, toyDistribution(p).covFactor, {
      rtol: 1e-14,
      atol: 1e-16,
    });
  });

  it('rejects bad parameters by name', () => {
    expect(() => initToyParams(0, 2, createRng(0))).toThrow(/^size:/);
    expect(() => initToyParams(21, -1, createRng(0))).toThrow(/^rank:/);
    expect(() => initToyParams(21, 2, createRng(0), { directionHalfWidth: 0 })).toThrow(/^init:/);
    const p = initToyParams(3, 1, createRng(0));
    p.direction.fill(0);
    expect(() => toyDistribution(p)).toThrow(/^direction: column 0/);
    const q = initToyParams(3, 1, createRng(0));
    q.logDiag[1] = NaN;
    expect(() => toyDistribution(q)).toThrow(/covDiag/);
    expect(() =>
      toyDistributionVjp(initToyParams(3, 1, createRng(0)), {
        gradLoc: [0, 0],
        gradCovFactor: [0, 0, 0],
        gradCovDiag: [0, 0, 0],
      }),
    ).toThrow(/^gradLoc:/);
  });
});
