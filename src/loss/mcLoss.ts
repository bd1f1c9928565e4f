/**
 * The SSN training loss, the paper's eq. 7, with hand-derived gradients, as the library runs it:
 *   loss = −logsumexp_m ℓ_m + log M,   ℓ_m = Σ_s mask_s log p(y_s | eta^(m)),
 *   eta^(m) = loc + P eps_R^(m) + √d ⊙ eps_N^(m)
 * The formulas and the three gradients as code: `mcLossReference` (src/loss/mcLossReference.ts).
 * This file checks the arguments and runs the kernels in src/loss/kernels/.
 * @see spec/mc-loss.md for the derivation step by step
 */
import { checkDistribution, type LowRankNormal } from '../distribution/lowRankNormal.js';
import { checkNoise, drawNoise, type Noise, type NoiseInput } from '../distribution/noise.js';
import { rsampleReference } from '../distribution/rsampleReference.js';
import type { Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';
import { binaryMcLoss } from './kernels/binaryMcLoss.js';
import { categoricalMcLoss } from './kernels/categoricalMcLoss.js';
import { mcLossReference } from './mcLossReference.js';
import {
  pixelGeometry,
  type PixelGeometry,
  type PixelLikelihoodOptions,
} from './pixelLikelihood.js';

/** The MC loss (paper eq. 7) with the per-sample terms and weights behind it. */
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
 * given: pass antithetic noises to get antithetic sampling). O(M N R) time, M N extra memory
 * (M S for two classes or bernoulli, which take a faster path on the logit difference:
 * src/loss/kernels/binaryMcLoss.ts; more classes run src/loss/kernels/categoricalMcLoss.ts).
 * Both agree with `mcLossReference` to the tolerances their files state. Logits up to ±1e308
 * give a finite loss or +∞ with finite gradients, never NaN; a sampled logit whose exact value is
 * past float64's range (loc + P eps_R + √d eps_N beyond ±1.8e308) is refused by name.
 * @param labels - S integer labels in [0, C) (in {0, 1} for bernoulli)
 * @param noise - M noise pairs, `epsFactor` M x R and `epsDiag` M x N
 * @throws RangeError naming the argument when shapes disagree, labels are out of range, the
 *   mask is not 0/1 of length S, the noises are not finite, or a sampled logit overflows
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
  checkDistribution(dist);
  const geometry = pixelGeometry(dist.size, labels, options);
  const eps = checkNoise(noise.epsFactor, noise.epsDiag, dist.rank, dist.size);
  return checkedMcLoss(dist, labels, eps, geometry, options);
}

/**
 * `mcLoss` after validation: noises of the right shapes and finite, labels and mask checked.
 * Two classes and bernoulli take the binary kernel, more classes the tiled categorical one. The
 * kernels sum in plain arithmetic; where that overflows although every sampled logit is finite
 * (terms of opposite signs past float64's range, e.g. loc = 1e308 and P eps_R = −1e308), their
 * result has NaN and the reference, whose sums are overflow-safe, gives the loss instead
 * (test/loss/mcLossReference.test.ts, "finite logits whose terms overflow").
 */
function checkedMcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  eps: Noise,
  geometry: PixelGeometry,
  options: PixelLikelihoodOptions,
): McLossResult {
  const result =
    geometry.logitsPerPixel <= 2
      ? binaryMcLoss(dist, labels, eps, geometry)
      : categoricalMcLoss(dist, labels, eps, geometry);
  if (!hasNaN(result)) return result;
  const overflow = notRepresentable(dist, eps);
  if (overflow !== null) throw overflow;
  const reference = mcLossReference(dist, labels, eps, options);
  if (hasNaN(reference)) {
    throw new Error('mcLoss: NaN from finite sampled logits (a bug in ssn-ts: please report it)');
  }
  return reference;
}

/** Whether any output of the loss is NaN (one pass over the gradients, O(N R)). */
function hasNaN(r: McLossResult): boolean {
  // One call per array, so that V8 optimises the loop as a function of its own (a loop over the
  // five arrays was optimised mid-loop, then deoptimised, and ran unoptimised for a dozen calls).
  return (
    Number.isNaN(r.loss) ||
    anyNaN(r.logLikelihoods) ||
    anyNaN(r.weights) ||
    anyNaN(r.gradLoc) ||
    anyNaN(r.gradCovFactor) ||
    anyNaN(r.gradCovDiag)
  );
}

/** Whether an entry of `a` is NaN. */
function anyNaN(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) return true;
  return false;
}

/**
 * For a loss that came out NaN: the error naming a sampled logit loc + P eps_R + √d eps_N past
 * float64's range (its exact value overflows; the loss and gradients of such a sample are not
 * representable), by sample and logit; null when every sampled logit is finite.
 */
function notRepresentable(dist: LowRankNormal, eps: Noise): RangeError | null {
  const eta = rsampleReference(dist, eps);
  const at = eta.findIndex((v) => !Number.isFinite(v));
  if (at < 0) return null;
  const m = Math.floor(at / dist.size);
  return new RangeError(
    `covFactor, epsFactor: sample ${m}'s logit ${at - m * dist.size} is ${eta[at]} ` +
      `(loc + P eps_R + √d eps_N exceeds float64's range), so the MC loss is not representable`,
  );
}

/** Options of `mcLossSampled`: M, antithetic pairs, and the pixel likelihood. */
export interface McLossSampledOptions extends PixelLikelihoodOptions {
  /**
   * Number of MC samples M (20 in the paper). Named `samples` at this level, as in the toy's
   * protocols and `ssn toy --samples`; the noise layer (`drawNoise`, `sample`, `Noise.count`)
   * names it `count`, because `samples` there is the array of draws.
   */
  samples: number;
  /** Antithetic pairs (M even), as the official 3D code. */
  antithetic?: boolean;
}

/**
 * `mcLoss` (and its kernels) with fresh noises drawn from `rng` (see `drawNoise` for the order
 * of draws). Every
 * argument is checked before the first draw, so a call that throws leaves `rng` where it was.
 * @returns the loss and gradients, and the noises used
 * @throws RangeError naming samples, labels or an option, as `mcLoss`
 */
export function mcLossSampled(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  rng: Rng,
  options: McLossSampledOptions,
): McLossResult & { noise: Noise } {
  checkDistribution(dist);
  const { samples, antithetic = false } = options;
  checkInteger('samples', samples, 1);
  if (antithetic && samples % 2 !== 0) {
    throw new RangeError(`samples: antithetic pairs need an even sample count, got ${samples}`);
  }
  const geometry = pixelGeometry(dist.size, labels, options);
  let noise: Noise;
  try {
    noise = drawNoise(rng, { count: samples, rank: dist.rank, size: dist.size, antithetic });
  } catch (err) {
    // drawNoise speaks of its own `count`; here the sample count is `samples`.
    if (err instanceof RangeError) throw new RangeError(err.message.replace(/^count:/, 'samples:'));
    throw err;
  }
  // drawNoise's noises are finite and of the right shapes by construction: no second check.
  return { ...checkedMcLoss(dist, labels, noise, geometry, options), noise };
}
