/**
 * The toy problem's log-likelihood, estimated two ways (paper section 5.1; spec/toy-problem.md):
 * - the paper's: the loss formula on 1000 samples, LL_t = logsumexp_m ℓ_t,m − log M, averaged
 *   over the two targets (what the paper reports: −0.93 low-rank, −4.87 diagonal);
 * - a precise one: the same estimator on many samples (100,000 by default, in chunks), with a
 *   standard error by the delta method.
 *
 * The estimator. For target t, p_t = E_eta[exp ℓ_t(eta)] and LL_t = log p̂_t with
 * p̂_t = (1/M) Σ_m exp ℓ_t,m. With w_m = exp(ℓ_t,m − c) (c a running maximum, so nothing
 * overflows), the delta method gives
 *   Var(log p̂_t) ≈ Var(w) / (M w̄²),   Var(w) = mean(w²) − w̄²,
 * and since the two targets use independent noises, SE(½(LL_0 + LL_1)) = ½ √(SE_0² + SE_1²).
 * Every exp ℓ lies in [0, 1], so Var(w) is finite and the delta method applies; log p̂ is biased
 * low by about Var(log p̂)/2, far below the SE at 100,000 samples.
 */
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import { drawNoise } from '../distribution/noise.js';
import { rsample } from '../distribution/rsample.js';
import { logSigmoid } from '../loss/pixelLikelihood.js';
import { logLikelihoodMetric } from '../metrics/logLikelihoodMetric.js';
import type { Rng } from '../random/rng.js';
import { checkBinary, checkInteger, checkLength } from '../util/validate.js';

/** The toy problem's log-likelihood estimates (the paper's and a precise one). */
export interface ToyEvaluation {
  /** The paper's estimate on `paperSamples` (1000) samples per target. */
  paper1000: number;
  /** The precise estimate on `samples` samples per target. */
  estimate: number;
  /** Its standard error (delta method). */
  standardError: number;
  /** Samples per target behind `estimate`. */
  samples: number;
}

/** Options of `evaluateToy`: sample counts and the chunk size. */
export interface EvaluateToyOptions {
  /** Samples per target for the paper's estimate (default 1000). */
  paperSamples?: number;
  /** Samples per target for the precise estimate (default 100,000). */
  samples?: number;
  /** Samples drawn at a time (default 10,000); changes the memory, not the numbers' law. */
  chunk?: number;
}

/**
 * ℓ_m = Σ_s log p(y_s | eta_s^(m)) for M samples, bernoulli likelihood (one logit per pixel),
 * eta = loc + P eps_R + √d eps_N.
 * @throws RangeError when labels are not 0/1 of length N, or the noises do not fit
 */
export function bernoulliSampleLogLikelihoods(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: { epsFactor: ArrayLike<number>; epsDiag: ArrayLike<number> },
): Float64Array {
  const n = dist.size;
  checkLength('labels', labels, n, `the pixel count N = ${n}`);
  checkBinary('labels', labels);
  const eta = rsample(dist, noise);
  const count = eta.length / n;
  const out = new Float64Array(count);
  for (let m = 0; m < count; m++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = eta[m * n + i];
      s += labels[i] === 1 ? logSigmoid(v) : logSigmoid(-v);
    }
    out[m] = s;
  }
  return out;
}

/**
 * Both estimates of the average log-likelihood of `targets` (equiprobable) under `dist`. Draws
 * the paper's noises first (per target), then the precise estimate's (per target, chunk by
 * chunk), all from `rng`.
 * @throws RangeError when a sample count is not an integer ≥ 1 or a target does not fit
 * @example evaluateToy(dist, toyTargets(), createRng(0)) // { paper1000: −0.93…, estimate, standardError, samples: 100000 }
 */
export function evaluateToy(
  dist: LowRankNormal,
  targets: readonly ArrayLike<number>[],
  rng: Rng,
  options: EvaluateToyOptions = {},
): ToyEvaluation {
  const { paperSamples = 1000, samples = 100_000, chunk = 10_000 } = options;
  checkInteger('paperSamples', paperSamples, 1);
  checkInteger('samples', samples, 1);
  checkInteger('chunk', chunk, 1);
  if (targets.length === 0) throw new RangeError('targets: need at least one label map');
  const draw = (count: number) => drawNoise(rng, { count, rank: dist.rank, size: dist.size });

  let paper = 0;
  for (const y of targets) {
    paper += logLikelihoodMetric(bernoulliSampleLogLikelihoods(dist, y, draw(paperSamples)));
  }
  paper /= targets.length;

  let estimate = 0;
  let variance = 0;
  for (const y of targets) {
    // Running sums of w = exp(ℓ − c) and w², rescaled when the maximum c grows.
    let c = -Infinity;
    let s1 = 0;
    let s2 = 0;
    for (let done = 0; done < samples;) {
      const count = Math.min(chunk, samples - done);
      const ll = bernoulliSampleLogLikelihoods(dist, y, draw(count));
      let max = c;
      for (let m = 0; m < count; m++) if (ll[m] > max) max = ll[m];
      if (max > c) {
        const k = c === -Infinity ? 0 : Math.exp(c - max);
        s1 *= k;
        s2 *= k * k;
        c = max;
      }
      for (let m = 0; m < count; m++) {
        const w = Math.exp(ll[m] - c);
        s1 += w;
        s2 += w * w;
      }
      done += count;
    }
    const mean = s1 / samples;
    const varW = Math.max(0, s2 / samples - mean * mean);
    estimate += c + Math.log(mean);
    variance += varW / (samples * mean * mean);
  }
  const t = targets.length;
  return {
    paper1000: paper,
    estimate: estimate / t,
    standardError: Math.sqrt(variance) / t,
    samples,
  };
}
