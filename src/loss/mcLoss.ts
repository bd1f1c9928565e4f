/**
 * The SSN training loss, the paper's eq. 7, with hand-derived gradients:
 *
 *   ℓ_m  = Σ_s m_s log p(y_s | eta_s^(m)),   eta^(m) = loc + P eps_R^(m) + √d ⊙ eps_N^(m)
 *   loss = −logsumexp_m ℓ_m + log M
 *
 * With w = softmax_m(ℓ) and the per-logit gradient of ℓ_m,
 *   ∂ℓ_m/∂eta[c, s] = m_s (1[y_s = c] − softmax(eta_s^(m))[c])      (categorical)
 *   ∂ℓ_m/∂eta[s]    = m_s (y_s − sigmoid(eta_s^(m)))                (bernoulli)
 * and g_m = −w_m ∂ℓ_m/∂eta, the chain rule through the reparameterisation gives
 *   ∂loss/∂loc = Σ_m g_m,   ∂loss/∂P = Σ_m g_m eps_R^(m)ᵀ,   ∂loss/∂d = Σ_m g_m ⊙ eps_N^(m) / (2√d)
 * @see spec/mc-loss.md for the derivation step by step
 */
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import { checkNoise, drawNoise, type Noise, type NoiseInput } from '../distribution/noise.js';
import type { Rng } from '../random/rng.js';
import {
  pixelGeometry,
  type PixelGeometry,
  type PixelLikelihoodOptions,
} from './pixelLikelihood.js';

/** The MC loss (paper eq. 7) with the per-sample terms and weights behind it. */
export interface McLossResult {
  /** −logsumexp_m ℓ_m + log M. */
  loss: number;
  /** ℓ_m, the masked log-likelihood of the labels under each sample, length M. */
  logLikelihoods: Float64Array;
  /** w = softmax(ℓ), each sample's share of the gradient, length M. */
  weights: Float64Array;
  /** ∂loss/∂loc, length N. */
  gradLoc: Float64Array;
  /** ∂loss/∂covFactor, N x R row-major. */
  gradCovFactor: Float64Array;
  /** ∂loss/∂covDiag, length N. */
  gradCovDiag: Float64Array;
}

/**
 * The MC loss of one labelled image and its gradients, for given noises (used exactly as
 * given: pass antithetic noises to get antithetic sampling). O(M N R) time, M N extra memory
 * (M S for two classes or bernoulli, which take a faster path on the logit difference; see
 * binaryMcLoss).
 * @param labels - S integer labels in [0, C) (in {0, 1} for bernoulli)
 * @param noise - M noise pairs, `epsFactor` M x R and `epsDiag` M x N
 * @throws RangeError naming the argument when shapes disagree, labels are out of range, the
 *   mask is not 0/1 of length S, or the noises are not finite
 * @example
 * // One pixel, two classes, zero noise: the loss is the cross-entropy of softmax(loc).
 * mcLoss(lowRankNormal({ loc: [0, 0], covFactor: [0, 0], covDiag: [1, 1], rank: 1 }), [1],
 *   { epsFactor: [0], epsDiag: [0, 0] }, { likelihood: 'categorical', classes: 2 }).loss // ≈ 0.6931
 */
export function mcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: NoiseInput,
  options: PixelLikelihoodOptions,
): McLossResult {
  const geometry = pixelGeometry(dist.size, labels, options);
  const eps = checkNoise(noise.epsFactor, noise.epsDiag, dist.rank, dist.size);
  return checkedMcLoss(dist, labels, eps, geometry);
}

/** `mcLoss` after validation: noises of the right shapes and finite, labels and mask checked. */
function checkedMcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  eps: Noise,
  geometry: PixelGeometry,
): McLossResult {
  const { count } = eps;
  const sqrtD = new Float64Array(dist.size);
  for (let i = 0; i < sqrtD.length; i++) sqrtD[i] = Math.sqrt(dist.covDiag[i]);
  if (geometry.logitsPerPixel <= 2) return binaryMcLoss(dist, sqrtD, labels, eps, count, geometry);
  // dl[m*N + n] = ∂ℓ_m/∂eta_n, filled by the forward pass.
  const dl = new Float64Array(count * dist.size);
  const logLikelihoods = forwardPass(dist, sqrtD, labels, eps, count, geometry, dl);

  const { loss, weights } = lossAndWeights(logLikelihoods);
  return { loss, logLikelihoods, weights, ...backwardPass(dist, sqrtD, eps, count, weights, dl) };
}

