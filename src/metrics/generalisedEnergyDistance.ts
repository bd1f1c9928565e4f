/**
 * Generalised energy distance between predicted samples and annotations (paper eq. 8):
 *   GED² = 2 E[d(ŷ, y)] − E[d(ŷ, ŷ')] − E[d(y, y')],  d = 1 − IoU
 * Returned **squared**, without a square root: the quantity the paper (D²_GED) and every public
 * implementation report (REFERENCE.md §5b). The cross term is the plain mean over all Ns·Na
 * pairs; the within-set terms are V-statistics by default (i = j pairs included, as the public
 * code) or U-statistics on request. With the V-statistic and the sets identical, GED² = 0; with
 * the U-statistic GED² is unbiased but can be negative.
 * @see spec/metrics.md#generalised-energy-distance
 */
import { checkEstimator } from './labelMapChecks.js';
import { labelMapBitsets } from './labelMapBitsets.js';
import { bitsetIouDistance } from './iouDistance.js';
import { meanWithinSetDistance } from './sampleDiversity.js';
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
 * GED² between Ns samples and Na annotations, with its terms. Every unordered pair's
 * intersection is counted once, on foreground bitsets (see `labelMapBitsets`).
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S
 * @param annotations - Na·S integer labels in [0, C), annotation k at k·S
 * @param options - pixels S, classes C, convention ('ssn' default | 'lidc'), estimator ('v'
 *   default | 'u') for the two within-set terms
 * @throws TypeError when a set is not array-like or holds a non-integer
 * @throws RangeError when a set is empty or not a multiple of S, classes < 2, a label is out of
 *   range, or estimator 'u' is asked of a set with a single map
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
  const estimator = checkEstimator(options.estimator ?? 'v');
  const s = labelMapBitsets('samples', samples, options);
  const y = labelMapBitsets('annotations', annotations, options);
  const diversity = meanWithinSetDistance('samples', s, estimator);
  const annotatorDiversity = meanWithinSetDistance('annotations', y, estimator);
  let cross = 0;
  for (let i = 0; i < s.count; i++) {
    for (let j = 0; j < y.count; j++) cross += bitsetIouDistance(s, i, y, j);
  }
  const crossDistance = cross / (s.count * y.count);
  return {
    ged: 2 * crossDistance - diversity - annotatorDiversity,
    diversity,
    annotatorDiversity,
    crossDistance,
  };
}
