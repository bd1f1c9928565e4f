/**
 * The body of the small SSN network: a two-level U-Net of 3×3 convolutions (src/nn/README.md),
 * its forward pass and its vector-Jacobian product. Input one image (inC, H, W), H and W even;
 * output a feature map (decoder width, H, W) that the 1×1 heads (heads.ts) read.
 *
 *   e1 = relu(conv inC→w)(x)
 *   e2 = relu(conv w→w)(e1)
 *   d  = relu(conv w→2w)(maxPool2(e2))           (H/2 × W/2)
 *   f  = relu(conv 3w→wd)([upsample2(d); e2])     (skip connection by channel concatenation)
 *
 * With the default widths (encoder 12, bottleneck 24, decoder 16) the body has 9,244 parameters.
 */
import { concatChannels, concatChannelsVjp } from './concatChannels.js';
import { conv2d, conv2dVjp } from './conv2d.js';
import type { Conv2dGrads, ConvWeight } from './conv2d.js';
import type { FeatureMap } from './featureMap.js';
import { checkFeatureMap } from './featureMap.js';
import { heInitConv } from './init.js';
import type { ConvLayerParams } from './init.js';
import { maxPool2, maxPool2Vjp } from './maxPool2.js';
import { relu, reluVjp } from './relu.js';
import { upsample2, upsample2Vjp } from './upsample2.js';
import type { Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';

/**
 * The convolution the network calls: the float64 reference or any backend of src/kernels
 * (`ConvBackend` satisfies this interface).
 */
export interface ConvOps {
  conv2d(x: FeatureMap, w: ConvWeight, b: Float64Array): FeatureMap;
  conv2dVjp(x: FeatureMap, w: ConvWeight, gradOutput: FeatureMap): Conv2dGrads;
}

/** The float64 reference convolution as `ConvOps`. */
export const referenceConvOps: ConvOps = { conv2d, conv2dVjp };

/** Channel widths of the U-Net. */
export interface UNetWidths {
  /** channels of e1 and e2 (default 12) */
  encoder: number;
  /** channels of the half-resolution level d (default 24) */
  bottleneck: number;
  /** channels of the output feature map f (default 16) */
  decoder: number;
}

/** The default widths: 9,244 body parameters. */
export const DEFAULT_UNET_WIDTHS: Readonly<UNetWidths> = {
  encoder: 12,
  bottleneck: 24,
  decoder: 16,
};

/** The U-Net's parameters (owned arrays; an optimiser may update them in place). */
export interface UNetParams {
  readonly inChannels: number;
  readonly widths: Readonly<UNetWidths>;
  readonly enc1: ConvLayerParams;
  readonly enc2: ConvLayerParams;
  readonly bottleneck: ConvLayerParams;
  readonly dec: ConvLayerParams;
}

/** What the VJP needs from the forward pass (pre-activations and the layers' inputs). */
export interface UNetCache {
  readonly x: FeatureMap;
  readonly a1: FeatureMap;
  readonly e1: FeatureMap;
  readonly a2: FeatureMap;
  readonly e2: FeatureMap;
  readonly pooled: FeatureMap;
  readonly a3: FeatureMap;
  readonly u: FeatureMap;
  readonly a4: FeatureMap;
}

/**
 * He-initialised U-Net parameters (each layer's weights ~ N(0, 2/fanIn), biases 0), drawn from
 * `rng` layer by layer in the order enc1, enc2, bottleneck, dec.
 * @throws RangeError when inChannels or a width is not a positive integer
 * @example unetParameterCount(createUNet(createRng(0))) // 9244
 */
export function createUNet(
  rng: Rng,
  options: { inChannels?: number; widths?: Partial<UNetWidths> } = {},
): UNetParams {
  const inChannels = options.inChannels ?? 1;
  const widths = { ...DEFAULT_UNET_WIDTHS, ...options.widths };
  checkInteger('inChannels', inChannels, 1);
  checkInteger('widths.encoder', widths.encoder, 1);
  checkInteger('widths.bottleneck', widths.bottleneck, 1);
  checkInteger('widths.decoder', widths.decoder, 1);
  const { encoder: w, bottleneck: wb, decoder: wd } = widths;
  return {
    inChannels,
    widths,
    enc1: heInitConv(rng, w, inChannels, 3),
    enc2: heInitConv(rng, w, w, 3),
    bottleneck: heInitConv(rng, wb, w, 3),
    dec: heInitConv(rng, wd, wb + w, 3),
  };
}

/** The parameter arrays in a fixed order: [enc1.w, enc1.b, enc2.w, enc2.b, bottleneck.w, bottleneck.b, dec.w, dec.b]. */
export function unetParameters(p: UNetParams): Float64Array[] {
  return [p.enc1, p.enc2, p.bottleneck, p.dec].flatMap((l) => [l.weight.data, l.bias]);
}

/** Number of scalar parameters of the U-Net. */
export function unetParameterCount(p: UNetParams): number {
  return unetParameters(p).reduce((s, a) => s + a.length, 0);
}

/**
 * Forward pass of the U-Net on one image.
 * @param x - input (inC, H, W), H and W even
 * @returns the output feature map (decoder width, H, W) and the cache for `unetVjp`
 * @throws RangeError when x's channels differ from inC or H, W are odd
 */
export function unetForward(
  ops: ConvOps,
  p: UNetParams,
  x: FeatureMap,
): { features: FeatureMap; cache: UNetCache } {
  checkFeatureMap('x', x);
  if (x.channels !== p.inChannels) {
    throw new RangeError(`x: has ${x.channels} channels, the network expects ${p.inChannels}`);
  }
  if (x.height % 2 !== 0 || x.width % 2 !== 0) {
    throw new RangeError(`x: height and width must be even, got ${x.height}×${x.width}`);
  }
  const a1 = ops.conv2d(x, p.enc1.weight, p.enc1.bias);
  const e1 = relu(a1);
  const a2 = ops.conv2d(e1, p.enc2.weight, p.enc2.bias);
  const e2 = relu(a2);
  const pooled = maxPool2(e2);
  const a3 = ops.conv2d(pooled, p.bottleneck.weight, p.bottleneck.bias);
  const d = relu(a3);
  const u = concatChannels(upsample2(d), e2);
  const a4 = ops.conv2d(u, p.dec.weight, p.dec.bias);
  const features = relu(a4);
  return { features, cache: { x, a1, e1, a2, e2, pooled, a3, u, a4 } };
}

/**
 * VJP of `unetForward`: the VJPs of the layers in reverse order; the skip connection's gradient
 * (the e2 part of the concatenation) is added to the gradient reaching e2 through the pooling.
 * @param gradFeatures - cotangent of the output feature map
 * @returns `grads` in the order of `unetParameters`, and gradInput (∂L/∂x)
 */
export function unetVjp(
  ops: ConvOps,
  p: UNetParams,
  cache: UNetCache,
  gradFeatures: FeatureMap,
): { grads: Float64Array[]; gradInput: FeatureMap } {
  const { x, a1, e1, a2, e2, pooled, a3, u, a4 } = cache;
  const gDec = ops.conv2dVjp(u, p.dec.weight, reluVjp(a4, gradFeatures));
  const { gradA: gradUp, gradB: gradSkip } = concatChannelsVjp(p.widths.bottleneck, gDec.gradInput);
  const gBot = ops.conv2dVjp(pooled, p.bottleneck.weight, reluVjp(a3, upsample2Vjp(gradUp)));
  const gradE2 = maxPool2Vjp(e2, gBot.gradInput);
  const gradE2Data = gradE2.data;
  for (let j = 0; j < gradE2Data.length; j++) gradE2Data[j] += gradSkip.data[j];
  const gEnc2 = ops.conv2dVjp(e1, p.enc2.weight, reluVjp(a2, gradE2));
  const gEnc1 = ops.conv2dVjp(x, p.enc1.weight, reluVjp(a1, gEnc2.gradInput));
  return {
    grads: [gEnc1, gEnc2, gBot, gDec].flatMap((g) => [g.gradWeight, g.gradBias]),
    gradInput: gEnc1.gradInput,
  };
}
