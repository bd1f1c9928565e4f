/**
 * The four workloads of `npm run bench:compare`, ssn-ts side (through the public API only).
 * spec/torch/bench.py times the same workloads in PyTorch; spec/performance.md says what each
 * timed region holds and why that is the fair comparison.
 */
import {
  createRng,
  drawNoise,
  generalisedEnergyDistance,
  initToyParams,
  logProbOf,
  lowRankNormal,
  mcLoss,
  mcLossSampled,
  TOY_PIXELS,
  toyLossAndGrads,
  toyProtocol,
  toyTargets,
  trainToy,
} from '../../src/index.js';
import type { Rng } from '../../src/random/rng.js';
import type { ToyParams } from '../../src/toy/model.js';
import type { ToyPhase, ToyProtocol } from '../../src/toy/protocol.js';
import type { CheckResult } from './torchServer.js';
import {
  diagonalLogProb,
  discMapsFixture,
  distributionFixture,
  labelFixture,
  noiseFixture,
} from './fixtures.js';
import type { DistributionFixture, FactorScale } from './fixtures.js';

/** Numbers (and labels, such as logProb's factor) of one case, sent to the torch side as they are. */
export type Params = Record<string, number | string>;

/** A case's numeric parameters (every workload's but logProb's factor). */
export type Numeric = Record<string, number>;

/** Sends one check request to the torch side (bench.py's CHECKS) and returns its answer. */
export type TorchCheck = (input?: unknown) => Promise<CheckResult>;

/** Relative tolerance of the untimed checks: max |a − b| ≤ 1e-9 max |b| for each array. */
export const CHECK_TOLERANCE = 1e-9;

/** Whether two arrays agree to `CHECK_TOLERANCE` of the larger's largest entry, same length. */
export function arraysAgree(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  let big = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    big = Math.max(big, Math.abs(a[i]), Math.abs(b[i]));
  }
  return diff <= CHECK_TOLERANCE * big;
}

/** Whether ssn-ts's loss and named gradients agree with a torch check's answer. */
function resultsAgree(
  loss: number,
  grads: Record<string, ArrayLike<number>>,
  torch: CheckResult,
): boolean {
  const t = torch.loss;
  if (typeof t !== 'number' || Math.abs(loss - t) > CHECK_TOLERANCE * Math.abs(t)) return false;
  return Object.entries(grads).every(([k, g]) => {
    const tg = torch[k];
    return Array.isArray(tg) && arraysAgree(g, tg);
  });
}

/** One timed repetition: runs the workload once and returns a scalar result. */
export type Repetition = () => number;

/**
 * Untimed calls per side before the timed ones (the toy problem's repetitions take seconds, and
 * it has one). Twenty, so that ssn-ts is timed in its steady state: V8 compiles the kernels
 * within a few calls, but until its first major garbage collection each call's fresh buffers
 * (the noises and gradients a call returns) come from memory the process has not touched, and
 * their page faults made calls 3 to about 16 of the 64² MC loss 5.6–6.0 ms instead of 4.8
 * (spec/performance.md, "The comparison"). PyTorch frees each tensor when its last reference
 * goes, so its memory is reused from the second call.
 */
export const WARMUP = 20;

export interface Workload {
  /** The name both sides know the workload by. */
  name: 'mcLoss' | 'logProb' | 'toy' | 'ged';
  /** What one repetition does, for the table's notes. */
  description: string;
  /** The cases to time: the sizes, or tiny ones with `quick`. */
  cases(quick: boolean): Params[];
  /** Timed repetitions per side (the harness may override) and untimed warm-up repetitions. */
  reps: number;
  warmup: number;
  /** Whether both sides compute the same number (no randomness): their values must agree. */
  deterministic: boolean;
  /** Builds the fixture (untimed) and returns one repetition; null while ssn-ts lacks it. */
  prepare: ((params: Params) => Repetition) | null;
  /**
   * For a deterministic workload whose value is a large part that does not test the kernel
   * plus a small one that does: the large part (logProb: the value without the factor). The
   * two sides' values minus it must then also agree to 1e-9 of that small part.
   */
  baseline?: (params: Params) => number;
  /**
   * For a random workload: an untimed evaluation on both sides for the same noises, whose loss
   * and gradients must agree to CHECK_TOLERANCE (the `agree` column).
   */
  check?: (params: Params, torch: TorchCheck) => Promise<boolean>;
}

