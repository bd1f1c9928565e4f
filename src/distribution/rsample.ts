import type { Rng } from '../random/rng.js';
import { checkFinite, checkLength } from '../util/validate.js';
import { checkDistribution, type LowRankNormal } from './lowRankNormal.js';
import { rsampleTiles } from './kernels/rsampleTiles.js';
import { checkNoise, drawNoise, type Noise, type NoiseInput } from './noise.js';

/** Options of `rsample`: temperature and per-logit noise weights. */
export interface RsampleOptions {
  /**
   * Temperature T ≥ 0 scaling both noise terms (paper Figure 6); T = 0 gives the mean, T = 1
   * (the default) the distribution itself.
   */
  temperature?: number;
  /**
   * Per-logit noise weights w (length N), applied on top of the temperature: the paper's
   * per-class manipulation scales one class's rows (see `classNoiseWeights`).
   */
  rowWeights?: ArrayLike<number>;
}

/**
 * Reparameterised samples from given noises, O(N R) each:
 *   eta_m = loc + T w ⊙ (P eps_R^(m) + √d ⊙ eps_N^(m))
 * Differentiable in (loc, P, d) for fixed noises, which is what the MC loss uses. Runs the tiled
 * kernel (src/distribution/kernels/rsampleTiles.ts), which equals `rsampleReference` bit for bit.
 * A result whose exact value overflows (T near 1e308) is ±Infinity, never NaN.
 * @param noise - M noise pairs; `epsFactor` M x R and `epsDiag` M x N, row-major
 * @returns samples, M x N row-major (sample m at m*N)
 * @throws RangeError when the noises do not fit the distribution, T < 0, or rowWeights is not
 *   of length N and finite
 * @see spec/lowrank-normal.md#sampling
 */
export function rsample(
  dist: LowRankNormal,
  noise: NoiseInput,
  options: RsampleOptions = {},
): Float64Array {
  checkDistribution(dist);
  const eps = checkNoise(noise.epsFactor, noise.epsDiag, dist.rank, dist.size);
  const { temperature } = checkRsampleOptions(options, dist.size);
  return rsampleTiles(dist, eps, temperature, options.rowWeights);
}

/**
 * The temperature (default 1) and row weights of `options`, checked for a distribution of size n
 * (shared with the gpu.js sampler, src/kernels/gpujsSample.ts).
 * @throws TypeError when the temperature is not a number
 * @throws RangeError when T < 0 or is not finite, or rowWeights is not of length n and finite
 */
export function checkRsampleOptions(
  options: RsampleOptions,
  n: number,
): { temperature: number; rowWeights: ArrayLike<number> | undefined } {
  const t = options.temperature ?? 1;
  if (typeof t !== 'number') {
    throw new TypeError(`temperature: must be a number, got ${typeof t}`);
  }
  if (!Number.isFinite(t) || t < 0) {
    throw new RangeError(`temperature: must be a finite number ≥ 0, got ${t}`);
  }
  const w = options.rowWeights;
  if (w !== undefined) {
    checkLength('rowWeights', w, n, `the distribution's size N = ${n}`);
    checkFinite('rowWeights', w);
  }
  return { temperature: t, rowWeights: w };
}

/** Options of `sample`: the count M, antithetic pairs, and `rsample`'s options. */
export interface SampleOptions extends RsampleOptions {
  /** Number of samples M (`samples` in `mcLossSampled`'s options; here it names the result). */
  count: number;
  /** Antithetic pairs (M even): sample m + M/2 mirrors sample m about loc. */
  antithetic?: boolean;
}

/**
 * Draws M samples with noises from `rng` and returns them with the noises used, so a caller can
 * replay, manipulate or differentiate the same draws. Runs `rsample`'s tiled kernel (bit for bit
 * `rsampleReference`). Every option is checked before the first draw, so a call that throws
 * leaves `rng` where it was.
 * @throws RangeError naming count, temperature or rowWeights (count x N too large to allocate
 *   included)
 * @returns `{ samples }` M x N row-major and `{ noise }`
 * @example sample(dist, createRng(0), { count: 20, antithetic: true }).samples.length // 20 * N
 */
export function sample(
  dist: LowRankNormal,
  rng: Rng,
  options: SampleOptions,
): { samples: Float64Array; noise: Noise } {
  // Every argument is checked before the first draw: a rejected call leaves `rng` untouched.
  checkDistribution(dist);
  const { temperature } = checkRsampleOptions(options, dist.size);
  const noise = drawNoise(rng, {
    count: options.count,
    rank: dist.rank,
    size: dist.size,
    antithetic: options.antithetic,
  });
  return { samples: rsampleTiles(dist, noise, temperature, options.rowWeights), noise };
}
