/**
 * Generalised energy distance and sample diversity as three mean distances (paper eq. 8 and the
 * definition below it), with d the IoU distance of iouDistanceReference.ts:
 *
 *   D²_GED = 2 E[d(S, Y)] − E[d(S, S')] − E[d(Y, Y')],   diversity = E[d(S, S')]
 *
 * for samples S = s_1..s_K and annotations Y = y_1..y_Na, each expectation a plain mean over pairs:
 *   cross:        E[d(S, Y)]  = (1 / (K Na)) Σ_i Σ_j d(s_i, y_j)
 *   within, 'v':  E[d(M, M')] = (1 / K²) Σ_i Σ_j d(m_i, m_j) = (2 / K²) Σ_{i<j} d(m_i, m_j)
 *   within, 'u':  E[d(M, M')] = (2 / (K (K − 1))) Σ_{i<j} d(m_i, m_j)
 * The V-statistic (default) includes the pairs i = j, as the official evaluation does; its second
 * form uses d(m, m) = 0 and d(m, m') = d(m', m). With `maxSamples`, only the first K samples enter
 * (the official evaluation uses 20 of its 100). GED is returned squared, without a root.
 *
 * This is the reference; `generalisedEnergyDistance` and `sampleDiversity` run the bitset and
 * pair-loop kernels (kernels/), which equal it bit for bit (test/metrics/kernels.test.ts).
 * @see spec/metrics.md#generalised-energy-distance
 */
import {
  checkClasses,
  checkEstimator,
  checkLabels,
  checkMapList,
  checkPairCount,
  checkOptions,
  checkPixels,
  mapCount,
  samplesUsed,
} from './labelMapChecks.js';
import type { PairEstimator } from './labelMapChecks.js';
import { iouChannels, iouDistanceOverChannels } from './iouDistanceReference.js';
import type { GeneralisedEnergyDistance } from './generalisedEnergyDistance.js';
import type { PairExpectationOptions } from './sampleDiversity.js';

/** A distance between two label maps. */
export type MapDistance = (a: ArrayLike<number>, b: ArrayLike<number>) => number;

/**
 * E[d(A, B)] = (1 / (Ka Kb)) Σ_i Σ_j d(a_i, b_j), the plain mean over all pairs of two sets.
 * @param a - Ka ≥ 1 label maps
 * @param b - Kb ≥ 1 label maps
 * @param d - the distance between two maps
 * @throws TypeError when a set is not an array or `d` not a function; RangeError when one is empty
 * @example meanCrossDistance([[0], [1]], [[3]], (x, y) => Math.abs(x[0] - y[0])) // (3 + 2)/2
 */
export function meanCrossDistance(
  a: readonly ArrayLike<number>[],
  b: readonly ArrayLike<number>[],
  d: MapDistance,
): number {
  checkMapList('a', a, d);
  checkMapList('b', b, d);
  let sum = 0;
  for (const ai of a) for (const bj of b) sum += d(ai, bj);
  return sum / (a.length * b.length);
}

/**
 * E[d(M, M')] within one set of K maps: 2 Σ_{i<j} d(m_i, m_j) divided by K² ('v', the pairs
 * i = j included at distance 0) or by K (K − 1) ('u', the pairs i ≠ j only). `d` must be a
 * symmetric distance with d(m, m) = 0.
 * @param name - the set's name in error messages
 * @throws TypeError when `maps` is not an array or `d` not a function
 * @throws RangeError when `maps` is empty, or for the U-statistic of fewer than 2 maps
 * @example meanWithinDistance([[0], [1], [3]], (x, y) => Math.abs(x[0] - y[0])) // 2 (1 + 3 + 2)/9
 */
export function meanWithinDistance(
  maps: readonly ArrayLike<number>[],
  d: MapDistance,
  estimator: PairEstimator = 'v',
  name = 'maps',
): number {
  checkMapList(name, maps, d);
  const K = maps.length;
  checkPairCount(name, K, checkEstimator(estimator));
  let sum = 0;
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) sum += d(maps[i], maps[j]);
  }
  return estimator === 'v' ? (2 * sum) / (K * K) : (2 * sum) / (K * (K - 1));
}

/**
 * Sample diversity E[d(S, S')] of the first K samples (all by default).
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S
 * @param options - pixels S, classes C, convention ('ssn' | 'lidc'), estimator ('v' | 'u'),
 *   maxSamples K
 * @throws as `sampleDiversity`
 * @example sampleDiversityReference([1, 0, 1, 1, 0, 0], { pixels: 2, classes: 2 }) // 2 (1/2 + 1 + 1) / 9
 */
export function sampleDiversityReference(
  samples: ArrayLike<number>,
  options: PairExpectationOptions,
): number {
  const { maps, d } = checkedSet('samples', samples, options);
  return meanWithinDistance(maps, d, options.estimator, 'samples');
}

/**
 * D²_GED between the first K samples (all by default) and the annotations, with its three terms.
 * @param samples - Ns·S integer labels in [0, C), sample k at k·S
 * @param annotations - Na·S integer labels in [0, C), annotation k at k·S
 * @param options - as `sampleDiversityReference`; `maxSamples` limits the samples only
 * @throws as `generalisedEnergyDistance`
 * @example
 * generalisedEnergyDistanceReference([1, 0, 1, 1], [1, 0, 0, 0], { pixels: 2, classes: 2 })
 * // = { crossDistance: 5/8, diversity: 1/4, annotatorDiversity: 1/2, ged: 1/2 }
 */
export function generalisedEnergyDistanceReference(
  samples: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: PairExpectationOptions,
): GeneralisedEnergyDistance {
  const s = checkedSet('samples', samples, options);
  const y = checkedSet('annotations', annotations, { ...options, maxSamples: undefined });
  const diversity = meanWithinDistance(s.maps, s.d, options.estimator, 'samples');
  const annotatorDiversity = meanWithinDistance(y.maps, y.d, options.estimator, 'annotations');
  const crossDistance = meanCrossDistance(s.maps, y.maps, s.d);
  return {
    ged: 2 * crossDistance - diversity - annotatorDiversity,
    diversity,
    annotatorDiversity,
    crossDistance,
  };
}

/** Checks a flat set and returns its first K maps (K from `maxSamples`) and the distance. */
function checkedSet(
  name: string,
  set: ArrayLike<number>,
  options: PairExpectationOptions,
): { maps: ArrayLike<number>[]; d: MapDistance } {
  checkOptions(options);
  checkEstimator(options.estimator ?? 'v');
  const { pixels: S, classes: C } = options;
  checkClasses(C);
  checkPixels(S);
  const channels = iouChannels(C, options.convention);
  const count = mapCount(name, set, S);
  checkLabels(name, set, C);
  const K = samplesUsed(options.maxSamples, count);
  const maps = Array.from(
    { length: K },
    (_, k) => Array.prototype.slice.call(set, k * S, (k + 1) * S) as number[],
  );
  return { maps, d: (a, b) => iouDistanceOverChannels(a, b, channels) };
}
