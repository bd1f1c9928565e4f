/**
 * The low-rank multivariate normal N(loc, P Pᵀ + D) over N logits, the distribution at the
 * heart of a Stochastic Segmentation Network (paper section 4).
 *
 * Public names follow torch.distributions.LowRankMultivariateNormal: `loc` is the mean μ (N),
 * `covFactor` is P (N x R, row-major: entry (n, r) at n*R + r), `covDiag` is the diagonal of
 * D (N, every entry > 0).
 *
 * Which path each function runs:
 * - `lowRankNormal` validates and copies, O(N R), one pass over covFactor (kernels/copyFinite.ts),
 *   or with `copy: false` validates and keeps the caller's Float64Arrays; it factorises nothing.
 * - `logProb`, `entropy` and `logDetCovariance` run the stable form (whitenedFactor.ts): the
 *   Householder QR of D^{-1/2} P, computed once per distribution on first use, O(N R²), then
 *   O(N R) per point; where ‖D^{-1/2} P‖_F² ≤ 8192 or a-posteriori bounds show it accurate, a
 *   guarded Gram kernel instead (kernels/gramForm.ts). Σ log d_n runs the product-of-logs kernel (kernels/sumLog.ts).
 * - Every function that takes a distribution runs `checkDistribution` first: one WeakSet lookup
 *   for a distribution the library built, `lowRankNormal`'s checks (no copy) on the first use of
 *   one written by hand.
 * - The textbook forms torch runs, the capacitance K = I + Pᵀ D⁻¹ P with the determinant lemma
 *   and Woodbury, are in lowRankIdentities.ts, exported for reading and comparison.
 * @see spec/lowrank-normal.md
 */
import { copyFinite, keepFinite } from './kernels/copyFinite.js';
import { sumLog } from './kernels/sumLog.js';
import { logDensityTerms } from './whitenedFactor.js';
import { checkInteger, checkLength } from '../util/validate.js';

/** log 2π. */
export const LOG_2PI = Math.log(2 * Math.PI);

/**
 * A validated low-rank normal. Its arrays are copies owned by it (or, built with `copy: false`,
 * the caller's own Float64Arrays); do not change them after construction: `logProb`, `entropy`
 * and `logDetCovariance` cache the factorisation of the first call per distribution object.
 *
 * Build it with `lowRankNormal` (or `headToDistribution`, `convertDistributionLayout`, ...).
 * An object written by hand with these five fields is accepted too, but every function that
 * takes a distribution first runs `checkDistribution` on it: the checks of `lowRankNormal`
 * (Float64Array loc, covFactor and covDiag; integer size and rank that match their lengths;
 * finite values; covDiag > 0), once per object, without copying, then never again for that
 * object. The library's own distributions are known valid from construction and are not
 * checked again: validation happens when a distribution is built (or first used, for a hand-
 * built one), so changing its arrays afterwards is not caught.
 */
export interface LowRankNormal {
  /** Event size N (C x S for a segmentation). */
  readonly size: number;
  /** Rank R of the covariance factor. */
  readonly rank: number;
  /** Mean μ, length N. */
  readonly loc: Float64Array;
  /** Covariance factor P, N x R row-major. */
  readonly covFactor: Float64Array;
  /** Diagonal of D, length N, all > 0. */
  readonly covDiag: Float64Array;
}

/** The arguments of `lowRankNormal`: loc (N), covFactor (N x R row-major), covDiag (N), R. */
export interface LowRankNormalParams {
  loc: ArrayLike<number>;
  covFactor: ArrayLike<number>;
  covDiag: ArrayLike<number>;
  rank: number;
  /**
   * Whether the distribution keeps its own copies of the arrays (default true). With false, a
   * Float64Array argument is checked and kept as it is (other array kinds are still converted,
   * which copies): for arrays made afresh for one distribution, such as a network's outputs in
   * a training step, where a copy of an N x R factor costs as much as a pass of the loss. The
   * caller must then not change those arrays while the distribution is in use (the first
   * `logProb`/`entropy` caches a factorisation of them), as with torch.distributions, which
   * keeps references to its tensors.
   */
  copy?: boolean;
}

/**
 * Builds and validates N(loc, covFactor covFactorᵀ + diag(covDiag)), copying the inputs (unless
 * `copy` is false: see LowRankNormalParams). Every
 * finite covFactor with covDiag > 0 is accepted: Σ is positive definite, and the stable form
 * never loses that in floating point (no "not positive definite" refusal, no fallback).
 * @throws TypeError when `params` is not an object; RangeError/TypeError naming the argument
 *   when the rank is not an integer ≥ 1, the lengths disagree (covFactor must hold N*R entries),
 *   a value is not finite, or some covDiag ≤ 0; TypeError when `copy` is given but not a boolean
 * @example
 * const d = lowRankNormal({ loc: [0, 0], covFactor: [1, 1], covDiag: [1, 1], rank: 1 });
 * logDetCovariance(d) // → log 3 ≈ 1.0986 (Σ = [[2, 1], [1, 2]])
 */
export function lowRankNormal(params: LowRankNormalParams): LowRankNormal {
  const { n, rank, copy } = checkParamShapes(params);
  // Each argument checked, then copied (copyFinite does both in one pass; the same errors), or
  // only checked (keepFinite) when the caller lends its Float64Arrays.
  const take = copy ? copyFinite : keepFinite;
  const loc = take('loc', params.loc);
  const covFactor = take('covFactor', params.covFactor);
  const covDiag = take('covDiag', params.covDiag, true);
  return knownValid({ size: n, rank, loc, covFactor, covDiag });
}

