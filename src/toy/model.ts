/**
 * The toy problem's two models as free parameters, the distribution they describe, and the
 * VJP from the distribution's gradients back onto the parameters (paper section 5.1; the
 * official script is ssn/toy_problem.py in biomedia-mira/stochastic_segmentation_networks, see
 * spec/toy-problem.md and spec/official-code.md). Two parameterisations:
 *
 *   'official' (the official script's, `--protocol paper`):
 *     loc = mean,  covDiag = exp(logDiag),
 *     covFactor[i, r] = exp(logScale[i, r]) · direction[i, r] / ‖direction[:, r]‖   (logScale N x R)
 *   'column' (ssn-ts's earlier reading, kept for the `best` protocol, whose results it fixes):
 *     loc = mean,  covDiag = exp(logDiag) + 1e-5,
 *     covFactor[:, r] = exp(logScale_r) · direction[:, r] / ‖direction[:, r]‖           (logScale R)
 *
 * Both initialise mean = 0, logDiag = −1, logScale = −1 (every entry), direction ~ U(−½, ½).
 *
 * The diagonal model has no factor. It is built as a rank-1 distribution whose factor column is
 * zero and never trained (so the same MC loss serves both models; the extra eps_R draw per
 * sample is the only cost).
 */
import { COV_DIAG_EPSILON } from '../distribution/head.js';
import { lowRankNormal, type LowRankNormal } from '../distribution/lowRankNormal.js';
import type { Rng } from '../random/rng.js';
import { checkBinary, checkFinite, checkInteger, checkLength } from '../util/validate.js';

/** The toy problem's two models: diagonal covariance, or low-rank plus diagonal. */
export type ToyModelKind = 'diagonal' | 'lowrank';

/**
 * How the factor's scale and the diagonal are parameterised: 'official' (a log scale per factor
 * entry, N x R, and no ε on the diagonal) or 'column' (a log scale per column, R, and ε = 1e-5).
 */
export type ToyParameterisation = 'official' | 'column';

/** The diagonal's ε under each parameterisation. */
function diagEpsilon(p: { parameterisation?: ToyParameterisation }): number {
  return p.parameterisation === 'official' ? 0 : COV_DIAG_EPSILON;
}

/** Length of logScale: N x R per entry ('official'), R per column ('column'). */
export function logScaleLength(
  parameterisation: ToyParameterisation | undefined,
  size: number,
  rank: number,
): number {
  return parameterisation === 'official' ? size * rank : rank;
}

/** Free parameters of a toy model. Arrays are owned by the model and updated in place by Adam. */
export interface ToyParams {
  readonly kind: ToyModelKind;
  /** Rank R of the factor: 0 for the diagonal model. */
  readonly rank: number;
  /** N logits' means. */
  readonly mean: Float64Array;
  /** 'official' or 'column' (undefined: 'column'); see ToyParameterisation. */
  readonly parameterisation?: ToyParameterisation;
  /** N log-variances (before the ε of 'column'). */
  readonly logDiag: Float64Array;
  /**
   * Log scales of the factor: N x R row-major, one per entry ('official'), or R, one per column
   * ('column'); empty for the diagonal model.
   */
  readonly logScale: Float64Array;
  /** N x R row-major unnormalised column directions (empty for the diagonal model). */
  readonly direction: Float64Array;
}

/** Initial values; the defaults are the official script's. */
export interface ToyInit {
  mean?: number;
  logDiag?: number;
  logScale?: number;
  /** direction ~ U(−h, h) with h = directionHalfWidth (default ½). */
  directionHalfWidth?: number;
}

/** Gradients of a loss with respect to each free parameter (same shapes as ToyParams). */
export interface ToyGrads {
  gradMean: Float64Array;
  gradLogDiag: Float64Array;
  gradLogScale: Float64Array;
  gradDirection: Float64Array;
}

/**
 * Fresh parameters for a model of `size` logits: `rank` = 0 gives the diagonal model. Draws
 * N·R uniforms from `rng` (row-major, entry (n, r) at n·R + r), none for the diagonal model;
 * both parameterisations draw the same.
 * @throws RangeError when size < 1, rank < 0, rank is not an integer, an init value is not
 *   finite (directionHalfWidth must be > 0), or the parameterisation is unknown
 * @example initToyParams(21, 2, createRng(0)).logScale // Float64Array [-1, -1]
 * @example initToyParams(21, 2, createRng(0), {}, 'official').logScale.length // 42
 */
export function initToyParams(
  size: number,
  rank: number,
  rng: Rng,
  init: ToyInit = {},
  parameterisation: ToyParameterisation = 'column',
): ToyParams {
  checkInteger('size', size, 1);
  checkInteger('rank', rank, 0);
  checkParameterisation(parameterisation);
  const { mean = 0, logDiag = -1, logScale = -1, directionHalfWidth = 0.5 } = init;
  checkFinite('init', [mean, logDiag, logScale, directionHalfWidth]);
  if (!(directionHalfWidth > 0)) {
    throw new RangeError(`init: directionHalfWidth must be > 0, got ${directionHalfWidth}`);
  }
  const direction = new Float64Array(size * rank);
  for (let i = 0; i < direction.length; i++) {
    direction[i] = directionHalfWidth * (2 * rng.uniform() - 1);
  }
  return {
    kind: rank === 0 ? 'diagonal' : 'lowrank',
    rank,
    parameterisation,
    mean: new Float64Array(size).fill(mean),
    logDiag: new Float64Array(size).fill(logDiag),
    logScale: new Float64Array(logScaleLength(parameterisation, size, rank)).fill(logScale),
    direction,
  };
}

