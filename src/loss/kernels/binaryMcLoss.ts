/**
 * `mcLoss`'s path for one logit difference per pixel (categorical with C = 2, and bernoulli).
 * Equals `mcLossReference` (src/loss/mcLossReference.ts) within rtol 1e-12 on the loss and the
 * log-likelihoods and 1e-9 on weights and gradients (test/loss/mcLossBinary.test.ts), and agrees
 * with it for logits up to ±1e308, infinities included (the property test there). Not bit for
 * bit: it sums the log1p terms as the log of their product and uses `expNonPositive`.
 */
import type { LowRankNormal } from '../../distribution/lowRankNormal.js';
import type { Noise } from '../../distribution/noise.js';
import type { McLossResult } from '../mcLoss.js';
import { lossAndWeights } from '../mcLossReference.js';
import type { PixelGeometry } from '../pixelLikelihood.js';
import { expNonPositive } from './expNonPositive.js';

/**
 * Pixels per block of the binary path's log-likelihood product: Π (1 + e) over a block stays
 * below 2^BLOCK, far from overflow.
 */
const BLOCK = 256;

/**
 * The loss for one logit difference per pixel: categorical with C = 2, where only
 * t = eta_1 − eta_0 matters (log p(y) = log sigmoid(±t)), or bernoulli (t = eta).
 * With dP = P[i1] − P[i0] and dloc = loc[i1] − loc[i0] (the i0 terms absent for bernoulli):
 *   t_m(s) = dloc + √d[i1] eps_N^(m)[i1] − √d[i0] eps_N^(m)[i0] + dP · eps_R^(m)
 * and z = ±t (+ for y = 1), ℓ_m = Σ_s log sigmoid(z), and the slopes are
 * ∂ℓ_m/∂eta[i1] = slope_m(s) = ±(1 − sigmoid(z)) and ∂ℓ_m/∂eta[i0] = −slope_m(s). So the forward pass does R + 2
 * multiply-adds per pixel and sample (half of the general path's for C = 2), one exp and one division, and the log1p terms are summed as the
 * log of their product over blocks of BLOCK pixels (one log per block and sample; each product
 * factor 1 + e ∈ (1, 2], so the absolute error stays a few ulp per pixel, as for the sum).
 * The backward pass needs, per pixel, B_m = w_m slope_m(s) and Σ_m B_m eps_R^(m) (R sums).
 */
export function binaryMcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: Noise,
  geometry: PixelGeometry,
): McLossResult {
  // The outline of categoricalMcLoss (√d, forward, weights, backward); the passes themselves and
  // the slopes' layout (pixel-major here, sample-major there) are what differ.
  const { count } = noise;
  const scratch = lossScratch(dist.size, geometry.pixels * count);
  const sqrtD = squareRootsInto(dist.covDiag, scratch.sqrtD);
  // slopes = ∂ℓ_m/∂eta[i1(s)], a block of pixels s0 … s1−1 after another, sample-major within
  // a block: slopes[s0·M + m·(s1 − s0) + (s − s0)], so that the loops over a block's pixels for
  // one sample read and write in order (pixel-major, they strode M entries a pixel).
  const slopes = scratch.slopes;
  const logLikelihoods = binaryForward(dist, sqrtD, labels, noise, count, geometry, slopes);
  const { loss, weights } = lossAndWeights(logLikelihoods);
  const grads = binaryBackward(dist, sqrtD, noise, count, geometry, weights, slopes);
  return { loss, logLikelihoods, weights, ...grads };
}

/** √d entry by entry, into `out` (d's length). */
function squareRootsInto(d: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < d.length; i++) out[i] = Math.sqrt(d[i]);
  return out;
}

/** The buffers of one call (√d and the slopes), every entry written before it is read. */
interface LossScratch {
  sqrtD: Float64Array;
  slopes: Float64Array;
}

/**
 * The last call's buffers, kept for the next call of the same sizes while they hold at most 2²⁰
 * doubles (8 MiB): fresh ones cost page faults on every call (at 64² pixels and 20 samples about
 * a fifth of the loss, bench/compare's mcLoss), reused ones do not.
 */
