/**
 * The SSN training loss, the paper's eq. 7, with hand-derived gradients:
 *
 *   ℓ_m  = Σ_s m_s log p(y_s | eta_s^(m)),   eta^(m) = loc + P eps_R^(m) + √d ⊙ eps_N^(m)
 *   loss = −logsumexp_m ℓ_m + log M
 *
 * With w = softmax_m(ℓ) and the per-logit gradient of ℓ_m,
 *   ∂ℓ_m/∂eta[c, s] = m_s (1[y_s = c] − softmax(eta_s^(m))[c])      (categorical)
 *   ∂ℓ_m/∂eta[s]    = m_s (y_s − sigmoid(eta_s^(m)))                (bernoulli)
 * and g_m = −w_m ∂ℓ_m/∂eta, the chain rule through the reparameterisation gives
 *   ∂loss/∂loc = Σ_m g_m,   ∂loss/∂P = Σ_m g_m eps_R^(m)ᵀ,   ∂loss/∂d = Σ_m g_m ⊙ eps_N^(m) / (2√d)
 * @see spec/mc-loss.md for the derivation step by step
 */
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import { checkNoise, drawNoise, type Noise, type NoiseInput } from '../distribution/noise.js';
import type { Rng } from '../random/rng.js';
import {
  logSigmoid,
  pixelGeometry,
  sigmoid,
  type PixelGeometry,
  type PixelLikelihoodOptions,
} from './pixelLikelihood.js';

export interface McLossResult {
  /** −logsumexp_m ℓ_m + log M. */
  loss: number;
  /** ℓ_m, the masked log-likelihood of the labels under each sample, length M. */
  logLikelihoods: Float64Array;
  /** w = softmax(ℓ), each sample's share of the gradient, length M. */
  weights: Float64Array;
  /** ∂loss/∂loc, length N. */
  gradLoc: Float64Array;
  /** ∂loss/∂covFactor, N x R row-major. */
  gradCovFactor: Float64Array;
  /** ∂loss/∂covDiag, length N. */
  gradCovDiag: Float64Array;
}

/**
 * The MC loss of one labelled image and its gradients, for given noises (used exactly as
 * given: pass antithetic noises to get antithetic sampling). O(M N R) time, M N extra memory.
 * @param labels - S integer labels in [0, C) (in {0, 1} for bernoulli)
 * @param noise - M noise pairs, `epsFactor` M x R and `epsDiag` M x N
 * @throws RangeError naming the argument when shapes disagree, labels are out of range, the
 *   mask is not 0/1 of length S, or the noises are not finite
 * @example
 * // One pixel, two classes, zero noise: the loss is the cross-entropy of softmax(loc).
 * mcLoss(lowRankNormal({ loc: [0, 0], covFactor: [0, 0], covDiag: [1, 1], rank: 1 }), [1],
 *   { epsFactor: [0], epsDiag: [0, 0] }, { likelihood: 'categorical', classes: 2 }).loss // ≈ 0.6931
 */
export function mcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: NoiseInput,
  options: PixelLikelihoodOptions,
): McLossResult {
  const geometry = pixelGeometry(dist.size, labels, options);
  const eps = checkNoise(noise.epsFactor, noise.epsDiag, dist.rank, dist.size);
  const { count } = eps;
  const sqrtD = dist.covDiag.map(Math.sqrt);
  // dl[m*N + n] = ∂ℓ_m/∂eta_n, filled by the forward pass.
  const dl = new Float64Array(count * dist.size);
  const logLikelihoods = forwardPass(dist, sqrtD, labels, eps, count, geometry, dl);

  let maxL = -Infinity;
  for (let m = 0; m < count; m++) maxL = Math.max(maxL, logLikelihoods[m]);
  let sum = 0;
  const weights = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    weights[m] = Math.exp(logLikelihoods[m] - maxL);
    sum += weights[m];
  }
  for (let m = 0; m < count; m++) weights[m] /= sum;
  const loss = -(maxL + Math.log(sum)) + Math.log(count);

  return { loss, logLikelihoods, weights, ...backwardPass(dist, sqrtD, eps, count, weights, dl) };
}

/**
 * Pixels per tile. Both passes walk the pixels in tiles and the samples inside each tile, so the
 * M rows of eps_N and ∂ℓ/∂eta are read in short sequential runs and P's rows stay in cache.
 */
const TILE = 512;

