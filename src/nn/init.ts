/** Seeded parameter initialisation for convolution layers. */
import { checkNumber } from '../util/validate.js';
import { standardNormalInto } from '../random/rng.js';
import type { Rng } from '../random/rng.js';
import { createConvWeight } from './conv2d.js';
import type { ConvWeight } from './conv2d.js';

/** One convolution layer's parameters. */
export interface ConvLayerParams {
  weight: ConvWeight;
  /** length outChannels */
  bias: Float64Array;
}

/**
 * He/Kaiming normal initialisation (He et al. 2015) for a layer followed by ReLU:
 * w ~ N(0, 2 / fanIn) with fanIn = inChannels · k², bias = 0. Draws outC·inC·k² normals from
 * `rng` in weight-layout order, so the same seed gives the same weights.
 * @param gain - multiplies the standard deviation (1 for ReLU layers; use a smaller value, e.g.
 *   1/√2, for a final linear layer to get Var = 1/fanIn)
 * @throws RangeError when a size is not a positive integer or k is even
 * @example heInitConv(createRng(0), 16, 1, 3).weight.data.length // 144
 */
export function heInitConv(
  rng: Rng,
  outChannels: number,
  inChannels: number,
  kernelSize: number,
  gain = 1,
): ConvLayerParams {
  checkNumber('gain', gain, 0, true);
  const weight = createConvWeight(outChannels, inChannels, kernelSize);
  const data = standardNormalInto(rng, weight.data as Float64Array);
  const std = gain * Math.sqrt(2 / (inChannels * kernelSize * kernelSize));
  for (let j = 0; j < data.length; j++) data[j] *= std;
  return { weight, bias: new Float64Array(outChannels) };
}
