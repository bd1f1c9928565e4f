/**
 * rsample evaluates its samples in tiles of logits and groups of four samples (the kernel
 * src/distribution/kernels/rsampleTiles.ts); the result must be the formula evaluated in the
 * order it is written, bit for bit, whatever M, N, R and the options, and so must
 * rsampleReference (which mcLossReference uses).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowRankNormal } from '../../src/distribution/lowRankNormal.js';
import { drawNoise } from '../../src/distribution/noise.js';
import { rsample } from '../../src/distribution/rsample.js';
import { rsampleReference } from '../../src/distribution/rsampleReference.js';
import { createRng } from '../../src/random/rng.js';

describe('rsample in tiles and groups of four samples', () => {
  for (const [count, size, rank] of [
    [1, 5, 1],
    [2, 300, 3],
    [3, 257, 2],
    [5, 513, 4],
    [6, 100, 7],
    [7, 600, 10],
    [9, 31, 5],
  ]) {
    it(`M = ${count}, N = ${size}, R = ${rank}: loc + T w ⊙ (√d eps_N + P eps_R), bit for bit`, () => {
      const rng = createRng(`rsample/${count}/${size}/${rank}`);
      const u = () => 2 * rng.uniform() - 1;
      const loc = Float64Array.from({ length: size }, u);
      const covFactor = Float64Array.from({ length: size * rank }, u);
      const covDiag = Float64Array.from({ length: size }, () => 0.1 + rng.uniform());
      const rowWeights = Float64Array.from({ length: size }, u);
      const dist = lowRankNormal({ loc, covFactor, covDiag, rank });
      const noise = drawNoise(rng, { count, rank, size });
      for (const weighted of [false, true]) {
        const options = weighted ? { temperature: 0.7, rowWeights } : {};
        const got = rsample(dist, noise, options);
        const t = weighted ? 0.7 : 1;
        expect(rsampleReference(dist, noise, t, weighted ? rowWeights : undefined)).toEqual(got);
        for (let m = 0; m < count; m++) {
          for (let i = 0; i < size; i++) {
            let v = Math.sqrt(covDiag[i]) * noise.epsDiag[m * size + i];
            for (let r = 0; r < rank; r++)
              v += covFactor[i * rank + r] * noise.epsFactor[m * rank + r];
            const scale = weighted ? t * rowWeights[i] : t;
            expect(got[m * size + i]).toBe(loc[i] + scale * v);
          }
        }
      }
    });
  }
});

describe('rsample at temperatures up to 1e308', () => {
  it('equals rsampleReference bit for bit and is never NaN (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1e308, noNaN: true }),
        fc.boolean(),
        fc.nat(),
        (count, size, temperature, weighted, seed) => {
          const rng = createRng(seed);
          const u = () => 2 * rng.uniform() - 1;
          const rank = 2;
          const dist = lowRankNormal({
            loc: Float64Array.from({ length: size }, () => 1e3 * u()),
            covFactor: Float64Array.from({ length: size * rank }, u),
            covDiag: Float64Array.from({ length: size }, () => 0.1 + rng.uniform()),
            rank,
          });
          const noise = drawNoise(rng, { count, rank, size });
          // Zero some noises, so that T w · 0 is exercised where T w overflows.
          for (let i = 0; i < noise.epsDiag.length; i += 3) noise.epsDiag[i] = 0;
          if (rng.uniform() < 0.5) noise.epsFactor.fill(0);
          // Scale a factor row to near float64's limit, so that some noise sums overflow.
          if (rng.uniform() < 0.5) {
            const row = Math.floor(rng.uniform() * size) * rank;
            dist.covFactor[row] *= 1e308;
            dist.covFactor[row + 1] *= -1e308;
          }
          const w = weighted ? Float64Array.from({ length: size }, () => 4 * u()) : undefined;
          const got = rsample(dist, noise, { temperature, rowWeights: w });
          expect(got).toEqual(rsampleReference(dist, noise, temperature, w));
          expect(got.some(Number.isNaN)).toBe(false);
        },
      ),
      { seed: 308, numRuns: 200 },
    );
  });
});
