/** Rectified linear unit, elementwise, and its VJP. */
import { checkFeatureMap } from './featureMap.js';
import type { FeatureMap } from './featureMap.js';

/**
 * y = max(x, 0) elementwise (NaN stays NaN).
 * @returns a new feature map of the shape of x
 * @example relu(createFeatureMap(1, 1, 2, Float64Array.of(-1, 2))).data // [0, 2]
 */
export function relu(x: FeatureMap): FeatureMap {
  checkFeatureMap('x', x);
  const xd = x.data;
  const out = new Float64Array(xd.length);
  for (let j = 0; j < xd.length; j++) {
    const v = xd[j];
    out[j] = v > 0 ? v : v === v ? 0 : v;
  }
  return { data: out, channels: x.channels, height: x.height, width: x.width };
}

/**
 * VJP of `relu` at x: gradInput = gradOutput · 1[x > 0] (the subgradient 0 is taken at x = 0).
 * @param x - the forward input
 * @param gradOutput - cotangent, shape of x
 * @returns gradInput, a new feature map of the shape of x
 * @throws RangeError when the shapes disagree
 */
export function reluVjp(x: FeatureMap, gradOutput: FeatureMap): FeatureMap {
  checkFeatureMap('x', x);
  checkFeatureMap('gradOutput', gradOutput);
  if (
    gradOutput.channels !== x.channels ||
    gradOutput.height !== x.height ||
    gradOutput.width !== x.width
  ) {
    throw new RangeError(
      `gradOutput: shape ${gradOutput.channels}×${gradOutput.height}×${gradOutput.width} does not match x ${x.channels}×${x.height}×${x.width}`,
    );
  }
  const xd = x.data;
  const gd = gradOutput.data;
  const gradInput = new Float64Array(xd.length);
  for (let j = 0; j < xd.length; j++) gradInput[j] = xd[j] > 0 ? gd[j] : 0;
  return { data: gradInput, channels: x.channels, height: x.height, width: x.width };
}