/** MC loss (eq. 7) with gradients: construction, noise drawing, loss and its VJP. */
const mcLossWorkload: Workload = {
  name: 'mcLoss',
  description:
    'lowRankNormal (copy: false) + mcLossSampled (noise drawn) vs randn + addcmul + addmm (rsample by hand) + log_softmax + logsumexp + backward',
  cases: (quick) =>
    (quick ? [8] : [64, 128, 256]).map((side) => ({ side, classes: 2, rank: 10, samples: 20 })),
  reps: 15,
  warmup: WARMUP,
  deterministic: false,
  prepare: (params) => {
    const p = params as Numeric;
    const pixels = p.side * p.side;
    const f = distributionFixture(p.classes * pixels, p.rank);
    const labels = labelFixture(p.side, p.classes);
    const rng = createRng(`bench/compare/mcLoss/${p.side}`);
    return () => {
      const dist = lowRankNormal({
        loc: f.loc,
        covFactor: f.covFactor,
        covDiag: f.covDiag,
        rank: p.rank,
        copy: false, // checked, not copied: torch keeps references to its tensors too
      });
      return mcLossSampled(dist, labels, rng, {
        likelihood: 'categorical',
        classes: p.classes,
        samples: p.samples,
      }).loss;
    };
  },
  check: async (params, torch) => {
    const p = params as Numeric;
    const f = distributionFixture(p.classes * p.side * p.side, p.rank);
    const dist = lowRankNormal({ ...f, rank: p.rank, copy: false });
    const noise = noiseFixture(p.samples, p.rank, dist.size);
    const labels = labelFixture(p.side, p.classes);
    const r = mcLoss(dist, labels, noise, { likelihood: 'categorical', classes: p.classes });
    const { gradLoc, gradCovFactor, gradCovDiag } = r;
    return resultsAgree(r.loss, { gradLoc, gradCovFactor, gradCovDiag }, await torch());
  },
};

/**
 * Log-density of one vector, construction (capacitance Cholesky) included, for a factor of each
 * regime (bench/compare/fixtures.ts): 'small', ‖D^-1/2 P‖_F² ≈ 4,500 at N 1e5, under the limit
 * (8192) below which ssn-ts takes its guarded Gram kernel, and 'large', ‖a_n‖² ≈ 3e5 a logit as
 * the trained net's heads give, far above it (ssn-ts runs Householder QR).
 */
const logProbWorkload: Workload = {
  name: 'logProb',
  description:
    'logProbOf (= logProb(lowRankNormal(params), x), one pass over the factor fewer) vs LowRankMultivariateNormal + log_prob (no autograd)',
  cases: (quick) =>
    (['small', 'large'] as const).flatMap((factor) =>
      (quick ? [2] : [10, 50]).map((rank) => ({ size: quick ? 1000 : 100_000, rank, factor })),
    ),
  reps: 15,
  warmup: WARMUP,
  deterministic: true,
  prepare: (p) => {
    const f = fixtureOf(p);
    const params = { loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank: f.rank };
    return () => logProbOf(params, f.x);
  },
  baseline: (p) => diagonalLogProb(fixtureOf(p)),
};

/** logProb's fixture for a case's size, rank and factor. */
function fixtureOf(p: Params): DistributionFixture & { rank: number } {
  const rank = p.rank as number;
  return { ...distributionFixture(p.size as number, rank, p.factor as FactorScale), rank };
}

