import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { conv2d, conv2dVjp, createConvWeight } from '../../src/nn/conv2d.js';
import { createFeatureMap } from '../../src/nn/featureMap.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { dot, naiveConv, randomMap, randomWeight, shifted } from './helpers.js';
import { fcParams } from '../helpers/fc.js';
import { isClose } from '../helpers/close.js';

// Dimensions first, then a seed for the values.
const convCase = fc.record({
  I: fc.integer({ min: 1, max: 3 }),
  O: fc.integer({ min: 1, max: 3 }),
  H: fc.integer({ min: 1, max: 6 }),
  W: fc.integer({ min: 1, max: 6 }),
  k: fc.constantFrom(1, 3, 5),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

function setup({
  I,
  O,
  H,
  W,
  k,
  seed,
}: {
  I: number;
  O: number;
  H: number;
  W: number;
  k: number;
  seed: number;
}) {
  const x = randomMap(`${seed}/x`, I, H, W);
  const w = randomWeight(`${seed}/w`, O, I, k);
  const b = standardNormal(createRng(`${seed}/b`), O);
  const u = randomMap(`${seed}/u`, O, H, W);
  return { x, w, b, u };
}

describe('conv2d', () => {
  it('matches a hand-computed 1-channel 3×3 example (zero padding at the border)', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[0,1,0],[1,0,1],[0,1,0]] (sum of the 4 neighbours), b = 0.5
    const x = createFeatureMap(1, 3, 3, Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    const w = createConvWeight(1, 1, 3, Float64Array.of(0, 1, 0, 1, 0, 1, 0, 1, 0));
    const y = conv2d(x, w, Float64Array.of(0.5));
    expect(Array.from(y.data)).toEqual([6.5, 9.5, 8.5, 13.5, 20.5, 17.5, 12.5, 21.5, 14.5]);
  });

  it('is a cross-correlation (not a flipped convolution): an off-centre tap shifts the image', () => {
    // w has a single 1 at (ky, kx) = (0, 1): y(r, c) = x(r − 1, c)
    const x = createFeatureMap(1, 2, 2, Float64Array.of(1, 2, 3, 4));
    const w = createConvWeight(1, 1, 3, Float64Array.of(0, 1, 0, 0, 0, 0, 0, 0, 0));
    expect(Array.from(conv2d(x, w, Float64Array.of(0)).data)).toEqual([0, 0, 1, 2]);
  });

  it('propagates a NaN or ∞ pixel through zero weights too (IEEE 0 · NaN = NaN, as PyTorch)', () => {
    // 2×2 image with a NaN at (0, 0); w = the off-centre tap of the previous test, every other
    // tap 0. Each output's 3×3 window over the 2×2 image covers (0, 0) with some tap, so every
    // output is NaN (an output whose window held only zero weights would still be b + 0 · NaN).
    const x = createFeatureMap(1, 2, 2, Float64Array.of(NaN, 2, 3, 4));
    const w = createConvWeight(1, 1, 3, Float64Array.of(0, 1, 0, 0, 0, 0, 0, 0, 0));
    expect(Array.from(conv2d(x, w, Float64Array.of(0)).data)).toEqual([NaN, NaN, NaN, NaN]);
    // 1×1 kernel of weight 0 on an ∞ pixel: 0 · ∞ = NaN at that pixel only.
    const inf = createFeatureMap(1, 1, 2, Float64Array.of(Infinity, 1));
    const zero = createConvWeight(1, 1, 1, Float64Array.of(0));
    expect(Array.from(conv2d(inf, zero, Float64Array.of(1)).data)).toEqual([NaN, 1]);
  });

  it('equals a naive direct loop on random shapes', () => {
    fc.assert(
      fc.property(convCase, (cs) => {
        const { x, w, b } = setup(cs);
        const got = conv2d(x, w, b).data;
        const { y, absSum } = naiveConv(x, w, b);
        for (let j = 0; j < y.length; j++)
          expect(isClose(got[j], y[j], 0, 1e-13 * absSum[j])).toBe(true);
      }),
      fcParams(60),
    );
  });

  it('rejects bad shapes with the argument name', () => {
    const x = createFeatureMap(2, 3, 3);
    expect(() => conv2d(x, createConvWeight(1, 3, 3), new Float64Array(1))).toThrow(
      /^x: has 2 channels/,
    );
    expect(() => conv2d(x, createConvWeight(1, 2, 3), new Float64Array(2))).toThrow(/^b: /);
    expect(() => createConvWeight(1, 2, 2)).toThrow(/kernelSize must be odd/);
    expect(() => conv2dVjp(x, createConvWeight(1, 2, 3), createFeatureMap(1, 3, 2))).toThrow(
      /^gradOutput: /,
    );
  });
});

describe('conv2dVjp', () => {
  it('satisfies the adjoint identity ⟨conv(x) − b, u⟩ = ⟨x, gradInput(u)⟩ = ⟨w, gradWeight(u)⟩ and ⟨b, gradBias(u)⟩ = Σ_o b_o Σ u_o', () => {
    fc.assert(
      fc.property(convCase, (cs) => {
        const { x, w, b, u } = setup(cs);
        const y = conv2d(x, w, b);
        const HW = cs.H * cs.W;
        const yNoBias = y.data.map((v, j) => v - b[Math.floor(j / HW)]);
        const lhs = dot(yNoBias, u.data);
        const { gradInput, gradWeight, gradBias } = conv2dVjp(x, w, u);
        // conv is bilinear in (x, w), so ⟨conv(x, w), u⟩ equals both pairings.
        const scale = Math.sqrt(dot(yNoBias, yNoBias) * dot(u.data, u.data)) + 1;
        expect(isClose(dot(x.data, gradInput.data), lhs, 1e-12, 1e-12 * scale)).toBe(true);
        expect(isClose(dot(w.data, gradWeight), lhs, 1e-12, 1e-12 * scale)).toBe(true);
        let want = 0;
        for (let o = 0; o < cs.O; o++)
          for (let j = 0; j < HW; j++) want += b[o] * u.data[o * HW + j];
        expect(isClose(dot(b, gradBias), want, 1e-12, 1e-12 * scale)).toBe(true);
      }),
      fcParams(60),
    );
  });

  it('matches central finite differences in x, w and b (random directions, ε = 1e-6)', () => {
    const eps = 1e-6;
    fc.assert(
      fc.property(convCase, (cs) => {
        const { x, w, b, u } = setup(cs);
        const vx = standardNormal(createRng(`${cs.seed}/vx`), x.data.length);
        const vw = standardNormal(createRng(`${cs.seed}/vw`), w.data.length);
        const vb = standardNormal(createRng(`${cs.seed}/vb`), b.length);
        const L = (xx: typeof x, ww: typeof w, bb: Float64Array) =>
          dot(conv2d(xx, ww, bb).data, u.data);
        const { gradInput, gradWeight, gradBias } = conv2dVjp(x, w, u);
        const fdX = (L(shifted(x, vx, eps), w, b) - L(shifted(x, vx, -eps), w, b)) / (2 * eps);
        const wPlus = { ...w, data: w.data.map((v, j) => v + eps * vw[j]) };
        const wMinus = { ...w, data: w.data.map((v, j) => v - eps * vw[j]) };
        const fdW = (L(x, wPlus, b) - L(x, wMinus, b)) / (2 * eps);
        const fdB =
          (L(
            x,
            w,
            b.map((v, j) => v + eps * vb[j]),
          ) -
            L(
              x,
              w,
              b.map((v, j) => v - eps * vb[j]),
            )) /
          (2 * eps);
        // FD rounding ≈ 1e-16·|L|/ε ≈ 1e-10·|L|; the absolute term covers it.
        const atol = 1e-8 * (1 + Math.abs(L(x, w, b)));
        expect(isClose(dot(gradInput.data, vx), fdX, 1e-6, atol)).toBe(true);
        expect(isClose(dot(gradWeight, vw), fdW, 1e-6, atol)).toBe(true);
        expect(isClose(dot(gradBias, vb), fdB, 1e-6, atol)).toBe(true);
      }),
      fcParams(40),
    );
  });
});
