/**
 * Argument checks shared by the segmentation metrics.
 *
 * A label map is an integer map of S pixels (Int32Array, Uint8Array or any ArrayLike<number>)
 * with values in [0, C); 0 is the background. A set of K maps is one flat array of K·S values,
 * row-major: map k occupies indices k·S .. (k+1)·S − 1.
 *
 * The generic checks (array-likes, labels) live in util/validate.ts, the library's one
 * vocabulary; they are re-exported here so the metrics import their checks from one place.
 * Beyond label maps, sets and classes: the options object, `maxSamples` (the official
 * evaluation's first-K convention) and a pair of maps.
 */
import { checkArrayLike, checkInteger, checkOneOf } from '../util/validate.js';
export { checkArrayLike, checkLabels, labelError } from '../util/validate.js';

/** The distance conventions (see `iouDistance` and spec/official-code.md#metrics). */
export type IouConvention = 'ssn' | 'lidc';

/** Which estimator of a within-set expectation: 'v' includes the i = j pairs, 'u' excludes them. */
export type PairEstimator = 'v' | 'u';

/**
 * Checks that `classes` is an integer ≥ 2 (background plus at least one foreground class).
 * @throws TypeError when it is not an integer
 * @throws RangeError when it is below 2
 */
export function checkClasses(classes: number): void {
  checkInteger('classes', classes, 2, 'background plus a foreground class');
}

/**
 * Checks that `pixels` (S, the size of one map) is a positive integer.
 * @throws TypeError when it is not an integer
 * @throws RangeError when it is below 1
 */
export function checkPixels(pixels: number): void {
  checkInteger('pixels', pixels, 1);
}

/** Checks the convention name. @throws RangeError for a string but 'ssn' or 'lidc' */
export function checkConvention(convention: string): IouConvention {
  return checkOneOf('convention', convention, ['ssn', 'lidc']);
}

/** Checks the estimator name. @throws RangeError for a string but 'v' or 'u' */
export function checkEstimator(estimator: string): PairEstimator {
  return checkOneOf('estimator', estimator, ['v', 'u']);
}

/**
 * Number of maps K in a flat set of K·S labels.
 * @throws TypeError when `maps` is not array-like
 * @throws RangeError when the length is 0 or not a multiple of `pixels`
 */
export function mapCount(name: string, maps: ArrayLike<number>, pixels: number): number {
  checkArrayLike(name, maps);
  const n = maps.length;
  if (n === 0) throw new RangeError(`${name}: empty set (0 maps)`);
  if (n % pixels !== 0) {
    throw new RangeError(
      `${name}: length ${n} is not a multiple of the map size ${pixels} (expected K * pixels)`,
    );
  }
  return n / pixels;
}

/**
 * Checks two label maps `a` and `b` of equal, non-zero length (their labels are checked later).
 * @throws TypeError when one is not array-like; RangeError when the lengths differ or are 0
 */
export function checkMapPair(a: ArrayLike<number>, b: ArrayLike<number>): void {
  checkArrayLike('a', a);
  checkArrayLike('b', b);
  if (a.length !== b.length) {
    throw new RangeError(`b: length ${b.length} differs from the length of a (${a.length})`);
  }
  if (a.length === 0) throw new RangeError('a: empty map (0 pixels)');
}

/**
 * Checks that `options` is an object (the metrics read `classes`, `pixels`, … from it).
 * @throws TypeError otherwise, the message starting with `options`
 */
export function checkOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    const got = options === null ? 'null' : typeof options;
    throw new TypeError(`options: must be an object with at least classes, got ${got}`);
  }
}

/**
 * K, the number of samples a within-set or cross expectation uses: the first `maxSamples` of
 * the `count` samples, or all of them when `maxSamples` is undefined.
 * @throws TypeError / RangeError (from `checkInteger`) unless `maxSamples` is an integer ≥ 1
 */
export function samplesUsed(maxSamples: number | undefined, count: number): number {
  if (maxSamples === undefined) return count;
  checkInteger('maxSamples', maxSamples, 1);
  return Math.min(maxSamples, count);
}

/**
 * Checks the arguments of the reference's pair means: a non-empty array of maps and a distance
 * function.
 * @throws TypeError when `maps` is not an array or `d` not a function; RangeError when empty
 */
export function checkMapList(name: string, maps: unknown, d: unknown): void {
  if (!Array.isArray(maps)) throw new TypeError(`${name}: must be an array of label maps`);
  if (maps.length === 0) throw new RangeError(`${name}: empty set (0 maps)`);
  if (typeof d !== 'function') throw new TypeError('d: must be a function (a, b) => distance');
}

/**
 * Checks that a within-set mean over K maps can be taken: the U-statistic ('u', which leaves out
 * the i = j pairs) needs at least 2 maps.
 * @throws RangeError naming the set otherwise
 */
export function checkPairCount(name: string, K: number, estimator: PairEstimator): void {
  if (estimator === 'u' && K < 2) {
    throw new RangeError(`${name}: the U-statistic needs at least 2 maps, got ${K}`);
  }
}
