/**
 * The paper's Figure 2 for one toy model, as vega-lite specs (pure; `renderFigure` draws them):
 * the mean (one strip of 21 logits), the 21 x 21 covariance P Pᵀ + D on a symmetric diverging
 * scale (white = 0), and 14 samples, each a distinct draw binarised at logit 0 (on = black, off
 * = light grey):
 * a sample's label map is argmax, i.e. eta > 0 for one logit per pixel (spec/official-code.md).
 * The official plotting repeats some samples through an indexing slip; these are 14 draws.
 */
import { checkDistribution, type LowRankNormal } from '../distribution/lowRankNormal.js';
import { denseCovariance } from '../distribution/marginals.js';
import { sample } from '../distribution/rsample.js';
import { hconcatSpec, vconcatSpec } from '../plot/concatSpec.js';
import { heatmapSpec } from '../plot/heatmapSpec.js';
import type { VegaLiteSpec } from '../plot/spec.js';
import { stripsSpec } from '../plot/stripsSpec.js';
import type { Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';

/**
 * The binary scale's domain for 0/1 strips: stretched below 0 so that "off" (0) is a light grey,
 * not the page's white, and every cell of a strip stays visible.
 */
const OFF_GREY_DOMAIN: [number, number] = [-0.2, 1];

/** Samples per model in Figure 2. */
export const FIGURE_SAMPLES = 14;

/**
 * `count` distinct draws from `dist`, binarised at logit 0: count x N row-major 0/1.
 * @throws RangeError when count is not an integer ≥ 1
 */
export function binarySamples(dist: LowRankNormal, rng: Rng, count = FIGURE_SAMPLES): Float64Array {
  checkDistribution(dist);
  checkInteger('count', count, 1);
  const { samples } = sample(dist, rng, { count });
  return samples.map((v) => (v > 0 ? 1 : 0));
}

/**
 * One model's panel: the mean strip on top, then the covariance and the samples side by side.
 * @param samples - K x N binary samples (see `binarySamples`)
 * @throws RangeError when samples.length is not a multiple of N
 */
export function toyModelFigureSpec(
  dist: LowRankNormal,
  samples: ArrayLike<number>,
  title: string,
): VegaLiteSpec {
  const n = dist.size;
  const mean = stripsSpec({
    strips: [dist.loc],
    title: 'mean (logits)',
    scheme: 'diverging-symmetric',
    legendTitle: 'logit',
  });
  const cov = heatmapSpec({
    values: denseCovariance(dist),
    rows: n,
    cols: n,
    title: 'covariance P Pᵀ + D',
    scheme: 'diverging-symmetric',
    legendTitle: 'cov',
  });
  const draws = stripsSpec({
    strips: samples,
    stripLength: n,
    title: `${samples.length / n} samples (eta > 0)`,
    scheme: 'binary',
    domain: OFF_GREY_DOMAIN,
    legendTitle: null,
  });
  return vconcatSpec([mean, hconcatSpec([cov, draws], { spacing: 24 })], { title });
}

/** The two targets as strips ("target 0": middle off, "target 1": middle on). */
export function toyTargetsSpec(targets: readonly ArrayLike<number>[]): VegaLiteSpec {
  return stripsSpec({
    strips: targets,
    labels: targets.map((_, i) => `target ${i}`),
    title: 'the two equiprobable targets',
    scheme: 'binary',
    domain: OFF_GREY_DOMAIN,
    legendTitle: null,
  });
}
