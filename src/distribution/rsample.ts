import type { Rng } from '../random/rng.js';
import { checkFinite, checkLength } from '../util/validate.js';
import type { LowRankNormal } from './lowRankNormal.js';
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
  // Logits in tiles, samples inside each tile in groups of four: the tile's rows of P stay in
  // cache, each row loaded once serves four independent multiply-add chains, and only four rows
  // of the output are written at a time.
  const m4 = count - (count % 4);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let m = 0; m < count; m += 4) {
      const group = m < m4 ? 4 : count - m;
      const e0 = m * rank;
      const e1 = (m + Math.min(1, group - 1)) * rank;
      const e2 = (m + Math.min(2, group - 1)) * rank;
      const e3 = (m + Math.min(3, group - 1)) * rank;
      for (let i = i0; i < i1; i++) {
        const row = i * rank;
        const sd = sqrtD[i];
        const o = m * n + i;
        // Each sum starts with √d eps_N and adds P's row times eps_R, as in the formula.
        let t0 = sd * epsDiag[o];
        let t1 = group > 1 ? sd * epsDiag[o + n] : 0;
        let t2 = group > 2 ? sd * epsDiag[o + 2 * n] : 0;
        let t3 = group > 3 ? sd * epsDiag[o + 3 * n] : 0;
        for (let r = 0; r < rank; r++) {
          const pr = p[row + r];
          t0 += pr * epsFactor[e0 + r];
          t1 += pr * epsFactor[e1 + r];
          t2 += pr * epsFactor[e2 + r];
          t3 += pr * epsFactor[e3 + r];
        }
        const scale = w === undefined ? t : t * w[i];
        const li = loc[i];
        out[o] = li + scale * t0;
        if (group > 1) out[o + n] = li + scale * t1;
        if (group > 2) out[o + 2 * n] = li + scale * t2;
        if (group > 3) out[o + 3 * n] = li + scale * t3;
      }
    }
  }
  return out;
}

/** Logits per tile of `rsample` (a tile of P at rank 10 is 20 KB). */
const TILE = 256;

/** Options of `sample`: the count M, antithetic pairs, and `rsample`'s options. */
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
