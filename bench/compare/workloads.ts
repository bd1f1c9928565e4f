/**
 * The four workloads of `npm run bench:compare`, ssn-ts side (through the public API only).
 * spec/torch/bench.py times the same workloads in PyTorch; spec/performance.md says what each
 * timed region holds and why that is the fair comparison.
 */
import {
  createRng,
  generalisedEnergyDistance,
  initToyParams,
  logProbOf,
  lowRankNormal,
  mcLossSampled,
  TOY_PIXELS,
  toyProtocol,
  toyTargets,
  trainToy,
} from '../../src/index.js';
import type { Rng } from '../../src/random/rng.js';
import type { ToyParams } from '../../src/toy/model.js';
import type { ToyPhase, ToyProtocol } from '../../src/toy/protocol.js';
import { discMapsFixture, distributionFixture, labelFixture } from './fixtures.js';

/** Integer or real parameters of one case, sent to the torch side as they are. */
export type Params = Record<string, number>;

/** One timed repetition: runs the workload once and returns a scalar result. */
export type Repetition = () => number;

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
}

/** MC loss (eq. 7) with gradients: construction, noise drawing, loss and its VJP. */
const mcLossWorkload: Workload = {
  name: 'mcLoss',
  description:
    'lowRankNormal (copy: false) + mcLossSampled (noise drawn) vs LowRankMultivariateNormal + rsample + log_softmax + logsumexp + backward',
  cases: (quick) =>
    (quick ? [8] : [64, 128, 256]).map((side) => ({ side, classes: 2, rank: 10, samples: 20 })),
  reps: 15,
  warmup: 2,
  deterministic: false,
  prepare: (p) => {
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
};

/** Log-density of one vector, construction (capacitance Cholesky) included. */
const logProbWorkload: Workload = {
  name: 'logProb',
  description:
    'logProbOf (= logProb(lowRankNormal(params), x), one pass over the factor fewer) vs LowRankMultivariateNormal + log_prob (no autograd)',
  cases: (quick) =>
    (quick ? [2] : [10, 50]).map((rank) => ({ size: quick ? 1000 : 100_000, rank })),
  reps: 15,
  warmup: 2,
  deterministic: true,
  prepare: (p) => {
    const f = distributionFixture(p.size, p.rank);
    const params = { loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank: p.rank };
    return () => logProbOf(params, f.x);
  },
};

/**
 * A protocol as the numeric parameters both sides read: the phases' step counts, the samples,
 * lr, for `best` its lrFinal and the antithetic and sharedNoise flags (1; absent for paper), and
 * officialParams (1) when the model has the official parameterisation (a log scale per factor
 * entry, no ε on the diagonal; the `paper` protocol's).
 */
export function toyParams(protocol: ToyProtocol): Params {
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
export function toyProtocolOf(p: Params): ToyProtocol {
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
};

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

/** GED² of 100 samples against 4 annotations. */
const gedWorkload: Workload = {
  name: 'ged',
  description: 'generalisedEnergyDistance vs numpy (one-hot masks, pairwise IoU by matrix product)',
  cases: (quick) => [
    quick
      ? { samples: 6, annotators: 4, side: 16, classes: 2 }
      : { samples: 100, annotators: 4, side: 128, classes: 2 },
  ],
  reps: 15,
  warmup: 2,
  deterministic: true,
  prepare: (p) => {
    const samples = discMapsFixture(p.samples, p.side, 0);
    const annotations = discMapsFixture(p.annotators, p.side, 1000);
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
