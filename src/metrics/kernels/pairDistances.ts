/**
 * Kernel: the mean IoU distances over pairs of packed label maps, the three terms of GED².
 *
 * Equal **bit for bit** to `meanCrossDistance` and `meanWithinDistance`
 * (../energyDistanceReference.ts) with the reference IoU distance: each pair's distance is the
 * reference's (see labelMapBitsets.ts), and the pairs are summed in the reference's order (i
 * ascending, then j ascending; within a set only j > i) and divided by the same integer.
 * Tied by test/metrics/kernels.test.ts. The only speed-up here is that each map is packed once
 * and each unordered within-set pair is counted once.
 */
import { checkPairCount, type PairEstimator } from '../labelMapChecks.js';
import { bitsetIouDistance } from './labelMapBitsets.js';
import type { LabelMapBitsets } from './labelMapBitsets.js';

/**
 * E[d(A, B)] over the first `countA` maps of `a` and all maps of `b`:
 * (1 / (countA Kb)) Σ_i Σ_j d(a_i, b_j).
 */
export function bitsetCrossMean(a: LabelMapBitsets, countA: number, b: LabelMapBitsets): number {
  let sum = 0;
  for (let i = 0; i < countA; i++) {
    for (let j = 0; j < b.count; j++) sum += bitsetIouDistance(a, i, b, j);
  }
  return sum / (countA * b.count);
}

/**
 * E[d(M, M')] over the first K maps of one packed set: 2 Σ_{i<j} d_ij / K² ('v') or
 * 2 Σ_{i<j} d_ij / (K (K − 1)) ('u').
 * @param name - argument name used in error messages
 * @throws RangeError for the U-statistic of fewer than 2 maps
 */
export function bitsetWithinMean(
  name: string,
  set: LabelMapBitsets,
  K: number,
  estimator: PairEstimator,
): number {
  checkPairCount(name, K, estimator);
  let sum = 0;
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) sum += bitsetIouDistance(set, i, set, j);
  }
  return estimator === 'v' ? (2 * sum) / (K * K) : (2 * sum) / (K * (K - 1));
}
