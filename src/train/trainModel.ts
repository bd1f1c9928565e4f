/**
 * The training loop of the small SSN network on the synthetic lesion data set: Adam on the batch
 * mean of per-image losses (each summed over its pixels, spec/official-code.md#the-loss), with a random
 * annotator per image per step, as the paper's LIDC setting trains on all four annotation sets.
 */
import { checkDataset } from '../data/checkDataset.js';
import type { SyntheticDataset } from '../data/syntheticLesions.js';
import { createAdam } from '../nn/adam.js';
import type { HeadKind } from '../nn/heads.js';
import { checkHeadKind } from '../nn/heads.js';
import type { ConvOps, UNetWidths } from '../nn/network.js';
import { createSsnNetwork, ssnParameterNames, ssnParameters } from '../nn/ssnNetwork.js';
import type { SsnNetwork } from '../nn/ssnNetwork.js';
import { createRng, uniformInt } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';
import { imageLoss } from './imageLoss.js';

/** Options of `trainModel`; all but `kind` and `steps` have defaults. */
export interface TrainOptions {
  kind: HeadKind;
  /** Adam steps */
  steps: number;
  /** images per step (default 4) */
  batchSize?: number;
  /** Adam learning rate (default 2e-3) */
  lr?: number;
  /** Adam's L2 weight decay (default 1e-5) */
  weightDecay?: number;
  /** MC samples M of the loss (default 20) */
  samples?: number;
  /** antithetic noise pairs in the loss (default true) */
  antithetic?: boolean;
  /**
   * Warm-up steps (default 0) that train the body and the mean head alone with the cross-entropy
   * of the mean logits (`imageLoss`'s `meanOnly`), with an Adam of their own that leaves the
   * covariance heads at their initialisation; then a fresh Adam trains everything on the MC loss.
   */
  meanOnlySteps?: number;
  /** rank R of the low-rank head (default 10) */
  rank?: number;
  widths?: Partial<UNetWidths>;
  /** initial scale of the factor head (default 0.5, see `createHeads`) */
  factorScale?: number;
  /**
   * Initial bias of the log-diagonal head (default −5: covDiag ≈ e⁻⁵ ≈ 0.007, unlike
   * `createHeads`' 0). On the synthetic experiment (800 steps, seed 0) it brought the diagonal
   * model's sample diversity from 0.097 to 0.028 and the low-rank model's GED² from 0.196 to
   * 0.166: a unit diagonal at the start leaves per-pixel noise that 800 steps do not remove.
   */
  logDiagBias?: number;
  /**
   * Decay of the exponential moving average of the weights that the returned network holds
   * (default 0.99, about the last 100 steps; 0 returns the last iterate). Averaging the iterates
   * (Polyak averaging) smooths out the noise of small-batch Adam steps at the end of training.
   */
  averageDecay?: number;
  /** seed of the initialisation and of the image, annotator and noise draws (default 0) */
  seed?: number | string;
  /**
   * Called after every step with the step number (1-based), the step's mean batch loss and the
   * network being trained (to evaluate it along the way; do not modify it).
   */
  onStep?: (step: number, loss: number, network: SsnNetwork) => void;
}

/** A trained network and its loss curve. */
export interface TrainedModel {
  readonly kind: HeadKind;
  /** the network with the averaged weights (the last iterate when averageDecay = 0) */
  readonly network: SsnNetwork;
  /** mean batch loss of each step, length `steps` */
  readonly losses: Float64Array;
}

/**
 * Trains a fresh network. The weights are drawn from `createRng("init/<seed>/<kind>")`; each step
 * then draws, from `createRng("train/<seed>/<kind>")`, `batchSize` image indices (uniformly, with
 * replacement), one annotator index per image, and the loss noises of each image in turn.
 * @param data - training images (H·W each, H and W even) with their annotations
 * @throws RangeError for a bad kind, a non-positive steps/batchSize, an odd sample count with
 *   antithetic pairs, a data set `checkDataset` refuses (no images, an image without annotations,
 *   a wrong length, a non-finite pixel, a label outside [0, C)), a non-positive learning rate, or
 *   odd image sides; and `network: training diverged at step k (…)` when a weight or a logit
 *   becomes NaN or ±∞ (too large a learning rate)
 */
