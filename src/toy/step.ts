/**
 * One training step of the toy problem: the mean over the targets of the MC loss (paper eq. 7,
 * bernoulli likelihood) and its gradients with respect to the free parameters,
 *   loss = (1/T) Σ_t mcLoss(toyDistribution(p), y_t, noise_t).loss,   grads by toyDistributionVjp
 * `toyLossAndGradsReference` (src/toy/stepReference.ts) is that formula as code; this function
 * checks the arguments and runs the fused kernel (src/toy/kernels/fusedStep.ts), which equals the
 * reference bit for bit.
 */
import type { Noise } from '../distribution/noise.js';
import { checkFinite, checkLength } from '../util/validate.js';
import {
  createToyStepWorkspace,
  fusedToyStep,
  type ToyStepWorkspace,
} from './kernels/fusedStep.js';
import { checkToyParams, checkToyTargets, type ToyGrads, type ToyParams } from './model.js';

export { createToyStepWorkspace, type ToyStepWorkspace } from './kernels/fusedStep.js';

/**
 * The toy's training loss and its gradients with respect to the free parameters, for given
 * noises: `noises[t]` drives target t, and targets given the same Noise object share its
 * samples (and their exps). Each noise holds M x max(R, 1) factor noises and M x N diagonal
 * ones; the diagonal model's factor noises are drawn but unused, as in `trainToy`.
 * @throws RangeError naming the argument when the targets or noises have the wrong lengths, a
 *   label is not 0/1, a noise is not finite, a direction column is zero, or exp(logDiag) or
 *   exp(logScale) overflows
 */
export function toyLossAndGrads(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  noises: readonly Noise[],
  workspace?: ToyStepWorkspace,
): { loss: number; grads: ToyGrads } {
  const n = checkToyParams(params);
  const rank = Math.max(params.rank, 1);
  checkToyTargets(targets, n);
  if (noises.length !== targets.length) {
    throw new RangeError(`noises: need one per target (${targets.length}), got ${noises.length}`);
  }
  const count = noises[0].count;
  noises.forEach((nz, t) => {
    if (nz.count !== count) {
      throw new RangeError(`noises[${t}]: holds ${nz.count} samples, noises[0] holds ${count}`);
    }
    checkLength(`noises[${t}].epsFactor`, nz.epsFactor, count * rank, `M x R`);
    checkLength(`noises[${t}].epsDiag`, nz.epsDiag, count * n, `M x N`);
    checkFinite(`noises[${t}].epsFactor`, nz.epsFactor);
    checkFinite(`noises[${t}].epsDiag`, nz.epsDiag);
  });
  const fits =
    workspace !== undefined &&
    workspace.size === n &&
    workspace.rank === params.rank &&
    workspace.count === count &&
    workspace.grads.gradLogScale.length === params.logScale.length &&
    workspace.slopes.length === targets.length;
  if (workspace !== undefined && !fits) {
    throw new RangeError(
      `workspace: made for N ${workspace.size}, R ${workspace.rank}, M ${workspace.count}, ` +
        `${workspace.slopes.length} targets, ${workspace.grads.gradLogScale.length} log scales; ` +
        `got ${n}, ${params.rank}, ${count}, ${targets.length}, ${params.logScale.length}`,
    );
  }
  const ws =
    workspace ??
    createToyStepWorkspace(n, params.rank, count, targets.length, params.parameterisation);
  return fusedToyStep(params, targets, noises, ws);
}
