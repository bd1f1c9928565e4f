/**
 * `mcLoss`'s path for C > 2 classes: both passes in tiles of pixels, samples inside each tile.
 * Equals `mcLossReference` (src/loss/mcLossReference.ts) within rtol 1e-11 on the loss
 * (test/loss/mcLoss.test.ts, "equals eq. 7 evaluated by mcLossReference"); not bit for bit, since
 * it adds loc first and the √d eps_N term before P eps_R.
 */
import type { LowRankNormal } from '../../distribution/lowRankNormal.js';
import type { Noise } from '../../distribution/noise.js';
import type { McLossResult } from '../mcLoss.js';
import { lossAndWeights } from '../mcLossReference.js';
import type { PixelGeometry } from '../pixelLikelihood.js';

/**
 * Pixels per tile. Both passes walk the pixels in tiles and the samples inside each tile, so the
 * M rows of eps_N and ∂ℓ/∂eta are read in short sequential runs and P's rows stay in cache.
 */
const TILE = 512;

/** The loss and gradients for C > 2 classes, from validated arguments. */
export function categoricalMcLoss(
  dist: LowRankNormal,
  labels: ArrayLike<number>,
  noise: Noise,
  geometry: PixelGeometry,
): McLossResult {
  const { count } = noise;
  const sqrtD = new Float64Array(dist.size);
  for (let i = 0; i < sqrtD.length; i++) sqrtD[i] = Math.sqrt(dist.covDiag[i]);
  // slopes[m*N + i] = ∂ℓ_m/∂eta_i, filled by the forward pass.
  const slopes = new Float64Array(count * dist.size);
  const logLikelihoods = forwardPass(dist, sqrtD, labels, noise, count, geometry, slopes);
  const { loss, weights } = lossAndWeights(logLikelihoods);
  return {
    loss,
    logLikelihoods,
    weights,
    ...backwardPass(dist, sqrtD, noise, count, weights, slopes),
  };
}

/**
 * Computes every ℓ_m and the slopes ∂ℓ_m/∂eta (into `slopes`, M x N) for C > 2 classes (two
 * classes and bernoulli take binaryMcLoss): a max-shifted log-softmax per pixel and sample.
 */
function forwardPass(
  dist: LowRankNormal,
  sqrtD: Float64Array,
  labels: ArrayLike<number>,
  noise: { epsFactor: Float64Array; epsDiag: Float64Array },
  count: number,
  geometry: PixelGeometry,
  slopes: Float64Array,
): Float64Array {
  const { size: n, rank, loc, covFactor: p } = dist;
  const { epsFactor, epsDiag } = noise;
  const { logitsPerPixel: cpp, pixels, pixelStride, classStride, mask } = geometry;
  const ll = new Float64Array(count);
  const eta = new Float64Array(cpp); // one pixel's logits under one sample
  const ex = new Float64Array(cpp);
  for (let s0 = 0; s0 < pixels; s0 += TILE) {
    const s1 = Math.min(pixels, s0 + TILE);
    for (let m = 0; m < count; m++) {
      const offR = m * rank;
      const offN = m * n;
      let sum = 0;
      for (let s = s0; s < s1; s++) {
        if (mask !== undefined && mask[s] === 0) continue;
        const base = s * pixelStride;
        for (let c = 0; c < cpp; c++) {
          const i = base + c * classStride;
          const row = i * rank;
          let v = loc[i] + sqrtD[i] * epsDiag[offN + i];
          for (let r = 0; r < rank; r++) v += p[row + r] * epsFactor[offR + r];
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
          slopes[offN + base + c * classStride] = (c === y ? 1 : 0) - ex[c] / z;
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
  slopes: Float64Array,
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
      const offR = m * rank;
      const offN = m * n;
      for (let i = i0; i < i1; i++) {
        const gm = w * slopes[offN + i];
        if (gm === 0) continue;
        gradLoc[i] += gm;
        gradCovDiag[i] += gm * epsDiag[offN + i];
        const row = i * rank;
        for (let r = 0; r < rank; r++) gradCovFactor[row + r] += gm * epsFactor[offR + r];
      }
    }
    for (let i = i0; i < i1; i++) gradCovDiag[i] /= 2 * sqrtD[i];
  }
  return { gradLoc, gradCovFactor, gradCovDiag };
}
