/**
 * Checks the metrics need beyond labelMapChecks.ts (label maps, sets, classes): the options
 * object, `maxSamples` (the official evaluation's first-K convention) and a pair of maps.
 */
import { checkInteger } from '../util/validate.js';
import { checkArrayLike } from './labelMapChecks.js';

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
