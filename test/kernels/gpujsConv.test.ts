/**
 * Every gpu.js kernel (conv forward, input-VJP, weight-VJP) against the float64 reference, in
 * every gpu.js mode that constructs on this machine. The describe title names the gpu.js backend
 * that actually ran (e.g. 'webasm' when 'gpu' is requested in Node without headless-gl).
 *
 * Tolerance: test/kernels/float32Close.ts's (|got − want| ≤ 1e-4·|want| + 1e-5·Σ|terms|), where
 * Σ|terms| is the sum of absolute products feeding that entry.
 */
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { createGpujsConv } from '../../src/kernels/gpujsConv.js';
import type { GpujsConv, GpujsRequest } from '../../src/kernels/gpujsConv.js';
import { conv2dVjp } from '../../src/nn/conv2d.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { naiveConv, randomMap, randomWeight } from '../nn/helpers.js';
import { fcParams } from '../helpers/fc.js';
import { worstFloat32Ratio } from './float32Close.js';

function expectFloat32Close(
  label: string,
  got: Float64Array,
  want: Float64Array,
  absTerms: Float64Array,
): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  // NaN makes the ratio NaN, which fails `≤ 1` below.
  const { ratio: worst, at } = worstFloat32Ratio(got, want, absTerms);
  expect(
    worst <= 1,
    `${label}: entry ${at} got ${got[at]}, want ${want[at]} (${worst}× tolerance)`,
  ).toBe(true);
}

function checkAll(
  g: GpujsConv,
  I: number,
  O: number,
  H: number,
  W: number,
  k: number,
  seed: string,
): void {
  const x = randomMap(`${seed}/x`, I, H, W);
  const w = randomWeight(`${seed}/w`, O, I, k);
  const b = standardNormal(createRng(`${seed}/b`), O);
  const u = randomMap(`${seed}/u`, O, H, W);
  const { y, absSum } = naiveConv(x, w, b);
  expectFloat32Close('forward', g.conv2d(x, w, b).data, y, absSum);
  const got = g.conv2dVjp(x, w, u);
  const want = conv2dVjp(x, w, u);
  const abs = (a: Float64Array) => a.map(Math.abs);
  const scale = conv2dVjp(
    { ...x, data: abs(x.data) },
    { ...w, data: abs(w.data) },
    { ...u, data: abs(u.data) },
  );
  expectFloat32Close('input VJP', got.gradInput.data, want.gradInput.data, scale.gradInput.data);
  expectFloat32Close('weight VJP', got.gradWeight, want.gradWeight, scale.gradWeight);
  expectFloat32Close('bias VJP', got.gradBias, want.gradBias, scale.gradBias);
  expect([got.gradInput.channels, got.gradInput.height, got.gradInput.width]).toEqual([I, H, W]);
}

for (const requested of ['gpu', 'cpu'] as GpujsRequest[]) {
  let g: GpujsConv | null = null;
  let why = '';
  try {
    g = createGpujsConv(requested);
  } catch (e) {
    why = (e as Error).message;
  }
  if (g === null) {
    describe(`gpu.js mode '${requested}'`, () => {
      if (requested === 'cpu') {
        // gpu.js's CPU mode is plain JavaScript: it constructs everywhere, so failing to is a bug.
        it('constructs', () => expect.fail(`createGpujsConv('cpu') threw: ${why}`));
      } else {
        // No GPU (or no headless-gl) on this machine: reported as skipped, with the reason.
        it.skip(`equals the float64 reference (skipped: the mode does not construct here: ${why})`);
      }
    });
    continue;
  }
  const conv = g;
  describe(`gpu.js kernels, requested '${requested}', ran on '${conv.mode}'`, () => {
    afterAll(() => conv.dispose());

    it('forward and both VJPs equal the float64 reference on random small shapes', () => {
      fc.assert(
        fc.property(
          fc.record({
            I: fc.integer({ min: 1, max: 3 }),
            O: fc.integer({ min: 1, max: 3 }),
            H: fc.integer({ min: 1, max: 7 }),
            W: fc.integer({ min: 1, max: 7 }),
            k: fc.constantFrom(1, 3, 5),
            seed: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          ({ I, O, H, W, k, seed }) => checkAll(conv, I, O, H, W, k, String(seed)),
        ),
        fcParams(12),
      );
    });

    it('equal the reference at the network sizes (32×32 1→16, 16→16; 16×16 16→32; 1×1 16→2)', () => {
      checkAll(conv, 1, 16, 32, 32, 3, 'net1');
      checkAll(conv, 16, 16, 32, 32, 3, 'net2');
      checkAll(conv, 16, 32, 16, 16, 3, 'net3');
      checkAll(conv, 16, 2, 32, 32, 1, 'net4');
    });

    it('reuses the cached kernels on a repeated shape with new values', () => {
      checkAll(conv, 2, 3, 5, 4, 3, 'again1');
      checkAll(conv, 2, 3, 5, 4, 3, 'again2');
    });

    it('still reports its mode after running, and rejects bad shapes by name', () => {
      expect(conv.mode).toMatch(requested === 'cpu' ? /^cpu/ : /^(headlessgl|webgl2?|webasm|cpu)/);
      const x = randomMap('bad', 2, 3, 3);
      expect(() => conv.conv2d(x, randomWeight('bw', 1, 3, 3), new Float64Array(1))).toThrow(
        /^x: has 2 channels/,
      );
    });
  });
}

describe('createGpujsConv after dispose', () => {
  it('throws instead of running', () => {
    const g = createGpujsConv('cpu');
    g.dispose();
    expect(() =>
      g.conv2d(randomMap('d', 1, 2, 2), randomWeight('d', 1, 1, 1), new Float64Array(1)),
    ).toThrow(TypeError);
    expect(() =>
      g.conv2d(randomMap('d', 1, 2, 2), randomWeight('d', 1, 1, 1), new Float64Array(1)),
    ).toThrow(/^backend: .*disposed/);
  });
});
