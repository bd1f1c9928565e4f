/**
 * Sample diversity E[d(ŷ, ŷ')] with d = 1 − IoU (paper §5.2, below eq. 8).
 *
 * Over K maps, with each unordered pair's distance computed once (d is symmetric, d(a, a) = 0):
 *   V-statistic (default, as every public GED code): (1/K²) Σ_{i,j} d_ij = 2 Σ_{i<j} d_ij / K²
 *   U-statistic:                                     2 Σ_{i<j} d_ij / (K (K − 1))
 * so V = (K − 1)/K · U. The V-statistic is biased low by that factor; it is the paper's number.
 * `maxSamples` keeps only the first K samples, as the official evaluation keeps 20 of its 100.
 *
 * Which path runs: bitsets and pair loops (kernels/), equal bit for bit to
 * `sampleDiversityReference` (energyDistanceReference.ts), which is exported too.
 * @see spec/metrics.md#sample-diversity
 */
import { checkEstimator, checkOptions, checkPairCount, samplesUsed } from './labelMapChecks.js';
import type { PairEstimator } from './labelMapChecks.js';
import { labelMapBitsets } from './kernels/labelMapBitsets.js';
import { pairCountMatrix } from './kernels/pairCountMatrix.js';
import { bitsetWithinMean, matrixWithinMean } from './kernels/pairDistances.js';
import type { IouSetOptions } from './iouDistance.js';

/** Options of the within-set expectations: the set options plus the estimator. */
export interface PairExpectationOptions extends IouSetOptions {
  /** 'v' (default: all K² pairs, i = j included) or 'u' (the K(K − 1) pairs i ≠ j). */
  estimator?: PairEstimator;
  /**
   * K: use only the first K samples (an integer ≥ 1; all when larger than the set or undefined,
   * the default). The official evaluation uses the first 20 of its 100. Annotations are never cut.
   */
  maxSamples?: number;
}

/**
 * Sample diversity of Ns label maps: the mean IoU distance over pairs of samples (the first
 * `maxSamples` of them, all by default), by the bitset kernels; equals
 * `sampleDiversityReference(samples, options)` bit for bit.
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S; all are checked, also those
 *   beyond maxSamples
 * @param options - pixels S, classes C, convention ('ssn' default | 'lidc'), estimator ('v'
 *   default | 'u'), maxSamples K (default all)
 * @returns diversity ∈ [0, 1]
 * @throws TypeError when `samples` is not array-like or holds a non-integer
 * @throws RangeError when the length is 0 or not a multiple of S, classes < 2, a label is out of
 *   range, maxSamples < 1, or estimator 'u' is asked of a single sample
 * @throws TypeError when maxSamples is not an integer or options is not an object
 * @example sampleDiversity([1, 0, 1, 1, 0, 0], { pixels: 2, classes: 2 }) // = 2 (1/2 + 1 + 1) / 9 = 5/9
 */
export function sampleDiversity(
  samples: ArrayLike<number>,
  options: PairExpectationOptions,
): number {
  // Opens as generalisedEnergyDistance does (same checks, same packing), so that the two refuse
  // the same input alike and pack it the same way.
  checkOptions(options);
  const estimator = checkEstimator(options.estimator ?? 'v');
  const set = labelMapBitsets('samples', samples, options);
  const K = samplesUsed(options.maxSamples, set.count);
  checkPairCount('samples', K, estimator); // before any counting, as in bitsetWithinMean
  const counts = pairCountMatrix([{ set, count: K }]); // null where the rows are cheaper
  return counts !== null
    ? matrixWithinMean('samples', set, K, estimator, counts, 0)
    : bitsetWithinMean('samples', set, K, estimator);
}
