/** Channel concatenation (the U-Net skip connection), and its VJP. */
import { checkInteger } from '../util/validate.js';
import { checkFeatureMap } from './featureMap.js';
import type { FeatureMap } from './featureMap.js';

/**
 * y = [a; b] along channels: channels 0..Ca−1 are a's, Ca..Ca+Cb−1 are b's. With the (C, H, W)
 * layout this is plain array concatenation.
 * @returns a new feature map (Ca + Cb, H, W)
 * @throws RangeError when a and b differ in height or width
 * @example concatChannels(createFeatureMap(1, 2, 2), createFeatureMap(3, 2, 2)).channels // 4
 */
export function concatChannels(a: FeatureMap, b: FeatureMap): FeatureMap {
  checkFeatureMap('a', a);
  checkFeatureMap('b', b);
  if (a.height !== b.height || a.width !== b.width) {
    throw new RangeError(
      `b: spatial size ${b.height}×${b.width} differs from a's ${a.height}×${a.width}`,
    );
  }
  const out = new Float64Array(a.data.length + b.data.length);
  out.set(a.data, 0);
  out.set(b.data, a.data.length);
  return { data: out, channels: a.channels + b.channels, height: a.height, width: a.width };
}

/**
 * VJP of `concatChannels`: splits gradOutput back into the parts for a and for b.
 * @param aChannels - number of channels of the first input
 * @param gradOutput - cotangent (Ca + Cb, H, W)
 * @returns { gradA (Ca, H, W), gradB (Cb, H, W) }, new arrays
 * @throws RangeError when aChannels is not in [1, channels of gradOutput − 1]
 */
export function concatChannelsVjp(
  aChannels: number,
  gradOutput: FeatureMap,
): { gradA: FeatureMap; gradB: FeatureMap } {
  checkFeatureMap('gradOutput', gradOutput);
  const { channels: C, height: H, width: W } = gradOutput;
  checkInteger('aChannels', aChannels, 1);
  if (aChannels >= C) {
    throw new RangeError(`aChannels: must be an integer in [1, ${C - 1}], got ${aChannels}`);
  }
  const split = aChannels * H * W;
  return {
    gradA: { data: gradOutput.data.slice(0, split), channels: aChannels, height: H, width: W },
    gradB: { data: gradOutput.data.slice(split), channels: C - aChannels, height: H, width: W },
  };
}