/** The distributions known to pass `checkDistribution`: built by the library, or checked once. */
const validated = new WeakSet<LowRankNormal>();

/**
 * Marks `dist` as valid and returns it: for the library's constructors only, whose results
 * satisfy every check of `lowRankNormal` by construction (each says why where it calls this).
 * Not part of the public API.
 */
export function knownValid(dist: LowRankNormal): LowRankNormal {
  validated.add(dist);
  return dist;
}

/**
 * Throws unless `dist` is a valid low-rank normal: what every function taking a distribution
 * runs first. A distribution the library built (or one already checked) returns at once, one
 * WeakSet lookup; any other object gets the checks of `lowRankNormal` on its fields, in place,
 * without copying, O(N R) once, and is remembered as checked.
 * @param name - the argument's public name in messages (default 'dist')
 * @throws TypeError `dist: must be a LowRankNormal ...` when it is not an object;
 *   `dist.covDiag: must be a Float64Array ...` (the same for loc and covFactor), telling to build
 *   it with lowRankNormal; `dist.size`/`dist.rank: must be an integer`
 * @throws RangeError naming the field (`dist.size`, `dist.rank`, `dist.covFactor`, ...) when
 *   size or rank is below 1 or the lengths disagree (covFactor must hold size x rank entries),
 *   a value is not finite, or some covDiag entry is ≤ 0
 * @example
 * checkDistribution({ size: 2, rank: 1, loc: Float64Array.of(0, 0),
 *   covFactor: Float64Array.of(1, 1), covDiag: Float64Array.of(0, 1) })
 *   // throws RangeError('dist.covDiag: entry 0 is 0, expected a value > 0')
 */
export function checkDistribution(dist: LowRankNormal, name = 'dist'): void {
  if (validated.has(dist)) return;
  if (dist === null || typeof dist !== 'object') {
    throw new TypeError(
      `${name}: must be a LowRankNormal { size, rank, loc, covFactor, covDiag } (build it with lowRankNormal), got ${dist === null ? 'null' : typeof dist}`,
    );
  }
  for (const key of ['loc', 'covFactor', 'covDiag'] as const) {
    const v: unknown = dist[key];
    if (!(v instanceof Float64Array)) {
      const got = v === null ? 'null' : typeof v === 'object' ? kindOf(v) : typeof v;
      throw new TypeError(
        `${name}.${key}: must be a Float64Array, got ${got} (build the distribution with lowRankNormal({ loc, covFactor, covDiag, rank }), which converts arrays)`,
      );
    }
  }
  checkInteger(`${name}.size`, dist.size, 1);
  checkLength(`${name}.loc`, dist.loc, dist.size, `${name}.size`);
  checkShapes(dist, `${name}.`);
  keepFinite(`${name}.loc`, dist.loc);
  keepFinite(`${name}.covFactor`, dist.covFactor);
  keepFinite(`${name}.covDiag`, dist.covDiag, true);
  validated.add(dist);
}

/** 'Array', 'Float32Array', 'Object', ...: the kind of an object, for a message. */
function kindOf(v: object): string {
  return Object.prototype.toString.call(v).slice(8, -1);
}

/**
 * The checks of `lowRankNormal` that come before any value is read, in its order: `params` an
 * object, the rank, the lengths of loc, covFactor and covDiag, the `copy` flag.
 * @returns N, R and the copy flag (default true)
 * @throws as `lowRankNormal`
 */
export function checkParamShapes(params: LowRankNormalParams): {
  n: number;
  rank: number;
  copy: boolean;
} {
  if (params === null || typeof params !== 'object') {
    throw new TypeError(
      `params: must be an object { loc, covFactor, covDiag, rank }, got ${params === null ? 'null' : typeof params}`,
    );
  }
  const { n, rank } = checkShapes(params, '');
  const { copy = true } = params;
  if (typeof copy !== 'boolean') {
    throw new TypeError(`copy: must be true or false, got ${typeof copy}`);
  }
  return { n, rank, copy };
}

/**
 * The rank, then the lengths of loc, covFactor and covDiag, each named with `prefix` ('' for
 * `lowRankNormal`'s arguments, 'dist.' for a distribution's fields).
 */
function checkShapes(
  params: Pick<LowRankNormalParams, 'loc' | 'covFactor' | 'covDiag' | 'rank'>,
  prefix: string,
): { n: number; rank: number } {
  const { rank } = params;
  checkInteger(`${prefix}rank`, rank, 1);
  const n = params.loc?.length;
  if (typeof n !== 'number' || n < 1) {
    throw new RangeError(`${prefix}loc: must be a non-empty array of numbers`);
  }
  checkLength(
    `${prefix}covFactor`,
    params.covFactor,
    n * rank,
    `N x R = ${n} x ${rank} (row-major)`,
  );
  checkLength(`${prefix}covDiag`, params.covDiag, n, `N = ${n} (the length of ${prefix}loc)`);
  return { n, rank };
}

/**
 * log det(P Pᵀ + D) = Σ log d_n + log det(I + Aᵀ A), A = D^{-1/2} P (the matrix determinant
 * lemma), by the stable form: log det(I + Aᵀ A) = 2 Σ log|S_jj| with Sᵀ S = I + R Rᵀ, A = Q R.
 * Finite for every valid distribution.
 * @example logDetCovariance(lowRankNormal({ loc: [0], covFactor: [2], covDiag: [1], rank: 1 })) // → log 5
 * @see spec/lowrank-normal.md#the-stable-form
 */
export function logDetCovariance(dist: LowRankNormal): number {
  checkDistribution(dist);
  return sumLog(dist.covDiag) + logDensityTerms(dist, null).logDetCapacitance;
}
