/**
 * The conv net's figures as vega-lite specs (rendered by the CLI or the notebook with
 * `renderFigure`), after the paper's:
 *   Figure 3 — per test image: the image, its annotations, the mean prediction, samples
 *   Figure 6 — one noise draw kept fixed while class 1's noise is scaled from −3 to 3
 *              (`classNoiseWeights` + `rsample(..., { rowWeights })`), and a temperature row
 *              (`rsample(..., { temperature })`)
 */
import type { SyntheticDataset } from '../data/syntheticLesions.js';
import { classNoiseWeights } from '../distribution/layout.js';
import { drawNoise } from '../distribution/noise.js';
import { rsample } from '../distribution/rsample.js';
import { sampleDiversity } from '../metrics/sampleDiversity.js';
import type { ConvOps } from '../nn/network.js';
import type { SsnNetwork } from '../nn/ssnNetwork.js';
import { labelMapGridSpec } from '../plot/labelMapGridSpec.js';
import type { MapPanel } from '../plot/labelMapGridSpec.js';
import type { VegaLiteSpec } from '../plot/spec.js';
import { createRng } from '../random/rng.js';
import { argmaxLabels, predictImage, sampleLabelMaps, stackAnnotations } from './evaluate.js';

/**
 * Indices of the `count` images whose annotators disagree most (highest annotator diversity,
 * ties by index), among images where at least two annotations are not empty.
 */
export function pickDisagreeingImages(data: SyntheticDataset, count: number): number[] {
  const S = data.height * data.width;
  const scored = data.annotations.map((a, i) => {
    const nonEmpty = a.filter((m) => m.some((v) => v !== 0)).length;
    const d = sampleDiversity(stackAnnotations(a), { pixels: S, classes: 2 });
    return { i, score: nonEmpty >= 2 ? d : -1 };
  });
  scored.sort((x, y) => y.score - x.score || x.i - y.i);
  return scored.slice(0, count).map((s) => s.i);
}

/** Softmax probability of class 1 per pixel from class-major 2-class logits. */
function lesionProbability(logits: ArrayLike<number>, S: number): Float64Array {
  const p = new Float64Array(S);
  for (let s = 0; s < S; s++) p[s] = 1 / (1 + Math.exp(logits[s] - logits[S + s]));
  return p;
}

/**
 * Figure 3: one row per image in `indices`: image, the annotations, the mean prediction
 * (argmax of the mean logits), P(lesion) at the mean, and `samples` sampled label maps.
 * Samples of image i use `createRng("figure3/<seed>/<i>")`.
 */
export function figure3Spec(
  ops: ConvOps,
  net: SsnNetwork,
  data: SyntheticDataset,
  indices: readonly number[],
  options: { samples?: number; seed?: number | string; title?: string } = {},
): VegaLiteSpec {
  const count = options.samples ?? 4;
  const { height: H, width: W } = data;
  const S = H * W;
  const maps: MapPanel[] = [];
  for (const i of indices) {
    const pred = predictImage(ops, net, { data: data.images[i], channels: 1, height: H, width: W });
    maps.push({ title: `image ${i}`, values: data.images[i], height: H, width: W, kind: 'image' });
    data.annotations[i].forEach((a, k) =>
      maps.push({ title: `annotator ${k}`, values: a, height: H, width: W, kind: 'labels' }),
    );
    maps.push({ title: 'mean', values: pred.meanLabels, height: H, width: W, kind: 'labels' });
    maps.push({
      title: 'P(lesion), mean',
      values: lesionProbability(pred.meanLogits, S),
      height: H,
      width: W,
      kind: 'probability',
    });
    const rng = createRng(`figure3/${String(options.seed ?? 0)}/${i}`);
    const samples = sampleLabelMaps(pred, net.heads.classes, rng, count);
    for (let m = 0; m < count; m++) {
      maps.push({
        title: `sample ${m + 1}`,
        values: samples.subarray(m * S, (m + 1) * S),
        height: H,
        width: W,
        kind: 'labels',
      });
    }
  }
  return labelMapGridSpec({
    maps,
    columns: 3 + data.annotators + count,
    pixelSize: 5,
    title: options.title ?? 'Synthetic lesions: image, annotations, mean prediction, samples',
  });
}

/** The class-1 noise weights and temperatures of Figure 6. */
export const FIGURE6_WEIGHTS: readonly number[] = [-3, -2, -1, 0, 1, 2, 3];
export const FIGURE6_TEMPERATURES: readonly number[] = [0, 0.5, 1, 1.5, 2, 2.5, 3];

/**
 * Figure 6 for one image and one fixed noise draw (`drawNoise(createRng("figure6/<seed>"))`):
 * row 1, the image and the label maps with class 1's noise scaled by each of FIGURE6_WEIGHTS
 * (class 0 keeps weight 1); row 2, the first annotation and the label maps at each of
 * FIGURE6_TEMPERATURES (both noise terms scaled).
 * @throws RangeError for a deterministic network (no noise to manipulate)
 */
export function figure6Spec(
  ops: ConvOps,
  net: SsnNetwork,
  data: SyntheticDataset,
  index: number,
  options: { seed?: number | string; title?: string } = {},
): VegaLiteSpec {
  const { height: H, width: W } = data;
  const S = H * W;
  const C = net.heads.classes;
  const pred = predictImage(ops, net, {
    data: data.images[index],
    channels: 1,
    height: H,
    width: W,
  });
  const dist = pred.distribution;
  if (dist === null) throw new RangeError('net: a deterministic network has no noise to scale');
  const noise = drawNoise(createRng(`figure6/${String(options.seed ?? 0)}`), {
    count: 1,
    rank: dist.rank,
    size: dist.size,
  });
  const maps: MapPanel[] = [
    { title: `image ${index}`, values: data.images[index], height: H, width: W, kind: 'image' },
  ];
  for (const w of FIGURE6_WEIGHTS) {
    const weights = Array.from({ length: C }, (_, c) => (c === 1 ? w : 1));
    const rowWeights = classNoiseWeights({ classes: C, pixels: S, layout: 'class-major', weights });
    const eta = rsample(dist, noise, { rowWeights });
    const values = argmaxLabels(eta, C);
    maps.push({ title: `class 1 × ${w}`, values, height: H, width: W, kind: 'labels' });
  }
  maps.push({
    title: 'annotator 0',
    values: data.annotations[index][0],
    height: H,
    width: W,
    kind: 'labels',
  });
  for (const t of FIGURE6_TEMPERATURES) {
    const values = argmaxLabels(rsample(dist, noise, { temperature: t }), C);
    maps.push({ title: `T = ${t}`, values, height: H, width: W, kind: 'labels' });
  }
  return labelMapGridSpec({
    maps,
    columns: 1 + FIGURE6_WEIGHTS.length,
    pixelSize: 5,
    title:
      options.title ??
      'One fixed noise draw: class 1 noise scaled by −3 … 3 (top), temperature T (bottom)',
  });
}
