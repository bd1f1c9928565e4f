import { checkDistribution, type LowRankNormal } from './lowRankNormal.js';

/**
 * Marginal variances, the diagonal of Σ = P Pᵀ + D: rowsum(P²) + d, length N, in O(N R).
 * @example marginalVariance(lowRankNormal({ loc: [0], covFactor: [2], covDiag: [1], rank: 1 })) // → [5]
 */
export function marginalVariance(dist: LowRankNormal): Float64Array {
  checkDistribution(dist);
  const { size: n, rank, covFactor: p, covDiag: d } = dist;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = d[i];
    for (let r = 0; r < rank; r++) s += p[i * rank + r] ** 2;
    out[i] = s;
  }
  return out;
}

/** Largest N for which `denseCovariance` builds the N x N matrix (8 N² bytes). */
export const DENSE_COVARIANCE_MAX_SIZE = 4096;

/**
 * The dense covariance Σ = P Pᵀ + D, N x N row-major, for small N (figures, tests).
 * @throws RangeError when N exceeds DENSE_COVARIANCE_MAX_SIZE
 */
export function denseCovariance(dist: LowRankNormal): Float64Array {
  checkDistribution(dist);
  const { size: n, rank, covFactor: p, covDiag: d } = dist;
  if (n > DENSE_COVARIANCE_MAX_SIZE) {
    throw new RangeError(
      `dist: size N = ${n} is too large for a dense N x N covariance (at most ${DENSE_COVARIANCE_MAX_SIZE})`,
    );
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = i === j ? d[i] : 0;
      for (let r = 0; r < rank; r++) s += p[i * rank + r] * p[j * rank + r];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
