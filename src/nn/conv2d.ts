/**
 * 2-D convolution (cross-correlation, as in PyTorch's `Conv2d`), stride 1, odd kernel size k,
 * zero "same" padding p = (k − 1)/2, and its vector-Jacobian product. Float64 reference.
 * Both walk the same shifts (dy, dx) = (ky − p, kx − p) over the same valid rectangles; the walk
 * is written out in each so that the innermost loops make no call.
 */
import { checkInteger } from '../util/validate.js';
import { checkFeatureMap, createFeatureMap } from './featureMap.js';
import type { FeatureMap } from './featureMap.js';

/**
 * Convolution weights, layout [out][in][ky][kx] (PyTorch's `Conv2d.weight` order):
 * w(o, i, ky, kx) lives at `data[((o * inChannels + i) * kernelSize + ky) * kernelSize + kx]`.
 * The bias is a separate Float64Array of length outChannels.
 */
export interface ConvWeight {
  /** outChannels · inChannels · kernelSize² values */
  readonly data: Float64Array;
  readonly outChannels: number;
  readonly inChannels: number;
  /** odd kernel side k */
  readonly kernelSize: number;
}

/** Gradients of a convolution: one per input, same shapes and layouts as the inputs. */
export interface Conv2dGrads {
  /** ∂L/∂x, shape of x */
  gradInput: FeatureMap;
  /** ∂L/∂w, layout of `ConvWeight.data` */
  gradWeight: Float64Array;
  /** ∂L/∂b, length outChannels */
  gradBias: Float64Array;
}

/**
 * A convolution weight wrapping `data` (not copied).
 * @throws TypeError when `data` is not a Float64Array
 * @throws RangeError when a size is not a positive integer, k is even, or `data` has the wrong length
 */
export function createConvWeight(
  outChannels: number,
  inChannels: number,
  kernelSize: number,
  data?: Float64Array,
): ConvWeight {
  const w = {
    data: data ?? new Float64Array(outChannels * inChannels * kernelSize * kernelSize),
    outChannels,
    inChannels,
    kernelSize,
  };
  checkConvWeight('weight', w);
  return w;
}

/**
 * Checks a convolution weight.
 * @throws TypeError naming `name` when it is not an object with Float64Array data
 * @throws RangeError naming `name` when a size is not a positive integer, the kernel size is even
 *   or the data length disagrees
 */
export function checkConvWeight(name: string, w: ConvWeight): void {
  if (w === null || typeof w !== 'object' || !(w.data instanceof Float64Array)) {
    throw new TypeError(
      `${name}: must be { data: Float64Array, outChannels, inChannels, kernelSize }`,
    );
  }
  const { outChannels: o, inChannels: i, kernelSize: k } = w;
  checkInteger(`${name}.outChannels`, o, 1);
  checkInteger(`${name}.inChannels`, i, 1);
  checkInteger(`${name}.kernelSize`, k, 1);
  if (k % 2 !== 1)
    throw new RangeError(`${name}: kernelSize must be odd for 'same' padding, got ${k}`);
  if (w.data.length !== o * i * k * k) {
    throw new RangeError(
      `${name}: data length ${w.data.length} does not match ${o}×${i}×${k}×${k} = ${o * i * k * k}`,
    );
  }
}

/**
 * Checks that x, w and b fit together for `conv2d`.
 * @throws TypeError naming the argument that is not a feature map, a weight or a Float64Array
 * @throws RangeError naming the argument whose shape disagrees
 */
export function checkConvShapes(x: FeatureMap, w: ConvWeight, b?: Float64Array): void {
  checkFeatureMap('x', x);
  checkConvWeight('w', w);
  if (x.channels !== w.inChannels) {
    throw new RangeError(
      `x: has ${x.channels} channels but w expects inChannels = ${w.inChannels}`,
    );
  }
  if (b !== undefined && !(b instanceof Float64Array)) {
    throw new TypeError(`b: must be a Float64Array of length outChannels = ${w.outChannels}`);
  }
  if (b !== undefined && b.length !== w.outChannels) {
    throw new RangeError(
      `b: must be a Float64Array of length outChannels = ${w.outChannels}, got length ${b?.length}`,
    );
  }
}

/**
 * y = conv(x; w) + b, stride 1, zero "same" padding p = (k − 1)/2:
 *   y(o, r, c) = b(o) + Σ_{i, ky, kx} w(o, i, ky, kx) · x(i, r + ky − p, c + kx − p)
 * with x = 0 outside the image. Cost O(outC · inC · k² · H · W).
 * @param x - input (inC, H, W)
 * @param w - weights (outC, inC, k, k)
 * @param b - bias, length outC
 * @returns a new feature map (outC, H, W)
 * @throws RangeError when the shapes disagree or k is even
 * @example conv2d(createFeatureMap(1, 1, 1, Float64Array.of(2)), createConvWeight(1, 1, 1, Float64Array.of(3)), Float64Array.of(1)).data // [7]
 */
