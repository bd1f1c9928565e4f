/**
 * 2×2 max pooling with stride 2, and its VJP. The walk over 2×2 windows (rows `top`, `bottom`)
 * is written out here and in upsample2.ts: each loop body differs, and a per-window callback
 * would cost a call per output cell in the network's training loop.
 */
import { checkFeatureMap } from './featureMap.js';
import type { FeatureMap } from './featureMap.js';

function checkEvenSize(x: FeatureMap): void {
  if (x.height % 2 !== 0 || x.width % 2 !== 0) {
    throw new RangeError(
      `x: height and width must be even for 2×2 pooling, got ${x.height}×${x.width}`,
    );
  }
}

/**
 * y(c, r, s) = max over the 2×2 window x(c, 2r + a, 2s + b), a, b ∈ {0, 1}.
 * @param x - input (C, H, W), H and W even
 * @returns a new feature map (C, H/2, W/2)
 * @throws RangeError when H or W is odd
 * @example maxPool2(createFeatureMap(1, 2, 2, Float64Array.of(1, 4, 3, 2))).data // [4]
 */
export function maxPool2(x: FeatureMap): FeatureMap {
  checkFeatureMap('x', x);
  checkEvenSize(x);
  const { channels: C, height: H, width: W } = x;
  const h = H >> 1;
  const w = W >> 1;
  const xd = x.data;
  const out = new Float64Array(C * h * w);
  let j = 0;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < h; r++) {
      const top = (c * H + 2 * r) * W;
      const bottom = top + W;
      for (let s = 0; s < w; s++) {
        const a = top + 2 * s;
        const b = bottom + 2 * s;
        out[j++] = Math.max(xd[a], xd[a + 1], xd[b], xd[b + 1]);
      }
    }
  }
  return { data: out, channels: C, height: h, width: w };
}

/**
 * VJP of `maxPool2` at x: each window's cotangent goes to its arg-max (the first one in row-major
 * window order on ties, as PyTorch does); the other three cells get 0.
 * @param x - the forward input (C, H, W)
 * @param gradOutput - cotangent (C, H/2, W/2)
 * @returns gradInput, a new feature map (C, H, W)
 * @throws RangeError when the shapes disagree
 */
export function maxPool2Vjp(x: FeatureMap, gradOutput: FeatureMap): FeatureMap {
  checkFeatureMap('x', x);
  checkFeatureMap('gradOutput', gradOutput);
  checkEvenSize(x);
  const { channels: C, height: H, width: W } = x;
  const h = H >> 1;
  const w = W >> 1;
  if (gradOutput.channels !== C || gradOutput.height !== h || gradOutput.width !== w) {
    throw new RangeError(
      `gradOutput: shape ${gradOutput.channels}×${gradOutput.height}×${gradOutput.width} does not match ${C}×${h}×${w}`,
    );
  }
  const xd = x.data;
  const gd = gradOutput.data;
  const gradInput = new Float64Array(xd.length);
  let j = 0;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < h; r++) {
      const top = (c * H + 2 * r) * W;
      const bottom = top + W;
      for (let s = 0; s < w; s++) {
        const a = top + 2 * s;
        const b = bottom + 2 * s;
        let best = a;
        if (xd[a + 1] > xd[best]) best = a + 1;
        if (xd[b] > xd[best]) best = b;
        if (xd[b + 1] > xd[best]) best = b + 1;
        gradInput[best] = gd[j++];
      }
    }
  }
  return { data: gradInput, channels: C, height: H, width: W };
}