let kept: LossScratch | null = null;

/** Buffers for N logits and S·M slopes (`kept` when the sizes match). */
function lossScratch(n: number, slopes: number): LossScratch {
  if (kept !== null && kept.sqrtD.length === n && kept.slopes.length === slopes) return kept;
  const scratch = { sqrtD: new Float64Array(n), slopes: new Float64Array(slopes) };
  kept = n + slopes <= 2 ** 20 ? scratch : null;
  return scratch;
}

/**
 * ℓ_m for every sample, and the slopes (S x M) = ∂ℓ_m/∂eta[i1(s)]. Per block of pixels:
 * first the low-rank term dP · eps_R^(m) of every pixel and sample (into slopes), then sample by sample the
 * diagonal term and the likelihood, so each row of eps_N (M x N) is read in a sequential run.
 */
function binaryForward(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  geometry: PixelGeometry,
  slopes: Float64Array,
): Float64Array {
  const ll = new Float64Array(count);
  const scratch: ForwardScratch = {
    dp: new Float64Array(dist.rank),
    sgn: new Float64Array(BLOCK),
    dloc: new Float64Array(BLOCK),
    sd1: new Float64Array(BLOCK),
    sd0: new Float64Array(BLOCK),
  };
  // A function per block (called pixels / BLOCK times a call), so that V8 optimises it with the
  // feedback of whole blocks rather than mid-loop on a first call's partial feedback, which
  // cost several deoptimisations over a loss's first dozen calls.
  for (let s0 = 0; s0 < geometry.pixels; s0 += BLOCK) {
    const s1 = Math.min(geometry.pixels, s0 + BLOCK);
    forwardBlock(dist, sqrtD, labels, noise, count, geometry, slopes, ll, scratch, s0, s1);
  }
  return ll;
}

/** `binaryForward`'s buffers. */
interface ForwardScratch {
  dp: Float64Array;
  sgn: Float64Array;
  dloc: Float64Array;
  sd1: Float64Array;
  sd0: Float64Array;
}

