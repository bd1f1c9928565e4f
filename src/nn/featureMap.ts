/**
 * The feature map: one image's activations, channel-major.
 *
 * Layout (C, H, W), row-major: element (c, y, x) lives at `data[(c * height + y) * width + x]`,
 * the same order as one image of a PyTorch NCHW tensor. A batch is a plain array of feature maps.
 */
export interface FeatureMap {
  /** channels · height · width values, index `(c * height + y) * width + x` */
  readonly data: Float64Array;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/**
 * A feature map of the given shape, zero-filled or wrapping `data` (not copied).
 * @throws RangeError when a dimension is not a positive integer or `data` has the wrong length
 * @example createFeatureMap(2, 3, 4).data.length // 24
 */
export function createFeatureMap(
  channels: number,
  height: number,
  width: number,
  data?: Float64Array,
): FeatureMap {
  for (const [name, v] of [
    ['channels', channels],
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name}: must be a positive integer, got ${v}`);
    }
  }
  const n = channels * height * width;
  if (data === undefined) return { data: new Float64Array(n), channels, height, width };
  if (!(data instanceof Float64Array) || data.length !== n) {
    throw new RangeError(
      `data: must be a Float64Array of length ${channels}·${height}·${width} = ${n}, got length ${data?.length}`,
    );
  }
  return { data, channels, height, width };
}

/**
 * Checks that `x` is a well-formed feature map (positive integer dimensions, matching data length).
 * @param name - the argument name used in the error message
 * @throws RangeError naming `name` when it is not
 */
export function assertFeatureMap(name: string, x: FeatureMap): void {
  if (x === null || typeof x !== 'object' || !(x.data instanceof Float64Array)) {
    throw new TypeError(
      `${name}: must be a feature map { data: Float64Array, channels, height, width }`,
    );
  }
  const { channels: c, height: h, width: w } = x;
  if (![c, h, w].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${name}: dimensions must be positive integers, got ${c}×${h}×${w}`);
  }
  if (x.data.length !== c * h * w) {
    throw new RangeError(
      `${name}: data length ${x.data.length} does not match ${c}×${h}×${w} = ${c * h * w}`,
    );
  }
}
