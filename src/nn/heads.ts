/**
 * The three output heads of the small SSN network, each a set of 1×1 convolutions on the body's
 * last feature map (F channels, H × W = S pixels):
 *
 *   'deterministic'  mean      F→C           logits of a plain segmentation network
 *   'diagonal'       mean      F→C, logDiag F→C         (a low-rank normal with zero factor)
 *   'lowrank'        mean      F→C, logDiag F→C, factor F→R·C   (SSN, paper eq. 5)
 *
 * The maps come out channel-major, which is the official PyTorch layout that
 * `headToDistribution` reads: mean channel c at c·S (class-major logits n = c·S + s), factor
 * channel k = r·C + c (rank-major) holding P[(c, s), r] (spec/official-code.md#layouts-and-the-head).
 */
import type { FeatureMap } from './featureMap.js';
import { checkFeatureMap } from './featureMap.js';
import { heInitConv } from './init.js';
import type { ConvLayerParams } from './init.js';
import type { ConvOps } from './network.js';
import type { Rng } from '../random/rng.js';
import { checkInteger, checkNumber, checkOneOf } from '../util/validate.js';

/** Which distribution the network predicts. */
export type HeadKind = 'deterministic' | 'diagonal' | 'lowrank';

/** The head kinds, in the order the experiment reports them. */
export const HEAD_KINDS: readonly HeadKind[] = ['deterministic', 'diagonal', 'lowrank'];

/**
 * Checks a head kind given by a user.
 * @throws TypeError naming `name` when it is not a string
 * @throws RangeError naming `name` when it is not one of HEAD_KINDS
 */
export function checkHeadKind(name: string, kind: unknown): asserts kind is HeadKind {
  checkOneOf(name, kind, HEAD_KINDS);
}

/** Parameters of the heads; `logDiag` is present unless deterministic, `factor` only for lowrank. */
export interface HeadParams {
  readonly kind: HeadKind;
  readonly inChannels: number;
  readonly classes: number;
  /** R: factor channels are R·C ('lowrank'); 1 with an all-zero factor for 'diagonal'; 0 for 'deterministic'. */
  readonly rank: number;
  readonly mean: ConvLayerParams;
  readonly logDiag?: ConvLayerParams;
  readonly factor?: ConvLayerParams;
}

/** The head outputs of one image, each channel-major over S pixels. */
export interface HeadMaps {
  /** C x S mean logits */
  readonly mean: FeatureMap;
  /** C x S log-diagonal (absent for 'deterministic') */
  readonly logDiag?: FeatureMap;
  /** (R·C) x S covariance factor channels, k = r·C + c (only 'lowrank') */
  readonly factor?: FeatureMap;
}

/** Cotangents of the head outputs, shaped as `HeadMaps`. */
export interface HeadMapGrads {
  readonly gradMean: ArrayLike<number>;
  readonly gradLogDiag?: ArrayLike<number>;
  readonly gradFactor?: ArrayLike<number>;
}

/**
 * Heads initialised with w ~ N(0, 1/F) (He with gain 1/√2, a linear layer) and zero biases,
 * drawn from `rng` in the order mean, logDiag, factor. The factor weights are scaled by a further
 * `factorScale` (default 0.5) so that the initial covariance is of the order of the diagonal's;
 * the log-diagonal's biases start at `logDiagBias` (default 0, i.e. covDiag ≈ 1).
 * @throws RangeError when classes < 2, inChannels or (for 'lowrank') rank is not a positive integer
 * @example createHeads(createRng(0), { kind: 'lowrank', inChannels: 16, classes: 2, rank: 10 }).factor?.weight.outChannels // 20
 */
