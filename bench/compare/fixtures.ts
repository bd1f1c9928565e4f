/**
 * Closed-form fixtures shared with spec/torch/bench.py (the same formulas, written twice), so
 * both sides time the same inputs and the deterministic workloads (logProb, ged) can be checked
 * to agree. Formulas, for n in [0, N), r in [0, R), pixel s = i·side + j:
 *   loc[n]      = 0.5 sin(0.37 n + 1)
 *   P[n, r]     = c sin((0.11 + 0.037 r) n + 0.7 r + 2)  (row-major N x R; each column its own
 *                 frequency, so P has full rank R), c = 0.3 / √R ('small': ‖D^-1/2 P‖_F² ≈ 0.045 N)
 *                 or c = 800 / √R ('large': ‖a_n‖² ≈ 3e5 a logit, as the trained net's heads)
 *   d[n]        = exp(0.2 cos(0.23 n))
 *   x[n]        = loc[n] + cos(0.53 n)
 *   label(i, j) = ⌊((7 i + 13 j) mod 10) · C / 10⌋
 *   disc map k  = 1 inside the disc of centre (side/2 + (37q mod 21) − 10, side/2 + (53q mod 21) − 10)
 *                 and radius max(1, side/4 + (13q mod 11) − 5), q = k + offset (integer halves);
 *                 with speckle p‰, pixel s flipped where speckleHash(q, s) mod 1000 < p
 *   noise       = epsFactor[m, r] = √2 sin(1.3 m + 0.9 r + 0.4), epsDiag[m, n] = √2 cos(0.71 n + 1.9 m + 0.3)
 */

/** The factor's two regimes: 'small' (ssn-ts's Gram kernel) and 'large' (real nets' outputs). */
export type FactorScale = 'small' | 'large';

/** The factor's scale c√R of each regime (see the formulas above). */
export const FACTOR_SCALES: Readonly<Record<FactorScale, number>> = { small: 0.3, large: 800 };

/** A distribution's parameters and a point x, all float64. */
export interface DistributionFixture {
  loc: Float64Array;
  covFactor: Float64Array;
  covDiag: Float64Array;
  x: Float64Array;
}

/** The N-dimensional, rank-R fixture of the formulas above. */
export function distributionFixture(
  size: number,
  rank: number,
  factor: FactorScale = 'small',
): DistributionFixture {
  const loc = new Float64Array(size);
  const covFactor = new Float64Array(size * rank);
  const covDiag = new Float64Array(size);
  const x = new Float64Array(size);
  const scale = FACTOR_SCALES[factor] / Math.sqrt(rank);
  for (let n = 0; n < size; n++) {
    loc[n] = 0.5 * Math.sin(0.37 * n + 1.0);
    for (let r = 0; r < rank; r++)
      covFactor[n * rank + r] = scale * Math.sin((0.11 + 0.037 * r) * n + 0.7 * r + 2.0);
    covDiag[n] = Math.exp(0.2 * Math.cos(0.23 * n));
    x[n] = loc[n] + Math.cos(0.53 * n);
  }
  return { loc, covFactor, covDiag, x };
}

/**
 * log N(x; loc, diag(d)) of the fixture, the factor left out: what logProb would be without the
 * low-rank term, −½ (N log 2π + Σ log d + Σ (x − loc)² / d).
 */
export function diagonalLogProb(f: DistributionFixture): number {
  let sum = 0;
  for (let n = 0; n < f.loc.length; n++) {
    const r = f.x[n] - f.loc[n];
    sum += Math.log(2 * Math.PI) + Math.log(f.covDiag[n]) + (r * r) / f.covDiag[n];
  }
  return -0.5 * sum;
}

/** Closed-form noises of M samples (formulas above): not Gaussian, the same on both sides. */
export function noiseFixture(
  count: number,
  rank: number,
  size: number,
): { count: number; epsFactor: Float64Array; epsDiag: Float64Array } {
  const epsFactor = new Float64Array(count * rank);
  const epsDiag = new Float64Array(count * size);
  for (let m = 0; m < count; m++) {
    for (let r = 0; r < rank; r++)
      epsFactor[m * rank + r] = Math.SQRT2 * Math.sin(1.3 * m + 0.9 * r + 0.4);
    for (let n = 0; n < size; n++)
      epsDiag[m * size + n] = Math.SQRT2 * Math.cos(0.71 * n + 1.9 * m + 0.3);
  }
  return { count, epsFactor, epsDiag };
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

/**
 * A 32-bit hash of (map q, pixel s), unsigned: h = s·0x9E3779B1 ⊕ (q + 1)·0x85EBCA77,
 * h ⊕= h >> 15, h ·= 0x2C1B3C6D, h ⊕= h >> 12, every product mod 2³² (numpy: uint32).
 */
export function speckleHash(q: number, s: number): number {
  let h = Math.imul(s, 0x9e3779b1) ^ Math.imul(q + 1, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/**
 * `count` binary disc maps of side² pixels, map k at k·side², numbered from `offset`; with
 * `speckle` p (per mille) a pixel is flipped where speckleHash(q, s) mod 1000 < p.
 */
export function discMapsFixture(
  count: number,
  side: number,
  offset: number,
  speckle = 0,
): Int32Array {
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
        const s = i * side + j;
        const inside = (i - cy) ** 2 + (j - cx) ** 2 < rad * rad ? 1 : 0;
        const flip = speckle > 0 && speckleHash(q, s) % 1000 < speckle ? 1 : 0;
        maps[k * pixels + s] = inside ^ flip;
      }
    }
  }
  return maps;
}
