/**
 * computeCase against closed forms worked out by hand (not by ssn-ts), and readCase's messages
 * for malformed inputs.
 */
import { describe, it, expect } from 'vitest';
import { computeCase, readCase } from '../../src/conformance/caseOps.js';
import { ConformanceError, type ConformanceCase } from '../../src/conformance/format.js';
import { expectClose } from '../helpers/close.js';

const LOG_2PI = Math.log(2 * Math.PI);

function caseOf(op: ConformanceCase['op'], inputs: Record<string, unknown>): ConformanceCase {
  return { id: 'k1', op, inputs };
}

function errorOf(c: ConformanceCase, compute = false): ConformanceError {
  try {
    if (compute) computeCase(c);
    else readCase(c);
  } catch (err) {
    expect(err).toBeInstanceOf(ConformanceError);
    return err as ConformanceError;
  }
  throw new Error('expected a ConformanceError');
}

const dist1 = { loc: [0.5], covFactor: [2], covDiag: [3], rank: 1 }; // N = 1, variance 4 + 3 = 7

describe('computeCase against closed forms', () => {
  it('lowrank.logProb and lowrank.entropy for N = 1 (variance p² + d)', () => {
    const lp = computeCase(caseOf('lowrank.logProb', { ...dist1, x: [1.5] })).logProb as number;
    expectClose(lp, -0.5 * (LOG_2PI + Math.log(7) + 1 / 7), { rtol: 1e-14 });
    const h = computeCase(caseOf('lowrank.entropy', dist1)).entropy as number;
    expectClose(h, 0.5 * (1 + LOG_2PI + Math.log(7)), { rtol: 1e-14 });
  });

  it('lowrank.rsample is loc + T (P eps_R + √d eps_N), sample by sample', () => {
    const out = computeCase(
      caseOf('lowrank.rsample', {
        loc: [1, -1],
        covFactor: [1, 0, 0, 2], // P = diag(1, 2), R = 2
        covDiag: [4, 9],
        rank: 2,
        epsFactor: [1, 1, -1, 0.5],
        epsDiag: [0.5, 1, 0, -1],
        temperature: 0.5,
      }),
    ).samples;
    // m = 0: loc + ½ ([1, 2] + [2·0.5, 3·1]) = [2, 1.5]; m = 1: loc + ½ ([−1, 1] + [0, −3]) = [0.5, −2]
    expectClose(out, [2, 1.5, 0.5, -2], { rtol: 1e-15 });
  });

  it('loss.mc with zero noise is the cross-entropy of loc', () => {
    // one pixel, 2 classes, label 1, logits (0, log 3): p(1) = 3/4
    const r = computeCase(
      caseOf('loss.mc', {
        loc: [0, Math.log(3)],
        covFactor: [0.3, -0.2],
        covDiag: [1, 1],
        rank: 1,
        likelihood: 'categorical',
        classes: 2,
        layout: 'class-major',
        labels: [1],
        epsFactor: [0, 0],
        epsDiag: [0, 0, 0, 0],
      }),
    );
    expectClose(r.loss as number, -Math.log(0.75), { rtol: 1e-14 });
    expectClose(r.gradLoc, [0.25, -0.25], { rtol: 1e-14 });
    expectClose(r.gradCovFactor, [0, 0], { atol: 1e-15 });
  });

  it('metrics.ged reproduces the worked example of spec/metrics.md', () => {
    const g = computeCase(
      caseOf('metrics.ged', {
        classes: 2,
        pixels: 2,
        samples: [1, 0, 1, 1],
        annotations: [1, 0, 0, 0],
      }),
    );
    expectClose(
      [g.crossDistance, g.diversity, g.annotatorDiversity, g.ged] as number[],
      [5 / 8, 1 / 4, 1 / 2, 1 / 2],
      { rtol: 1e-15 },
    );
    // numSamples / numAnnotations instead of pixels give the same thing
    const h = computeCase(
      caseOf('metrics.ged', {
        classes: 2,
        numSamples: 2,
        numAnnotations: 2,
        samples: [1, 0, 1, 1],
        annotations: [1, 0, 0, 0],
      }),
    );
    expect(h.ged).toBe(g.ged);
  });

  it('metrics.dice gives NaN where a class is empty in both maps', () => {
    const d = computeCase(
      caseOf('metrics.dice', {
        classes: 3,
        prediction: [1, 1, 0, 0],
        annotations: [1, 0, 1, 0, 0, 0, 0, 0],
      }),
    ).dice as Float64Array;
    // annotation 0: class 1 → 2/(2+1+1) = 0.5, class 2 → empty in both; annotation 1: class 1 → 0
    expect(Array.from(d)).toEqual([0.5, NaN, 0, NaN]);
  });
});

