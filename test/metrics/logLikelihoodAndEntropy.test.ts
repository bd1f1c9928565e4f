import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { logLikelihoodMetric } from '../../src/metrics/logLikelihoodMetric.js';
import { marginalEntropy, marginalEntropyFromLogits } from '../../src/metrics/marginalEntropy.js';
import { isClose } from './naive.js';

describe('logLikelihoodMetric (spec/metrics.md#log-likelihood)', () => {
  it('hand-worked: log((0.5 + 0.25) / 2)', () => {
    const ll = Float64Array.of(Math.log(0.5), Math.log(0.25));
    expect(logLikelihoodMetric(ll)).toBeCloseTo(Math.log(0.75 / 2), 15);
  });

  it('two equiprobable targets (toy optimum): M copies of log 1/2 give log 1/2', () => {
    expect(logLikelihoodMetric(new Float64Array(7).fill(Math.log(0.5)))).toBeCloseTo(
      Math.log(0.5),
      14,
    );
  });

  it('stable for large negative sums of pixels; −∞ samples contribute nothing', () => {
    expect(logLikelihoodMetric([-5000, -5000])).toBeCloseTo(-5000, 10);
    expect(logLikelihoodMetric([Math.log(0.5), -Infinity])).toBeCloseTo(Math.log(0.25), 15);
  });

  it('lies between the mean and the max of the per-sample values (Jensen)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -500, max: 0, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (v) => {
          const r = logLikelihoodMetric(v);
          const mean = v.reduce((s, x) => s + x, 0) / v.length;
          expect(r).toBeGreaterThanOrEqual(mean - 1e-9 * (1 + Math.abs(mean)));
          expect(r).toBeLessThanOrEqual(Math.max(...v) + 1e-12);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects empty input, NaN and +∞', () => {
    expect(() => logLikelihoodMetric(new Float64Array(0))).toThrow(/^perSampleLogLik: empty/);
    expect(() => logLikelihoodMetric([0, NaN])).toThrow(/^perSampleLogLik: value NaN at index 1/);
    expect(() => logLikelihoodMetric([Infinity])).toThrow(/^perSampleLogLik: /);
    // Not numbers: refused by kind, not summed ('1' + … would concatenate).
    const strings = ['1'] as unknown as number[];
    expect(() => logLikelihoodMetric(strings)).toThrow(TypeError);
    expect(() => logLikelihoodMetric(strings)).toThrow(/^perSampleLogLik: entry 0 is string/);
    const holes = [0, null] as unknown as number[];
    expect(() => logLikelihoodMetric(holes)).toThrow(/^perSampleLogLik: entry 1 is null/);
  });
});

describe('marginalEntropy (spec/metrics.md#marginal-entropy)', () => {
  it('hand-worked: class-major [p0(s0), p0(s1), p1(s0), p1(s1)]', () => {
    // pixel 0: (1/2, 1/2) -> log 2; pixel 1: (1, 0) -> 0 (0 log 0 = 0)
    const h = marginalEntropy(Float64Array.of(0.5, 1, 0.5, 0), { classes: 2 });
    expect(h[0]).toBeCloseTo(Math.log(2), 15);
    expect(h[1]).toBe(0);
    // three classes (1/2, 1/4, 1/4): 1/2 log 2 + 2 · 1/4 log 4 = 1.5 log 2
    expect(marginalEntropy([0.5, 0.25, 0.25], { classes: 3 })[0]).toBeCloseTo(
      1.5 * Math.log(2),
      15,
    );
  });

  it('from logits: equal logits give log C; matches softmax then entropy', () => {
    expect(marginalEntropyFromLogits([0, 0, 0], { classes: 3 })[0]).toBeCloseTo(Math.log(3), 15);
    expect(marginalEntropyFromLogits([1000, -1000], { classes: 2 })[0]).toBe(0);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (l) => {
          // C = 3, S = 2, class-major
          const p: number[] = new Array(6);
          for (let s = 0; s < 2; s++) {
            const z = [0, 1, 2].reduce((acc, c) => acc + Math.exp(l[c * 2 + s]), 0);
            for (let c = 0; c < 3; c++) p[c * 2 + s] = Math.exp(l[c * 2 + s]) / z;
          }
          const fromLogits = marginalEntropyFromLogits(l, { classes: 3 });
          const fromProbs = marginalEntropy(p, { classes: 3 });
          for (let s = 0; s < 2; s++) {
            expect(isClose(fromLogits[s], fromProbs[s], 1e-9, 1e-12)).toBe(true);
            expect(fromLogits[s]).toBeLessThanOrEqual(Math.log(3) + 1e-12);
          }
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('rejects bad shapes and values', () => {
    expect(() => marginalEntropy([0.5, 0.5, 1], { classes: 2 })).toThrow(
      /^probabilities: length 3/,
    );
    expect(() => marginalEntropy([], { classes: 2 })).toThrow(/^probabilities: length 0/);
    expect(() => marginalEntropy([1.5, -0.5], { classes: 2 })).toThrow(
      /^probabilities: value 1.5 at index 0/,
    );
    expect(() => marginalEntropy([NaN, 1], { classes: 2 })).toThrow(/^probabilities: value NaN/);
    expect(() => marginalEntropy([0.5, 0.4], { classes: 2 })).toThrow(
      /^probabilities: the classes of pixel 0 sum to/,
    );
    expect(() => marginalEntropy([1], { classes: 1 })).toThrow(/^classes: /);
    expect(() => marginalEntropyFromLogits([0, Infinity], { classes: 2 })).toThrow(
      /^logits: value Infinity at index 1/,
    );
  });
});