export function trainModel(
  ops: ConvOps,
  data: SyntheticDataset,
  options: TrainOptions,
): TrainedModel {
  const { kind, steps } = options;
  checkHeadKind('kind', kind);
  checkInteger('steps', steps, 1);
  const batchSize = options.batchSize ?? 4;
  checkInteger('batchSize', batchSize, 1);
  const samples = options.samples ?? 20;
  const antithetic = options.antithetic ?? true;
  checkInteger('samples', samples, 1);
  if (kind !== 'deterministic' && antithetic && samples % 2 !== 0) {
    throw new RangeError(`samples: antithetic pairs need an even count, got ${samples}`);
  }
  const lr = options.lr ?? 2e-3;
  const seed = String(options.seed ?? 0);
  const network = createSsnNetwork(createRng(`init/${seed}/${kind}`), {
    kind,
    rank: options.rank,
    widths: options.widths,
    factorScale: options.factorScale,
    logDiagBias: options.logDiagBias ?? -5,
  });
  checkDataset('data', data, network.heads.classes);
  const params = ssnParameters(network);
  const names = ssnParameterNames(network);
  const adam = createAdam(params, {
    lr,
    weightDecay: options.weightDecay ?? 1e-5,
  });
  const meanOnlySteps = options.meanOnlySteps ?? 0;
  checkInteger('meanOnlySteps', meanOnlySteps, 0);
  // The warm-up's own Adam leaves the covariance heads out, so that not even weight decay
  // moves them; the main Adam starts afresh after it.
  const { logDiag, factor } = network.heads;
  const frozen = new Set<Float64Array>(
    [logDiag, factor].flatMap((l) => (l === undefined ? [] : [l.weight.data, l.bias])),
  );
  const warmAdam = createAdam(
    params.filter((p) => !frozen.has(p)),
    { lr, weightDecay: options.weightDecay ?? 1e-5 },
  );
  const decay = options.averageDecay ?? 0.99;
  if (!(decay >= 0 && decay < 1)) {
    throw new RangeError(`averageDecay: must lie in [0, 1), got ${decay}`);
  }
  // Zero-started average with bias correction: avg_t = Σ_k (1−β) β^(t−k) θ_k / (1 − β^t).
  const average = params.map((p) => new Float64Array(p.length));
  const rng = createRng(`train/${seed}/${kind}`);
  const { height: H, width: W } = data;
  const losses = new Float64Array(steps);
  const sum = params.map((p) => new Float64Array(p.length));
  for (let step = 0; step < steps; step++) {
    for (const s of sum) s.fill(0);
    let loss = 0;
    for (let b = 0; b < batchSize; b++) {
      const i = uniformInt(rng, data.images.length);
      const a = uniformInt(rng, data.annotations[i].length);
      const image = { data: data.images[i], channels: 1, height: H, width: W };
      let r: ReturnType<typeof imageLoss>;
      try {
        r = imageLoss(ops, network, image, data.annotations[i][a], rng, {
          samples,
          antithetic,
          meanOnly: step < meanOnlySteps,
        });
      } catch (err) {
        // Options and data are valid, so a RangeError here is a non-finite value (logits that
        // overflowed): the weights have run away.
        if (!(err instanceof RangeError)) throw err;
        const weight = nonFiniteWeight(params, names);
        throw diverged(step + 1, weight ?? `on data.images[${i}], ${err.message}`, lr, err);
      }
      loss += r.loss;
      for (let j = 0; j < sum.length; j++) {
        const s = sum[j];
        const g = r.grads[j];
        for (let n = 0; n < s.length; n++) s[n] += g[n];
      }
    }
    for (const s of sum) for (let n = 0; n < s.length; n++) s[n] /= batchSize;
    if (step < meanOnlySteps) warmAdam.step(sum.filter((_, j) => !frozen.has(params[j])));
    else adam.step(sum);
    // A NaN or ±∞ weight is refused by name here, not carried into the average or the next
    // forward pass (where it would surface as NaN logits, or score as label 0).
    const weight = nonFiniteWeight(params, names);
    if (weight !== null) throw diverged(step + 1, weight, lr);
    for (let j = 0; j < params.length; j++) {
      const a = average[j];
      const p = params[j];
      for (let n = 0; n < a.length; n++) a[n] = decay * a[n] + (1 - decay) * p[n];
    }
    losses[step] = loss / batchSize;
    options.onStep?.(step + 1, losses[step], network);
  }
  // The network's own arrays now take the averaged weights.
  const correction = 1 - decay ** steps;
  for (let j = 0; j < params.length; j++) {
    const a = average[j];
    const p = params[j];
    for (let n = 0; n < a.length; n++) p[n] = a[n] / correction;
  }
  return { kind, network, losses };
}

/** `"heads.mean.bias entry 1 is NaN"` for the first weight that is NaN or ±∞, or null. */
function nonFiniteWeight(params: readonly Float64Array[], names: readonly string[]): string | null {
  for (let j = 0; j < params.length; j++) {
    const p = params[j];
    const n = p.findIndex((v) => !Number.isFinite(v));
    if (n >= 0) return `${names[j]} entry ${n} is ${p[n]}`;
  }
  return null;
}

/** The error of a run whose weights went non-finite at `step`. */
function diverged(step: number, what: string, lr: number, cause?: unknown): RangeError {
  return new RangeError(
    `network: training diverged at step ${step} (${what}); try a smaller lr (now ${lr})`,
    { cause },
  );
}
