/**
 * Dice similarity coefficient per foreground class (paper §5.2), and the paper's two summaries.
 *
 * For class c (c = 1..C−1), over the pixels of a prediction p and an annotation y:
 *   TP = #{p = c, y = c}, FP = #{p = c, y ≠ c}, FN = #{p ≠ c, y = c}
 *   DSC_c = 2 TP / (2 TP + FP + FN), and NaN when the class is empty in both maps (0/0)
 * The NaN is the official evaluation's value (then skipped by a nanmean), not an error.
 * Summaries over Na annotators (the paper's LIDC Table 1):
 *   `meanDice`     — "DSC": nanmean of DSC over all annotators and foreground classes; or, with
 *                    `average: 'class-mean'`, the official report's class average (below)
 *   `diceNonEmpty` — "DSC_nod": mean of DSC over the (annotator, class) entries whose annotation
 *                    is not empty for that class (a non-empty annotation never gives NaN)
 *   `diceClassMeans` — per class, the nanmean over annotators (the official report's class rows)
 * DSC is symmetric in its two maps, so the same functions score K samples against one ground
 * truth (the official report's setting): pass the ground truth as `prediction` and the samples as
 * `annotations`. Each function is the formula, counted pixel by pixel (no separate kernel).
 * @see spec/metrics.md#dice
 */
import { nanSum } from '../math/nanSum.js';
import {
  checkArrayLike,
  checkClasses,
  checkLabels,
  checkOptions,
  mapCount,
} from './labelMapChecks.js';

/**
 * How `meanDice` averages the Na × (C − 1) table of DSC values (NaN where a class is empty in
 * both maps):
 *   'nanmean'    — the mean of every entry that is not NaN (the paper's DSC; default)
 *   'class-mean' — per annotation (row), the plain mean over the C − 1 classes, NaN when any class
 *                  is NaN; then the mean over the rows that are not NaN (the official report's
 *                  "avg" row, evaluation/metrics/distribution_statistics.py)
 */
export type DiceAverage = 'nanmean' | 'class-mean';

/** Options of the Dice functions. */
export interface DiceOptions {
  /** C, number of classes including the background (≥ 2). */
  classes: number;
}

/** Options of `meanDice`: the classes and how to average. */
export interface MeanDiceOptions extends DiceOptions {
  /** 'nanmean' (default) or 'class-mean'; see `DiceAverage`. */
  average?: DiceAverage;
}

/**
 * Adds, for one annotation, TP into tp[c], FP into fp[c], FN into fn[c] (arrays of length C;
 * background entries are filled too and ignored). Labels must already be checked.
 */
function confusionCounts(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  offset: number,
  tp: Int32Array,
  fp: Int32Array,
  fn: Int32Array,
): void {
  const S = prediction.length;
  tp.fill(0);
  fp.fill(0);
  fn.fill(0);
  for (let s = 0; s < S; s++) {
    const p = prediction[s];
    const y = annotations[offset + s];
    if (p === y) {
      tp[p]++;
    } else {
      fp[p]++;
      fn[y]++;
    }
  }
}

/** Checks the prediction, the annotations and the options, in argument order; returns Na. */
function checkDiceInputs(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  annotationsName: string,
  options: DiceOptions,
): number {
  checkArrayLike('prediction', prediction);
  if (prediction.length === 0) throw new RangeError('prediction: empty map (0 pixels)');
  const Na = mapCount(annotationsName, annotations, prediction.length);
  checkOptions(options);
  checkClasses(options.classes);
  checkLabels('prediction', prediction, options.classes);
  checkLabels(annotationsName, annotations, options.classes);
  return Na;
}

/**
 * DSC of each foreground class between one prediction and one annotation of S pixels.
 * @returns Float64Array of length C − 1, entry c − 1 = DSC_c ∈ [0, 1], NaN where class c is
 *   empty in both maps
 * @throws TypeError when a map is not array-like or holds a non-integer, or options is not an
 *   object
 * @throws RangeError when the lengths differ or are 0, classes < 2, or a label is out of range
 * @example dice([1, 1, 0, 0], [1, 0, 1, 0], { classes: 2 }) // [2·1 / (2·1 + 1 + 1)] = [0.5]
 */
export function dice(
  prediction: ArrayLike<number>,
  annotation: ArrayLike<number>,
  options: DiceOptions,
): Float64Array {
  checkArrayLike('prediction', prediction);
  checkArrayLike('annotation', annotation);
  if (prediction.length !== 0 && annotation.length !== prediction.length) {
    throw new RangeError(
      `annotation: length ${annotation.length} differs from the prediction's (${prediction.length})`,
    );
  }
  return diceRows(prediction, annotation, 'annotation', options);
}

/**
 * DSC of each foreground class between one prediction and each of Na annotations.
 * @param prediction - S integer labels in [0, C)
 * @param annotations - Na·S integer labels, annotation a at a·S
 * @returns Float64Array of length Na·(C − 1), row-major: entry a·(C − 1) + c − 1 = DSC_c against
 *   annotation a, NaN where class c is empty in both
 * @throws as `dice`, and RangeError when the annotations' length is 0 or not a multiple of S
 * @example diceAgainstAnnotations([1, 1, 0, 0], [1, 0, 1, 0, 0, 0, 0, 0], { classes: 2 }) // [0.5, 0]
 */
