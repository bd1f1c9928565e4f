/**
 * Generalised energy distance between predicted samples and annotations (paper eq. 8):
 *   GED² = 2 E[d(ŷ, y)] − E[d(ŷ, ŷ')] − E[d(y, y')],  d = 1 − IoU
 * Returned **squared**, without a square root: the quantity the paper (D²_GED) and every public
 * implementation report. The cross term is the plain mean over all Ns·Na pairs; the within-set
 * terms are V-statistics by default (i = j pairs included, as the public code) or U-statistics
 * on request. With the V-statistic and the sets identical, GED² = 0; with the U-statistic GED²
 * is unbiased but can be negative. `maxSamples` keeps only the first K
 * samples (the official evaluation: 20 of its 100).
 *
 * Which path runs: bitsets and pair loops (kernels/), equal bit for bit to
 * `generalisedEnergyDistanceReference` (energyDistanceReference.ts), the three mean distances
 * written as the formula, which is exported too.
 * @see spec/metrics.md#generalised-energy-distance
 */
import { checkEstimator, checkOptions, checkPairCount, samplesUsed } from './labelMapChecks.js';
import { labelMapBitsets } from './kernels/labelMapBitsets.js';
import { pairCountMatrix } from './kernels/pairCountMatrix.js';
import {
  bitsetCrossMean,
  bitsetWithinMean,
  matrixCrossMean,
  matrixWithinMean,
  pairRow,
} from './kernels/pairDistances.js';
import type { PairExpectationOptions } from './sampleDiversity.js';

/** The GED² and its three terms. */
export interface GeneralisedEnergyDistance {
  /** GED² = 2·crossDistance − diversity − annotatorDiversity (no square root). */
  readonly ged: number;
  /** E[d(ŷ, ŷ')] over the samples (the sample diversity). */
  readonly diversity: number;
  /** E[d(y, y')] over the annotations. */
  readonly annotatorDiversity: number;
  /** E[d(ŷ, y)], mean over all sample–annotation pairs. */
  readonly crossDistance: number;
}

/**
 * GED² between the first K of Ns samples (K = maxSamples, all by default) and Na annotations,
 * with its terms. Every unordered pair's intersection is counted once, on foreground bitsets
 * (kernels/); the result equals `generalisedEnergyDistanceReference` bit for bit.
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S
 * @param annotations - Na·S integer labels in [0, C), annotation k at k·S
 * @param options - pixels S, classes C, convention ('ssn' default | 'lidc'), estimator ('v'
 *   default | 'u') for the two within-set terms, maxSamples K (the samples used; default all;
 *   every sample is still checked)
 * @throws TypeError when a set is not array-like or holds a non-integer, maxSamples is not an
 *   integer, or options is not an object
 * @throws RangeError when a set is empty or not a multiple of S, classes < 2, a label is out of
 *   range, maxSamples < 1, or estimator 'u' is asked of a set with a single map
 * @example
 * // samples [1,0], [1,1]; annotations [1,0], [0,0] (S = 2, C = 2):
 * generalisedEnergyDistance([1, 0, 1, 1], [1, 0, 0, 0], { pixels: 2, classes: 2 })
 * // = { crossDistance: 5/8, diversity: 1/4, annotatorDiversity: 1/2, ged: 1/2 }
 */
export function generalisedEnergyDistance(
  samples: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: PairExpectationOptions,
): GeneralisedEnergyDistance {
  checkOptions(options);
  const estimator = checkEstimator(options.estimator ?? 'v');
  const s = labelMapBitsets('samples', samples, options);
  const y = labelMapBitsets('annotations', annotations, options);
  const K = samplesUsed(options.maxSamples, s.count);
  let diversity: number;
  let annotatorDiversity: number;
  let crossDistance: number;
  // The U-statistic's refusal of a single map comes first, samples before annotations, as in
  // the row kernels' path (which checks in bitsetWithinMean).
  checkPairCount('samples', K, estimator);
  checkPairCount('annotations', y.count, estimator);
  // All pairs at once where that is cheaper: samples are maps 0 .. K − 1, annotations after.
  const counts = pairCountMatrix([
    { set: s, count: K },
    { set: y, count: y.count },
  ]);
  if (counts !== null) {
    diversity = matrixWithinMean('samples', s, K, estimator, counts, 0);
    annotatorDiversity = matrixWithinMean('annotations', y, y.count, estimator, counts, K);
    crossDistance = matrixCrossMean(s, K, y, counts, K);
  } else {
    const row = pairRow([s, y], Math.max(K, y.count)); // scratch shared by the three terms
    diversity = bitsetWithinMean('samples', s, K, estimator, row);
    annotatorDiversity = bitsetWithinMean('annotations', y, y.count, estimator, row);
    crossDistance = bitsetCrossMean(s, K, y, row);
  }
  return {
    ged: 2 * crossDistance - diversity - annotatorDiversity,
    diversity,
    annotatorDiversity,
    crossDistance,
  };
}
