/**
 * The gpu.js sampling kernel against the float64 `rsample`, in every gpu.js mode that constructs
 * here, with the float32 tolerance of test/kernels/float32Close.ts; Σ|terms| of entry (m, i) is
 * |loc_i| + |T w_i| (Σ_r |P_ir eps_mr| + |√d_i eps_mi|).
 */
import { describe, it, expect, afterAll } from 'vitest';
import fc from 'fast-check';
import { createGpujsSampler } from '../../src/kernels/gpujsSample.js';
import type { GpujsSampler } from '../../src/kernels/gpujsSample.js';
import type { GpujsRequest } from '../../src/kernels/gpujsConv.js';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { drawNoise } from '../../src/distribution/noise.js';
import { rsample } from '../../src/distribution/rsample.js';
import { classNoiseWeights } from '../../src/distribution/layout.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { worstFloat32Ratio } from './float32Close.js';

function check(
  s: GpujsSampler,
  N: number,
  R: number,
  M: number,
  T: number,
  w: number,
  seed: string,
) {
  const rng = createRng(seed);
  const dist = lowRankNormal({
    loc: standardNormal(rng, N),
    covFactor: standardNormal(rng, N * R),
    covDiag: standardNormal(rng, N).map((v) => 0.1 + v * v),
    rank: R,
  });
  const noise = drawNoise(rng, { count: M, rank: R, size: N });
  const rowWeights = classNoiseWeights({
    classes: 2,
    pixels: N / 2,
    layout: 'class-major',
    weights: [1, w],
  });
  const got = s.rsample(dist, noise, { temperature: T, rowWeights });
  const want = rsample(dist, noise, { temperature: T, rowWeights });
  const terms = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < N; i++) {
      let a = Math.sqrt(dist.covDiag[i]) * Math.abs(noise.epsDiag[m * N + i]);
      for (let r = 0; r < R; r++)
        a += Math.abs(dist.covFactor[i * R + r] * noise.epsFactor[m * R + r]);
      terms[m * N + i] = Math.abs(dist.loc[i]) + Math.abs(T * rowWeights[i]) * a;
    }
  }
  const { ratio, at } = worstFloat32Ratio(got, want, terms);
  expect(ratio <= 1, `entry ${at}: got ${got[at]}, want ${want[at]} (${ratio}× tolerance)`).toBe(
    true,
  );
}

for (const requested of ['gpu', 'cpu'] as GpujsRequest[]) {
  const sampler = createGpujsSampler(requested);
  describe(`gpu.js sampling kernel, requested '${requested}', mode '${sampler.mode}'`, () => {
    afterAll(() => sampler.dispose());

    it('equals rsample (temperature, class weights) on random small shapes', () => {
      fc.assert(
        fc.property(
          fc.record({
            half: fc.integer({ min: 1, max: 20 }),
            R: fc.integer({ min: 1, max: 5 }),
            M: fc.integer({ min: 1, max: 6 }),
            T: fc.double({ min: 0, max: 3, noNaN: true }),
            w: fc.double({ min: -3, max: 3, noNaN: true }),
            seed: fc.integer({ min: 0, max: 1_000_000 }),
          }),
          ({ half, R, M, T, w, seed }) => check(sampler, 2 * half, R, M, T, w, String(seed)),
        ),
        { seed: 7, numRuns: 12 },
      );
    });

    it("equals rsample at the page's size (2 classes × 24×24, rank 10, 16 samples)", () => {
      check(sampler, 2 * 576, 10, 16, 1.5, -2, 'page');
      expect(sampler.mode).toMatch(
        requested === 'cpu' ? /^cpu$/ : /^(headlessgl|webgl2?|webasm|cpu)$/,
      );
    });

    it('refuses a bad temperature or weights by name', () => {
      const dist = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 });
      const noise = drawNoise(createRng(1), { count: 1, rank: 1, size: 2 });
      expect(() => sampler.rsample(dist, noise, { temperature: -1 })).toThrow(/^temperature: /);
      expect(() => sampler.rsample(dist, noise, { rowWeights: [1] })).toThrow(/^rowWeights: /);
    });
  });
}

describe('a disposed gpu.js sampler', () => {
  it('refuses to sample, by name (a TypeError, as the disposed conv backend)', () => {
    const sampler = createGpujsSampler('cpu');
    sampler.dispose();
    const dist = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 });
    const noise = drawNoise(createRng(1), { count: 1, rank: 1, size: 2 });
    expect(() => sampler.rsample(dist, noise)).toThrow(TypeError);
    expect(() => sampler.rsample(dist, noise)).toThrow(/^sampler: .*disposed/);
  });
});