/**
 * A protocol as the numeric parameters both sides read: the phases' step counts, the samples,
 * lr, for `best` its lrFinal and the antithetic and sharedNoise flags (1; absent for paper), and
 * officialParams (1) when the model has the official parameterisation (a log scale per factor
 * entry, no ε on the diagonal; the `paper` protocol's).
 */
export function toyParams(protocol: ToyProtocol): Numeric {
  const pre = protocol.phases.find((ph) => ph.train === 'mean');
  const main = protocol.phases.find((ph) => ph.train === 'all') as ToyPhase;
  return {
    pretrainSteps: pre?.steps ?? 0,
    steps: main.steps,
    samples: protocol.samples,
    lr: main.lr,
    ...(main.lrFinal === undefined ? {} : { lrFinal: main.lrFinal }),
    ...(protocol.antithetic ? { antithetic: 1 } : {}),
    ...(protocol.sharedNoise ? { sharedNoise: 1 } : {}),
    ...(protocol.parameterisation === 'official' ? { officialParams: 1 } : {}),
  };
}

/**
 * The protocol `toyParams` describes: `best` when sharedNoise is set, else `paper`, with the
 * step counts, samples and lr applied.
 * @throws RangeError when the parameters do not describe one of the two protocols
 */
export function toyProtocolOf(params: Params): ToyProtocol {
  const p = params as Numeric;
  const protocol = toyProtocol(p.sharedNoise === 1 ? 'best' : 'paper', {
    pretrainSteps: p.pretrainSteps,
    steps: p.steps,
    samples: p.samples,
    lr: p.lr,
  });
  const back = toyParams(protocol);
  const keys = new Set([...Object.keys(p), ...Object.keys(back)]);
  for (const k of keys) {
    if (back[k] === undefined || Math.abs(back[k] - p[k]) > 1e-12 * Math.abs(p[k])) {
      throw new RangeError(`params.${k}: ${p[k]} does not fit the ${protocol.name} protocol`);
    }
  }
  return protocol;
}

/**
 * The toy problem's training run, both models from their initialisation, diagonal then rank 2,
 * under the default protocol of `ssn toy` (`best`: 300 mean-only steps then 1500 on everything,
 * lr 0.05 decaying to 0.005 in each phase, 32 antithetic samples shared by both targets) and
 * under the official one (`paper`: 5000 + 5000 steps, lr 1e-3, 200 fresh samples per target).
 * Both sides do the same work per step.
 */
