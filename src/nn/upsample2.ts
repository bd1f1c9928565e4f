/**
 * Nearest-neighbour 2× upsampling, and its VJP. The 2×2 block walk is written out in each
 * function, as in maxPool2.ts (a per-block callback would cost a call per cell).
 */
import { checkFeatureMap } from './featureMap.js';
import type { FeatureMap } from './featureMap.js';

/**
 * y(c, r, s) = x(c, ⌊r/2⌋, ⌊s/2⌋): each value copied into a 2×2 block.
 * @param x - input (C, h, w)
 * @returns a new feature map (C, 2h, 2w)
 * @example upsample2(createFeatureMap(1, 1, 1, Float64Array.of(5))).data // [5, 5, 5, 5]
 */
export function upsample2(x: FeatureMap): FeatureMap {
  checkFeatureMap('x', x);
  const { channels: C, height: h, width: w } = x;
  const H = 2 * h;
  const W = 2 * w;
  const xd = x.data;
  const out = new Float64Array(C * H * W);
  let j = 0;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < h; r++) {
      const top = (c * H + 2 * r) * W;
      const bottom = top + W;
      for (let s = 0; s < w; s++) {
        const v = xd[j++];
        out[top + 2 * s] = v;
        out[top + 2 * s + 1] = v;
        out[bottom + 2 * s] = v;
        out[bottom + 2 * s + 1] = v;
      }
    }
  }
  return { data: out, channels: C, height: H, width: W };
}

/**
 * VJP of `upsample2`: gradInput(c, r, s) = Σ of gradOutput over the 2×2 block it was copied to
 * (the adjoint of the copy is 2×2 sum pooling).
 * @param gradOutput - cotangent (C, 2h, 2w)
 * @returns gradInput, a new feature map (C, h, w)
 * @throws RangeError when gradOutput's height or width is odd
 */
export function upsample2Vjp(gradOutput: FeatureMap): FeatureMap {
  checkFeatureMap('gradOutput', gradOutput);
  const { channels: C, height: H, width: W } = gradOutput;
  if (H % 2 !== 0 || W % 2 !== 0) {
    throw new RangeError(
      `gradOutput: height and width must be even (an upsampled map), got ${H}×${W}`,
    );
  }
  const h = H >> 1;
  const w = W >> 1;
  const gd = gradOutput.data;
  const gradInput = new Float64Array(C * h * w);
  let j = 0;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < h; r++) {
      const top = (c * H + 2 * r) * W;
      const bottom = top + W;
      for (let s = 0; s < w; s++) {
        gradInput[j++] =
          gd[top + 2 * s] + gd[top + 2 * s + 1] + gd[bottom + 2 * s] + gd[bottom + 2 * s + 1];
      }
    }
  }
  return { data: gradInput, channels: C, height: h, width: w };
}