export function diceAgainstAnnotations(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: DiceOptions,
): Float64Array {
  return diceRows(prediction, annotations, 'annotations', options);
}

/** Shared body of `dice` and `diceAgainstAnnotations`; `name` is used in error messages. */
function diceRows(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  name: string,
  options: DiceOptions,
): Float64Array {
  const Na = checkDiceInputs(prediction, annotations, name, options);
  const C = options.classes;
  const S = prediction.length;
  const tp = new Int32Array(C);
  const fp = new Int32Array(C);
  const fn = new Int32Array(C);
  const out = new Float64Array(Na * (C - 1));
  for (let a = 0; a < Na; a++) {
    confusionCounts(prediction, annotations, a * S, tp, fp, fn);
    for (let c = 1; c < C; c++) {
      const den = 2 * tp[c] + fp[c] + fn[c];
      out[a * (C - 1) + c - 1] = den === 0 ? NaN : (2 * tp[c]) / den;
    }
  }
  return out;
}

/**
 * The paper's "DSC": nanmean of the per-class DSC over all annotators and foreground classes
 * (entries where the class is empty in both maps are skipped; an empty annotation against a
 * non-empty prediction counts 0). With `average: 'class-mean'`, the official report's class
 * average instead: per annotation the plain mean over classes, annotations where some class is
 * empty in both maps dropped, then the mean over the others (see `DiceAverage`).
 * @returns mean DSC ∈ [0, 1]; NaN when no entry (no annotation, for 'class-mean') qualifies, so
 *   that a dataset-level nanmean skips the image, as the paper's evaluation does
 * @throws as `diceAgainstAnnotations`, and RangeError for an unknown `average`
 * @example meanDice([1, 1, 0, 0], [1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0], { classes: 2 }) // (1/2 + 0 + 1)/3 = 0.5
 * @example meanDice([1, 1, 0], [1, 0, 0, 1, 2, 2], { classes: 3, average: 'class-mean' })
 * // annotation 1: (2/3, NaN) dropped; annotation 2: (2/3, 0) → 1/3 ('nanmean': (2/3 + 2/3 + 0)/3)
 */
export function meanDice(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: MeanDiceOptions,
): number {
  const values = diceAgainstAnnotations(prediction, annotations, options);
  const average = options.average ?? 'nanmean';
  if (average === 'nanmean') return nanMean(values);
  if (average !== 'class-mean') {
    throw new RangeError(`average: must be 'nanmean' or 'class-mean', got ${String(average)}`);
  }
  const Q = options.classes - 1;
  const rowMeans = new Float64Array(values.length / Q);
  for (let a = 0; a < rowMeans.length; a++) {
    let sum = 0;
    for (let q = 0; q < Q; q++) sum += values[a * Q + q];
    rowMeans[a] = sum / Q; // NaN when any class of row a is NaN
  }
  return nanMean(rowMeans);
}

/**
 * Per foreground class, the nanmean of DSC over the annotations: the official report's class
 * rows (evaluation/metrics/distribution_statistics.py), where the annotations are the samples.
 * @returns Float64Array of length C − 1, entry c − 1 ∈ [0, 1]; NaN where class c is empty in the
 *   prediction and in every annotation
 * @throws as `diceAgainstAnnotations`
 * @example diceClassMeans([1, 1, 0], [1, 0, 0, 1, 2, 2], { classes: 3 }) // [(2/3 + 2/3)/2, 0]
 */
export function diceClassMeans(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: DiceOptions,
): Float64Array {
  const values = diceAgainstAnnotations(prediction, annotations, options);
  const Q = options.classes - 1;
  const Na = values.length / Q;
  return Float64Array.from({ length: Q }, (_, q) =>
    nanMean(Float64Array.from({ length: Na }, (__, a) => values[a * Q + q])),
  );
}

/** The mean of the entries that are not NaN; NaN when there is none. */
function nanMean(values: Float64Array): number {
  const { sum, count } = nanSum(values);
  return count === 0 ? NaN : sum / count;
}

/**
 * The paper's "DSC_nod": mean DSC over the (annotator, class) entries whose annotation is not
 * empty for that class (empty annotations, which would score a non-empty prediction 0, are left
 * out).
 * @returns mean DSC ∈ [0, 1]; NaN when every annotation is empty for every foreground class (no
 *   entry to average), so that a dataset-level nanmean skips the image
 * @throws as `diceAgainstAnnotations`
 * @example diceNonEmpty([1, 1, 0, 0], [1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0], { classes: 2 }) // (1/2 + 1)/2 = 0.75
 */
export function diceNonEmpty(
  prediction: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: DiceOptions,
): number {
  const Na = checkDiceInputs(prediction, annotations, 'annotations', options);
  const C = options.classes;
  const S = prediction.length;
  const tp = new Int32Array(C);
  const fp = new Int32Array(C);
  const fn = new Int32Array(C);
  let sum = 0;
  let n = 0;
  for (let a = 0; a < Na; a++) {
    confusionCounts(prediction, annotations, a * S, tp, fp, fn);
    for (let c = 1; c < C; c++) {
      // |y = c| = TP + FN; when positive the denominator is positive too.
      if (tp[c] + fn[c] === 0) continue;
      sum += (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]);
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}
