/**
 * Evaluation of a trained network on images with several annotations, as the paper's Table 1:
 *   mean prediction = argmax of softmax(mu) (the distribution's mean, paper §4)
 *   DSC, DSC_nod   = `meanDice`, `diceNonEmpty` of the mean prediction against all annotations
 *   samples        = argmax of sampled logits (independent draws)
 *   GED², diversity = `generalisedEnergyDistance` of the samples against the annotations
 *                    (V-statistic, 'ssn' convention: d = 0 for two empty maps)
 * each summarised as mean ± standard error over the images (nanmean: images where DSC is NaN,
 * i.e. prediction and annotations all empty, are skipped).
 */
import { checkDataset } from '../data/checkDataset.js';
import type { SyntheticDataset } from '../data/syntheticLesions.js';
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import { sample } from '../distribution/rsample.js';
import { nanSum } from '../math/nanSum.js';
import { diceNonEmpty, meanDice } from '../metrics/dice.js';
import { generalisedEnergyDistance } from '../metrics/generalisedEnergyDistance.js';
import { sampleDiversity } from '../metrics/sampleDiversity.js';
import type { FeatureMap } from '../nn/featureMap.js';
import type { ConvOps } from '../nn/network.js';
import { checkSsnFinite, ssnDistribution, ssnForward } from '../nn/ssnNetwork.js';
import type { SsnNetwork } from '../nn/ssnNetwork.js';
import { createRng } from '../random/rng.js';
import type { Rng } from '../random/rng.js';
import { checkArrayLike, checkFinite, checkInteger, checkLength } from '../util/validate.js';

/** Mean ± standard error of a per-image metric. */
export interface MetricSummary {
  readonly mean: number;
  /** standard error sd / √n (sample standard deviation); 0 when n = 1, NaN when n = 0 */
  readonly se: number;
  /** number of images that entered (non-NaN values) */
  readonly count: number;
}

/**
 * Mean and standard error of the finite values (NaN entries are skipped, as numpy's nanmean).
 * @example meanSe([1, 2, NaN, 3]) // { mean: 2, se: 1/√3 ≈ 0.577, count: 3 }
 */
export function meanSe(values: ArrayLike<number>): MetricSummary {
  const { sum, count: n } = nanSum(values);
  if (n === 0) return { mean: NaN, se: NaN, count: 0 };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isNaN(values[i])) ss += (values[i] - mean) ** 2;
  }
  return { mean, se: n > 1 ? Math.sqrt(ss / (n - 1) / n) : 0, count: n };
}

/**
 * Per-pixel argmax over the classes of one class-major logit vector (C·S); ties go to the lower
 * class.
 * @returns S labels
 * @throws RangeError when the length is not a multiple of C, classes < 2, or a logit is NaN or ±∞
 *   (NaN compares false with everything, so it would silently become label 0)
 * @example argmaxLabels([0, 2, 1, 1], 2) // [1, 0] (S = 2 pixels)
 */
export function argmaxLabels(logits: ArrayLike<number>, classes: number): Int32Array {
  checkInteger('classes', classes, 2);
  checkArrayLike('logits', logits);
  checkFinite('logits', logits);
  const S = logits.length / classes;
  if (!Number.isInteger(S) || S === 0) {
    throw new RangeError(
      `logits: length ${logits.length} is not a positive multiple of classes = ${classes}`,
    );
  }
  return argmaxMany(logits, classes, S, 1);
}

/**
 * argmax labels of M class-major logit vectors of C·S each, back to back: M·S labels. The
 * callers have checked the logits finite (`v > bestV` is false for NaN).
 */
function argmaxMany(logits: ArrayLike<number>, C: number, S: number, M: number): Int32Array {
  const out = new Int32Array(M * S);
  for (let m = 0; m < M; m++) {
    const base = m * C * S;
    for (let s = 0; s < S; s++) {
      let best = 0;
      let bestV = logits[base + s];
      for (let c = 1; c < C; c++) {
        const v = logits[base + c * S + s];
        if (v > bestV) {
          best = c;
          bestV = v;
        }
      }
      out[m * S + s] = best;
    }
  }
  return out;
}

/** One image's prediction: mean logits, the mean label map, and the distribution (null if deterministic). */
export interface ImagePrediction {
  /** C·S mean logits, class-major */
  readonly meanLogits: Float64Array;
  /** S labels: argmax of the mean logits */
  readonly meanLabels: Int32Array;
  readonly distribution: LowRankNormal | null;
}

/**
 * Runs the network on one image (inC, H, W).
 * @throws RangeError `meanLogits: entry 5 is NaN, …` when the mean logits are not finite (a NaN
 *   weight or pixel, or an overflow): they would otherwise argmax to label 0 and score as a
 *   prediction
 */
export function predictImage(ops: ConvOps, net: SsnNetwork, image: FeatureMap): ImagePrediction {
  return predict(ops, net, image, 'meanLogits');
}