export function conv2d(x: FeatureMap, w: ConvWeight, b: Float64Array): FeatureMap {
  checkConvShapes(x, w, b);
  const { height: H, width: W } = x;
  const { outChannels: O, inChannels: I, kernelSize: k } = w;
  const p = (k - 1) >> 1;
  const HW = H * W;
  const xd = x.data;
  const wd = w.data;
  const out = new Float64Array(O * HW);
  for (let o = 0; o < O; o++) {
    const oBase = o * HW;
    out.fill(b[o], oBase, oBase + HW);
    for (let i = 0; i < I; i++) {
      const iBase = i * HW;
      for (let ky = 0; ky < k; ky++) {
        const dy = ky - p;
        const y0 = dy < 0 ? -dy : 0;
        const y1 = dy > 0 ? H - dy : H;
        for (let kx = 0; kx < k; kx++) {
          const dx = kx - p;
          const x0 = dx < 0 ? -dx : 0;
          const x1 = dx > 0 ? W - dx : W;
          // No skip of zero weights: 0 · NaN = NaN, as PyTorch and the gpu.js kernel.
          const wv = wd[((o * I + i) * k + ky) * k + kx];
          // Shift-and-accumulate: out(o, r, c) += wv · x(i, r + dy, c + dx) over the valid rectangle.
          for (let r = y0; r < y1; r++) {
            const outRow = oBase + r * W;
            const inRow = iBase + (r + dy) * W + dx;
            for (let c = x0; c < x1; c++) out[outRow + c] += wv * xd[inRow + c];
          }
        }
      }
    }
  }
  return { data: out, channels: O, height: H, width: W };
}

/**
 * Vector-Jacobian product of `conv2d` at x with cotangent gradOutput = ∂L/∂y:
 *   gradInput(i, r, c)      = Σ_{o, ky, kx} w(o, i, ky, kx) · gradOutput(o, r − ky + p, c − kx + p)   (transposed conv)
 *   gradWeight(o, i, ky, kx) = Σ_{r, c} gradOutput(o, r, c) · x(i, r + ky − p, c + kx − p)           (correlation)
 *   gradBias(o)            = Σ_{r, c} gradOutput(o, r, c)
 * so that ⟨conv2d(x, w, b) − b, u⟩ = ⟨x, gradInput(u)⟩ = ⟨w, gradWeight(u)⟩ (the adjoint identity; conv is
 * bilinear in (x, w)). The bias itself is not needed.
 * @param x - the forward input (inC, H, W)
 * @param w - the forward weights
 * @param gradOutput - cotangent (outC, H, W)
 * @returns new arrays { gradInput (inC, H, W), gradWeight (outC·inC·k²), gradBias (outC) }
 * @throws RangeError when the shapes disagree
 */
export function conv2dVjp(x: FeatureMap, w: ConvWeight, gradOutput: FeatureMap): Conv2dGrads {
  checkConvShapes(x, w);
  checkFeatureMap('gradOutput', gradOutput);
  const { height: H, width: W } = x;
  const { outChannels: O, inChannels: I, kernelSize: k } = w;
  if (gradOutput.channels !== O || gradOutput.height !== H || gradOutput.width !== W) {
    throw new RangeError(
      `gradOutput: shape ${gradOutput.channels}×${gradOutput.height}×${gradOutput.width} does not match the output ${O}×${H}×${W}`,
    );
  }
  const p = (k - 1) >> 1;
  const HW = H * W;
  const xd = x.data;
  const wd = w.data;
  const gd = gradOutput.data;
  const gradInput = new Float64Array(I * HW);
  const gradWeight = new Float64Array(O * I * k * k);
  const gradBias = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    const oBase = o * HW;
    let s = 0;
    for (let j = oBase; j < oBase + HW; j++) s += gd[j];
    gradBias[o] = s;
    for (let i = 0; i < I; i++) {
      const iBase = i * HW;
      for (let ky = 0; ky < k; ky++) {
        const dy = ky - p;
        const y0 = dy < 0 ? -dy : 0;
        const y1 = dy > 0 ? H - dy : H;
        for (let kx = 0; kx < k; kx++) {
          const dx = kx - p;
          const x0 = dx < 0 ? -dx : 0;
          const x1 = dx > 0 ? W - dx : W;
          const wIdx = ((o * I + i) * k + ky) * k + kx;
          const wv = wd[wIdx];
          let acc = 0;
          // The forward pairs (out(o, r, c), in(i, r + dy, c + dx)); both gradients walk the same pairs.
          for (let r = y0; r < y1; r++) {
            const outRow = oBase + r * W;
            const inRow = iBase + (r + dy) * W + dx;
            for (let c = x0; c < x1; c++) {
              const g = gd[outRow + c];
              acc += g * xd[inRow + c];
              gradInput[inRow + c] += wv * g;
            }
          }
          gradWeight[wIdx] = acc;
        }
      }
    }
  }
  return { gradInput: createFeatureMap(I, H, W, gradInput), gradWeight, gradBias };
}
