/**
 * A LowRankNormal written by hand (the interface is a plain object type) is checked by every
 * function that takes one, with the checks of `lowRankNormal`, named `dist.<field>`; a valid one
 * gives the same bits as the distribution `lowRankNormal` builds from the same arrays. The
 * reviewer's cases: covDiag 0 or −1, size 3 with length-2 arrays, rank 2 with a 2-entry factor
 * gave NaN (or blamed an overflow) before.
 */
import { describe, expect, it } from 'vitest';
import { entropy } from '../../src/distribution/entropy.js';
import { headToDistribution } from '../../src/distribution/head.js';
import { convertDistributionLayout } from '../../src/distribution/layout.js';
import { logProb, logProbOf } from '../../src/distribution/logProb.js';
import {
  logDetByDeterminantLemma,
  logProbByWoodbury,
  mahalanobisByWoodbury,
} from '../../src/distribution/lowRankIdentities.js';
import {
  checkDistribution,
  logDetCovariance,
  lowRankNormal,
  type LowRankNormal,
} from '../../src/distribution/lowRankNormal.js';
import { denseCovariance, marginalVariance } from '../../src/distribution/marginals.js';
import { rsample, sample } from '../../src/distribution/rsample.js';
import { rsampleReference } from '../../src/distribution/rsampleReference.js';
import { createGpujsSampler } from '../../src/kernels/gpujsSample.js';
import {
  mahalanobis,
  whitenedFactor,
  whitenedFactorPlain,
} from '../../src/distribution/whitenedFactor.js';
import { mcLoss, mcLossSampled } from '../../src/loss/mcLoss.js';
import { mcLossReference } from '../../src/loss/mcLossReference.js';
import { createRng } from '../../src/random/rng.js';
import { binarySamples } from '../../src/toy/figure.js';

const F = Float64Array;

/**
 * Every exported function that takes a distribution, called with arguments that fit its size N
 * and rank R as they claim (so that only the distribution itself can be wrong). Two classes
 * where a loss needs them: N = 2 is one pixel.
 */
const ENTRY_POINTS: Record<string, (d: LowRankNormal) => unknown> = {
  logProb: (d) => logProb(d, pointFor(d)),
  entropy: (d) => entropy(d),
  logDetCovariance: (d) => logDetCovariance(d),
  marginalVariance: (d) => marginalVariance(d),
  denseCovariance: (d) => denseCovariance(d),
  whitenedFactor: (d) => whitenedFactor(d).logDetCapacitance,
  whitenedFactorPlain: (d) => whitenedFactorPlain(d).logDetCapacitance,
  mahalanobis: (d) => mahalanobis(d, pointFor(d)),
  logDetByDeterminantLemma: (d) => logDetByDeterminantLemma(d),
  mahalanobisByWoodbury: (d) => mahalanobisByWoodbury(d, pointFor(d)),
  logProbByWoodbury: (d) => logProbByWoodbury(d, pointFor(d)),
  rsample: (d) => rsample(d, noiseFor(d)),
  sample: (d) => sample(d, createRng(1), { count: 2 }).samples,
  rsampleReference: (d) => rsampleReference(d, { count: 1, ...noiseFor(d) }),
  mcLoss: (d) => lossOf(mcLoss(d, labelsFor(d), noiseFor(d), LOSS)),
  mcLossSampled: (d) =>
    lossOf(mcLossSampled(d, labelsFor(d), createRng(2), { ...LOSS, samples: 2 })),
  mcLossReference: (d) => lossOf(mcLossReference(d, labelsFor(d), noiseFor(d), LOSS)),
  convertDistributionLayout: (d) => {
    const c = convertDistributionLayout(d, { classes: 1, from: 'class-major', to: 'pixel-major' });
    return [c.loc, c.covFactor, c.covDiag];
  },
  binarySamples: (d) => binarySamples(d, createRng(3), 2),
};

/** The distribution's claimed size and rank (2 and 1 for what is not an object). */
function claimed(d: LowRankNormal | null): { n: number; rank: number } {
  return d === null ? { n: 2, rank: 1 } : { n: Math.floor(d.size), rank: d.rank };
}

/** A point of the claimed size. */
function pointFor(d: LowRankNormal): Float64Array {
  return new F(claimed(d).n).fill(0.5);
}

/** One noise pair that fits the distribution's claimed size and rank. */
function noiseFor(d: LowRankNormal): { epsFactor: Float64Array; epsDiag: Float64Array } {
  const { n, rank } = claimed(d);
  const epsFactor = new F(rank).map((_, r) => 0.5 - r);
  const epsDiag = new F(n).map((_, i) => 0.25 * (i + 1));
  return { epsFactor, epsDiag };
}