/** `predictImage`, its finiteness error naming the logits `name`. */
function predict(ops: ConvOps, net: SsnNetwork, image: FeatureMap, name: string): ImagePrediction {
  const { maps } = ssnForward(ops, net, image);
  checkFinite(name, maps.mean.data);
  return {
    meanLogits: maps.mean.data,
    meanLabels: argmaxMany(maps.mean.data, net.heads.classes, image.height * image.width, 1),
    distribution: ssnDistribution(net, maps),
  };
}

/**
 * `count` sampled label maps (argmax of sampled logits, noises from `rng`); a deterministic
 * prediction gives `count` copies of the mean labels.
 * @param temperature - scales both noise terms (default 1)
 * @returns count·S labels
 */
export function sampleLabelMaps(
  prediction: ImagePrediction,
  classes: number,
  rng: Rng,
  count: number,
  temperature = 1,
): Int32Array {
  checkInteger('count', count, 1);
  const S = prediction.meanLabels.length;
  if (prediction.distribution === null) {
    const out = new Int32Array(count * S);
    for (let m = 0; m < count; m++) out.set(prediction.meanLabels, m * S);
    return out;
  }
  const { samples } = sample(prediction.distribution, rng, { count, temperature });
  checkFinite('samples', samples);
  return argmaxMany(samples, classes, S, count);
}

/** Options of `evaluateModel`. */
export interface EvaluateOptions {
  /** samples per image for GED and diversity (default 100, as the paper's LIDC evaluation) */
  samples?: number;
  /** seed of the sampling noises (default 0) */
  seed?: number | string;
  /** called after each image with the number of images done */
  onImage?: (done: number) => void;
}

/** Table 1 columns of one model, and the per-image values behind them. */
export interface Evaluation {
  readonly dsc: MetricSummary;
  readonly dscNod: MetricSummary;
  readonly ged: MetricSummary;
  readonly diversity: MetricSummary;
  readonly perImage: {
    readonly dsc: Float64Array;
    readonly dscNod: Float64Array;
    readonly ged: Float64Array;
    readonly diversity: Float64Array;
  };
}

/**
 * Concatenates an image's annotations into Na·S labels.
 * @throws TypeError when `annotations` is not an array
 * @throws RangeError when it holds no annotation or the lengths differ
 */
export function stackAnnotations(annotations: readonly Int32Array[]): Int32Array {
  if (!Array.isArray(annotations)) throw new TypeError('annotations: must be an array');
  if (annotations.length === 0) throw new RangeError('annotations: holds no annotation');
  const S = annotations[0].length;
  annotations.forEach((a, k) =>
    checkLength(`annotations[${k}]`, a, S, 'the length of annotations[0]'),
  );
  const out = new Int32Array(annotations.length * S);
  annotations.forEach((a, k) => out.set(a, k * S));
  return out;
}

/**
 * Evaluates a network on every image of `data`. Sampling noises for image i come from
 * `createRng("eval/<seed>/<i>")`, so every model sees the same noise streams.
 * @throws RangeError when samples is not a positive integer, a weight of `net` is NaN or ±∞ (a
 *   diverged network is refused, not scored), or `data` is not a usable data set (`checkDataset`:
 *   no images, an image without annotations, a wrong length, a label outside [0, C))
 */
export function evaluateModel(
  ops: ConvOps,
  net: SsnNetwork,
  data: SyntheticDataset,
  options: EvaluateOptions = {},
): Evaluation {
  const count = options.samples ?? 100;
  checkInteger('samples', count, 1);
  checkSsnFinite('net', net);
  const C = net.heads.classes;
  checkDataset('data', data, C);
  const n = data.images.length;
  const seed = String(options.seed ?? 0);
  const { height: H, width: W } = data;
  const S = H * W;
  const dsc = new Float64Array(n);
  const dscNod = new Float64Array(n);
  const ged = new Float64Array(n);
  const diversity = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const image = { data: data.images[i], channels: 1, height: H, width: W };
    const pred = predict(ops, net, image, `meanLogits (data.images[${i}])`);
    const annotations = stackAnnotations(data.annotations[i]);
    dsc[i] = meanDice(pred.meanLabels, annotations, { classes: C });
    dscNod[i] = diceNonEmpty(pred.meanLabels, annotations, { classes: C });
    const samples = sampleLabelMaps(pred, C, createRng(`eval/${seed}/${i}`), count);
    const g = generalisedEnergyDistance(samples, annotations, { pixels: S, classes: C });
    ged[i] = g.ged;
    diversity[i] = g.diversity;
    options.onImage?.(i + 1);
  }
  return {
    dsc: meanSe(dsc),
    dscNod: meanSe(dscNod),
    ged: meanSe(ged),
    diversity: meanSe(diversity),
    perImage: { dsc, dscNod, ged, diversity },
  };
}

/**
 * The annotators' own diversity E[d(y, y')] over each image's annotations (V-statistic, 'ssn'
 * convention, the within-set term of GED²), as mean ± standard error over the images.
 * @throws RangeError as `checkDataset`
 */
export function annotatorDiversity(data: SyntheticDataset, classes = 2): MetricSummary {
  checkDataset('data', data, classes);
  const S = data.height * data.width;
  const values = data.annotations.map((a) =>
    sampleDiversity(stackAnnotations(a), { pixels: S, classes }),
  );
  return meanSe(values);
}
