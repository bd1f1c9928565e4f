/**
 * Sample diversity E[d(ŷ, ŷ')] with d = 1 − IoU (paper §5.2, below eq. 8).
 *
 * Over K maps, with each unordered pair's distance computed once (d is symmetric, d(a, a) = 0):
 *   V-statistic (default, as every public GED code): (1/K²) Σ_{i,j} d_ij = 2 Σ_{i<j} d_ij / K²
 *   U-statistic:                                     2 Σ_{i<j} d_ij / (K (K − 1))
 * so V = (K − 1)/K · U. The V-statistic is biased low by that factor; it is the paper's number.
 * @see spec/metrics.md#sample-diversity
 */
import { checkEstimator } from './labelMapChecks.js';
import type { PairEstimator } from './labelMapChecks.js';
import { labelMapBitsets } from './labelMapBitsets.js';
import type { LabelMapBitsets } from './labelMapBitsets.js';
import { bitsetIouDistance } from './iouDistance.js';
import type { IouSetOptions } from './iouDistance.js';

/** Options of the within-set expectations: the set options plus the estimator. */
export interface PairExpectationOptions extends IouSetOptions {
  /** 'v' (default: all K² pairs, i = j included) or 'u' (the K(K − 1) pairs i ≠ j). */
  estimator?: PairEstimator;
}

/**
 * E[d(m, m')] over one packed set, by the V- or U-statistic (see the module comment).
 * @param name - argument name used in error messages
 * @throws RangeError for the U-statistic of fewer than 2 maps
 */
export function meanWithinSetDistance(
  name: string,
  set: LabelMapBitsets,
  estimator: PairEstimator,
): number {
  const K = set.count;
  if (estimator === 'u' && K < 2) {
    throw new RangeError(`${name}: the U-statistic needs at least 2 maps, got ${K}`);
  }
  let sum = 0;
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) sum += bitsetIouDistance(set, i, set, j);
  }
  return estimator === 'v' ? (2 * sum) / (K * K) : (2 * sum) / (K * (K - 1));
}

/**
 * Sample diversity of Ns label maps: the mean IoU distance over pairs of samples.
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S
 * @param options - pixels S, classes C, convention ('ssn' default | 'lidc'), estimator ('v'
 *   default | 'u')
 * @returns diversity ∈ [0, 1]
 * @throws TypeError when `samples` is not array-like or holds a non-integer
 * @throws RangeError when the length is 0 or not a multiple of S, classes < 2, a label is out of
 *   range, or estimator 'u' is asked of a single sample
 * @example sampleDiversity([1, 0, 1, 1, 0, 0], { pixels: 2, classes: 2 }) // = 2 (1/2 + 1 + 1) / 9 = 5/9
 */
export function sampleDiversity(
  samples: ArrayLike<number>,
  options: PairExpectationOptions,
): number {
  const estimator = checkEstimator(options.estimator ?? 'v');
  const set = labelMapBitsets('samples', samples, options);
  return meanWithinSetDistance('samples', set, estimator);
}