describe('readCase names the case and field of malformed inputs', () => {
  const loss = {
    loc: [0, 0, 0, 0],
    covFactor: [1, 1, 1, 1],
    covDiag: [1, 1, 1, 1],
    rank: 1,
    likelihood: 'categorical',
    classes: 2,
    labels: [0, 1],
    epsFactor: [0.1],
    epsDiag: [0, 0, 0, 0],
  };

  it.each([
    ['a missing field', { ...loss, labels: undefined }, 'inputs.labels', /missing/],
    [
      'a wrong array length',
      { ...loss, covDiag: [1, 1, 1] },
      'inputs.covDiag',
      /length 3, expected 4/,
    ],
    [
      'labels out of range',
      { ...loss, labels: [0, 2] },
      'inputs.labels',
      /value 2 at index 1 is out of range \[0, 2\)/,
    ],
    ['a fractional label', { ...loss, labels: [0, 0.5] }, 'inputs.labels', /not an integer/],
    ['a mask that is not 0/1', { ...loss, mask: [1, 2] }, 'inputs.mask', /out of range \[0, 2\)/],
    [
      'noises of the wrong length',
      { ...loss, epsDiag: [0, 0, 0] },
      'inputs.epsDiag',
      /not a multiple/,
    ],
    [
      'a factor noise of the wrong length',
      { ...loss, epsFactor: [1, 2] },
      'inputs.epsFactor',
      /length 2, expected 1/,
    ],
    [
      'an unknown likelihood',
      { ...loss, likelihood: 'poisson' },
      'inputs.likelihood',
      /not one of/,
    ],
    [
      'bernoulli with 3 classes',
      { ...loss, likelihood: 'bernoulli', classes: 3 },
      'inputs.classes',
      /needs 2/,
    ],
    [
      'a string where numbers belong',
      { ...loss, loc: [0, 'a', 0, 0] },
      'inputs.loc',
      /not a number/,
    ],
  ])('%s', (_what, inputs, field, pattern) => {
    const err = errorOf(caseOf('loss.mc', inputs));
    expect(err.message.startsWith(`case "k1" (loss.mc): ${field}: `)).toBe(true);
    expect(err.message).toMatch(pattern);
    expect(err.field).toBe(field);
  });

  it('metrics fields: samples not a multiple of pixels, labels out of range, no annotations', () => {
    expect(
      errorOf(
        caseOf('metrics.ged', { classes: 2, pixels: 3, samples: [0, 1], annotations: [0, 1, 0] }),
      ).field,
    ).toBe('inputs.samples');
    expect(
      errorOf(caseOf('metrics.dice', { classes: 2, prediction: [0, 3], annotations: [0, 1] }))
        .message,
    ).toMatch(/inputs\.prediction: value 3 at index 1/);
    expect(
      errorOf(caseOf('metrics.dice', { classes: 2, prediction: [0, 1], annotations: [] })).field,
    ).toBe('inputs.annotations');
  });

  it('wraps what ssn-ts rejects (covDiag ≤ 0, negative temperature) with the case and field', () => {
    const err = errorOf(caseOf('lowrank.entropy', { ...dist1, covDiag: [-1] }), true);
    expect(err.message).toMatch(/^case "k1" \(lowrank\.entropy\): inputs\.covDiag: entry 0 is -1/);
    expect(err.field).toBe('inputs.covDiag');
    const t = errorOf(
      caseOf('lowrank.rsample', { ...dist1, epsFactor: [0], epsDiag: [0], temperature: -1 }),
      true,
    );
    expect(t.field).toBe('inputs.temperature');
  });
});
