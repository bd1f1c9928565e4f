/**
 * The SSN training loss, the paper's eq. 7, and its three gradients, written as the formulas
 * (derivation: spec/mc-loss.md). With M reparameterised samples of eq. 5 (paper section 4)
 *
 *   eta^(m) = loc + P eps_R^(m) + √d ⊙ eps_N^(m)
 *   ℓ_m     = Σ_s mask_s log p(y_s | eta^(m)_s)        log softmax (categorical), log sigmoid (bernoulli)
 *   loss    = −log (1/M) Σ_m exp ℓ_m = −logsumexp_m ℓ_m + log M                     (eq. 7)
 *
 * and, with w = softmax_m(ℓ) and the slopes ∂ℓ_m/∂eta = mask ⊙ (onehot(y) − softmax(eta^(m)))
 * (bernoulli: mask ⊙ (y − sigmoid(eta^(m)))),
 *
 *   ∂loss/∂loc = −Σ_m w_m ∂ℓ_m/∂eta
 *   ∂loss/∂P   = −Σ_m w_m (∂ℓ_m/∂eta) eps_R^(m)ᵀ
 *   ∂loss/∂d   = −Σ_m w_m (∂ℓ_m/∂eta) ⊙ eps_N^(m) / (2√d)
 *
 * This is the readable layer: every sample is materialised (M x N memory). `mcLoss` computes the
 * same with the kernels in src/loss/kernels/, each of which says how close it is to this.
 */
import { checkDistribution, type LowRankNormal } from '../distribution/lowRankNormal.js';
import { checkNoise, type NoiseInput } from '../distribution/noise.js';
import { rsampleReference } from '../distribution/rsampleReference.js';
import type { McLossResult } from './mcLoss.js';
import {
  logSigmoid,
  pixelGeometry,
  sigmoid,
  type PixelGeometry,
  type PixelLikelihoodOptions,
} from './pixelLikelihood.js';

/**
 * Eq. 7 and its gradients from the formulas above, for given noises (checked as `mcLoss` checks
 * them). Logits up to ±1e308 give a finite loss or +∞, never NaN.
 * @throws RangeError naming the argument, as `mcLoss`
 * @example
 * // One pixel, two classes, zero noise: the cross-entropy of softmax(loc).
 * mcLossReference(lowRankNormal({ loc: [0, 0], covFactor: [0, 0], covDiag: [1, 1], rank: 1 }),
 *   [1], { epsFactor: [0], epsDiag: [0, 0] }, { likelihood: 'categorical', classes: 2 }).loss // ≈ 0.6931
 */
export function mcLossReference(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: NoiseInput,
  options: PixelLikelihoodOptions,
): McLossResult {
  // The same checks, in the same order, as mcLoss: both reject the same input with the same error.
  checkDistribution(dist);
  const geometry = pixelGeometry(dist.size, labels, options);
  const eps = checkNoise(noise.epsFactor, noise.epsDiag, dist.rank, dist.size);
  const eta = rsampleReference(dist, eps);
  const { logLikelihoods, slopes } = sampleLogLikelihoods(eta, eps.count, labels, geometry);
  const { loss, weights } = lossAndWeights(logLikelihoods);
  return {
    loss,
    logLikelihoods,
    weights,
    gradLoc: mcLossGradLoc(weights, slopes),
    gradCovFactor: mcLossGradCovFactor(weights, slopes, eps.epsFactor, dist.rank),
    gradCovDiag: mcLossGradCovDiag(weights, slopes, eps.epsDiag, dist.covDiag),
  };
}

/**
 * ℓ_m = Σ_s mask_s log p(y_s | eta^(m)_s) for each of the M samples in `eta` (M x N), and the
 * slopes ∂ℓ_m/∂eta (M x N, zero on masked pixels). Categorical: log softmax shifted by the
 * pixel's largest logit, so no exp overflows; bernoulli: log sigmoid(±eta).
 */
