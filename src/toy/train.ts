/**
 * Training a toy model: the MC loss (paper eq. 7, bernoulli likelihood) of the T targets,
 * averaged (batch items are averaged), its gradient with respect to the free parameters, and
 * Adam. Each step runs the fused kernel `fusedToyStep` (src/toy/kernels/fusedStep.ts), which
 * equals `toyLossAndGradsReference` (src/toy/stepReference.ts) bit for bit:
 *   loss = (1/T) Σ_t [−logsumexp_m ℓ_t,m + log M],  ℓ_t,m = Σ_s log p(y_t,s | eta^(m))
 * Phases run one after another, each with a fresh Adam over the parameters it trains (the
 * official script's two optimisers: mean only, then everything); a mean-only phase asks the
 * step for ∂/∂mean alone, the same bits without the frozen parameters' sums.
 */
import { drawNoiseInto, emptyNoise } from '../distribution/noise.js';
import { createAdam, type Adam } from '../nn/adam.js';
import type { Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';
import {
  checkToyParams,
  checkToyTargets,
  cloneToyParams,
  copyToyParamsInto,
  type ToyParams,
} from './model.js';
import type { ToyPhase, ToyProtocol } from './protocol.js';
import { createToyStepWorkspace, fusedToyStep } from './kernels/fusedStep.js';

/** Progress callback: called after every step with the step index (1-based), its loss and the parameters. */
export type ToyStepCallback = (
  step: number,
  totalSteps: number,
  loss: number,
  /** The parameters being trained, after this step's update (the caller's own object). */
  params: ToyParams,
) => void;

/** What `trainToy` did: steps taken, early stop, losses. */
export interface ToyTrainResult {
  /** Steps taken (every phase together), counting the ones undone by a return to a checkpoint. */
  steps: number;
  /** True when a non-finite loss sent training back to its last checkpoint and stopped it. */
  stoppedEarly: boolean;
  /** The step whose parameters the model holds at the end (steps, or the checkpoint's step). */
  restoredStep: number;
  /** The loss of every step taken, in order. */
  losses: Float64Array;
}

/** Total steps of a protocol. */
export function protocolSteps(protocol: ToyProtocol): number {
  return protocol.phases.reduce((s, ph) => s + ph.steps, 0);
}

/** lr at step i (0-based) of a phase: geometric from lr to lrFinal (constant without lrFinal). */
export function phaseLearningRate(phase: ToyPhase, i: number): number {
  if (phase.lrFinal === undefined || phase.steps <= 1) return phase.lr;
  return phase.lr * (phase.lrFinal / phase.lr) ** (i / (phase.steps - 1));
}

/**
 * Trains `params` IN PLACE under `protocol`, drawing every noise from `rng`.
 * A checkpoint (a copy of the parameters) is taken before the first step and after every
 * `protocol.checkpointEvery` steps; when a step's loss or the gradient of a parameter it trains
 * (only the mean in a mean-only phase) is not finite, or the distribution's parameters cannot be
 * formed (a zero direction column, exp overflow), or an update leaves a parameter non-finite,
 * the parameters return to the last checkpoint and training stops (`stoppedEarly`): the official
 * script's "early stopping".
 * @throws RangeError when the protocol has no phase, a phase's step count is not an integer ≥ 0,
 *   the sample count is not an integer ≥ 1 (even with antithetic sampling), the parameters'
 *   lengths disagree, or a target is not a 0/1 map of N pixels
 */
export function trainToy(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  protocol: ToyProtocol,
  rng: Rng,
  onStep?: ToyStepCallback,
): ToyTrainResult {
  const { samples, antithetic, sharedNoise, checkpointEvery } = protocol;
  checkInteger('samples', samples, 1);
  if (antithetic && samples % 2 !== 0) {
    throw new RangeError(`samples: antithetic sampling needs an even count, got ${samples}`);
  }
  if (protocol.phases.length === 0) throw new RangeError('protocol: has no phase');
  protocol.phases.forEach((ph, i) => checkInteger(`phases[${i}].steps`, ph.steps, 0));
  checkInteger('checkpointEvery', checkpointEvery, 0);
  checkToyTargets(targets, checkToyParams(params));
  const total = protocolSteps(protocol);
  const losses = new Float64Array(total);
  const n = params.mean.length;
  const rank = Math.max(params.rank, 1);
  // One noise per target, or one for all: the fused step shares a noise's work among the
  // targets given the same Noise object.
  const shared = emptyNoise(samples, rank, n);
  const noises = targets.map((_, t) =>
    sharedNoise || t === 0 ? shared : emptyNoise(samples, rank, n),
  );
  const workspace = createToyStepWorkspace(
    n,
    params.rank,
    samples,
    targets.length,
    params.parameterisation,
  );
  const checkpoint = cloneToyParams(params);
  let checkpointStep = 0;
  let step = 0;

  for (const phase of protocol.phases) {
    const trained =
      phase.train === 'mean'
        ? [params.mean]
        : [params.mean, params.logDiag, params.logScale, params.direction].filter(
            (a) => a.length > 0,
          );
    const adam = createAdam(trained, { lr: phase.lr });
    // The gradients of the trained parameters, in `trained`'s order: arrays of the workspace,
    // which every step overwrites (the step computes only ∂/∂mean in a mean-only phase).
    const g = workspace.grads;
    const used =
      phase.train === 'mean'
        ? [g.gradMean]
        : [g.gradMean, g.gradLogDiag, g.gradLogScale, g.gradDirection].filter((a) => a.length > 0);
    const before = trained.map((a) => new Float64Array(a.length));
    for (let i = 0; i < phase.steps; i++) {
      let loss = NaN;
      let stepped = false;
      try {
        for (let t = 0; t < noises.length; t++) {
          if (t === 0 || !sharedNoise) drawNoiseInto(rng, noises[t], antithetic);
        }
        ({ loss } = fusedToyStep(params, targets, noises, workspace, phase.train));
        stepped = true;
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
      }
      losses[step] = loss;
      step++;
      if (!Number.isFinite(loss) || !stepped || !used.every(allFinite)) {
        copyToyParamsInto(params, checkpoint);
        return { steps: step, stoppedEarly: true, restoredStep: checkpointStep, losses };
      }
      stepWithLrFactor(adam, used, phaseLearningRate(phase, i) / phase.lr, before);
      if (!paramsFinite(params)) {
        // The update itself overflowed: the next loss could not be computed either.
        copyToyParamsInto(params, checkpoint);
        return { steps: step, stoppedEarly: true, restoredStep: checkpointStep, losses };
      }
      onStep?.(step, total, loss, params);
      if (checkpointEvery > 0 && step % checkpointEvery === 0) {
        copyToyParamsInto(checkpoint, params);
        checkpointStep = step;
      }
    }
  }
  return { steps: step, stoppedEarly: false, restoredStep: step, losses };
}

/**
 * One Adam step at lr · factor. `createAdam` fixes its lr, and Adam's update does not scale
 * with the gradient, so the step's displacement is scaled instead: θ ← θ₀ + factor (θ₁ − θ₀),
 * exactly the update of lr · factor (the moments do not depend on lr).
 */
function stepWithLrFactor(
  adam: Adam,
  grads: readonly Float64Array[],
  factor: number,
  before: Float64Array[],
): void {
  if (factor === 1) {
    adam.step(grads);
    return;
  }
  adam.params.forEach((p, j) => before[j].set(p));
  adam.step(grads);
  adam.params.forEach((p, j) => {
    const b = before[j];
    for (let i = 0; i < p.length; i++) p[i] = b[i] + factor * (p[i] - b[i]);
  });
}

function paramsFinite(p: ToyParams): boolean {
  return (
    allFinite(p.mean) && allFinite(p.logDiag) && allFinite(p.logScale) && allFinite(p.direction)
  );
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}
