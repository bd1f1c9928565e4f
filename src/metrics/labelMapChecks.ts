/**
 * Argument checks shared by the segmentation metrics.
 *
 * A label map is an integer map of S pixels (Int32Array, Uint8Array or any ArrayLike<number>)
 * with values in [0, C); 0 is the background. A set of K maps is one flat array of K·S values,
 * row-major: map k occupies indices k·S .. (k+1)·S − 1.
 */

/** The distance conventions (see `iouDistance` and spec/official-code.md#metrics). */
export type IouConvention = 'ssn' | 'lidc';

/** Which estimator of a within-set expectation: 'v' includes the i = j pairs, 'u' excludes them. */
export type PairEstimator = 'v' | 'u';

/**
 * Checks that `classes` is an integer ≥ 2 (background plus at least one foreground class).
 * @throws RangeError otherwise
 */
export function checkClasses(classes: number): void {
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(
      `classes: must be an integer >= 2 (background plus a foreground class), got ${classes}`,
    );
  }
}

/**
 * Checks that `pixels` (S, the size of one map) is a positive integer.
 * @throws RangeError otherwise
 */
export function checkPixels(pixels: number): void {
  if (!Number.isInteger(pixels) || pixels < 1) {
    throw new RangeError(`pixels: must be a positive integer, got ${pixels}`);
  }
}

/** Checks the convention name. @throws RangeError for anything but 'ssn' or 'lidc' */
export function checkConvention(convention: string): IouConvention {
  if (convention !== 'ssn' && convention !== 'lidc') {
    throw new RangeError(`convention: must be 'ssn' or 'lidc', got ${String(convention)}`);
  }
  return convention;
}

/** Checks the estimator name. @throws RangeError for anything but 'v' or 'u' */
export function checkEstimator(estimator: string): PairEstimator {
  if (estimator !== 'v' && estimator !== 'u') {
    throw new RangeError(`estimator: must be 'v' or 'u', got ${String(estimator)}`);
  }
  return estimator;
}

/**
 * Checks that `values` is array-like (has an integer length).
 * @throws TypeError otherwise
 */
export function checkArrayLike(name: string, values: ArrayLike<number>): void {
  if (
    values === null ||
    typeof values !== 'object' ||
    !Number.isInteger((values as { length?: unknown }).length)
  ) {
    throw new TypeError(`${name}: must be an array-like of numbers (Int32Array, Uint8Array, ...)`);
  }
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
 * True when v is an integer label in [0, classes). Accepts −0 as 0.
 */
export function isLabel(v: number, classes: number): boolean {
  return v >= 0 && v < classes && (v | 0) === v;
}

/**
 * The error for a value that failed `isLabel`: a TypeError for a non-integer, a RangeError for
 * an integer outside [0, classes).
 */
export function labelError(name: string, value: number, index: number, classes: number): Error {
  if (!Number.isInteger(value)) {
    return new TypeError(`${name}: value ${value} at index ${index} is not an integer label`);
  }
  return new RangeError(
    `${name}: value ${value} at index ${index} is out of range for ${classes} classes`,
  );
}

/**
 * Checks every value of a flat label array.
 * @throws TypeError / RangeError from `labelError` at the first bad value
 */
export function checkLabels(name: string, maps: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < maps.length; i++) {
    const v = maps[i];
    if (!isLabel(v, classes)) throw labelError(name, v, i, classes);
  }
}
