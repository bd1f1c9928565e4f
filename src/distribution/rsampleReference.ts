/**
 * Reparameterised samples of N(loc, P Pᵀ + diag(d)) (paper section 4: the covariance of eq. 5,
 * the samples η^(m) of eqs. 6–7), the formula as written (spec/lowrank-normal.md#sampling):
 *
 *   eta_m = loc + T w ⊙ (√d ⊙ eps_N^(m) + P eps_R^(m)),   eps_R^(m) ~ N(0, I_R), eps_N^(m) ~ N(0, I_N)
 *
 * T is the temperature of the paper's Figure 6 and w the per-logit weights (1 by default).
 * `rsample` computes the same in tiles (src/distribution/kernels/rsampleTiles.ts), bit for bit.
 */
import { checkDistribution, type LowRankNormal } from './lowRankNormal.js';
import type { Noise } from './noise.js';

/**
 * The samples eta_m, M x N row-major, summed in the order the formula is written: √d eps_N first,
 * then P's row times eps_R term by term, then loc + (T w) · that. Arguments are not checked (see
 * `rsample`); a product T w that overflows is handled as in `locPlusScaled`, a sum that overflows
 * as in `overflowSafeEntry`.
 * @example rsampleReference(dist, { count: 1, epsFactor: [1], epsDiag: [0, 0] }) // loc + P[:, 0]
 */
export function rsampleReference(
  dist: LowRankNormal,
  noise: Noise,
  temperature = 1,
  rowWeights?: ArrayLike<number>,
): Float64Array {
  checkDistribution(dist);
  const { size: n, rank, loc, covFactor: P, covDiag: d } = dist;
  const { count, epsFactor, epsDiag } = noise;
  const eta = new Float64Array(count * n);
  for (let m = 0; m < count; m++) {
    for (let i = 0; i < n; i++) {
      const sd = Math.sqrt(d[i]);
      let v = sd * epsDiag[m * n + i];
      for (let r = 0; r < rank; r++) v += P[i * rank + r] * epsFactor[m * rank + r];
      eta[m * n + i] = Number.isFinite(v)
        ? locPlusScaled(loc[i], temperature, rowWeights?.[i], v)
        : overflowSafeEntry(dist, noise, m, i, sd, temperature, rowWeights?.[i]);
    }
  }
  return eta;
}

/**
 * loc_i + (T w_i) v, the last step of a sample (w_i = 1 when `weight` is undefined). Where T w_i
 * overflows to ∞ (T near 1e308) the product is formed as T (w_i v) instead, so that v = 0 gives
 * loc_i rather than ∞ · 0 = NaN, and the result is ±∞ only where the exact value overflows.
 * A finite T w_i takes the formula's order.
 */
export function locPlusScaled(
  locI: number,
  temperature: number,
  weight: number | undefined,
  v: number,
): number {
  const scale = weight === undefined ? temperature : temperature * weight;
  if (Number.isFinite(scale)) return locI + scale * v;
  return locI + temperature * ((weight as number) * v);
}

/** 2^-600 and 2^600, the scale `overflowSafeEntry` sums at (powers of two: exact). */
const DOWN = 2 ** -600;
const UP = 2 ** 600;

/**
 * Sample m's logit i, loc_i + (T w_i)(√d_i eps_N + P_i· eps_R), for when the plain sum v overflowed
 * (to ±∞, or ∞ − ∞ = NaN): v is summed on √d_i and P_i· scaled by 2^-600, in the formula's order,
 * multiplied by T w_i (as `locPlusScaled` does) and scaled back only then. So T w_i = 0 gives
 * loc_i, huge terms that cancel give the sum float64 would give in the formula's order had it no
 * overflow, and the result is ±∞ only where that value overflows. (Terms below 2^-474 lose bits to the scaling; beside terms near 2^1024 they
 * are far below one ulp.)
 */
export function overflowSafeEntry(
  dist: LowRankNormal,
  noise: Noise,
  m: number,
  i: number,
  sqrtD: number,
  temperature: number,
  weight: number | undefined,
): number {
  const { size: n, rank, loc, covFactor: P } = dist;
  let v = sqrtD * DOWN * noise.epsDiag[m * n + i];
  for (let r = 0; r < rank; r++) v += P[i * rank + r] * DOWN * noise.epsFactor[m * rank + r];
  const scaled = locPlusScaled(0, temperature, weight, v);
  return scaled === 0 ? loc[i] : loc[i] + scaled * UP;
}
