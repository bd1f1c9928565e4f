/**
 * ssn-ts, the core entry: randomness, the low-rank normal, the loss, metrics, the toy problem, the
 * conv net and its training, synthetic data, conformance on in-memory objects and figure specs as
 * plain JSON. Browser-safe: nothing reachable from here imports a Node built-in, a native module
 * or gpu.js (test/package/coreImports.test.ts enforces it). Rendering figures and file I/O are in
 * `ssn-ts/node` (src/node.ts), the gpu.js kernels in `ssn-ts/gpu` (src/gpu.ts).
 *
 * A new public function: add it here (or to node.ts / gpu.ts when it needs Node or gpu.js), with
 * every type its signature uses, in the group of its folder.
 * @module ssn-ts
 */
export {
  createRng,
  splitRng,
  standardNormal,
  standardNormalInto,
  uniformInt,
  uniformRange,
} from './random/rng.js';
export type { Rng } from './random/rng.js';

export {
  lowRankNormal,
  checkDistribution,
  logDetCovariance,
  LOG_2PI,
} from './distribution/lowRankNormal.js';
export {
  capacitance,
  capacitanceCholesky,
  logDetByDeterminantLemma,
  mahalanobisByWoodbury,
  logProbByWoodbury,
} from './distribution/lowRankIdentities.js';
export { mahalanobis, whitenedFactor, whitenedFactorPlain } from './distribution/whitenedFactor.js';
export type { WhitenedFactor, WhitenedQr } from './distribution/whitenedFactor.js';
export type { LowRankNormal, LowRankNormalParams } from './distribution/lowRankNormal.js';
export { logProb, logProbOf } from './distribution/logProb.js';
export { entropy } from './distribution/entropy.js';
export {
  marginalVariance,
  denseCovariance,
  DENSE_COVARIANCE_MAX_SIZE,
} from './distribution/marginals.js';
export { drawNoise, checkNoise } from './distribution/noise.js';
export type { Noise, NoiseInput, DrawNoiseOptions } from './distribution/noise.js';
export { rsample, sample } from './distribution/rsample.js';
export { rsampleReference } from './distribution/rsampleReference.js';
export type { RsampleOptions, SampleOptions } from './distribution/rsample.js';
export {
  convertLayout,
  convertDistributionLayout,
  classNoiseWeights,
  logitIndex,
  LAYOUTS,
} from './distribution/layout.js';
export type { Layout, ConvertLayoutOptions } from './distribution/layout.js';
export {
  headToDistribution,
  headToDistributionVjp,
  COV_DIAG_EPSILON,
} from './distribution/head.js';
export type { HeadOutputs } from './distribution/head.js';

export {
  headToDistributionFromViews,
  labelMapFromView,
  logitsView,
  pixelMajorView,
  samplesView,
  toFlat,
} from './ndarray/views.js';
export type { HeadViews, NumberView } from './ndarray/views.js';

export { mcLoss, mcLossSampled } from './loss/mcLoss.js';
export {
  mcLossReference,
  mcLossGradLoc,
  mcLossGradCovFactor,
  mcLossGradCovDiag,
} from './loss/mcLossReference.js';
export type { McLossResult, McLossSampledOptions } from './loss/mcLoss.js';
export { crossEntropyLoss } from './loss/crossEntropy.js';
export { logSigmoid, sigmoid } from './loss/pixelLikelihood.js';
export type { Likelihood, PixelLikelihoodOptions } from './loss/pixelLikelihood.js';

export { logSumExp } from './math/logSumExp.js';

