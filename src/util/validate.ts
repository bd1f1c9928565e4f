/**
 * The library's one vocabulary of argument checks. Every check throws an error whose message
 * starts with the argument's public name, then says what is wrong and what was given, so bad
 * input never turns into a silent NaN or a wrong answer:
 *
 *   TypeError  — the argument is not of the kind asked for: not a number, not an integer where
 *                an integer (a count, a size, a label) is asked, not an array-like, not a string
 *   RangeError — the kind is right but the value is not allowed: below a minimum, not finite,
 *                not positive, outside [0, C), a wrong length, an unknown name
 *
 * Every check is named `check…`, returns nothing (or the narrowed value) and throws on the first
 * problem it finds. Modules with domain shapes (feature maps, conv weights, label-map sets) build
 * their checks from these.
 */

/**
 * Throws unless `value` is an integer ≥ `min`.
 * @param why - optional reason appended to the minimum's message, e.g. "background plus a
 *   foreground class"
 * @throws TypeError `${name}: must be an integer, got 1.5` (also for NaN, ±∞ and non-numbers)
 * @throws RangeError `${name}: must be at least 1, got 0`
 */
export function checkInteger(name: string, value: number, min: number, why?: string): void {
  if (!Number.isInteger(value)) {
    throw new TypeError(`${name}: must be an integer, got ${show(value)}`);
  }
  if (value < min) {
    const reason = why === undefined ? '' : ` (${why})`;
    throw new RangeError(`${name}: must be at least ${min}${reason}, got ${value}`);
  }
}

/**
 * Throws unless `value` is a finite number (and, with `min`, at least `min`, or above it when
 * `exclusive`).
 * @throws TypeError when it is not a number
 * @throws RangeError when it is NaN, ±∞ or below the minimum
 */
export function checkNumber(name: string, value: number, min = -Infinity, exclusive = false): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${name}: must be a number, got ${show(value)}`);
  }
  if (!Number.isFinite(value) || value < min || (exclusive && value === min)) {
    const bound = min === -Infinity ? '' : exclusive ? ` > ${min}` : ` ≥ ${min}`;
    throw new RangeError(`${name}: must be a finite number${bound}, got ${value}`);
  }
}

/**
 * Throws unless `value` is one of the strings in `allowed`; returns it, narrowed.
 * @throws TypeError when it is not a string
 * @throws RangeError when it is a string not in `allowed`
 */
export function checkOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  const expected = allowed.map((a) => `'${a}'`).join(' or ');
  if (typeof value !== 'string') {
    throw new TypeError(`${name}: must be ${expected}, got ${show(value)}`);
  }
  throw new RangeError(`${name}: must be ${expected}, got ${JSON.stringify(value)}`);
}

/**
 * Throws unless `values` is array-like: an array or typed array (an object with an integer
 * length).
 * @throws TypeError otherwise
 */
export function checkArrayLike(name: string, values: ArrayLike<number>): void {
  if (
    values === null ||
    typeof values !== 'object' ||
    !Number.isInteger((values as { length?: unknown }).length)
  ) {
    throw new TypeError(`${name}: must be an array-like of numbers (Array, Float64Array, ...)`);
  }
}

/**
 * Throws unless `values` is array-like with exactly `expected` entries; `what` explains the
 * expected shape.
 * @throws TypeError when it is not array-like
 * @throws RangeError when the length differs
 */
export function checkLength(
  name: string,
  values: ArrayLike<number>,
  expected: number,
  what: string,
): void {
  checkArrayLike(name, values);
  if (values.length !== expected) {
    throw new RangeError(
      `${name}: length ${values.length} does not match ${what} (expected ${expected})`,
    );
  }
}

/**
 * Throws unless every entry is a finite number; names the first offending index.
 * @throws TypeError for an entry that is not a number
 * @throws RangeError for NaN or ±∞
 */
export function checkFinite(name: string, values: ArrayLike<number>): void {
  if (values instanceof Float64Array && allFinite(values)) return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      throw new TypeError(`${name}: entry ${i} is ${show(v)}, expected a finite number`);
    }
    if (!Number.isFinite(v)) {
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

/**
 * Throws unless every entry is finite and strictly positive.
 * @throws TypeError / RangeError as `checkFinite`, then RangeError for an entry ≤ 0
 */
export function checkPositive(name: string, values: ArrayLike<number>): void {
  if (values instanceof Float64Array && allFinite(values, true)) return;
  checkFinite(name, values);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] > 0)) {
      throw new RangeError(`${name}: entry ${i} is ${values[i]}, expected a value > 0`);
    }
  }
}

/** True when `v` is an integer label in [0, classes). Accepts −0 as 0. */
export function isLabel(v: number, classes: number): boolean {
  return v >= 0 && v < classes && (v | 0) === v;
}

/**
 * The error for a value that failed `isLabel`: a TypeError for a non-integer (a label is an
 * integer, so 0.5 is the wrong kind), a RangeError for an integer outside [0, classes).
 */
export function labelError(name: string, value: number, index: number, classes: number): Error {
  if (!Number.isInteger(value)) {
    return new TypeError(`${name}: value ${show(value)} at index ${index} is not an integer label`);
  }
  return new RangeError(
    `${name}: value ${value} at index ${index} is out of range for ${classes} classes (expected an integer in [0, ${classes - 1}])`,
  );
}

/**
 * Throws unless `labels` is array-like and every entry is an integer label in [0, classes).
 * @throws TypeError when `labels` is not array-like or an entry is not an integer
 * @throws RangeError when an entry is an integer outside [0, classes)
 */
export function checkLabels(name: string, labels: ArrayLike<number>, classes: number): void {
  checkArrayLike(name, labels);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!isLabel(v, classes)) throw labelError(name, v, i, classes);
  }
}

/**
 * Throws unless every entry is exactly 0 or 1.
 * @throws TypeError for an entry that is not a number
 * @throws RangeError for any other number
 */
export function checkBinary(name: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== 0 && v !== 1) {
      const Err = typeof v === 'number' ? RangeError : TypeError;
      throw new Err(`${name}: entry ${i} is ${show(v)}, expected 0 or 1`);
    }
  }
}

/** A Float64Array copy of `values` (always a copy, so the caller's array is never aliased). */
export function toFloat64(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values.slice() : Float64Array.from(values);
}

/**
 * A value as an error message shows it: as written, with its kind added when it is not a number
 * (so a string "1" never reads as the number 1).
 */
function show(value: unknown): string {
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${String(value)} (a ${typeof value})`;
}