/**
 * Checks a parameterisation name ('official' or 'column'; undefined stands for 'column').
 * @throws RangeError naming `parameterisation` for any other value
 */
export function checkParameterisation(p: unknown): asserts p is ToyParameterisation | undefined {
  if (p !== undefined && p !== 'official' && p !== 'column') {
    throw new RangeError(
      `parameterisation: unknown parameterisation ${JSON.stringify(p)} (expected official or column)`,
    );
  }
}

/** A deep copy (for checkpoints). */
export function cloneToyParams(p: ToyParams): ToyParams {
  return {
    kind: p.kind,
    rank: p.rank,
    parameterisation: p.parameterisation,
    mean: p.mean.slice(),
    logDiag: p.logDiag.slice(),
    logScale: p.logScale.slice(),
    direction: p.direction.slice(),
  };
}

/** Copies `from`'s values into `into`'s arrays (same shapes), keeping `into`'s array identities. */
export function copyToyParamsInto(into: ToyParams, from: ToyParams): void {
  into.mean.set(from.mean);
  into.logDiag.set(from.logDiag);
  into.logScale.set(from.logScale);
  into.direction.set(from.direction);
}

/**
 * Checks the arrays' lengths against N = mean.length and the rank; returns N.
 * @throws RangeError naming the array whose length disagrees
 */
export function checkToyParams(p: ToyParams): number {
  const n = p.mean.length;
  checkInteger('rank', p.rank, 0);
  if (n < 1) throw new RangeError('mean: must hold at least one logit');
  checkLength('logDiag', p.logDiag, n, `N = ${n}`);
  checkParameterisation(p.parameterisation);
  if (p.parameterisation === 'official') {
    checkLength('logScale', p.logScale, n * p.rank, `N x R = ${n} x ${p.rank}`);
  } else {
    checkLength('logScale', p.logScale, p.rank, `R = ${p.rank}`);
  }
  checkLength('direction', p.direction, n * p.rank, `N x R = ${n} x ${p.rank}`);
  return n;
}

/**
 * Checks that there is at least one target and that each is a 0/1 map of N pixels.
 * @throws RangeError naming the target whose length or a label is wrong
 */
export function checkToyTargets(targets: readonly ArrayLike<number>[], n: number): void {
  if (targets.length === 0) throw new RangeError('targets: need at least one label map');
  targets.forEach((y, t) => {
    checkLength(`targets[${t}]`, y, n, `N = ${n}`);
    checkBinary(`targets[${t}]`, y);
  });
}

/** The column norms ‖direction[:, r]‖, with a name-bearing error for a zero column. */
function columnNorms(p: ToyParams, n: number): Float64Array {
  const { rank: r, direction } = p;
  const norms = new Float64Array(r);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < r; k++) norms[k] += direction[i * r + k] ** 2;
  }
  for (let k = 0; k < r; k++) {
    norms[k] = Math.sqrt(norms[k]);
    if (!(norms[k] > 0) || !Number.isFinite(norms[k])) {
      throw new RangeError(`direction: column ${k} has norm ${norms[k]} (must be finite and > 0)`);
    }
  }
  return norms;
}

/**
 * The diagonal and factor the parameters describe (N x R row-major; empty for the diagonal
 * model), written into `into`'s arrays when given (lengths N and N x R):
 *   'official': covDiag = exp(logDiag),        P[i, r] = exp(logScale[i, r]) (direction[i, r] / ‖direction[:, r]‖)
 *   'column':   covDiag = exp(logDiag) + 1e-5, P[i, r] = (exp(logScale_r) / ‖direction[:, r]‖) direction[i, r]
 * Not validated beyond the column norms: see `toyDistribution`.
 * @throws RangeError when a direction column is zero or not finite
 */
export function toyFactors(
  p: ToyParams,
  into?: { covDiag: Float64Array; covFactor: Float64Array },
): { covDiag: Float64Array; covFactor: Float64Array } {
  const n = p.mean.length;
  const r = p.rank;
  const covDiag = into?.covDiag ?? new Float64Array(n);
  const eps = diagEpsilon(p);
  for (let i = 0; i < n; i++) covDiag[i] = Math.exp(p.logDiag[i]) + eps;
  const covFactor = into?.covFactor ?? new Float64Array(n * r);
  if (r > 0 && p.parameterisation === 'official') {
    const norms = columnNorms(p, n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < r; k++) {
        covFactor[i * r + k] =
          Math.exp(p.logScale[i * r + k]) * (p.direction[i * r + k] / norms[k]);
      }
    }
  } else if (r > 0) {
    const norms = columnNorms(p, n);
    for (let k = 0; k < r; k++) {
      const c = Math.exp(p.logScale[k]) / norms[k];
      for (let i = 0; i < n; i++) covFactor[i * r + k] = c * p.direction[i * r + k];
    }
  }
  return { covDiag, covFactor };
}

