/**
 * Badly conditioned low-rank normals and a 60-digit dense reference for their log-density
 * (issue 13's families): covDiag spanning 1e-12 … 1e6, nearly collinear factor columns, R > N,
 * N = 1, and covDiag 1e-12 under a large, nearly collinear P. Shared by
 * test/distribution/logDensityAccuracy.test.ts, bench/logDensityAccuracy.ts and (through the
 * JSON that script writes) spec/torch/ill_conditioned.py.
 *
 * The reference (`exactLogProb`, test/conformance/exact.ts) converts each float64 input to
 * decimal exactly (toPrecision(100) prints every digit of a double's binary value that matters
 * at 60 digits), forms Σ = P Pᵀ + D and z = x − loc in mathjs BigNumber at 60 significant
 * digits, and takes the dense Cholesky Σ = G Gᵀ: log p = −½ (N log 2π + 2 Σ log G_ii + ‖G⁻¹ z‖²).
 */
import { createRng, standardNormal, uniformRange, type Rng } from '../../src/random/rng.js';
import { exactLogProb } from '../conformance/exact.js';

export interface IllCase {
  family: string;
  n: number;
  rank: number;
  loc: number[];
  covFactor: number[];
  covDiag: number[];
  x: number[];
}

export const FAMILIES = [
  'covDiag 1e-12..1e6',
  'collinear columns',
  'R > N',
  'N = 1',
  'tiny covDiag, large P',
] as const;

function normals(rng: Rng, n: number, scale = 1): number[] {
  return Array.from(standardNormal(rng, n), (v) => v * scale);
}

function pow10(rng: Rng, lo: number, hi: number): number {
  return 10 ** uniformRange(rng, lo, hi);
}

/** A point: half the cases typical (x − loc ~ the marginal scale), half far out (~1 per logit). */
function point(rng: Rng, loc: number[], p: number[], d: number[], rank: number, far: boolean) {
  return loc.map((m, i) => {
    let v = d[i];
    for (let r = 0; r < rank; r++) v += p[i * rank + r] ** 2;
    const e = standardNormal(rng, 1)[0];
    return m + e * (far ? 1 : Math.sqrt(v));
  });
}

/** Nearly collinear columns: column r = base + spread · noise. */
function collinear(rng: Rng, n: number, rank: number, scale: number, spread: number): number[] {
  const base = normals(rng, n, scale);
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rank; r++) p.push(base[i] * (1 + spread * standardNormal(rng, 1)[0]));
  }
  return p;
}

/** `perFamily` cases of each family, the same for a given seed. */
export function illConditionedCases(perFamily = 24, seed = 13): IllCase[] {
  const rng = createRng(seed);
  const out: IllCase[] = [];
  const add = (family: string, n: number, rank: number, p: number[], d: number[], k: number) => {
    const loc = normals(rng, n);
    out.push({
      family,
      n,
      rank,
      loc,
      covFactor: p,
      covDiag: d,
      x: point(rng, loc, p, d, rank, k % 2 === 1),
    });
  };
  for (let k = 0; k < perFamily; k++) {
    const rank = 1 + (k % 3);
    const d = Array.from({ length: 6 }, () => pow10(rng, -12, 6));
    add(FAMILIES[0], 6, rank, normals(rng, 6 * rank), d, k);
  }
  for (let k = 0; k < perFamily; k++) {
    const d = Array.from({ length: 6 }, () => uniformRange(rng, 0.5, 2));
    add(FAMILIES[1], 6, 3, collinear(rng, 6, 3, pow10(rng, 1, 4), pow10(rng, -9, -5)), d, k);
  }
  for (let k = 0; k < perFamily; k++) {
    const n = 1 + (k % 3);
    const rank = n + 1 + (k % 4);
    const d = Array.from({ length: n }, () => pow10(rng, -6, 2));
    add(FAMILIES[2], n, rank, normals(rng, n * rank, pow10(rng, -1, 2)), d, k);
  }
  out.push({
    family: FAMILIES[3],
    n: 1,
    rank: 1,
    loc: [0.3],
    covFactor: [16528.477352968217],
    covDiag: [1e-12],
    x: [20762.529798240004],
  });
  for (let k = 1; k < perFamily; k++) {
    const rank = 1 + (k % 4);
    add(FAMILIES[3], 1, rank, normals(rng, rank, pow10(rng, -3, 5)), [pow10(rng, -12, 6)], k);
  }
  for (let k = 0; k < perFamily; k++) {
    const d = new Array<number>(5).fill(1e-12);
    add(FAMILIES[4], 5, 2, collinear(rng, 5, 2, 1e3, pow10(rng, -8, -4)), d, k);
  }
  return out;
}

/** log p(x) in 60-digit arithmetic on the exact float64 inputs, rounded to float64. */
export function referenceLogProb(c: IllCase): number {
  return exactLogProb({ ...c });
}

/** |actual − expected| / |expected|; ∞ for NaN or a thrown error (passed as NaN). */
export function relativeError(actual: number, expected: number): number {
  if (Number.isNaN(actual)) return Infinity;
  return Math.abs(actual - expected) / Math.abs(expected);
}
