/**
 * `rsample`'s fast path. Equals `rsampleReference` (src/distribution/rsampleReference.ts) bit for
 * bit: the same operations in the same order per sample and logit, only visited in a cache-friendly
 * order. Tied by test/loss/rsampleGrouped.test.ts.
 *
 * Logits in tiles, samples inside each tile in groups of four: the tile's rows of P stay in cache,
 * each row loaded once serves four independent multiply-add chains, and only four rows of the
 * output are written at a time.
 */
import type { LowRankNormal } from '../lowRankNormal.js';
import type { Noise } from '../noise.js';
import { locPlusScaled, overflowSafeEntry } from '../rsampleReference.js';

/** Logits per tile (a tile of P at rank 10 is 20 KB). */
const TILE = 256;

/**
 * eta_m = loc + T w ⊙ (√d ⊙ eps_N^(m) + P eps_R^(m)) for every sample, M x N row-major.
 * Arguments are not checked (see `rsample`).
 */
export function rsampleTiles(
  dist: LowRankNormal,
  noise: Noise,
  temperature: number,
  rowWeights: ArrayLike<number> | undefined,
): Float64Array {
  const { size: n, rank, loc, covFactor: p, covDiag: d } = dist;
  const { count, epsFactor, epsDiag } = noise;
  const w = rowWeights;
  const sqrtD = d.map(Math.sqrt);
  const out = new Float64Array(count * n);
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
        const li = loc[i];
        const scale = w === undefined ? temperature : temperature * w[i];
        if (!Number.isFinite(scale) || !Number.isFinite(t0 + t1 + t2 + t3)) {
          // T w or a sum overflowed: the reference's careful steps, sample by sample.
          const wi = w?.[i];
          const ts = [t0, t1, t2, t3];
          for (let k = 0; k < group; k++) {
            out[o + k * n] = Number.isFinite(ts[k])
              ? locPlusScaled(li, temperature, wi, ts[k])
              : overflowSafeEntry(dist, noise, m + k, i, sd, temperature, wi);
          }
          continue;
        }
        out[o] = li + scale * t0;
        if (group > 1) out[o + n] = li + scale * t1;
        if (group > 2) out[o + 2 * n] = li + scale * t2;
        if (group > 3) out[o + 3 * n] = li + scale * t3;
      }
    }
  }
  return out;
}
