/**
 * Test helpers for the nn layers: a naive convolution written independently of src/nn/conv2d.ts
 * (direct 7-fold loop with a bounds test per term), random tensors from a seeded Rng, dot products.
 */
import { createRng, standardNormal } from '../../src/random/rng.js';
import type { FeatureMap } from '../../src/nn/featureMap.js';
import type { ConvWeight } from '../../src/nn/conv2d.js';

export function dot(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length)
    throw new RangeError(`dot: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

export function randomMap(seed: string, c: number, h: number, w: number): FeatureMap {
  return { data: standardNormal(createRng(seed), c * h * w), channels: c, height: h, width: w };
}

export function randomWeight(seed: string, o: number, i: number, k: number): ConvWeight {
  return {
    data: standardNormal(createRng(seed), o * i * k * k),
    outChannels: o,
    inChannels: i,
    kernelSize: k,
  };
}

/** y(o,r,c) = b(o) + Σ w(o,i,ky,kx) x(i, r+ky−p, c+kx−p), zero outside; also Σ|terms| per output. */
export function naiveConv(
  x: FeatureMap,
  w: ConvWeight,
  b: Float64Array,
): { y: Float64Array; absSum: Float64Array } {
  const { channels: I, height: H, width: W } = x;
  const { outChannels: O, kernelSize: k } = w;
  const p = (k - 1) / 2;
  const y = new Float64Array(O * H * W);
  const absSum = new Float64Array(O * H * W);
  for (let o = 0; o < O; o++)
    for (let r = 0; r < H; r++)
      for (let c = 0; c < W; c++) {
        let s = b[o];
        let a = Math.abs(b[o]);
        for (let i = 0; i < I; i++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const rr = r + ky - p;
              const cc = c + kx - p;
              if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
              const t = w.data[((o * I + i) * k + ky) * k + kx] * x.data[(i * H + rr) * W + cc];
              s += t;
              a += Math.abs(t);
            }
        y[(o * H + r) * W + c] = s;
        absSum[(o * H + r) * W + c] = a;
      }
  return { y, absSum };
}

/** x + t·v as a new feature map. */
export function shifted(x: FeatureMap, v: Float64Array, t: number): FeatureMap {
  return { ...x, data: x.data.map((xi, j) => xi + t * v[j]) };
}
