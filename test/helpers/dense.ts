/**
 * Dense oracles built with mathjs on the full N x N covariance, for comparison with the
 * O(N R²) low-rank formulas.
 */
import { lup, lusolve, multiply, transpose } from 'mathjs';

export function denseCov(covFactor: Float64Array, covDiag: Float64Array, rank: number): number[][] {
  const n = covDiag.length;
  const p: number[][] = [];
  for (let i = 0; i < n; i++) p.push(Array.from(covFactor.subarray(i * rank, (i + 1) * rank)));
  const ppt = multiply(p, transpose(p)) as number[][];
  for (let i = 0; i < n; i++) ppt[i][i] += covDiag[i];
  return ppt;
}

/** log det of an SPD matrix from its LU decomposition. */
export function denseLogDet(a: number[][]): number {
  const { U } = lup(a) as unknown as { U: number[][] };
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.log(Math.abs(U[i][i]));
  return s;
}

export function denseLogProb(
  x: ArrayLike<number>,
  loc: ArrayLike<number>,
  cov: number[][],
): number {
  const n = cov.length;
  const z = Array.from({ length: n }, (_, i) => x[i] - loc[i]);
  const sol = (lusolve(cov, z) as number[][]).map((row) => row[0]);
  let maha = 0;
  for (let i = 0; i < n; i++) maha += z[i] * sol[i];
  return -0.5 * (n * Math.log(2 * Math.PI) + denseLogDet(cov) + maha);
}

export function denseEntropy(cov: number[][]): number {
  const n = cov.length;
  return 0.5 * (n * (1 + Math.log(2 * Math.PI)) + denseLogDet(cov));
}