function sampleLogLikelihoods(
  eta: Float64Array,
  count: number,
  labels: ArrayLike<number>,
  geometry: PixelGeometry,
): { logLikelihoods: Float64Array; slopes: Float64Array } {
  const { likelihood, classes, pixels, pixelStride, classStride, mask } = geometry;
  const n = eta.length / count;
  const logLikelihoods = new Float64Array(count);
  const slopes = new Float64Array(count * n);
  for (let m = 0; m < count; m++) {
    for (let s = 0; s < pixels; s++) {
      if (mask !== undefined && mask[s] === 0) continue;
      const y = labels[s];
      const at = (c: number) => m * n + s * pixelStride + c * classStride; // logit (c, s)
      if (likelihood === 'bernoulli') {
        const t = eta[at(0)];
        logLikelihoods[m] += logSigmoid(y === 1 ? t : -t);
        slopes[at(0)] = y - sigmoid(t);
        continue;
      }
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, eta[at(c)]);
      let z = 0;
      for (let c = 0; c < classes; c++) z += Math.exp(eta[at(c)] - max);
      logLikelihoods[m] += eta[at(y)] - max - Math.log(z);
      for (let c = 0; c < classes; c++) {
        slopes[at(c)] = (c === y ? 1 : 0) - Math.exp(eta[at(c)] - max) / z;
      }
    }
  }
  return { logLikelihoods, slopes };
}

/**
 * loss = −logsumexp(ℓ) + log M and w = softmax(ℓ), both shifted by max ℓ; `weights` (length M)
 * is written when given. When every ℓ_m is −∞ (each sample's likelihood underflowed), the loss
 * is +∞, as rounding the exact value gives, and the weights are the equal shares 1/M: exact for
 * M = 1 or equal ℓ_m, and otherwise the one choice that keeps the gradients finite, since the
 * ℓ_m's differences are lost.
 */
export function lossAndWeights(
  logLikelihoods: Float64Array,
  weights: Float64Array = new Float64Array(logLikelihoods.length),
): { loss: number; weights: Float64Array } {
  const count = logLikelihoods.length;
  let maxL = -Infinity;
  for (let m = 0; m < count; m++) maxL = Math.max(maxL, logLikelihoods[m]);
  if (maxL === -Infinity) {
    weights.fill(1 / count);
    return { loss: Infinity, weights };
  }
  let sum = 0;
  for (let m = 0; m < count; m++) {
    weights[m] = Math.exp(logLikelihoods[m] - maxL);
    sum += weights[m];
  }
  for (let m = 0; m < count; m++) weights[m] /= sum;
  return { loss: -(maxL + Math.log(sum)) + Math.log(count), weights };
}

/** ∂loss/∂loc = −Σ_m w_m ∂ℓ_m/∂eta, length N (slopes M x N). */
export function mcLossGradLoc(weights: Float64Array, slopes: Float64Array): Float64Array {
  const n = slopes.length / weights.length;
  const grad = new Float64Array(n);
  for (let m = 0; m < weights.length; m++) {
    for (let i = 0; i < n; i++) grad[i] -= weights[m] * slopes[m * n + i];
  }
  return grad;
}

/** ∂loss/∂P = −Σ_m w_m (∂ℓ_m/∂eta) eps_R^(m)ᵀ, N x R row-major (epsFactor M x R). */
export function mcLossGradCovFactor(
  weights: Float64Array,
  slopes: Float64Array,
  epsFactor: Float64Array,
  rank: number,
): Float64Array {
  const n = slopes.length / weights.length;
  const grad = new Float64Array(n * rank);
  for (let m = 0; m < weights.length; m++) {
    for (let i = 0; i < n; i++) {
      const gm = -weights[m] * slopes[m * n + i]; // g_m[i] = ∂loss/∂eta^(m)_i
      for (let r = 0; r < rank; r++) grad[i * rank + r] += gm * epsFactor[m * rank + r];
    }
  }
  return grad;
}

/** ∂loss/∂d = −Σ_m w_m (∂ℓ_m/∂eta) ⊙ eps_N^(m) / (2√d), length N (epsDiag M x N). */
export function mcLossGradCovDiag(
  weights: Float64Array,
  slopes: Float64Array,
  epsDiag: Float64Array,
  covDiag: Float64Array,
): Float64Array {
  const n = covDiag.length;
  const grad = new Float64Array(n);
  for (let m = 0; m < weights.length; m++) {
    for (let i = 0; i < n; i++) grad[i] -= weights[m] * slopes[m * n + i] * epsDiag[m * n + i];
  }
  for (let i = 0; i < n; i++) grad[i] /= 2 * Math.sqrt(covDiag[i]);
  return grad;
}