/** Computes every ℓ_m and ∂ℓ_m/∂eta (into `dl`, M x N). */
function forwardPass(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  g: PixelGeometry,
  dl: Float64Array,
): Float64Array {
  const { size: n, rank, loc, covFactor: p } = dist;
  const { epsFactor, epsDiag } = noise;
  const { logitsPerPixel: cpp, pixels, pixelStride, classStride, mask } = g;
  const ll = new Float64Array(count);
  const eta = new Float64Array(cpp); // one pixel's logits under one sample
  const ex = new Float64Array(cpp);
  for (let s0 = 0; s0 < pixels; s0 += TILE) {
    const s1 = Math.min(pixels, s0 + TILE);
    for (let m = 0; m < count; m++) {
      const eR = m * rank;
      const eN = m * n;
      let sum = 0;
      for (let s = s0; s < s1; s++) {
        if (mask !== undefined && mask[s] === 0) continue;
        const base = s * pixelStride;
        for (let c = 0; c < cpp; c++) {
          const i = base + c * classStride;
          const row = i * rank;
          let v = loc[i] + sqrtD[i] * epsDiag[eN + i];
          for (let r = 0; r < rank; r++) v += p[row + r] * epsFactor[eR + r];
          eta[c] = v;
        }
        const y = labels[s];
        if (cpp === 1) {
          // Bernoulli: log p(y | eta) = log sigmoid(±eta), gradient y − sigmoid(eta).
          const v = eta[0];
          sum += y === 1 ? logSigmoid(v) : logSigmoid(-v);
          dl[eN + base] = y - sigmoid(v);
        } else if (cpp === 2) {
          // Two classes: log softmax(eta)[y] = log sigmoid(eta_y − eta_other).
          const t = y === 1 ? eta[1] - eta[0] : eta[0] - eta[1];
          sum += logSigmoid(t);
          const q = sigmoid(-t); // 1 − p(y)
          dl[eN + base + y * classStride] = q;
          dl[eN + base + (1 - y) * classStride] = -q;
        } else {
          let max = -Infinity;
          for (let c = 0; c < cpp; c++) max = Math.max(max, eta[c]);
          let z = 0;
          for (let c = 0; c < cpp; c++) {
            ex[c] = Math.exp(eta[c] - max);
            z += ex[c];
          }
          sum += eta[y] - max - Math.log(z);
          for (let c = 0; c < cpp; c++) {
            dl[eN + base + c * classStride] = (c === y ? 1 : 0) - ex[c] / z;
          }
        }
      }
      ll[m] += sum;
    }
  }
  return ll;
}
/** Accumulates g_m = −w_m ∂ℓ_m/∂eta into the three parameter gradients, tile by tile. */
function backwardPass(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  weights: Float64Array,
  dl: Float64Array,
): Pick<McLossResult, 'gradLoc' | 'gradCovFactor' | 'gradCovDiag'> {
  const { size: n, rank } = dist;
  const { epsFactor, epsDiag } = noise;
  const gradLoc = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * rank);
  const gradCovDiag = new Float64Array(n);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let m = 0; m < count; m++) {
      const w = -weights[m];
      const eR = m * rank;
      const eN = m * n;
      for (let i = i0; i < i1; i++) {
        const gm = w * dl[eN + i];
        if (gm === 0) continue;
        gradLoc[i] += gm;
        gradCovDiag[i] += gm * epsDiag[eN + i];
        const row = i * rank;
        for (let r = 0; r < rank; r++) gradCovFactor[row + r] += gm * epsFactor[eR + r];
      }
    }
    for (let i = i0; i < i1; i++) gradCovDiag[i] /= 2 * sqrtD[i];
  }
  return { gradLoc, gradCovFactor, gradCovDiag };
}

export interface McLossSampledOptions extends PixelLikelihoodOptions {
  /** Number of MC samples M (20 in the paper). */
  samples: number;
  /** Antithetic pairs (M even), as the official 3D code. */
  antithetic?: boolean;
}

/**
 * `mcLoss` with fresh noises drawn from `rng` (see `drawNoise` for the order of draws).
 * @returns the loss and gradients, and the noises used
 */
export function mcLossSampled(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  rng: Rng,
  options: McLossSampledOptions,
): McLossResult & { noise: Noise } {
  const noise = drawNoise(rng, {
    count: options.samples,
    rank: dist.rank,
    size: dist.size,
    antithetic: options.antithetic,
  });
  return { ...mcLoss(dist, labels, noise, options), noise };
}