/**
 * loss = −logsumexp(ℓ) + log M and w = softmax(ℓ), written into `weights` (length M) when given.
 */
export function lossAndWeights(
  logLikelihoods: Float64Array,
  weights: Float64Array = new Float64Array(logLikelihoods.length),
): { loss: number; weights: Float64Array } {
  const count = logLikelihoods.length;
  let maxL = -Infinity;
  for (let m = 0; m < count; m++) maxL = Math.max(maxL, logLikelihoods[m]);
  let sum = 0;
  for (let m = 0; m < count; m++) {
    weights[m] = Math.exp(logLikelihoods[m] - maxL);
    sum += weights[m];
  }
  for (let m = 0; m < count; m++) weights[m] /= sum;
  return { loss: -(maxL + Math.log(sum)) + Math.log(count), weights };
}

/** 1.5 · 2⁵²: adding and subtracting it rounds a double of magnitude < 2⁵¹ to an integer. */
const ROUNDER = 6755399441055744;
/** ln 2 / 64 split for Cody–Waite reduction (fdlibm's ln2_hi has 32 trailing zero bits). */
const LN2_64_HI = 6.9314718036912382e-1 / 64;
const LN2_64_LO = 1.9082149292705877e-10 / 64;
/** 2^(j/64) for j = 0 … 63, correctly rounded (computed with 60-digit decimals). */
const EXP2_64THS = Float64Array.from([
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284, 1.0442737824274138,
  1.0556451783605572, 1.0671404006768237, 1.0787607977571199, 1.0905077326652577, 1.102382583307841,
  1.1143867425958924, 1.1265216186082418, 1.1387886347566916, 1.1511892299529827,
  1.1637248587775775, 1.1763969916502812, 1.189207115002721, 1.202156731452703, 1.215247359980469,
  1.22848053610687, 1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
  1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303, 1.3542555469368927,
  1.3690024229745905, 1.383909881963832, 1.3989796725383112, 1.4142135623730951, 1.42961333839197,
  1.4451808069770467, 1.460917794180647, 1.4768261459394993, 1.4929077282912648, 1.5091644275934228,
  1.5255981507445384, 1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
  1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364, 1.681792830507429,
  1.7001063537185235, 1.718619298122478, 1.7373338352737062, 1.7562521603732995, 1.7753764925265212,
  1.7947090750031072, 1.8142521755003989, 1.8340080864093424, 1.8539791250833855, 1.8741676341103,
  1.8945759815869656, 1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
]);
/** 2^−m for m = 0 … 1022, each exact (built by halving). */
const POW2_NEG = new Float64Array(1023);
POW2_NEG[0] = 1;
for (let m = 1; m < 1023; m++) POW2_NEG[m] = POW2_NEG[m - 1] * 0.5;

/**
 * exp(x) for x ≤ 0, within 2 ulp for x ≥ −708; below −708 it returns exp(−708) ≈ 3.3e−308
 * (callers here add it to 1 or multiply it into a probability that is then negligible).
 * x = (64 m + j) ln2/64 + r with |r| ≤ ln2/128 (Cody–Waite), so
 *   exp(x) = 2^m · (2^(j/64) + 2^(j/64) (r + r²/2 + r³/6 + r⁴/24 + r⁵/120))
 * (truncation < 4e−17). Only exactly rounded IEEE operations and fixed tables: the same bits on
 * every engine, and several times faster than Math.exp in V8 (whose Math.round, too, is a call).
 * @example expNonPositive(-1) // ≈ 0.36787944117144233
 */
