/**
 * The whole small SSN network: the U-Net body (network.ts) followed by one of the three heads
 * (heads.ts), and the distribution over logits its outputs describe (`headToDistribution`,
 * class-major, official channel order; spec/official-code.md#layouts-and-the-head).
 */
import { headToDistribution } from '../distribution/head.js';
import type { LowRankNormal } from '../distribution/lowRankNormal.js';
import type { Rng } from '../random/rng.js';
import { checkFinite } from '../util/validate.js';
import type { FeatureMap } from './featureMap.js';
import { createHeads, headParameters, headsForward, headsVjp } from './heads.js';
import type { HeadKind, HeadMapGrads, HeadMaps, HeadParams } from './heads.js';
import { createUNet, unetForward, unetParameters, unetVjp } from './network.js';
import type { ConvOps, UNetCache, UNetParams, UNetWidths } from './network.js';

/** Options of `createSsnNetwork`. */
export interface SsnNetworkOptions {
  kind: HeadKind;
  /** C (default 2) */
  classes?: number;
  /** R of the low-rank head (default 10; ignored otherwise) */
  rank?: number;
  /** input channels (default 1) */
  inChannels?: number;
  widths?: Partial<UNetWidths>;
  /** initial scale of the factor head's weights (see `createHeads`, default 0.5) */
  factorScale?: number;
  /** initial bias of the log-diagonal head (see `createHeads`, default 0) */
  logDiagBias?: number;
}

/** Body and heads. */
export interface SsnNetwork {
  readonly body: UNetParams;
  readonly heads: HeadParams;
}

/** What `ssnVjp` needs from `ssnForward`. */
export interface SsnCache {
  readonly body: UNetCache;
  readonly features: FeatureMap;
}

/**
 * A freshly initialised network; the body's weights are drawn from `rng` first, then the heads'.
 * @throws RangeError for an unknown kind, classes < 2 or a non-positive width or rank
 * @example ssnParameterCount(createSsnNetwork(createRng(0), { kind: 'lowrank' })) // 9244 + 17·2·12 = 9652
 */
export function createSsnNetwork(rng: Rng, options: SsnNetworkOptions): SsnNetwork {
  const body = createUNet(rng, { inChannels: options.inChannels, widths: options.widths });
  const heads = createHeads(rng, {
    kind: options.kind,
    inChannels: body.widths.decoder,
    classes: options.classes ?? 2,
    rank: options.rank,
    factorScale: options.factorScale,
    logDiagBias: options.logDiagBias,
  });
  return { body, heads };
}

/** All parameter arrays: the body's (`unetParameters`), then the heads' (`headParameters`). */
export function ssnParameters(net: SsnNetwork): Float64Array[] {
  return [...unetParameters(net.body), ...headParameters(net.heads)];
}

/**
 * The names of `ssnParameters`' arrays, in the same order: `body.enc1.weight`, `body.enc1.bias`,
 * …, `heads.mean.weight`, `heads.mean.bias`, then the log-diagonal and factor heads' when present.
 */
export function ssnParameterNames(net: SsnNetwork): string[] {
  const body = ['enc1', 'enc2', 'bottleneck', 'dec'].map((l) => `body.${l}`);
  const heads = (['mean', 'logDiag', 'factor'] as const)
    .filter((l) => net.heads[l] !== undefined)
    .map((l) => `heads.${l}`);
  return [...body, ...heads].flatMap((l) => [`${l}.weight`, `${l}.bias`]);
}

/**
 * Throws unless every weight of the network is finite (a network that diverged in training holds
 * NaN or ±∞), naming the array and the entry.
 * @throws RangeError `${name}: heads.mean.weight entry 3 is NaN, expected a finite number`
 */
export function checkSsnFinite(name: string, net: SsnNetwork): void {
  const names = ssnParameterNames(net);
  ssnParameters(net).forEach((p, j) => checkFinite(`${name}: ${names[j]}`, p));
}

/** Number of scalar parameters. */
export function ssnParameterCount(net: SsnNetwork): number {
  return ssnParameters(net).reduce((s, a) => s + a.length, 0);
}

/** Forward pass on one image (inC, H, W): the head maps and the cache for `ssnVjp`. */
export function ssnForward(
  ops: ConvOps,
  net: SsnNetwork,
  image: FeatureMap,
): { maps: HeadMaps; cache: SsnCache } {
  const { features, cache } = unetForward(ops, net.body, image);
  return { maps: headsForward(ops, net.heads, features), cache: { body: cache, features } };
}

/**
 * VJP of `ssnForward` from cotangents of the head maps.
 * @returns gradients in the order of `ssnParameters`
 */
export function ssnVjp(
  ops: ConvOps,
  net: SsnNetwork,
  cache: SsnCache,
  d: HeadMapGrads,
): Float64Array[] {
  const h = headsVjp(ops, net.heads, cache.features, d);
  const b = unetVjp(ops, net.body, cache.body, h.gradFeatures);
  return [...b.grads, ...h.grads];
}

/**
 * The head inputs of `headToDistribution` for these maps: the low-rank head's own channels, or,
 * for the diagonal head, a rank-1 factor of zeros (so that N(mean, diag(exp(logDiag) + 1e-5))
 * is a low-rank normal whose factor is never trained).
 * @throws RangeError for a deterministic network (it has no covariance)
 */
export function ssnHeadOutputs(
  net: SsnNetwork,
  maps: HeadMaps,
): {
  mean: Float64Array;
  logDiag: Float64Array;
  factor: Float64Array;
  classes: number;
  rank: number;
} {
  const { kind, classes } = net.heads;
  if (kind === 'deterministic' || maps.logDiag === undefined) {
    throw new RangeError('net: a deterministic network predicts no distribution');
  }
  const S = maps.mean.height * maps.mean.width;
  if (kind === 'diagonal') {
    return {
      mean: maps.mean.data,
      logDiag: maps.logDiag.data,
      factor: new Float64Array(classes * S),
      classes,
      rank: 1,
    };
  }
  return {
    mean: maps.mean.data,
    logDiag: maps.logDiag.data,
    factor: maps.factor!.data,
    classes,
    rank: net.heads.rank,
  };
}

/**
 * The predicted distribution over the C·S class-major logits, or a zero-covariance stand-in for a
 * deterministic network (`null`: use the mean logits `maps.mean` directly).
 */
export function ssnDistribution(net: SsnNetwork, maps: HeadMaps): LowRankNormal | null {
  if (net.heads.kind === 'deterministic') return null;
  return headToDistribution(ssnHeadOutputs(net, maps));
}
