/**
 * The feature map: one image's activations, channel-major.
 *
 * Layout (C, H, W), row-major: element (c, y, x) lives at `data[(c * height + y) * width + x]`,
 * the same order as one image of a PyTorch NCHW tensor. A batch is a plain array of feature maps.
 */
import { checkInteger } from '../util/validate.js';

/** One image's activations, C x H x W channel-major (see the layout above). */
export interface FeatureMap {
  /** channels · height · width values, index `(c * height + y) * width + x` */
  readonly data: Float64Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * A feature map of the given shape, zero-filled or wrapping `data` (not copied).
 * @throws TypeError when a dimension is not an integer or `data` is not a Float64Array
 * @throws RangeError when a dimension is below 1 or `data` has the wrong length
 * @example createFeatureMap(2, 3, 4).data.length // 24
 */
export function createFeatureMap(
  channels: number,
  height: number,
  width: number,
  data?: Float64Array,
): FeatureMap {
  checkInteger('channels', channels, 1);
  checkInteger('height', height, 1);
  checkInteger('width', width, 1);
  const n = channels * height * width;
  if (data === undefined) return { data: new Float64Array(n), channels, height, width };
  if (!(data instanceof Float64Array)) {
    throw new TypeError(`data: must be a Float64Array, got ${typeof data}`);
  }
  if (data.length !== n) {
    throw new RangeError(
      `data: must be a Float64Array of length ${channels}·${height}·${width} = ${n}, got length ${data?.length}`,
    );
  }
  return { data, channels, height, width };
}

/**
 * Checks that `x` is a well-formed feature map (positive integer dimensions, matching data length).
 * @param name - the argument name used in the error message
 * @throws TypeError naming `name` when it is not a feature map object with Float64Array data
 * @throws RangeError naming `name` when a dimension is not a positive integer or the length differs
 */
export function checkFeatureMap(name: string, x: FeatureMap): void {
  if (x === null || typeof x !== 'object' || !(x.data instanceof Float64Array)) {
    throw new TypeError(
      `${name}: must be a feature map { data: Float64Array, channels, height, width }`,
    );
  }
  const { channels: c, height: h, width: w } = x;
  checkInteger(`${name}.channels`, c, 1);
  checkInteger(`${name}.height`, h, 1);
  checkInteger(`${name}.width`, w, 1);
  if (x.data.length !== c * h * w) {
    throw new RangeError(
      `${name}: data length ${x.data.length} does not match ${c}×${h}×${w} = ${c * h * w}`,
    );
  }
}