export function createHeads(
  rng: Rng,
  options: {
    kind: HeadKind;
    inChannels: number;
    classes: number;
    rank?: number;
    factorScale?: number;
    logDiagBias?: number;
  },
): HeadParams {
  const { kind, inChannels, classes } = options;
  checkHeadKind('kind', kind);
  checkInteger('inChannels', inChannels, 1);
  checkInteger('classes', classes, 2);
  const gain = Math.SQRT1_2;
  const mean = heInitConv(rng, classes, inChannels, 1, gain);
  if (kind === 'deterministic') return { kind, inChannels, classes, rank: 0, mean };
  const logDiag = heInitConv(rng, classes, inChannels, 1, gain);
  const logDiagBias = options.logDiagBias ?? 0;
  checkNumber('logDiagBias', logDiagBias);
  logDiag.bias.fill(logDiagBias);
  if (kind === 'diagonal') return { kind, inChannels, classes, rank: 1, mean, logDiag };
  const rank = options.rank ?? 10;
  checkInteger('rank', rank, 1);
  const factorScale = options.factorScale ?? 0.5;
  checkNumber('factorScale', factorScale, 0, true);
  const factor = heInitConv(rng, rank * classes, inChannels, 1, gain * factorScale);
  return { kind, inChannels, classes, rank, mean, logDiag, factor };
}

/** The layers of the heads that exist, in parameter order (mean, logDiag, factor). */
function layers(p: HeadParams): ConvLayerParams[] {
  return [p.mean, p.logDiag, p.factor].filter((l): l is ConvLayerParams => l !== undefined);
}

/** Parameter arrays in a fixed order: [mean.w, mean.b, (logDiag.w, logDiag.b), (factor.w, factor.b)]. */
export function headParameters(p: HeadParams): Float64Array[] {
  return layers(p).flatMap((l) => [l.weight.data, l.bias]);
}

/**
 * The head outputs on a feature map (F, H, W).
 * @throws RangeError when the feature map's channel count differs from the heads' inChannels
 */
export function headsForward(ops: ConvOps, p: HeadParams, features: FeatureMap): HeadMaps {
  checkFeatureMap('features', features);
  if (features.channels !== p.inChannels) {
    throw new RangeError(
      `features: has ${features.channels} channels, the heads expect ${p.inChannels}`,
    );
  }
  const mean = ops.conv2d(features, p.mean.weight, p.mean.bias);
  const logDiag = p.logDiag && ops.conv2d(features, p.logDiag.weight, p.logDiag.bias);
  const factor = p.factor && ops.conv2d(features, p.factor.weight, p.factor.bias);
  return { mean, logDiag, factor };
}

/**
 * VJP of `headsForward`: the three 1×1 convolutions' VJPs, their input gradients summed.
 * A missing cotangent (e.g. gradFactor of a diagonal head) is taken as zero.
 * @returns `grads` in the order of `headParameters`, and ∂L/∂features
 * @throws RangeError when a cotangent's length differs from its map's
 */
export function headsVjp(
  ops: ConvOps,
  p: HeadParams,
  features: FeatureMap,
  d: HeadMapGrads,
): { grads: Float64Array[]; gradFeatures: FeatureMap } {
  const { height: H, width: W } = features;
  const S = H * W;
  const pairs: [ConvLayerParams, ArrayLike<number> | undefined, string][] = [
    [p.mean, d.gradMean, 'gradMean'],
  ];
  if (p.logDiag) pairs.push([p.logDiag, d.gradLogDiag, 'gradLogDiag']);
  if (p.factor) pairs.push([p.factor, d.gradFactor, 'gradFactor']);
  const grads: Float64Array[] = [];
  const gradFeatures = new Float64Array(features.data.length);
  for (const [layer, g, name] of pairs) {
    const O = layer.weight.outChannels;
    const data = new Float64Array(O * S);
    if (g !== undefined) {
      if (g.length !== O * S) {
        throw new RangeError(`${name}: length ${g.length}, expected ${O} x ${S} = ${O * S}`);
      }
      data.set(g);
    }
    const r = ops.conv2dVjp(features, layer.weight, { data, channels: O, height: H, width: W });
    grads.push(r.gradWeight, r.gradBias);
    for (let j = 0; j < gradFeatures.length; j++) gradFeatures[j] += r.gradInput.data[j];
  }
  return { grads, gradFeatures: { ...features, data: gradFeatures } };
}