export function expNonPositive(x: number): number {
  const y = Math.max(x, -708);
  const k = y * (64 * Math.LOG2E) + ROUNDER - ROUNDER; // nearest integer, ties to even
  const r = y - k * LN2_64_HI - k * LN2_64_LO;
  // exp(r) − 1, added to 1 only after scaling by 2^(j/64), so most of the error is one rounding.
  const q =
    r *
    (1 +
      r *
        (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333))));
  const t = EXP2_64THS[k & 63];
  return POW2_NEG[-(k >> 6)] * (t + t * q);
}

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
 * and z = ±t (+ for y = 1), ℓ_m = Σ_s log sigmoid(z), ∂ℓ_m/∂eta[i1] = a = ±(1 − sigmoid(z)) and
 * ∂ℓ_m/∂eta[i0] = −a. So the forward pass does R + 2 multiply-adds per pixel and sample (half of
 * the general path's for C = 2), one exp and one division, and the log1p terms are summed as the
 * log of their product over blocks of BLOCK pixels (one log per block and sample; each product
 * factor 1 + e ∈ (1, 2], so the absolute error stays a few ulp per pixel, as for the sum).
 * The backward pass needs, per pixel, B_m = w_m a_m(s) and Σ_m B_m eps_R^(m) (R sums).
 */
function binaryMcLoss(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  g: PixelGeometry,
): McLossResult {
  // a[s*M + m] = ∂ℓ_m/∂eta[i1(s)], pixel-major so the backward pass reads it in order.
  const a = new Float64Array(g.pixels * count);
  const logLikelihoods = binaryForward(dist, sqrtD, labels, noise, count, g, a);
  const { loss, weights } = lossAndWeights(logLikelihoods);
  const grads = binaryBackward(dist, sqrtD, noise, count, g, weights, a);
  return { loss, logLikelihoods, weights, ...grads };
}

/**
 * ℓ_m for every sample, and a (S x M) = ∂ℓ_m/∂eta[i1(s)]. Per block of pixels: first the
 * low-rank term dP · eps_R^(m) of every pixel and sample (into a), then sample by sample the
 * diagonal term and the likelihood, so each row of eps_N (M x N) is read in a sequential run.
 */
function binaryForward(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  g: PixelGeometry,
  a: Float64Array,
): Float64Array {
  const { size: n, rank, loc, covFactor: p } = dist;
  const { epsFactor: eF, epsDiag: eD } = noise;
  const { pixels, pixelStride, classStride, mask } = g;
  const two = g.logitsPerPixel === 2;
  const di = two ? classStride : 0; // i1 = i0 + di
  const ll = new Float64Array(count);
  const dp = new Float64Array(rank);
  const sgn = new Float64Array(BLOCK);
  const dloc = new Float64Array(BLOCK);
  const sd1 = new Float64Array(BLOCK);
  const sd0 = new Float64Array(BLOCK);
  const m4 = count - (count % 4);
  for (let s0 = 0; s0 < pixels; s0 += BLOCK) {
    const s1 = Math.min(pixels, s0 + BLOCK);
    for (let s = s0; s < s1; s++) {
      if (mask !== undefined && mask[s] === 0) {
        a.fill(0, s * count, (s + 1) * count);
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
      const out = s * count;
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
        a[out + m] = t0;
        a[out + m + 1] = t1;
        a[out + m + 2] = t2;
        a[out + m + 3] = t3;
      }
      for (; m < count; m++) {
        const e0 = m * rank;
        let t0 = 0;
        for (let r = 0; r < rank; r++) t0 += dp[r] * eF[e0 + r];
        a[out + m] = t0;
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
      const eN = m * n;
      let sum = 0;
      let prod = 1;
      for (let s = s0; s < s1; s++) {
        const k = s - s0;
        const i0 = s * pixelStride;
        const i1 = i0 + di;
        const j = s * count + m;
        const sg = sgn[k];
        // z = ±t_m(s); with e = exp(−|z|): log sigmoid(z) = min(z, 0) − log1p(e) and
        // q = 1 − sigmoid(z) = e / (1 + e) for z ≥ 0, 1 / (1 + e) for z < 0 (branch-free below).
        // Masked pixels (sg = 0) give z = 0, a = 0 and a factor 1 in prod.
        const z = sg * (dloc[k] + sd1[k] * eD[eN + i1] - sd0[k] * eD[eN + i0] + a[j]);
        const e = expNonPositive(-Math.abs(z));
        const inv = 1 / (1 + e);
        const h = e * inv;
        const neg = +(z < 0);
        sum += neg * z;
        prod *= 1 + e * (sg * sg);
        a[j] = sg * (h + neg * (inv - h));
      }
      ll[m] += sum - Math.log(prod);
    }
  }
  return ll;
}

/**
 * The three parameter gradients from w and a, block by block: sample by sample the loc and
 * diagonal sums (sequential runs of eps_N), then pixel by pixel Σ_m B_m eps_R^(m).
 */
function binaryBackward(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  g: PixelGeometry,
  weights: Float64Array,
  a: Float64Array,
): Pick<McLossResult, 'gradLoc' | 'gradCovFactor' | 'gradCovDiag'> {
  const { size: n, rank } = dist;
  const { epsFactor: eF, epsDiag: eD } = noise;
  const { pixels, pixelStride, classStride, mask } = g;
  const two = g.logitsPerPixel === 2;
  const di = two ? classStride : 0;
  const gradLoc = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * rank);
  const gradCovDiag = new Float64Array(n);
  const r4 = rank - (rank % 4);
  const gl = new Float64Array(BLOCK);
  const gd1 = new Float64Array(BLOCK);
  const gd0 = new Float64Array(BLOCK);
  // wF = w_m eps_R^(m), M x R.
  const wF = new Float64Array(count * rank);
  for (let m = 0; m < count; m++) {
    for (let r = 0; r < rank; r++) wF[m * rank + r] = weights[m] * eF[m * rank + r];
  }
  for (let s0 = 0; s0 < pixels; s0 += BLOCK) {
    const s1 = Math.min(pixels, s0 + BLOCK);
    // g_m[i1] = −B_m(s), g_m[i0] = +B_m(s), with B_m(s) = w_m a_m(s): the loc and diagonal
    // sums over m, in block-local accumulators (k = s − s0).
    gl.fill(0);
    gd1.fill(0);
    gd0.fill(0);
    for (let m = 0; m < count; m++) {
      const w = weights[m];
      const eN = m * n;
      for (let s = s0; s < s1; s++) {
        const k = s - s0;
        const i0 = s * pixelStride;
        const b = w * a[s * count + m];
        gl[k] += b;
        gd1[k] += b * eD[eN + i0 + di];
        gd0[k] += b * eD[eN + i0];
      }
    }
    for (let s = s0; s < s1; s++) {
      if (mask !== undefined && mask[s] === 0) continue;
      const k = s - s0;
      const i0 = s * pixelStride;
      const i1 = i0 + di;
      const row1 = i1 * rank;
      const row0 = i0 * rank;
      const out = s * count;
      gradLoc[i1] = -gl[k];
      gradCovDiag[i1] = -gd1[k] / (2 * sqrtD[i1]);
      if (two) {
        gradLoc[i0] = gl[k];
        gradCovDiag[i0] = gd0[k] / (2 * sqrtD[i0]);
      }
      // Σ_m B_m eps_R^(m) = Σ_m a_m(s) (w_m eps_R^(m)), four columns at a time.
      let r = 0;
      for (; r < r4; r += 4) {
        let c0 = 0;
        let c1 = 0;
        let c2 = 0;
        let c3 = 0;
        for (let m = 0; m < count; m++) {
          const b = a[out + m];
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
          const b = a[out + m];
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
  return { gradLoc, gradCovFactor, gradCovDiag };
}

/**
 * Pixels per tile. Both passes walk the pixels in tiles and the samples inside each tile, so the
 * M rows of eps_N and ∂ℓ/∂eta are read in short sequential runs and P's rows stay in cache.
 */
const TILE = 512;

/**
 * Computes every ℓ_m and ∂ℓ_m/∂eta (into `dl`, M x N) for C > 2 classes (two classes and
 * bernoulli take binaryMcLoss): a max-shifted log-softmax per pixel and sample.
 */
function forwardPass(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  g: PixelGeometry,
  dl: Float64Array,
): Float64Array {
  const { size: n, rank, loc, covFactor: p } = dist;
  const { epsFactor, epsDiag } = noise;
  const { logitsPerPixel: cpp, pixels, pixelStride, classStride, mask } = g;
  const ll = new Float64Array(count);
  const eta = new Float64Array(cpp); // one pixel's logits under one sample
  const ex = new Float64Array(cpp);
  for (let s0 = 0; s0 < pixels; s0 += TILE) {
    const s1 = Math.min(pixels, s0 + TILE);
    for (let m = 0; m < count; m++) {
      const eR = m * rank;
      const eN = m * n;
      let sum = 0;
      for (let s = s0; s < s1; s++) {
        if (mask !== undefined && mask[s] === 0) continue;
        const base = s * pixelStride;
        for (let c = 0; c < cpp; c++) {
          const i = base + c * classStride;
          const row = i * rank;
          let v = loc[i] + sqrtD[i] * epsDiag[eN + i];
          for (let r = 0; r < rank; r++) v += p[row + r] * epsFactor[eR + r];
          eta[c] = v;
        }
        const y = labels[s];
        let max = -Infinity;
        for (let c = 0; c < cpp; c++) max = Math.max(max, eta[c]);
        let z = 0;
        for (let c = 0; c < cpp; c++) {
          ex[c] = Math.exp(eta[c] - max);
          z += ex[c];
        }
        sum += eta[y] - max - Math.log(z);
        for (let c = 0; c < cpp; c++) {
          dl[eN + base + c * classStride] = (c === y ? 1 : 0) - ex[c] / z;
        }
      }
      ll[m] += sum;
    }
  }
  return ll;
}

/** Accumulates g_m = −w_m ∂ℓ_m/∂eta into the three parameter gradients, tile by tile. */
function backwardPass(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  weights: Float64Array,
  dl: Float64Array,
): Pick<McLossResult, 'gradLoc' | 'gradCovFactor' | 'gradCovDiag'> {
  const { size: n, rank } = dist;
  const { epsFactor, epsDiag } = noise;
  const gradLoc = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * rank);
  const gradCovDiag = new Float64Array(n);
  for (let i0 = 0; i0 < n; i0 += TILE) {
    const i1 = Math.min(n, i0 + TILE);
    for (let m = 0; m < count; m++) {
      const w = -weights[m];
      const eR = m * rank;
      const eN = m * n;
      for (let i = i0; i < i1; i++) {
        const gm = w * dl[eN + i];
        if (gm === 0) continue;
        gradLoc[i] += gm;
        gradCovDiag[i] += gm * epsDiag[eN + i];
        const row = i * rank;
        for (let r = 0; r < rank; r++) gradCovFactor[row + r] += gm * epsFactor[eR + r];
      }
    }
    for (let i = i0; i < i1; i++) gradCovDiag[i] /= 2 * sqrtD[i];
  }
  return { gradLoc, gradCovFactor, gradCovDiag };
}

/** Options of `mcLossSampled`: M, antithetic pairs, and the pixel likelihood. */
export interface McLossSampledOptions extends PixelLikelihoodOptions {
  /** Number of MC samples M (20 in the paper). */
  samples: number;
  /** Antithetic pairs (M even), as the official 3D code. */
  antithetic?: boolean;
}

/**
 * `mcLoss` with fresh noises drawn from `rng` (see `drawNoise` for the order of draws).
 * @returns the loss and gradients, and the noises used
 */
export function mcLossSampled(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  rng: Rng,
  options: McLossSampledOptions,
): McLossResult & { noise: Noise } {
  const noise = drawNoise(rng, {
    count: options.samples,
    rank: dist.rank,
    size: dist.size,
    antithetic: options.antithetic,
  });
  // drawNoise's noises are finite and of the right shapes by construction: no second check.
  const geometry = pixelGeometry(dist.size, labels, options);
  return { ...checkedMcLoss(dist, labels, noise, geometry), noise };
}
