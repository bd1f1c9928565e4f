/**
 * The training loss of one labelled image and its gradient with respect to every network
 * parameter: forward pass, head → distribution, loss, and back through `headToDistributionVjp`
 * and the network's VJP.
 *
 *   'deterministic'          loss = crossEntropyLoss(mean logits, labels)   (pixels summed)
 *   'diagonal' | 'lowrank'   loss = the MC loss of paper eq. 7 (mcLoss), M samples
 */
import { headToDistributionVjp } from '../distribution/head.js';
import { drawNoise } from '../distribution/noise.js';
import { crossEntropyLoss } from '../loss/crossEntropy.js';
import { mcLoss } from '../loss/mcLoss.js';
import type { FeatureMap } from '../nn/featureMap.js';
import type { ConvOps } from '../nn/network.js';
import { ssnDistribution, ssnForward, ssnHeadOutputs, ssnVjp } from '../nn/ssnNetwork.js';
import type { SsnNetwork } from '../nn/ssnNetwork.js';
import type { Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';

/** Options of `imageLoss`. */
export interface ImageLossOptions {
  /** M, MC samples of the loss (default 20, as the paper) */
  samples?: number;
  /**
   * Antithetic pairs (default true, as the official 3D code: M/2 noises and their negatives;
   * M must be even). The LIDC fork draws M plain samples instead.
   */
  antithetic?: boolean;
  /**
   * Train the mean alone (default false): the cross-entropy of the mean logits, as the
   * deterministic network, with zero gradients for the covariance heads (a warm-up phase).
   */
  meanOnly?: boolean;
}

/**
 * Loss of one image (summed over its pixels) and the gradients of every parameter, in the order
 * of `ssnParameters`. The noises of the MC loss are drawn from `rng` (`drawNoise`); a
 * deterministic network (or `meanOnly`) draws nothing.
 * @param labels - H·W labels in [0, C)
 * @throws RangeError when the labels do not fit the image or M is odd with antithetic pairs
 */
export function imageLoss(
  ops: ConvOps,
  net: SsnNetwork,
  image: FeatureMap,
  labels: ArrayLike<number>,
  rng: Rng,
  options: ImageLossOptions = {},
): { loss: number; grads: Float64Array[] } {
  const samples = options.samples ?? 20;
  const antithetic = options.antithetic ?? true;
  checkInteger('samples', samples, 1);
  const { maps, cache } = ssnForward(ops, net, image);
  const classes = net.heads.classes;
  const likelihood = { likelihood: 'categorical', classes } as const;
  if (net.heads.kind === 'deterministic' || options.meanOnly === true) {
    const { loss, gradLogits } = crossEntropyLoss(maps.mean.data, labels, likelihood);
    return { loss, grads: ssnVjp(ops, net, cache, { gradMean: gradLogits }) };
  }
  const head = ssnHeadOutputs(net, maps);
  const dist = ssnDistribution(net, maps)!;
  const noise = drawNoise(rng, { count: samples, rank: dist.rank, size: dist.size, antithetic });
  const r = mcLoss(dist, labels, noise, likelihood);
  const d = headToDistributionVjp(head, r);
  const grads = ssnVjp(ops, net, cache, {
    gradMean: d.gradMean,
    gradLogDiag: d.gradLogDiag,
    // The diagonal network's zero factor is not a network output: its gradient stops here.
    gradFactor: net.heads.kind === 'lowrank' ? d.gradFactor : undefined,
  });
  return { loss: r.loss, grads };
}
