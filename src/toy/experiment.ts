/**
 * One toy model end to end: initialise, train, evaluate, with seeded streams that do not depend
 * on which other models run. Model `kind` with seed s draws from three streams,
 *   `${s}/${kind}/0` initialisation and training, `/1` evaluation, `/2` the figure's samples
 * (splitRng), so `--model lowrank` gives the same numbers as the low-rank half of `--model both`.
 */
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import { splitRng, type Rng } from '../random/rng.js';
import { checkInteger } from '../util/validate.js';
import { evaluateToy, type ToyEvaluation } from './evaluate.js';
import { initToyParams, toyDistribution, type ToyModelKind, type ToyParams } from './model.js';
import { TOY_PIXELS, toyTargets } from './problem.js';
import type { ToyProtocol } from './protocol.js';
import { trainToy, type ToyStepCallback, type ToyTrainResult } from './train.js';

/** Options of `runToyModel`: the model, its protocol, seed and evaluation. */
export interface RunToyModelOptions {
  kind: ToyModelKind;
  /** Rank of the low-rank model (ignored for the diagonal one, whose rank is 0). Default 2. */
  rank?: number;
  protocol: ToyProtocol;
  seed: number | string;
  /** Samples per target of the precise estimate (default 100,000). */
  evalSamples?: number;
  onStep?: ToyStepCallback;
  /** A clock in milliseconds (e.g. performance.now) to time training; none: seconds = NaN. */
  now?: () => number;
  /**
   * Called once training is done, before the evaluation, with the trained distribution and the
   * figure's stream (so a caller can draw Figure 2 while the evaluation runs). Whatever it draws
   * from `figureRng` is gone from the run's `figureRng`: it is the same generator.
   */
  onTrained?: (trained: TrainedToyModel) => void;
}

/** A toy model just trained: what Figure 2 needs, before the evaluation. */
export interface TrainedToyModel {
  name: ToyModelKind;
  rank: number;
  dist: LowRankNormal;
  /** The stream for this model's figure samples, untouched so far. */
  figureRng: Rng;
}

/** One trained and evaluated toy model, with what Figure 2 needs. */
export interface ToyModelRun {
  name: ToyModelKind;
  rank: number;
  params: ToyParams;
  dist: LowRankNormal;
  training: ToyTrainResult;
  /** Training time in seconds (NaN without a clock). */
  seconds: number;
  evaluation: ToyEvaluation;
  /** The stream for this model's figure samples, untouched so far unless `onTrained` drew from it. */
  figureRng: Rng;
}

/**
 * Trains and evaluates one model on the toy problem.
 * @throws RangeError when the rank is not an integer ≥ 1 for the low-rank model, or the
 *   protocol or sample counts are invalid (see trainToy, evaluateToy)
 * @example runToyModel({ kind: 'lowrank', protocol: toyProtocol('best'), seed: 0 }).evaluation.estimate // ≈ −0.70
 */
export function runToyModel(options: RunToyModelOptions): ToyModelRun {
  const { kind, protocol, seed, evalSamples, onStep, now, onTrained } = options;
  if (kind !== 'diagonal' && kind !== 'lowrank') {
    throw new RangeError(
      `model: unknown model ${JSON.stringify(kind)} (expected diagonal or lowrank)`,
    );
  }
  const rank = kind === 'diagonal' ? 0 : (options.rank ?? 2);
  if (kind === 'lowrank') checkInteger('rank', rank, 1);
  const [trainRng, evalRng, figureRng] = splitRng(`${seed}/${kind}`, 3);
  const targets = toyTargets();
  const params = initToyParams(
    TOY_PIXELS,
    rank,
    trainRng,
    protocol.init,
    protocol.parameterisation,
  );
  const t0 = now?.() ?? NaN;
  const training = trainToy(params, targets, protocol, trainRng, onStep);
  const seconds = ((now?.() ?? NaN) - t0) / 1000;
  const dist = toyDistribution(params);
  onTrained?.({ name: kind, rank, dist, figureRng });
  const evaluation = evaluateToy(dist, targets, evalRng, { samples: evalSamples });
  return { name: kind, rank, params, dist, training, seconds, evaluation, figureRng };
}
