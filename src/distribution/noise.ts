/**
 * The standard normal noises behind reparameterised samples: eps_R ~ N(0, I_R) for the factor
 * and eps_N ~ N(0, I_N) for the diagonal, one pair per sample.
 */
import { standardNormalInto, type Rng } from '../random/rng.js';
import { checkFinite, checkInteger, checkLength } from '../util/validate.js';

/** The standard-normal noises of M samples: eps_R (M x R) and eps_N (M x N). */
export interface Noise {
  /** Number of samples M. */
  readonly count: number;
  /** M x R row-major: sample m's eps_R at m*R. */
  readonly epsFactor: Float64Array;
  /** M x N row-major: sample m's eps_N at m*N. */
  readonly epsDiag: Float64Array;
}

/** Noises as a caller may pass them (plain arrays or typed arrays), checked on use. */
export interface NoiseInput {
  readonly epsFactor: ArrayLike<number>;
  readonly epsDiag: ArrayLike<number>;
}

/** Options of `drawNoise`: how many samples, of which rank and event size. */
export interface DrawNoiseOptions {
  /** Number of samples M (even when antithetic). */
  count: number;
  /** Rank R. */
  rank: number;
  /** Event size N. */
  size: number;
  /**
   * Antithetic pairs as the official code draws them: M/2 noises, then the same negated, so
   * sample m + M/2 uses (−eps_R, −eps_N) of sample m and the pair's mean is exactly loc.
   */
  antithetic?: boolean;
}

/**
 * Draws the noises for `count` samples from `rng`: first every eps_R (M x R, or M/2 x R), then
 * every eps_N, each in row-major order. Same generator state, same noises.
 * @throws RangeError when count, rank or size is not a positive integer, count is odd with
 *   antithetic pairs, or the noises are too large to allocate (all before the first draw)
 */
export function drawNoise(rng: Rng, options: DrawNoiseOptions): Noise {
  const { count, rank, size, antithetic = false } = options;
  checkInteger('count', count, 1);
  checkInteger('rank', rank, 1);
  checkInteger('size', size, 1);
  if (antithetic && count % 2 !== 0) {
    throw new RangeError(`count: antithetic pairs need an even sample count, got ${count}`);
  }
  let noise: Noise;
  try {
    noise = emptyNoise(count, rank, size);
  } catch (err) {
    // The engine's own message ("Invalid typed array length") names no argument.
    if (!(err instanceof RangeError)) throw err;
    throw new RangeError(
      `count: ${count} samples of M x (R + N) = ${count} x (${rank} + ${size}) noises are too many to allocate`,
    );
  }
  return drawNoiseInto(rng, noise, antithetic);
}

/** Zero noises for `count` samples of rank R and size N (to be filled by `drawNoiseInto`). */
export function emptyNoise(count: number, rank: number, size: number): Noise {
  return {
    count,
    epsFactor: new Float64Array(count * rank),
    epsDiag: new Float64Array(count * size),
  };
}

/**
 * `drawNoise` into the arrays of `noise` (M = noise.count, R and N read from their lengths),
 * overwriting them: the same draws in the same order, with no allocation (for training loops
 * that draw every step). Returns `noise`.
 * @throws RangeError when the lengths are not M x R and M x N, or M is odd with antithetic pairs
 */
export function drawNoiseInto(rng: Rng, noise: Noise, antithetic = false): Noise {
  const { count, epsFactor, epsDiag } = noise;
  checkInteger('noise.count', count, 1);
  if (epsFactor.length % count !== 0 || epsDiag.length % count !== 0) {
    throw new RangeError(
      `noise: epsFactor (${epsFactor.length}) and epsDiag (${epsDiag.length}) must hold M = ${count} rows each`,
    );
  }
  if (antithetic && count % 2 !== 0) {
    throw new RangeError(`count: antithetic pairs need an even sample count, got ${count}`);
  }
  const drawnF = antithetic ? epsFactor.length / 2 : epsFactor.length;
  const drawnD = antithetic ? epsDiag.length / 2 : epsDiag.length;
  standardNormalInto(rng, drawnF === epsFactor.length ? epsFactor : epsFactor.subarray(0, drawnF));
  standardNormalInto(rng, drawnD === epsDiag.length ? epsDiag : epsDiag.subarray(0, drawnD));
  if (antithetic) {
    for (let i = 0; i < drawnF; i++) epsFactor[drawnF + i] = -epsFactor[i];
    for (let i = 0; i < drawnD; i++) epsDiag[drawnD + i] = -epsDiag[i];
  }
  return noise;
}

/**
 * Checks user-supplied noises against a distribution's rank R and size N and returns them as a
 * Noise. The sample count M is read from epsFactor's length.
 * @throws RangeError naming epsFactor or epsDiag when lengths disagree or a value is not finite
 */
export function checkNoise(
  epsFactor: ArrayLike<number>,
  epsDiag: ArrayLike<number>,
  rank: number,
  size: number,
): Noise {
  if (epsFactor.length === 0 || epsFactor.length % rank !== 0) {
    throw new RangeError(
      `epsFactor: length ${epsFactor.length} is not a positive multiple of the rank R = ${rank} (expected M x R)`,
    );
  }
  const count = epsFactor.length / rank;
  checkLength('epsDiag', epsDiag, count * size, `M x N = ${count} x ${size}`);
  checkFinite('epsFactor', epsFactor);
  checkFinite('epsDiag', epsDiag);
  return {
    count,
    epsFactor: epsFactor instanceof Float64Array ? epsFactor : Float64Array.from(epsFactor),
    epsDiag: epsDiag instanceof Float64Array ? epsDiag : Float64Array.from(epsDiag),
  };
}
