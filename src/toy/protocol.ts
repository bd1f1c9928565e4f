/**
 * Training protocols of the toy problem: the official script's (`paper`) and ours (`best`).
 * @see spec/toy-problem.md for what `best` changes and why
 */
import { checkParameterisation, type ToyInit, type ToyParameterisation } from './model.js';

/** One phase of training: a fresh Adam over the parameters it trains. */
export interface ToyPhase {
  steps: number;
  /** 'mean': only the mean moves; 'all': every free parameter. */
  train: 'mean' | 'all';
  /** Adam's learning rate at the phase's first step. */
  lr: number;
  /** If set, the lr decays geometrically to this value at the phase's last step. */
  lrFinal?: number;
}

/** 'paper' (the official script's settings) or 'best' (ours, spec/toy-problem.md). */
export type ToyProtocolName = 'paper' | 'best';

/** How a toy model is trained: its phases, samples per step, antithetic or not. */
export interface ToyProtocol {
  name: ToyProtocolName;
  phases: ToyPhase[];
  /** MC samples per target per step. */
  samples: number;
  /** Antithetic pairs (eps, −eps). */
  antithetic: boolean;
  /** Both targets' losses use the same noises in a step (common random numbers). */
  sharedNoise: boolean;
  /** Checkpoint period in steps (0: only the initial parameters are kept). */
  checkpointEvery: number;
  init: ToyInit;
  /**
   * The model's parameterisation: 'official' (a log scale per factor entry, no ε on the
   * diagonal) or 'column' (a log scale per column, ε = 1e-5); see ToyParameterisation.
   */
  parameterisation: ToyParameterisation;
}

/** Overrides a user may give on the command line. */
export interface ToyProtocolOverrides {
  /** Steps on every parameter (the last phase). */
  steps?: number;
  /** Mean-only steps before them (0 drops the phase). */
  pretrainSteps?: number;
  samples?: number;
  /** Learning rate of every phase (a decaying schedule keeps its ratio lrFinal / lr). */
  lr?: number;
  antithetic?: boolean;
  /** The model's parameterisation (the protocol's by default). */
  parameterisation?: ToyParameterisation;
}

/**
 * The official script (ssn/toy_problem.py in the official repository; spec/toy-problem.md):
 * 5000 mean-only steps then 5000 steps on everything, Adam at 1e-3 throughout, 200 fresh samples
 * per target per step (independent noises for the two targets, as a batch of two images draws
 * them), plain sampling, a checkpoint every 500 steps, init mean 0, logDiag −1, logScale −1,
 * direction ~ U(−½, ½), and its parameterisation: a log scale per factor entry (N x R) and no ε
 * on the diagonal.
 */
export const PAPER_PROTOCOL: ToyProtocol = {
  name: 'paper',
  phases: [
    { steps: 5000, train: 'mean', lr: 1e-3 },
    { steps: 5000, train: 'all', lr: 1e-3 },
  ],
  samples: 200,
  antithetic: false,
  sharedNoise: false,
  checkpointEvery: 500,
  init: { mean: 0, logDiag: -1, logScale: -1, directionHalfWidth: 0.5 },
  parameterisation: 'official',
};

/**
 * Our recipe; see spec/toy-problem.md#the-best-protocol. It keeps the 'column' parameterisation
 * (a log scale per column, ε = 1e-5) on which its published results were computed.
 */
export const BEST_PROTOCOL: ToyProtocol = {
  name: 'best',
  phases: [
    { steps: 300, train: 'mean', lr: 5e-2, lrFinal: 5e-3 },
    { steps: 1500, train: 'all', lr: 5e-2, lrFinal: 5e-3 },
  ],
  samples: 32,
  antithetic: true,
  sharedNoise: true,
  checkpointEvery: 500,
  init: { mean: 0, logDiag: -1, logScale: -1, directionHalfWidth: 0.5 },
  parameterisation: 'column',
};

/**
 * A named protocol with the user's overrides applied.
 * @throws RangeError naming the option when a step count is not an integer ≥ 0, samples is not
 *   an integer ≥ 1 (even with antithetic pairs), lr is not a positive finite number, or the
 *   name or the parameterisation is unknown
 */
export function toyProtocol(
  name: ToyProtocolName,
  overrides: ToyProtocolOverrides = {},
): ToyProtocol {
  if (name !== 'paper' && name !== 'best') {
    throw new RangeError(
      `protocol: unknown protocol ${JSON.stringify(name)} (expected paper or best)`,
    );
  }
  const base = name === 'paper' ? PAPER_PROTOCOL : BEST_PROTOCOL;
  const { steps, pretrainSteps, samples, lr, antithetic, parameterisation } = overrides;
  checkParameterisation(parameterisation);
  const checkCount = (label: string, v: number | undefined, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) {
      throw new RangeError(`${label}: must be an integer ≥ ${min}, got ${v}`);
    }
  };
  checkCount('steps', steps, 0);
  checkCount('pretrainSteps', pretrainSteps, 0);
  checkCount('samples', samples, 1);
  if (lr !== undefined && !(lr > 0 && Number.isFinite(lr))) {
    throw new RangeError(`lr: must be a positive finite number, got ${lr}`);
  }
  const pre = base.phases.find((p) => p.train === 'mean');
  const main = base.phases.find((p) => p.train === 'all') as ToyPhase;
  const phases: ToyPhase[] = [];
  const scale = (p: ToyPhase): ToyPhase =>
    lr === undefined
      ? { ...p }
      : { ...p, lr, ...(p.lrFinal === undefined ? {} : { lrFinal: (p.lrFinal / p.lr) * lr }) };
  const preSteps = pretrainSteps ?? pre?.steps ?? 0;
  if (preSteps > 0) phases.push(scale({ ...(pre ?? { ...main, train: 'mean' }), steps: preSteps }));
  phases.push(scale({ ...main, steps: steps ?? main.steps }));
  const out: ToyProtocol = {
    ...base,
    phases,
    samples: samples ?? base.samples,
    antithetic: antithetic ?? base.antithetic,
    init: { ...base.init },
    parameterisation: parameterisation ?? base.parameterisation,
  };
  if (out.antithetic && out.samples % 2 !== 0) {
    throw new RangeError(`samples: antithetic sampling needs an even count, got ${out.samples}`);
  }
  return out;
}