/** `binaryForward` for pixels s0 … s1−1: their slopes, and their terms added to ll. */
function forwardBlock(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  geometry: PixelGeometry,
  slopes: Float64Array,
  ll: Float64Array,
  scratch: ForwardScratch,
  s0: number,
  s1: number,
): void {
  const { size: n, rank, loc, covFactor: p } = dist;
  const { epsFactor: eF, epsDiag: eD } = noise;
  const { pixelStride, classStride, mask } = geometry;
  const two = geometry.logitsPerPixel === 2;
  const di = two ? classStride : 0; // i1 = i0 + di
  const { dp, sgn, dloc, sd1, sd0 } = scratch;
  const m4 = count - (count % 4);
  const base = s0 * count; // the block's slopes: sample m's at base + m·len
  const len = s1 - s0;
  {
    for (let s = s0; s < s1; s++) {
      if (mask !== undefined && mask[s] === 0) {
        for (let m = 0; m < count; m++) slopes[base + m * len + s - s0] = 0;
        continue;
      }
      const row1 = (s * pixelStride + di) * rank;
      if (two) {
        const row0 = s * pixelStride * rank;
        for (let r = 0; r < rank; r++) dp[r] = p[row1 + r] - p[row0 + r];
      } else {
        for (let r = 0; r < rank; r++) dp[r] = p[row1 + r];
      }
      // Four samples at a time: independent chains sharing the dP loads.
      const out = base + s - s0; // + m·len: sample m's slope
      let m = 0;
      for (; m < m4; m += 4) {
        const e0 = m * rank;
        const e1 = e0 + rank;
        const e2 = e1 + rank;
        const e3 = e2 + rank;
        let t0 = 0;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let r = 0; r < rank; r++) {
          const d = dp[r];
          t0 += d * eF[e0 + r];
          t1 += d * eF[e1 + r];
          t2 += d * eF[e2 + r];
          t3 += d * eF[e3 + r];
        }
        slopes[out + m * len] = t0;
        slopes[out + (m + 1) * len] = t1;
        slopes[out + (m + 2) * len] = t2;
        slopes[out + (m + 3) * len] = t3;
      }
      for (; m < count; m++) {
        const e0 = m * rank;
        let t0 = 0;
        for (let r = 0; r < rank; r++) t0 += dp[r] * eF[e0 + r];
        slopes[out + m * len] = t0;
      }
    }
    // Per pixel of the block: sign ±1 of the label (0 when masked), dloc, √d[i1], √d[i0].
    for (let s = s0; s < s1; s++) {
      const k = s - s0;
      const i0 = s * pixelStride;
      const i1 = i0 + di;
      // A masked pixel contributes z = 0 · 0 = 0 below, whatever its logits (even overflowing).
      const on = mask === undefined || mask[s] !== 0;
      sgn[k] = !on ? 0 : labels[s] === 1 ? 1 : -1;
      dloc[k] = !on ? 0 : two ? loc[i1] - loc[i0] : loc[i1];
      sd1[k] = on ? sqrtD[i1] : 0;
      sd0[k] = on && two ? sqrtD[i0] : 0;
    }
    for (let m = 0; m < count; m++) {
      const offN = m * n;
      let sum = 0;
      let prod = 1;
      for (let s = s0; s < s1; s++) {
        const k = s - s0;
        const i0 = s * pixelStride;
        const i1 = i0 + di;
        const j = base + m * len + k;
        const sg = sgn[k];
        // z = ±t_m(s); with e = exp(−|z|): log sigmoid(z) = min(z, 0) − log1p(e) and
        // q = 1 − sigmoid(z) = e / (1 + e) for z ≥ 0, 1 / (1 + e) for z < 0 (branch-free below).
        // Masked pixels (sg = 0) give z = 0, a slope 0 and a factor 1 in prod.
        const z = sg * (dloc[k] + sd1[k] * eD[offN + i1] - sd0[k] * eD[offN + i0] + slopes[j]);
        const e = expNonPositive(-Math.abs(z));
        const inv = 1 / (1 + e);
        const h = e * inv;
        const neg = +(z < 0);
        sum += Math.min(z, 0); // not neg · z: z = +∞ (an overflowed logit difference) gives 0
        prod *= 1 + e * (sg * sg);
        slopes[j] = sg * (h + neg * (inv - h));
      }
      ll[m] += sum - Math.log(prod);
    }
  }
}

/**
 * The three parameter gradients from w and the slopes, block by block: sample by sample the
 * loc and diagonal sums (sequential runs of eps_N), then pixel by pixel Σ_m B_m eps_R^(m).
 */
function binaryBackward(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  geometry: PixelGeometry,
  weights: Float64Array,
  slopes: Float64Array,
): Pick<McLossResult, 'gradLoc' | 'gradCovFactor' | 'gradCovDiag'> {
  const { size: n, rank } = dist;
  const grads = {
    gradLoc: new Float64Array(n),
    gradCovFactor: new Float64Array(n * rank),
    gradCovDiag: new Float64Array(n),
  };
  // wF = w_m eps_R^(m), M x R.
  const wF = new Float64Array(count * rank);
  for (let m = 0; m < count; m++) {
    for (let r = 0; r < rank; r++) wF[m * rank + r] = weights[m] * noise.epsFactor[m * rank + r];
  }
  const scratch: BackwardScratch = {
    gl: new Float64Array(BLOCK),
    gd1: new Float64Array(BLOCK),
    gd0: new Float64Array(BLOCK),
  };
  // A function per block, as `binaryForward`'s.
  for (let s0 = 0; s0 < geometry.pixels; s0 += BLOCK) {
    const s1 = Math.min(geometry.pixels, s0 + BLOCK);
    backwardBlock(dist, sqrtD, noise, count, geometry, weights, slopes, wF, grads, scratch, s0, s1);
  }
  return grads;
}

