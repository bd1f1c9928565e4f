/**
 * The plain cross-entropy loss of a deterministic segmentation network, summed over pixels
 * (as the MC loss is), with its gradient: ∂loss/∂eta[c, s] = m_s (softmax(eta_s)[c] − 1[y_s = c]).
 * It equals the MC loss of a distribution with zero covariance.
 */
import { checkFinite } from '../util/validate.js';
import {
  logSigmoid,
  pixelGeometry,
  sigmoid,
  type PixelLikelihoodOptions,
} from './pixelLikelihood.js';

/**
 * @param logits - C x S logits in the given layout (S logits for bernoulli)
 * @param labels - S integer labels
 * @returns the loss −Σ_s m_s log p(y_s | eta_s) and its gradient with respect to the logits
 * @throws RangeError naming the argument for wrong shapes, non-finite logits or bad labels
 * @example crossEntropyLoss([0, 0], [1], { likelihood: 'categorical', classes: 2 }).loss // ≈ 0.6931
 */
export function crossEntropyLoss(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  options: PixelLikelihoodOptions,
): { loss: number; gradLogits: Float64Array } {
  const geometry = pixelGeometry(logits.length, labels, options);
  checkFinite('logits', logits);
  const { logitsPerPixel: cpp, pixels, pixelStride, classStride, mask } = geometry;
  const gradLogits = new Float64Array(logits.length);
  let loss = 0;
  for (let s = 0; s < pixels; s++) {
    if (mask !== undefined && mask[s] === 0) continue;
    const base = s * pixelStride;
    const y = labels[s];
    if (cpp === 1) {
      const v = logits[base];
      loss -= y === 1 ? logSigmoid(v) : logSigmoid(-v);
      gradLogits[base] = sigmoid(v) - y;
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < cpp; c++) max = Math.max(max, logits[base + c * classStride]);
    let z = 0;
    for (let c = 0; c < cpp; c++) z += Math.exp(logits[base + c * classStride] - max);
    loss -= logits[base + y * classStride] - max - Math.log(z);
    for (let c = 0; c < cpp; c++) {
      const i = base + c * classStride;
      gradLogits[i] = Math.exp(logits[i] - max) / z - (c === y ? 1 : 0);
    }
  }
  return { loss, gradLogits };
}
