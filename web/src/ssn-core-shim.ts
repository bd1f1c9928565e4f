/**
 * The part of the core library the page uses, re-exported from the source files.
 * TODO(merge): alias to src/index.ts — on this branch src/index.ts still re-exports the Node-only
 * figure renderer (node:fs) and the gpu.js conv backend, so the page cannot bundle it yet.
 */
export { createRng, splitRng } from '../../src/random/rng.js';
export type { Rng } from '../../src/random/rng.js';
export { drawNoise } from '../../src/distribution/noise.js';
export type { Noise } from '../../src/distribution/noise.js';
export { rsample } from '../../src/distribution/rsample.js';
export { denseCovariance } from '../../src/distribution/marginals.js';
export { classNoiseWeights } from '../../src/distribution/layout.js';
export type { LowRankNormal } from '../../src/distribution/lowRankNormal.js';
export { makeSyntheticDataset } from '../../src/data/syntheticLesions.js';
export { TOY_PIXELS, toyTargets } from '../../src/toy/problem.js';
export { initToyParams, toyDistribution } from '../../src/toy/model.js';
export type { ToyParams } from '../../src/toy/model.js';
export { toyProtocol } from '../../src/toy/protocol.js';
export type { ToyProtocolName } from '../../src/toy/protocol.js';
export { trainToy } from '../../src/toy/train.js';
export { evaluateToy } from '../../src/toy/evaluate.js';
export { parseWeights } from '../../src/nn/serialize.js';
export { ssnForward, ssnDistribution } from '../../src/nn/ssnNetwork.js';
export type { SsnNetwork } from '../../src/nn/ssnNetwork.js';
export { referenceConvOps } from '../../src/nn/network.js';
export type { ConvOps } from '../../src/nn/network.js';
export type { HeadMaps } from '../../src/nn/heads.js';
