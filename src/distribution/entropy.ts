import {
  checkDistribution,
  LOG_2PI,
  logDetCovariance,
  type LowRankNormal,
} from './lowRankNormal.js';

/**
 * Differential entropy of N(loc, P Pᵀ + D), in nats: ½ (N (1 + log 2π) + log det Σ), with
 * log det Σ from the stable form of the determinant lemma (`logDetCovariance`). Independent of
 * loc; finite for every valid distribution.
 * @example entropy(lowRankNormal({ loc: [0], covFactor: [0], covDiag: [1], rank: 1 })) // ≈ 1.4189
 * @see spec/lowrank-normal.md#entropy
 */
export function entropy(dist: LowRankNormal): number {
  checkDistribution(dist);
  return 0.5 * (dist.size * (1 + LOG_2PI) + logDetCovariance(dist));
}
