/**
 * Test helpers for the metrics: a map of a flat set, a per-class Dice by direct counting that
 * shares no code with src/metrics, and a closeness test. (The IoU distance and the pair means
 * have their plain versions in src: src/metrics/iouDistanceReference.ts and
 * energyDistanceReference.ts.)
 */

/** Map k of a flat set of K·S labels. */
export function mapAt(maps: ArrayLike<number>, k: number, S: number): number[] {
  return Array.from({ length: S }, (_, s) => maps[k * S + s]);
}

/** Per-class DSC against one annotation, by counting pixels directly. */
export function naiveDice(p: ArrayLike<number>, y: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let c = 1; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let s = 0; s < p.length; s++) {
      if (p[s] === c && y[s] === c) tp++;
      else if (p[s] === c) fp++;
      else if (y[s] === c) fn++;
    }
    out.push(tp + fp + fn === 0 ? NaN : (2 * tp) / (2 * tp + fp + fn));
  }
  return out;
}

/**
 * |actual − expected| ≤ abs + rel·|expected|; NaN matches only NaN, ±∞ only itself.
 */
export function isClose(actual: number, expected: number, rel = 1e-12, abs = 1e-12): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) {
    return Number.isNaN(expected) && Number.isNaN(actual);
  }
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}
