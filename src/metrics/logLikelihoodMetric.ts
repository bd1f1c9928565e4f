/**
 * The log-likelihood metric of the paper's toy experiment (paper section 5.1; spec/metrics.md): a
 * Monte Carlo estimate of log p(y | x) = log E_η[p(y | η)] from M samples,
 *   LL = logsumexp_m(ℓ_m) − log M,  ℓ_m = Σ_pixels log p_m(y)
 * i.e. the log of the mean per-sample likelihood, computed stably (no exp of ℓ_m directly).
 * It is −(the loss of paper eq. 7) for one image. By Jensen it is ≥ the mean of the ℓ_m.
 * It takes the ℓ_m of the labels given sampled logits (categorical or Bernoulli), so it needs no
 * Gaussian log-density; where a caller wants the density of the logits themselves, `logProb`
 * gives it by the stable form (spec/lowrank-normal.md#the-stable-form).
 * @see spec/metrics.md#log-likelihood
 */
import { logSumExp } from '../math/logSumExp.js';

/**
 * @param perSampleLogLik - the M per-sample log-likelihoods ℓ_m (each may be −∞)
 * @returns logsumexp_m ℓ_m − log M; −∞ when every ℓ_m is −∞
 * @throws TypeError when the argument is not array-like or an entry is not a number
 * @throws RangeError when M = 0 or some ℓ_m is NaN or +∞
 * @example logLikelihoodMetric(Float64Array.of(Math.log(0.5), Math.log(0.25))) // = log(0.375) ≈ -0.9808
 */
export function logLikelihoodMetric(perSampleLogLik: ArrayLike<number>): number {
  if (perSampleLogLik === null || typeof perSampleLogLik !== 'object') {
    throw new TypeError('perSampleLogLik: must be an array-like of numbers (Float64Array)');
  }
  const M = perSampleLogLik.length;
  if (!Number.isInteger(M) || M === 0) {
    throw new RangeError('perSampleLogLik: empty (need at least one sample)');
  }
  for (let m = 0; m < M; m++) {
    const v = perSampleLogLik[m];
    if (typeof v !== 'number') {
      throw new TypeError(
        `perSampleLogLik: entry ${m} is ${v === null ? 'null' : typeof v}, not a number`,
      );
    }
    if (Number.isNaN(v) || v === Infinity) {
      throw new RangeError(`perSampleLogLik: value ${v} at index ${m} is not a log-likelihood`);
    }
  }
  return logSumExp(perSampleLogLik) - Math.log(M);
}