/** Labels for a bernoulli likelihood, one per logit. */
function labelsFor(d: LowRankNormal): Float64Array {
  return new F(claimed(d).n).map((_, i) => i % 2);
}

/** One logit per pixel. */
const LOSS = { likelihood: 'bernoulli' } as const;

function lossOf(r: {
  loss: number;
  gradLoc: Float64Array;
  gradCovFactor: Float64Array;
  gradCovDiag: Float64Array;
}): unknown {
  return [r.loss, r.gradLoc, r.gradCovFactor, r.gradCovDiag];
}

/** A valid two-logit, rank-one distribution, written by hand; `fields` replace some. */
function handBuilt(fields: Record<string, unknown> = {}): LowRankNormal {
  return {
    size: 2,
    rank: 1,
    loc: F.of(0.25, -0.5),
    covFactor: F.of(1, 0.5),
    covDiag: F.of(0.75, 1),
    ...fields,
  } as LowRankNormal;
}

/** The bad objects, each with the error it must give: its kind and the field it names. */
const BAD: { what: string; dist: () => unknown; kind: ErrorConstructor; message: RegExp }[] = [
  {
    what: 'covDiag 0 (the reviewer: logProb NaN)',
    dist: () => handBuilt({ covDiag: F.of(0, 1) }),
    kind: RangeError,
    message: /^dist\.covDiag: entry 0 is 0/,
  },
  {
    what: 'covDiag −1 (the reviewer: entropy NaN, rsample [NaN, 2])',
    dist: () => handBuilt({ covDiag: F.of(-1, 1) }),
    kind: RangeError,
    message: /^dist\.covDiag: entry 0 is -1/,
  },
  {
    what: 'size 3 with arrays of length 2',
    dist: () => handBuilt({ size: 3 }),
    kind: RangeError,
    message: /^dist\.loc: length 2 does not match dist\.size \(expected 3\)/,
  },
  {
    what: 'rank 2 with a 2-entry covFactor (the reviewer: mcLoss blamed an overflow)',
    dist: () => handBuilt({ rank: 2 }),
    kind: RangeError,
    message: /^dist\.covFactor: length 2 does not match N x R = 2 x 2/,
  },
  {
    what: 'covDiag one entry short',
    dist: () => handBuilt({ covDiag: F.of(1) }),
    kind: RangeError,
    message: /^dist\.covDiag: length 1 does not match N = 2/,
  },
  {
    what: 'a NaN in loc',
    dist: () => handBuilt({ loc: F.of(0, NaN) }),
    kind: RangeError,
    message: /^dist\.loc: entry 1 is NaN/,
  },
  {
    what: 'an infinite covFactor entry',
    dist: () => handBuilt({ covFactor: F.of(Infinity, 0) }),
    kind: RangeError,
    message: /^dist\.covFactor: entry 0 is Infinity/,
  },
  {
    what: 'an infinite covDiag entry',
    dist: () => handBuilt({ covDiag: F.of(1, Infinity) }),
    kind: RangeError,
    message: /^dist\.covDiag: entry 1 is Infinity/,
  },
  {
    what: 'rank 0',
    dist: () => handBuilt({ rank: 0, covFactor: new F(0) }),
    kind: RangeError,
    message: /^dist\.rank: must be at least 1, got 0/,
  },
  {
    what: 'a fractional size',
    dist: () => handBuilt({ size: 1.5 }),
    kind: TypeError,
    message: /^dist\.size: must be an integer, got 1\.5/,
  },
  {
    what: 'a plain array for covDiag',
    dist: () => handBuilt({ covDiag: [1, 1] }),
    kind: TypeError,
    message:
      /^dist\.covDiag: must be a Float64Array, got Array \(build the distribution with lowRankNormal/,
  },
  {
    what: 'a Float32Array for loc',
    dist: () => handBuilt({ loc: Float32Array.of(0, 0) }),
    kind: TypeError,
    message: /^dist\.loc: must be a Float64Array, got Float32Array/,
  },
  {
    what: 'a missing covFactor',
    dist: () => handBuilt({ covFactor: undefined }),
    kind: TypeError,
    message: /^dist\.covFactor: must be a Float64Array, got undefined/,
  },
  {
    what: 'null',
    dist: () => null,
    kind: TypeError,
    message: /^dist: must be a LowRankNormal .* \(build it with lowRankNormal\), got null/,
  },
];

describe('checkDistribution: a hand-built LowRankNormal is checked by every entry point', () => {
  for (const bad of BAD) {
    for (const [name, call] of Object.entries(ENTRY_POINTS)) {
      it(`${name} rejects ${bad.what}`, () => {
        // A fresh object per call: none is remembered as valid, so each entry point checks.
        const dist = bad.dist() as LowRankNormal;
        let thrown: unknown;
        try {
          call(dist);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(bad.kind);
        expect((thrown as Error).message).toMatch(bad.message);
      });
    }
  }

  it("the gpu.js sampler's rsample (cpu mode) rejects each of them the same way", () => {
    const sampler = createGpujsSampler('cpu');
    try {
      for (const bad of BAD) {
        const dist = bad.dist() as LowRankNormal;
        expect(() => sampler.rsample(dist, noiseFor(dist))).toThrow(bad.kind);
        expect(() => sampler.rsample(dist, noiseFor(dist))).toThrow(bad.message);
      }
    } finally {
      sampler.dispose();
    }
  });

  it('checkDistribution itself throws the same errors, and names the argument it is given', () => {
    for (const bad of BAD) {
      const dist = bad.dist() as LowRankNormal;
      expect(() => checkDistribution(dist)).toThrow(bad.kind);
      expect(() => checkDistribution(dist)).toThrow(bad.message);
    }
    expect(() => checkDistribution(handBuilt({ covDiag: F.of(0, 1) }), 'prior')).toThrow(
      /^prior\.covDiag: entry 0 is 0/,
    );
  });
});

describe('checkDistribution: a valid hand-built distribution is accepted', () => {
  for (const [name, call] of Object.entries(ENTRY_POINTS)) {
    it(`${name} gives the same bits as for lowRankNormal's distribution`, () => {
      const hand = handBuilt();
      const built = lowRankNormal({
        loc: hand.loc,
        covFactor: hand.covFactor,
        covDiag: hand.covDiag,
        rank: hand.rank,
      });
      // toStrictEqual compares numbers with Object.is: the same bits, −0 and NaN included.
      expect(call(hand)).toStrictEqual(call(built));
    });
  }

  it('a rank-2 hand-built distribution too (logProb and rsample)', () => {
    const hand = handBuilt({ rank: 2, covFactor: F.of(1, -0.5, 0.25, 2) });
    const built = lowRankNormal({ ...hand, rank: 2 });
    expect(logProb(hand, [1, 2])).toBe(logProb(built, [1, 2]));
    expect(rsample(hand, noiseFor(hand))).toStrictEqual(rsample(built, noiseFor(built)));
  });
});

describe('checkDistribution: validation happens once, when a distribution is built or first used', () => {
  it("lowRankNormal's distribution is not checked again: changing its arrays afterwards is not caught", () => {
    const covDiag = F.of(1, 1);
    const dist = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag, rank: 1, copy: false });
    covDiag[0] = -1; // against the documented contract: arrays are not to change after construction
    expect(() => checkDistribution(dist)).not.toThrow();
    expect(() => marginalVariance(dist)).not.toThrow();
  });

  it('a hand-built distribution is checked on first use only', () => {
    const dist = handBuilt();
    expect(() => marginalVariance(dist)).not.toThrow();
    (dist.covDiag as Float64Array)[0] = -1;
    expect(() => marginalVariance(dist)).not.toThrow();
    // A fresh object with the same bad array is checked, and refused.
    expect(() => marginalVariance({ ...dist })).toThrow(/^dist\.covDiag: entry 0 is -1/);
  });

  it('a hand-built distribution that failed is checked again on the next call (not remembered)', () => {
    const dist = handBuilt({ covDiag: F.of(0, 1) });
    expect(() => entropy(dist)).toThrow(RangeError);
    (dist.covDiag as Float64Array)[0] = 0.5;
    expect(entropy(dist)).toBe(entropy(lowRankNormal({ ...dist, rank: 1 })));
  });

  it("the library's other constructors' distributions are known valid (their arrays changed afterwards are not caught)", () => {
    const fromHead = headToDistribution({
      mean: [0, 0],
      logDiag: [0, 0],
      factor: [1, 1],
      classes: 1,
      rank: 1,
    });
    const converted = convertDistributionLayout(handBuilt(), {
      classes: 2,
      from: 'class-major',
      to: 'pixel-major',
    });
    for (const dist of [fromHead, converted]) {
      (dist.covDiag as Float64Array)[0] = -1;
      expect(() => checkDistribution(dist)).not.toThrow();
    }
  });

  it('logProbOf checks its parameters as lowRankNormal does (unchanged)', () => {
    expect(() =>
      logProbOf({ loc: [0, 0], covFactor: [1, 1], covDiag: [0, 1], rank: 1 }, [0, 0]),
    ).toThrow(/^covDiag: entry 0 is 0/);
  });
});
