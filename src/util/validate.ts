/**
 * Argument checks shared by the library. Each throws an error whose message starts with the
 * argument's name and says what is wrong, so bad input never turns into a silent NaN.
 */

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value)) {
    throw new TypeError(`${name}: must be an integer, got ${value}`);
  }
  if (value < min) {
    throw new RangeError(`${name}: must be at least ${min}, got ${value}`);
  }
}

/** Throws unless `values` has exactly `expected` entries; `what` explains the expected shape. */
export function checkLength(
  name: string,
  values: ArrayLike<number>,
  expected: number,
  what: string,
): void {
  if (values == null || typeof values.length !== 'number') {
    throw new TypeError(`${name}: must be an array of numbers`);
  }
  if (values.length !== expected) {
    throw new RangeError(
      `${name}: length ${values.length} does not match ${what} (expected ${expected})`,
    );
  }
}

/** Throws unless every entry is a finite number; names the first offending index. */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  if (values instanceof Float64Array && allFinite(values)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${name}: entry ${i} is ${v}, expected a finite number`);
    }
  }
}

/**
 * Fast path of the checks: v − v is 0 for every finite v and NaN for NaN and ±∞, so the sum is 0
 * exactly when every entry is finite; four independent sums, so the adds do not wait on each
 * other. With `positive`, also the smallest entry must be > 0 (Math.min propagates NaN).
 */
function allFinite(values: Float64Array, positive = false): boolean {
  const n = values.length;
  const n4 = n - (n % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let lo = Infinity;
  for (let i = 0; i < n4; i += 4) {
    const v0 = values[i];
    const v1 = values[i + 1];
    const v2 = values[i + 2];
    const v3 = values[i + 3];
    a += v0 - v0;
    b += v1 - v1;
    c += v2 - v2;
    d += v3 - v3;
    if (positive) lo = Math.min(lo, Math.min(v0, v1), Math.min(v2, v3));
  }
  for (let i = n4; i < n; i++) {
    a += values[i] - values[i];
    if (positive) lo = Math.min(lo, values[i]);
  }
  return a + b + c + d === 0 && (!positive || lo > 0);
}

/** Throws unless every entry is finite and strictly positive. */
export function checkPositive(name: string, values: ArrayLike<number>): void {
  if (values instanceof Float64Array && allFinite(values, true)) return;
  checkFinite(name, values);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) {
      throw new RangeError(`${name}: entry ${i} is ${values[i]}, expected a value > 0`);
    }
  }
}

/** Throws unless every entry is an integer label in [0, classes). */
export function checkLabels(name: string, labels: ArrayLike<number>, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new RangeError(
        `${name}: value ${v} at index ${i} is out of range for ${classes} classes (expected an integer in [0, ${classes - 1}])`,
      );
    }
  }
}

/** Throws unless every entry is exactly 0 or 1. */
export function checkBinary(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) {
      throw new RangeError(`${name}: entry ${i} is ${values[i]}, expected 0 or 1`);
    }
  }
}

/** A Float64Array copy of `values` (always a copy, so the caller's array is never aliased). */
export function toFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values.slice() : Float64Array.from(values);
}