/**
 * The model's distribution N(mean, P Pᵀ + diag(covDiag)), with P and covDiag from `toyFactors`
 * (per the parameterisation). The diagonal model gives a rank-1 distribution with a zero factor.
 * @throws RangeError naming the parameter when shapes disagree, a value is not finite, a
 *   direction column is zero, or exp(logDiag)/exp(logScale) overflows
 */
export function toyDistribution(p: ToyParams): LowRankNormal {
  const n = checkToyParams(p);
  const { covDiag, covFactor } = toyFactors(p);
  // covDiag and covFactor are fresh arrays of this call: checked, not copied again. The mean is
  // the model's own array, which Adam updates in place, so it is copied.
  const loc = p.mean.slice();
  if (p.rank === 0) {
    const zero = new Float64Array(n);
    return lowRankNormal({ loc, covFactor: zero, covDiag, rank: 1, copy: false });
  }
  return lowRankNormal({ loc, covFactor, covDiag, rank: p.rank, copy: false });
}

/**
 * VJP of `toyDistribution`: from ∂L/∂(loc, covFactor, covDiag) to ∂L/∂(mean, logDiag,
 * logScale, direction). With u = d/‖d‖ a column's unit direction, c its scales exp(logScale)
 * (one per entry, or one per column) and g the column's gradient ∂L/∂P[:, r]:
 *   ∂L/∂mean = ∂L/∂loc,   ∂L/∂logDiag = ∂L/∂covDiag ⊙ exp(logDiag)
 *   'column':   ∂L/∂logScale_r = c gᵀu = gᵀ P[:, r],   ∂L/∂direction[:, r] = (c / ‖d‖) (g − (gᵀu) u)
 *   'official': ∂L/∂logScale[i, r] = g_i P[i, r],       ∂L/∂direction[:, r] = (h − (hᵀu) u) / ‖d‖
 *               with h = c ⊙ g  (the normalisation removes the radial part in both)
 * For the diagonal model gradCovFactor (N x 1) is ignored: the zero factor is not a parameter.
 * With `into` (arrays of the parameters' shapes) the gradients are written there.
 * @throws RangeError naming the gradient whose length disagrees
 */
export function toyDistributionVjp(
  p: ToyParams,
  grads: {
    gradLoc: ArrayLike<number>;
    gradCovFactor: ArrayLike<number>;
    gradCovDiag: ArrayLike<number>;
  },
  into?: ToyGrads,
): ToyGrads {
  const n = checkToyParams(p);
  const r = p.rank;
  checkLength('gradLoc', grads.gradLoc, n, `N = ${n}`);
  checkLength('gradCovDiag', grads.gradCovDiag, n, `N = ${n}`);
  checkLength('gradCovFactor', grads.gradCovFactor, n * Math.max(r, 1), `N x R`);
  const gradMean = into?.gradMean ?? new Float64Array(n);
  for (let i = 0; i < n; i++) gradMean[i] = grads.gradLoc[i];
  const gradLogDiag = into?.gradLogDiag ?? new Float64Array(n);
  for (let i = 0; i < n; i++) gradLogDiag[i] = grads.gradCovDiag[i] * Math.exp(p.logDiag[i]);
  const gradLogScale = into?.gradLogScale ?? new Float64Array(p.logScale.length);
  const gradDirection = into?.gradDirection ?? new Float64Array(n * r);
  if (r > 0 && p.parameterisation === 'official') {
    const norms = columnNorms(p, n);
    const g = grads.gradCovFactor;
    for (let k = 0; k < r; k++) {
      let hu = 0;
      for (let i = 0; i < n; i++) {
        const j = i * r + k;
        const u = p.direction[j] / norms[k];
        const c = Math.exp(p.logScale[j]);
        gradLogScale[j] = g[j] * c * u;
        hu += c * g[j] * u;
      }
      for (let i = 0; i < n; i++) {
        const j = i * r + k;
        const u = p.direction[j] / norms[k];
        gradDirection[j] = (Math.exp(p.logScale[j]) * g[j] - hu * u) / norms[k];
      }
    }
  } else if (r > 0) {
    const norms = columnNorms(p, n);
    const g = grads.gradCovFactor;
    for (let k = 0; k < r; k++) {
      const c = Math.exp(p.logScale[k]);
      let gu = 0;
      for (let i = 0; i < n; i++) gu += g[i * r + k] * (p.direction[i * r + k] / norms[k]);
      gradLogScale[k] = c * gu;
      for (let i = 0; i < n; i++) {
        const u = p.direction[i * r + k] / norms[k];
        gradDirection[i * r + k] = (c / norms[k]) * (g[i * r + k] - gu * u);
      }
    }
  }
  return { gradMean, gradLogDiag, gradLogScale, gradDirection };
}