export { iouDistance, pairwiseIouDistances } from './metrics/iouDistance.js';
export type { IouDistanceOptions, IouSetOptions } from './metrics/iouDistance.js';
export type { IouConvention, PairEstimator } from './metrics/labelMapChecks.js';
export { sampleDiversity } from './metrics/sampleDiversity.js';
export type { PairExpectationOptions } from './metrics/sampleDiversity.js';
export { generalisedEnergyDistance } from './metrics/generalisedEnergyDistance.js';
export type { GeneralisedEnergyDistance } from './metrics/generalisedEnergyDistance.js';
export { iouDistanceReference, iouReference } from './metrics/iouDistanceReference.js';
export {
  generalisedEnergyDistanceReference,
  sampleDiversityReference,
  meanCrossDistance,
  meanWithinDistance,
} from './metrics/energyDistanceReference.js';
export type { MapDistance } from './metrics/energyDistanceReference.js';
export {
  dice,
  diceAgainstAnnotations,
  meanDice,
  diceNonEmpty,
  diceClassMeans,
} from './metrics/dice.js';
export type { DiceAverage, DiceOptions, MeanDiceOptions } from './metrics/dice.js';
export { logLikelihoodMetric } from './metrics/logLikelihoodMetric.js';
export { marginalEntropy, marginalEntropyFromLogits } from './metrics/marginalEntropy.js';
export type { EntropyOptions } from './metrics/marginalEntropy.js';

export { createFeatureMap } from './nn/featureMap.js';
export type { FeatureMap } from './nn/featureMap.js';
export { conv2d, conv2dVjp, createConvWeight } from './nn/conv2d.js';
export type { ConvWeight, Conv2dGrads } from './nn/conv2d.js';
export { relu, reluVjp } from './nn/relu.js';
export { maxPool2, maxPool2Vjp } from './nn/maxPool2.js';
export { upsample2, upsample2Vjp } from './nn/upsample2.js';
export { concatChannels, concatChannelsVjp } from './nn/concatChannels.js';
export { createAdam } from './nn/adam.js';
export type { Adam, AdamOptions } from './nn/adam.js';
export { heInitConv } from './nn/init.js';
export type { ConvLayerParams } from './nn/init.js';
export {
  createConvBackend,
  referenceConvBackend,
  selfCheckConvBackend,
} from './kernels/convBackend.js';
export type {
  ConvBackend,
  ConvBackendChoice,
  ConvBackendName,
  GpujsConvFactory,
  GpujsConvKernels,
} from './kernels/convBackend.js';

export { makeSyntheticDataset, DEFAULT_ANNOTATOR_HABITS } from './data/syntheticLesions.js';
export type {
  SyntheticDataset,
  SyntheticDatasetOptions,
  AnnotatorHabit,
  ImageMeta,
  LesionMeta,
} from './data/syntheticLesions.js';
export { splitDataset } from './data/splitDataset.js';
export type { DatasetSplit, SplitSizes } from './data/splitDataset.js';
export { annotationStats } from './data/annotationStats.js';
export type { AnnotationStats } from './data/annotationStats.js';

export { heatmapSpec } from './plot/heatmapSpec.js';
export type { HeatmapOptions } from './plot/heatmapSpec.js';
export { stripsSpec } from './plot/stripsSpec.js';
export type { StripsOptions } from './plot/stripsSpec.js';
export { labelMapGridSpec } from './plot/labelMapGridSpec.js';
export type { LabelMapGridOptions, MapPanel, MapKind } from './plot/labelMapGridSpec.js';
export { logLogSpec, powerLawExponent } from './plot/logLogSpec.js';
export type { LogLogOptions, LogLogSeries } from './plot/logLogSpec.js';
export { vconcatSpec, hconcatSpec } from './plot/concatSpec.js';
export type { ConcatOptions } from './plot/concatSpec.js';
export type { VegaLiteSpec, ColorScheme } from './plot/spec.js';

