/**
 * ssn-ts: the public API, re-exported explicitly.
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
  capacitanceCholesky,
  logDetCovariance,
  LOG_2PI,
} from './distribution/lowRankNormal.js';
export type { LowRankNormal, LowRankNormalParams } from './distribution/lowRankNormal.js';
export { logProb } from './distribution/logProb.js';
export { entropy } from './distribution/entropy.js';
export {
  marginalVariance,
  denseCovariance,
  DENSE_COVARIANCE_MAX_SIZE,
} from './distribution/marginals.js';
export { drawNoise, checkNoise } from './distribution/noise.js';
export type { Noise, NoiseInput, DrawNoiseOptions } from './distribution/noise.js';
export { rsample, sample } from './distribution/rsample.js';
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

export { mcLoss, mcLossSampled } from './loss/mcLoss.js';
export type { McLossResult, McLossSampledOptions } from './loss/mcLoss.js';
export { crossEntropyLoss } from './loss/crossEntropy.js';
export { logSigmoid, sigmoid } from './loss/pixelLikelihood.js';
export type { Likelihood, PixelLikelihoodOptions } from './loss/pixelLikelihood.js';