/** `binaryBackward`'s buffers. */
interface BackwardScratch {
  gl: Float64Array;
  gd1: Float64Array;
  gd0: Float64Array;
}

/** `binaryBackward` for pixels s0 … s1−1: their entries of the three gradients. */
function backwardBlock(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  geometry: PixelGeometry,
  weights: Float64Array,
  slopes: Float64Array,
  wF: Float64Array,
  grads: Pick<McLossResult, 'gradLoc' | 'gradCovFactor' | 'gradCovDiag'>,
  scratch: BackwardScratch,
  s0: number,
  s1: number,
): void {
  const { size: n, rank } = dist;
  const { epsDiag: eD } = noise;
  const { pixelStride, classStride, mask } = geometry;
  const two = geometry.logitsPerPixel === 2;
  const di = two ? classStride : 0;
  const { gradLoc, gradCovFactor, gradCovDiag } = grads;
  const r4 = rank - (rank % 4);
  const { gl, gd1, gd0 } = scratch;
  const base = s0 * count; // the block's slopes: sample m's at base + m·len (binaryMcLoss)
  const len = s1 - s0;
  {
    // g_m[i1] = −B_m(s), g_m[i0] = +B_m(s), with B_m(s) = w_m slope_m(s): the loc and diagonal
    // sums over m, in block-local accumulators (k = s − s0).
    gl.fill(0);
    gd1.fill(0);
    gd0.fill(0);
    for (let m = 0; m < count; m++) {
      const w = weights[m];
      const offN = m * n;
      for (let s = s0; s < s1; s++) {
        const k = s - s0;
        const i0 = s * pixelStride;
        const b = w * slopes[base + m * len + k];
        gl[k] += b;
        gd1[k] += b * eD[offN + i0 + di];
        gd0[k] += b * eD[offN + i0];
      }
    }
    for (let s = s0; s < s1; s++) {
      if (mask !== undefined && mask[s] === 0) continue;
      const k = s - s0;
      const i0 = s * pixelStride;
      const i1 = i0 + di;
      const row1 = i1 * rank;
      const row0 = i0 * rank;
      const out = base + k; // + m·len: sample m's slope
      gradLoc[i1] = -gl[k];
      gradCovDiag[i1] = -gd1[k] / (2 * sqrtD[i1]);
      if (two) {
        gradLoc[i0] = gl[k];
        gradCovDiag[i0] = gd0[k] / (2 * sqrtD[i0]);
      }
      // Σ_m B_m eps_R^(m) = Σ_m slope_m(s) (w_m eps_R^(m)), four columns at a time.
      let r = 0;
      for (; r < r4; r += 4) {
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        for (let m = 0; m < count; m++) {
          const b = slopes[out + m * len];
          const e = m * rank + r;
          c0 += b * wF[e];
          c1 += b * wF[e + 1];
          c2 += b * wF[e + 2];
          c3 += b * wF[e + 3];
        }
        gradCovFactor[row1 + r] = -c0;
        gradCovFactor[row1 + r + 1] = -c1;
        gradCovFactor[row1 + r + 2] = -c2;
        gradCovFactor[row1 + r + 3] = -c3;
        if (two) {
          gradCovFactor[row0 + r] = c0;
          gradCovFactor[row0 + r + 1] = c1;
          gradCovFactor[row0 + r + 2] = c2;
          gradCovFactor[row0 + r + 3] = c3;
        }
      }
      for (; r < rank; r += 2) {
        // The last one or two columns; a lone column pairs with itself (c1 is then unused).
        const r1 = r + 1 < rank ? r + 1 : r;
        let c0 = 0;
        let c1 = 0;
        for (let m = 0; m < count; m++) {
          const b = slopes[out + m * len];
          c0 += b * wF[m * rank + r];
          c1 += b * wF[m * rank + r1];
        }
        gradCovFactor[row1 + r] = -c0;
        gradCovFactor[row1 + r1] = -c1;
        if (two) {
          gradCovFactor[row0 + r] = c0;
          gradCovFactor[row0 + r1] = c1;
        }
      }
    }
  }
}
