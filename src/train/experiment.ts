/**
 * The synthetic counterpart of the paper's LIDC experiment (Table 1): the deterministic,
 * diagonal and low-rank networks trained on all four annotation sets of the synthetic lesion
 * data set (a random annotator per image per step), each evaluated on the test split with
 * DSC, DSC_nod, GED² and sample diversity, beside the annotators' own diversity.
 */
import { splitDataset } from '../data/splitDataset.js';
import { makeSyntheticDataset } from '../data/syntheticLesions.js';
import type { SyntheticDataset } from '../data/syntheticLesions.js';
import type { HeadKind } from '../nn/heads.js';
import { HEAD_KINDS, checkHeadKind } from '../nn/heads.js';
import type { ConvOps, UNetWidths } from '../nn/network.js';
import { ssnParameterCount } from '../nn/ssnNetwork.js';
import { checkInteger, checkNumber } from '../util/validate.js';
import { annotatorDiversity, evaluateModel } from './evaluate.js';
import type { Evaluation, MetricSummary } from './evaluate.js';
import { trainModel } from './trainModel.js';
import type { TrainedModel } from './trainModel.js';

/** Every knob of the experiment. */
export interface ExperimentConfig {
  /** image side (even, ≥ 24: the data set's lesion radii reach 6 px and need size/4 ≥ 6) */
  size: number;
  trainImages: number;
  testImages: number;
  /** Adam steps per model */
  steps: number;
  batchSize: number;
  lr: number;
  /** MC samples of the training loss (antithetic pairs) */
  lossSamples: number;
  /** samples per test image for GED and diversity */
  evalSamples: number;
  rank: number;
  widths: UNetWidths;
  seed: number;
  models: HeadKind[];
}

/** The defaults of `ssn experiment`, sized to finish within 10 minutes on 2 CPU cores. */
export const EXPERIMENT_DEFAULTS: Readonly<ExperimentConfig> = {
  size: 24,
  trainImages: 1000,
  testImages: 100,
  steps: 1200,
  batchSize: 4,
  lr: 2e-3,
  lossSamples: 20,
  evalSamples: 100,
  rank: 10,
  widths: { encoder: 12, bottleneck: 24, decoder: 16 },
  seed: 0,
  models: ['deterministic', 'diagonal', 'lowrank'],
};

/** `--quick`: a few seconds, for tests and smoke runs (the numbers mean nothing). */
export const QUICK_EXPERIMENT: Readonly<ExperimentConfig> = {
  ...EXPERIMENT_DEFAULTS,
  size: 24,
  trainImages: 20,
  testImages: 6,
  steps: 3,
  batchSize: 2,
  lossSamples: 4,
  evalSamples: 8,
  rank: 2,
  widths: { encoder: 4, bottleneck: 8, decoder: 4 },
};

/**
 * Checks a configuration.
 * @throws TypeError naming the first field of the wrong kind (a count that is not an integer)
 * @throws RangeError naming the first field with a bad value
 */
export function checkExperimentConfig(c: ExperimentConfig): void {
  checkInteger('size', c.size, 24);
  if (c.size % 2 !== 0) throw new RangeError(`size: must be even, got ${c.size}`);
  checkInteger('trainImages', c.trainImages, 1);
  checkInteger('testImages', c.testImages, 1);
  checkInteger('steps', c.steps, 1);
  checkInteger('batchSize', c.batchSize, 1);
  checkNumber('lr', c.lr, 0, true);
  checkInteger('lossSamples', c.lossSamples, 2);
  if (c.lossSamples % 2 !== 0) {
    throw new RangeError(`lossSamples: must be even (antithetic pairs), got ${c.lossSamples}`);
  }
  checkInteger('evalSamples', c.evalSamples, 1);
  checkInteger('rank', c.rank, 1);
  checkInteger('seed', c.seed, 0);
  if (c.models.length === 0) throw new RangeError('models: must name at least one model');
  c.models.forEach((m, i) => checkHeadKind(`models[${i}]`, m));
}

/** The train and test splits of the experiment's data set (seed `seed`, unshuffled split). */
export function experimentData(c: ExperimentConfig): {
  train: SyntheticDataset;
  test: SyntheticDataset;
} {
  const ds = makeSyntheticDataset({
    seed: c.seed,
    count: c.trainImages + c.testImages,
    size: c.size,
  });
  const { train, test } = splitDataset(ds, {
    train: c.trainImages,
    validation: 0,
    test: c.testImages,
  });
  return { train, test };
}

/** One model's row of the table. */
export interface ModelResult {
  readonly name: HeadKind;
  readonly parameters: number;
  readonly dsc: MetricSummary;
  readonly dscNod: MetricSummary;
  readonly ged: MetricSummary;
  readonly diversity: MetricSummary;
  /** mean loss over the first and the last 10% of the steps */
  readonly lossStart: number;
  readonly lossEnd: number;
  readonly evaluation: Evaluation;
  readonly trained: TrainedModel;
}

/** Progress events of `runExperiment`. */
export type ExperimentProgress =
  | { phase: 'train'; model: HeadKind; step: number; steps: number; loss: number }
  | { phase: 'evaluate'; model: HeadKind; image: number; images: number };

/** The experiment's result. */
export interface ExperimentResult {
  readonly config: ExperimentConfig;
  readonly models: ModelResult[];
  readonly annotatorDiversity: MetricSummary;
  readonly test: SyntheticDataset;
}

/** Mean of a slice of the loss curve: the first (`end` false) or last 10% of it (at least one step). */
export function lossWindowMean(losses: Float64Array, end: boolean): number {
  const k = Math.max(1, Math.round(losses.length / 10));
  const part = end ? losses.subarray(losses.length - k) : losses.subarray(0, k);
  return part.reduce((s, v) => s + v, 0) / part.length;
}

/**
 * Trains and evaluates each model of `config.models` in turn (all with the same seed, data and
 * evaluation noises).
 * @throws RangeError for a bad configuration (see `checkExperimentConfig`)
 */
export function runExperiment(
  ops: ConvOps,
  config: ExperimentConfig,
  onProgress?: (p: ExperimentProgress) => void,
): ExperimentResult {
  checkExperimentConfig(config);
  const { train, test } = experimentData(config);
  const models: ModelResult[] = [];
  const order = HEAD_KINDS.filter((k) => config.models.includes(k));
  for (const kind of order) {
    const trained = trainModel(ops, train, {
      kind,
      steps: config.steps,
      batchSize: config.batchSize,
      lr: config.lr,
      samples: config.lossSamples,
      antithetic: true,
      rank: config.rank,
      widths: config.widths,
      seed: config.seed,
      onStep: (step, loss) =>
        onProgress?.({ phase: 'train', model: kind, step, steps: config.steps, loss }),
    });
    const evaluation = evaluateModel(ops, trained.network, test, {
      samples: config.evalSamples,
      seed: config.seed,
      onImage: (image) =>
        onProgress?.({ phase: 'evaluate', model: kind, image, images: test.images.length }),
    });
    models.push({
      name: kind,
      parameters: ssnParameterCount(trained.network),
      dsc: evaluation.dsc,
      dscNod: evaluation.dscNod,
      ged: evaluation.ged,
      diversity: evaluation.diversity,
      lossStart: lossWindowMean(trained.losses, false),
      lossEnd: lossWindowMean(trained.losses, true),
      evaluation,
      trained,
    });
  }
  return { config, models, annotatorDiversity: annotatorDiversity(test), test };
}
