/**
 * Brute-force oracles for the metric tests: every distance by direct per-pixel comparison of
 * labels, every expectation as a plain mean over all ordered pairs. Written for clarity, not
 * speed, and sharing no code with src/metrics.
 */
import { isClose as isCloseShared } from '../helpers/close.js';

/** d = 1 − IoU by comparing labels pixel by pixel ('ssn': mean over classes 1..C−1). */
export function naiveIouDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  classes: number,
  convention: 'ssn' | 'lidc',
): number {
  const S = a.length;
  if (convention === 'lidc') {
    let inter = 0;
    let union = 0;
    for (let s = 0; s < S; s++) {
      if (a[s] > 0 && b[s] > 0) inter++;
      if (a[s] > 0 || b[s] > 0) union++;
    }
    const iou = union === 0 ? 1 : inter / union;
    return 1 - (0 + iou) / 1;
  }
  let sumIou = 0;
  for (let c = 1; c < classes; c++) {
    let inter = 0;
    let union = 0;
    for (let s = 0; s < S; s++) {
      if (a[s] === c && b[s] === c) inter++;
      if (a[s] === c || b[s] === c) union++;
    }
    sumIou += union === 0 ? 1 : inter / union;
  }
  return 1 - sumIou / (classes - 1);
}

/** Map k of a flat set of K·S labels. */
export function mapAt(maps: ArrayLike<number>, k: number, S: number): number[] {
  return Array.from({ length: S }, (_, s) => maps[k * S + s]);
}

/** Ka × Kb distance matrix (row-major) by the naive distance. */
export function naivePairwise(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  S: number,
  classes: number,
  convention: 'ssn' | 'lidc',
): Float64Array {
  const Ka = a.length / S;
  const Kb = b.length / S;
  const out = new Float64Array(Ka * Kb);
  for (let i = 0; i < Ka; i++) {
    for (let j = 0; j < Kb; j++) {
      out[i * Kb + j] = naiveIouDistance(mapAt(a, i, S), mapAt(b, j, S), classes, convention);
    }
  }
  return out;
}

/** Mean over all ordered pairs (V) or the pairs i ≠ j (U) of a square K × K matrix. */
export function naiveWithinMean(d: Float64Array, K: number, estimator: 'v' | 'u'): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      if (estimator === 'u' && i === j) continue;
      sum += d[i * K + j];
      n++;
    }
  }
  return sum / n;
}

/** Plain mean of all entries. */
export function naiveMean(d: Float64Array): number {
  let sum = 0;
  for (const v of d) sum += v;
  return sum / d.length;
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
 * The shared `isClose` (test/helpers/close.ts) with `equalNan`: the metrics' naive values state
 * an undefined result (Dice of two empty maps) as NaN, which only NaN matches.
 */
export function isClose(actual: number, expected: number, rel = 1e-12, abs = 1e-12): boolean {
  return isCloseShared(actual, expected, rel, abs, { equalNan: true });
}
