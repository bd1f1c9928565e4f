/**
 * Shared types and helpers for the vega-lite spec builders.
 *
 * The builders return plain JSON objects (no `$schema`, no `config`): they nest inside
 * `vconcat`/`hconcat`/`concat` as they are, and `renderFigure` adds the top-level parts.
 */

/** A vega-lite specification as plain JSON (unit, layer or composition). */
export type VegaLiteSpec = Record<string, unknown>;

/** How a numeric field maps to colour. */
export type ColorScheme = 'diverging-symmetric' | 'sequential' | 'binary';

/** Size of one cell (pixel) in screen units when a builder is not told otherwise. */
export const DEFAULT_CELL_SIZE = 12;

/**
 * Checks that every value is finite; returns the largest |v| (0 for an empty array).
 * @throws RangeError `${name}: value NaN at index 3 is not finite`
 */
export function maxAbsFinite(name: string, values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(`${name}: value ${v} at index ${i} is not finite`);
    }
    if (Math.abs(v) > m) m = Math.abs(v);
  }
  return m;
}

/** [min, max] of finite values; [0, 1] for an empty array, [v − ½, v + ½] for a constant one. */
export function finiteExtent(name: string, values: ArrayLike<number>): [number, number] {
  maxAbsFinite(name, values);
  if (values.length === 0) return [0, 1];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < lo) lo = values[i];
    if (values[i] > hi) hi = values[i];
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/**
 * A vega-lite colour scale for `values` under `scheme`:
 * - `diverging-symmetric`: scheme `redblue` reversed (negative blue, positive red), domain
 *   [−max|v|, max|v|] so that 0 is the white midpoint ([−1, 1] when all values are 0);
 * - `sequential`: `viridis` over [min, max];
 * - `binary`: grey scale over [0, 1] (0 white, 1 black), for 0/1 samples and probabilities.
 * An explicit `domain` replaces the computed one.
 * @throws RangeError when a value is not finite or the domain is not two increasing finite numbers
 */
export function colorScale(
  name: string,
  values: ArrayLike<number>,
  scheme: ColorScheme,
  domain?: readonly [number, number],
): Record<string, unknown> {
  if (domain !== undefined) {
    if (
      domain.length !== 2 ||
      !Number.isFinite(domain[0]) ||
      !Number.isFinite(domain[1]) ||
      !(domain[0] < domain[1])
    ) {
      throw new RangeError(
        `domain: must be two increasing finite numbers, got [${domain.join(', ')}]`,
      );
    }
  }
  switch (scheme) {
    case 'diverging-symmetric': {
      const m = maxAbsFinite(name, values);
      const d = domain ?? (m > 0 ? [-m, m] : [-1, 1]);
      return { scheme: 'redblue', reverse: true, domain: [d[0], d[1]], domainMid: 0 };
    }
    case 'sequential': {
      const d = domain ?? finiteExtent(name, values);
      return { scheme: 'viridis', domain: [d[0], d[1]] };
    }
    case 'binary': {
      maxAbsFinite(name, values);
      const d = domain ?? [0, 1];
      return { range: ['#ffffff', '#000000'], domain: [d[0], d[1]] };
    }
    default:
      throw new RangeError(`scheme: unknown colour scheme ${String(scheme)}`);
  }
}

/** Axis tick values 0, step, 2·step, … below n, with a step that keeps about 10 labels. */
export function sparseTicks(n: number): number[] {
  const step = n <= 12 ? 1 : n <= 30 ? 5 : n <= 60 ? 10 : Math.ceil(n / 50) * 10;
  const ticks: number[] = [];
  for (let i = 0; i < n; i += step) ticks.push(i);
  return ticks;
}