const toyWorkload: Workload = {
  name: 'toy',
  description:
    'toy problem, diagonal then rank 2: initToyParams + trainToy vs a plain torch loop of the same protocol',
  cases: (quick) =>
    quick
      ? [
          toyParams(toyProtocol('best', { pretrainSteps: 10, steps: 10, samples: 8 })),
          toyParams(toyProtocol('paper', { pretrainSteps: 10, steps: 10, samples: 20 })),
        ]
      : [toyParams(toyProtocol('best')), toyParams(toyProtocol('paper'))],
  reps: 3,
  warmup: 1,
  deterministic: false,
  prepare: (p) => {
    const protocol = toyProtocolOf(p);
    const targets = toyTargets();
    let rep = 0;
    return () => {
      const rng = createRng(`bench/compare/toy/${rep++}`);
      return toyModels(protocol, targets, rng).reduce((sum, m) => sum + m.lastLoss, 0);
    };
  },
  check: async (p, torch) => {
    const protocol = toyProtocolOf(p);
    const rng = createRng('bench/compare/toy/check');
    const targets = toyTargets();
    let agree = true;
    for (const rank of [0, 2]) {
      const params = initToyParams(TOY_PIXELS, rank, rng, protocol.init, protocol.parameterisation);
      const options = { count: protocol.samples, rank: Math.max(rank, 1), size: TOY_PIXELS };
      const draw = () => drawNoise(rng, { ...options, antithetic: protocol.antithetic });
      const noises = protocol.sharedNoise ? [draw()] : targets.map(draw);
      const ts = toyLossAndGrads(
        params,
        targets,
        protocol.sharedNoise ? [noises[0], noises[0]] : noises,
      );
      // Noises as torch's (M, T, ·) tensors, T = 1 when shared by both targets.
      const byTarget = (pick: (nz: (typeof noises)[0]) => Float64Array, width: number) =>
        Array.from({ length: protocol.samples }, (_, m) =>
          noises.map((nz) => Array.from(pick(nz).subarray(m * width, (m + 1) * width))),
        );
      const answer = await torch({
        mean: Array.from(params.mean),
        logDiag: Array.from(params.logDiag),
        logScale: rank === 0 ? null : reshape(params.logScale, protocol.parameterisation),
        direction: rank === 0 ? null : rows(params.direction, 2),
        official: protocol.parameterisation === 'official' ? 1 : 0,
        epsN: byTarget((nz) => nz.epsDiag, TOY_PIXELS),
        epsR: rank === 0 ? null : byTarget((nz) => nz.epsFactor, 2),
      });
      const { gradMean, gradLogDiag } = ts.grads;
      const grads = rank === 0 ? { gradMean, gradLogDiag } : { ...ts.grads };
      agree &&= resultsAgree(ts.loss, grads, answer);
    }
    return agree;
  },
};

/** N x R row-major as nested rows. */
function rows(a: Float64Array, width: number): number[][] {
  return Array.from({ length: a.length / width }, (_, i) =>
    Array.from(a.subarray(i * width, (i + 1) * width)),
  );
}

/** A toy log scale as torch's tensor: N x 2 per entry ('official'), 2 per column. */
function reshape(logScale: Float64Array, parameterisation?: string): number[] | number[][] {
  return parameterisation === 'official' ? rows(logScale, 2) : Array.from(logScale);
}

/**
 * One repetition of the toy workload: the diagonal then the rank-2 model, each initialised in
 * the protocol's parameterisation and trained under it; their parameters and last losses.
 */
export function toyModels(
  protocol: ToyProtocol,
  targets: readonly ArrayLike<number>[],
  rng: Rng,
): { params: ToyParams; lastLoss: number }[] {
  return [0, 2].map((rank) => {
    const params = initToyParams(TOY_PIXELS, rank, rng, protocol.init, protocol.parameterisation);
    const result = trainToy(params, targets, protocol, rng);
    return { params, lastLoss: result.losses[result.losses.length - 1] };
  });
}

/**
 * GED² of 100 samples against 4 annotations: clean discs, and the same discs with 3 % of their
 * pixels flipped (ssn-ts skips all-background words, so its time depends on the maps; numpy's
 * product does not).
 */
const gedWorkload: Workload = {
  name: 'ged',
  description: 'generalisedEnergyDistance vs numpy (one-hot masks, pairwise IoU by matrix product)',
  cases: (quick) =>
    [0, 30].map((speckle) => ({
      ...(quick
        ? { samples: 6, annotators: 4, side: 16, classes: 2 }
        : { samples: 100, annotators: 4, side: 128, classes: 2 }),
      speckle,
    })),
  reps: 15,
  warmup: WARMUP,
  deterministic: true,
  prepare: (params) => {
    const p = params as Numeric;
    const samples = discMapsFixture(p.samples, p.side, 0, p.speckle);
    const annotations = discMapsFixture(p.annotators, p.side, 1000, p.speckle);
    const options = { pixels: p.side * p.side, classes: p.classes };
    return () => generalisedEnergyDistance(samples, annotations, options).ged;
  },
};

/** The workloads in the order the issue lists them. */
export const WORKLOADS: readonly Workload[] = [
  mcLossWorkload,
  logProbWorkload,
  toyWorkload,
  gedWorkload,
];