export {
  TOY_PIXELS,
  TOY_BLOCK,
  TOY_OPTIMUM,
  toyTargets,
  independentPixelOptimum,
  fullModelOptimum,
} from './toy/problem.js';
export { initToyParams, toyDistribution, toyDistributionVjp } from './toy/model.js';
export type {
  ToyModelKind,
  ToyParams,
  ToyGrads,
  ToyInit,
  ToyParameterisation,
} from './toy/model.js';
export { toyProtocol, PAPER_PROTOCOL, BEST_PROTOCOL } from './toy/protocol.js';
export type {
  ToyProtocol,
  ToyProtocolName,
  ToyPhase,
  ToyProtocolOverrides,
} from './toy/protocol.js';
export { trainToy } from './toy/train.js';
export { toyLossAndGrads, createToyStepWorkspace } from './toy/step.js';
export type { ToyStepWorkspace } from './toy/step.js';
export { toyLossAndGradsReference } from './toy/stepReference.js';
export type { ToyTrainResult, ToyStepCallback } from './toy/train.js';
export { evaluateToy } from './toy/evaluate.js';
export type { ToyEvaluation, EvaluateToyOptions } from './toy/evaluate.js';
export { runToyModel } from './toy/experiment.js';
export type { ToyModelRun, RunToyModelOptions, TrainedToyModel } from './toy/experiment.js';
export { binarySamples, toyModelFigureSpec, toyTargetsSpec } from './toy/figure.js';
export { formatToyTable, toyModelReport } from './toy/report.js';
export type { ToyModelReport } from './toy/report.js';

export {
  parseConformance,
  serializeConformance,
  ConformanceError,
  CONFORMANCE_FORMAT,
  CONFORMANCE_VERSION,
  CONFORMANCE_OPS,
} from './conformance/format.js';
export type {
  ConformanceFile,
  ConformanceCase,
  ConformanceOp,
  Tolerance,
} from './conformance/format.js';
export { computeCase, readCase, CaseBugError, NanResultError } from './conformance/caseOps.js';
export type { ReadCase, OutputShape, ComputeOptions } from './conformance/caseOps.js';
export type { CaseCost } from './conformance/caseCost.js';
export { generateVectors } from './conformance/generateVectors.js';
export { caseTolerance } from './conformance/caseTolerance.js';
export { logProbErrorBounds, entropyErrorBounds } from './conformance/logDensityErrorBound.js';
export type { LowRankInputs, BoundOptions } from './conformance/logDensityErrorBound.js';
export {
  compareResults,
  formatComparison,
  DEFAULT_TOLERANCE,
} from './conformance/compareResults.js';
export type { Comparison, CompareOptions, ComparisonRow } from './conformance/compareResults.js';

export {
  createUNet,
  unetForward,
  unetVjp,
  unetParameterCount,
  referenceConvOps,
  DEFAULT_UNET_WIDTHS,
} from './nn/network.js';
export type { ConvOps, UNetParams, UNetWidths, UNetCache } from './nn/network.js';
export { createHeads, headsForward, headsVjp, HEAD_KINDS } from './nn/heads.js';
export type { HeadKind, HeadParams, HeadMaps, HeadMapGrads } from './nn/heads.js';
export {
  createSsnNetwork,
  ssnForward,
  ssnVjp,
  ssnDistribution,
  ssnParameterCount,
} from './nn/ssnNetwork.js';
export type { SsnNetwork, SsnNetworkOptions, SsnCache } from './nn/ssnNetwork.js';
export { serializeWeights, parseWeights, WEIGHTS_FORMAT, WEIGHTS_VERSION } from './nn/serialize.js';
export type { LoadedWeights } from './nn/serialize.js';
export { imageLoss } from './train/imageLoss.js';
export type { ImageLossOptions } from './train/imageLoss.js';
export { trainModel } from './train/trainModel.js';
export type { TrainOptions, TrainedModel } from './train/trainModel.js';
export {
  evaluateModel,
  predictImage,
  sampleLabelMaps,
  annotatorDiversity,
} from './train/evaluate.js';
export type {
  Evaluation,
  MetricSummary,
  ImagePrediction,
  EvaluateOptions,
} from './train/evaluate.js';
export {
  runExperiment,
  experimentData,
  EXPERIMENT_DEFAULTS,
  QUICK_EXPERIMENT,
} from './train/experiment.js';
export type {
  ExperimentConfig,
  ExperimentResult,
  ModelResult,
  ExperimentProgress,
} from './train/experiment.js';
export { formatExperimentTable } from './train/report.js';
export { figure3Spec, figure6Spec, pickDisagreeingImages } from './train/figures.js';
