import type { Rng } from '../random/rng.js';
import { checkFinite, checkLength } from '../util/validate.js';
import type { LowRankNormal } from './lowRankNormal.js';
import { checkNoise, drawNoise, type Noise, type NoiseInput } from './noise.js';

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
 * Differentiable in (loc, P, d) for fixed noises, which is what the MC loss uses.
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
  const { size: n, rank, loc, covFactor: p, covDiag: d } = dist;
  const { count, epsFactor, epsDiag } = checkNoise(noise.epsFactor, noise.epsDiag, rank, n);
  const t = options.temperature ?? 1;
  if (!Number.isFinite(t) || t < 0) {
    throw new RangeError(`temperature: must be a finite number ≥ 0, got ${t}`);
  }
  const w = options.rowWeights;
  if (w !== undefined) {
    checkLength('rowWeights', w, n, `the distribution's size N = ${n}`);
    checkFinite('rowWeights', w);
  }
  const sqrtD = d.map(Math.sqrt);
  const out = new Float64Array(count * n);
  for (let m = 0; m < count; m++) {
    const eR = m * rank;
    const eN = m * n;
    for (let i = 0; i < n; i++) {
      const row = i * rank;
      let noiseTerm = sqrtD[i] * epsDiag[eN + i];
      for (let r = 0; r < rank; r++) noiseTerm += p[row + r] * epsFactor[eR + r];
      const scale = w === undefined ? t : t * w[i];
      out[eN + i] = loc[i] + scale * noiseTerm;
    }
  }
  return out;
}

export interface SampleOptions extends RsampleOptions {
  /** Number of samples M. */
  count: number;
  /** Antithetic pairs (M even): sample m + M/2 mirrors sample m about loc. */
  antithetic?: boolean;
}

/**
 * Draws M samples with noises from `rng` and returns them with the noises used, so a caller can
 * replay, manipulate or differentiate the same draws.
 * @returns `{ samples }` M x N row-major and `{ noise }`
 * @example sample(dist, createRng(0), { count: 20, antithetic: true }).samples.length // 20 * N
 */
export function sample(
  dist: LowRankNormal,
  rng: Rng,
  options: SampleOptions,
): { samples: Float64Array; noise: Noise } {
  const noise = drawNoise(rng, {
    count: options.count,
    rank: dist.rank,
    size: dist.size,
    antithetic: options.antithetic,
  });
  return { samples: rsample(dist, noise, options), noise };
}
