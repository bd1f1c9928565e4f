/**
 * The toy problem's training loss and its gradients, written with the general pieces (paper
 * eq. 7 with a bernoulli likelihood, spec/toy-problem.md, spec/mc-loss.md): for T targets y_t,
 *
 *   loss  = (1/T) Σ_t [−logsumexp_m ℓ_t,m + log M],   ℓ_t,m = Σ_s log p(y_t,s | eta^(t,m))
 *   grads = toyDistributionVjp(p, (1/T) Σ_t ∂loss_t/∂(loc, covFactor, covDiag))
 *
 * (a batch's losses are averaged, as the official script does). `toyLossAndGrads` computes the
 * same in the fused kernel (src/toy/kernels/fusedStep.ts), bit for bit
 * (test/toy/step.test.ts).
 */
import type { Noise } from '../distribution/noise.js';
import { mcLoss } from '../loss/mcLoss.js';
import { toyDistribution, toyDistributionVjp, type ToyGrads, type ToyParams } from './model.js';

/**
 * The mean over targets of `mcLoss` on `toyDistribution(params)`, and its gradients with
 * respect to the free parameters; `noises[t]` drives target t. Checked as `mcLoss` and
 * `toyDistribution` check their arguments.
 * @example toyLossAndGradsReference(initToyParams(21, 2, rng), toyTargets(), [noise, noise]).loss
 */
export function toyLossAndGradsReference(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  noises: readonly Noise[],
): { loss: number; grads: ToyGrads } {
  const dist = toyDistribution(params);
  const n = dist.size;
  const perTarget = 1 / targets.length;
  const gradLoc = new Float64Array(n);
  const gradCovDiag = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * dist.rank);
  let loss = 0;
  targets.forEach((y, t) => {
    const res = mcLoss(dist, y, noises[t], { likelihood: 'bernoulli' });
    loss += perTarget * res.loss;
    for (let i = 0; i < n; i++) {
      gradLoc[i] += perTarget * res.gradLoc[i];
      gradCovDiag[i] += perTarget * res.gradCovDiag[i];
    }
    for (let j = 0; j < gradCovFactor.length; j++) {
      gradCovFactor[j] += perTarget * res.gradCovFactor[j];
    }
  });
  return { loss, grads: toyDistributionVjp(params, { gradLoc, gradCovFactor, gradCovDiag }) };
}
