/**
 * Reading the page's text controls: a value is accepted only when it is what the setting needs;
 * otherwise the message says which control and what is wrong (shown in the page, never NaN).
 */

/** A positive finite number, e.g. a learning rate. */
export function parsePositive(name: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) {
    throw new RangeError(`${name}: must be a number, got ${JSON.stringify(text)}`);
  }
  // e.g. 1e400, beyond float64: a number, but Infinity once read.
  if (!Number.isFinite(v)) throw new RangeError(`${name}: must be finite, got ${text.trim()}`);
  if (!(v > 0)) throw new RangeError(`${name}: must be greater than 0, got ${text.trim()}`);
  return v;
}

/** An integer ≥ min. */
export function parseInteger(name: string, text: string, min: number, max = Infinity): number {
  const v = Number(text);
  if (!/^\s*[+-]?\d+\s*$/.test(text) || !Number.isSafeInteger(v)) {
    throw new RangeError(`${name}: must be a whole number, got ${JSON.stringify(text)}`);
  }
  if (v < min || v > max) {
    throw new RangeError(
      `${name}: must be ${max === Infinity ? `≥ ${min}` : `between ${min} and ${max}`}, got ${v}`,
    );
  }
  return v;
}
