/**
 * Closed-form fixtures shared with spec/torch/bench.py (the same formulas, written twice), so
 * both sides time the same inputs and the deterministic workloads (logProb, ged) can be checked
 * to agree. Formulas, for n in [0, N), r in [0, R), pixel s = i·side + j:
 *   loc[n]      = 0.5 sin(0.37 n + 1)
 *   P[n, r]     = 0.3 sin(0.11 n + 0.7 r + 2) / √R      (row-major N x R)
 *   d[n]        = exp(0.2 cos(0.23 n))
 *   x[n]        = loc[n] + cos(0.53 n)
 *   label(i, j) = ⌊((7 i + 13 j) mod 10) · C / 10⌋
 *   disc map k  = 1 inside the disc of centre (side/2 + (37q mod 21) − 10, side/2 + (53q mod 21) − 10)
 *                 and radius max(1, side/4 + (13q mod 11) − 5), q = k + offset (integer halves)
 */

/** A distribution's parameters and a point x, all float64. */
export interface DistributionFixture {
  loc: Float64Array;
  covFactor: Float64Array;
  covDiag: Float64Array;
  x: Float64Array;
}

/** The N-dimensional, rank-R fixture of the formulas above. */
export function distributionFixture(size: number, rank: number): DistributionFixture {
  const loc = new Float64Array(size);
  const covFactor = new Float64Array(size * rank);
  const covDiag = new Float64Array(size);
  const x = new Float64Array(size);
  const scale = 0.3 / Math.sqrt(rank);
  for (let n = 0; n < size; n++) {
    loc[n] = 0.5 * Math.sin(0.37 * n + 1.0);
    for (let r = 0; r < rank; r++)
      covFactor[n * rank + r] = scale * Math.sin(0.11 * n + 0.7 * r + 2.0);
    covDiag[n] = Math.exp(0.2 * Math.cos(0.23 * n));
    x[n] = loc[n] + Math.cos(0.53 * n);
  }
  return { loc, covFactor, covDiag, x };
}

/** side² labels in [0, C): label(i, j) = ⌊((7i + 13j) mod 10)·C/10⌋. */
export function labelFixture(side: number, classes: number): Int32Array {
  const labels = new Int32Array(side * side);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++)
      labels[i * side + j] = Math.floor((((7 * i + 13 * j) % 10) * classes) / 10);
  }
  return labels;
}

/** `count` binary disc maps of side² pixels, map k at k·side², numbered from `offset`. */
export function discMapsFixture(count: number, side: number, offset: number): Int32Array {
  const pixels = side * side;
  const maps = new Int32Array(count * pixels);
  const half = Math.floor(side / 2);
  for (let k = 0; k < count; k++) {
    const q = k + offset;
    const cy = half + ((37 * q) % 21) - 10;
    const cx = half + ((53 * q) % 21) - 10;
    const rad = Math.max(1, Math.floor(side / 4) + ((13 * q) % 11) - 5);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        if ((i - cy) ** 2 + (j - cx) ** 2 < rad * rad) maps[k * pixels + i * side + j] = 1;
      }
    }
  }
  return maps;
}
