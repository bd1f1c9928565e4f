/**
 * Per-pixel entropy of a categorical distribution over C classes (paper Fig. 4e, "marginal
 * entropy"), in nats, with 0 · log 0 = 0:
 *   H_s = −Σ_c p[c, s] log p[c, s]
 * For an SSN the marginal p[·, s] is the mean over samples of softmax(η_s) (pass that to
 * `marginalEntropy`). `marginalEntropyFromLogits` takes one logit map instead (e.g. the mean μ
 * or a deterministic net) and uses log-softmax, which is exact where the probability underflows:
 *   log p_c = l_c − logsumexp(l),  H = −Σ_c exp(log p_c) · log p_c
 * Layout of both inputs: class-major C·S, entry c·S + s (spec/metrics.md#inputs).
 * @see spec/metrics.md#marginal-entropy
 */
import { checkArrayLike, checkClasses, checkOptions } from './labelMapChecks.js';

/** Options of the entropy functions. */
export interface EntropyOptions {
  /** C, number of classes (≥ 2). */
  classes: number;
}

/**
 * Checks a class-major C·S array and the options, in argument order; returns S. The two entropies
 * below share it and their opening lines; their per-pixel loops differ (p log p vs log-softmax).
 */
function pixelCount(name: string, values: ArrayLike<number>, options: EntropyOptions): number {
  checkArrayLike(name, values);
  checkOptions(options);
  const C = options.classes;
  checkClasses(C);
  const n = values.length;
  if (n === 0 || n % C !== 0) {
    throw new RangeError(
      `${name}: length ${n} is not a positive multiple of ${C} classes (expected C * S)`,
    );
  }
  return n / C;
}

/**
 * Entropy of each pixel's class distribution.
 * @param probabilities - C·S class-major probabilities; each pixel's column must lie in [0, 1]
 *   and sum to 1 within 1e-6 (a sum far from 1 usually means a pixel-major layout)
 * @returns Float64Array of length S, H_s ∈ [0, log C]
 * @throws TypeError when not array-like, or options is not an object
 * @throws RangeError when the length is not a positive multiple of C, classes < 2, a value is
 *   outside [0, 1] (or NaN), or a column does not sum to 1
 * @example marginalEntropy([0.5, 1, 0.5, 0], { classes: 2 }) // [log 2, 0] ≈ [0.6931, 0]
 */
export function marginalEntropy(
  probabilities: ArrayLike<number>,
  options: EntropyOptions,
): Float64Array {
  const S = pixelCount('probabilities', probabilities, options);
  const C = options.classes;
  const out = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let h = 0;
    let total = 0;
    for (let c = 0; c < C; c++) {
      const p = probabilities[c * S + s];
      if (!(p >= 0 && p <= 1)) {
        throw new RangeError(
          `probabilities: value ${p} at index ${c * S + s} is not a probability in [0, 1]`,
        );
      }
      total += p;
      if (p > 0) h -= p * Math.log(p);
    }
    if (Math.abs(total - 1) > 1e-6) {
      throw new RangeError(
        `probabilities: the classes of pixel ${s} sum to ${total}, not 1 (expected class-major C * S)`,
      );
    }
    out[s] = h;
  }
  return out;
}

/**
 * Entropy of softmax(logits) at each pixel, through log-softmax.
 * @param logits - C·S class-major finite logits
 * @returns Float64Array of length S, H_s ∈ [0, log C]
 * @throws TypeError when not array-like, or options is not an object
 * @throws RangeError when the length is not a positive multiple of C, classes < 2, or a logit is
 *   not finite
 * @example marginalEntropyFromLogits([0, 0], { classes: 2 }) // [log 2] ≈ [0.6931]
 */
export function marginalEntropyFromLogits(
  logits: ArrayLike<number>,
  options: EntropyOptions,
): Float64Array {
  const S = pixelCount('logits', logits, options);
  const C = options.classes;
  const out = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let max = -Infinity;
    for (let c = 0; c < C; c++) {
      const l = logits[c * S + s];
      if (!Number.isFinite(l)) {
        throw new RangeError(`logits: value ${l} at index ${c * S + s} is not finite`);
      }
      if (l > max) max = l;
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[c * S + s] - max);
    const lse = max + Math.log(sum);
    let h = 0;
    for (let c = 0; c < C; c++) {
      const logp = logits[c * S + s] - lse;
      h -= Math.exp(logp) * logp;
    }
    // Rounding can leave a tiny negative value for a one-hot column.
    out[s] = h > 0 ? h : 0;
  }
  return out;
}
