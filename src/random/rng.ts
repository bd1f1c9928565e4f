/**
 * Seeded randomness, passed around explicitly (as numpyro passes a key).
 *
 * Built on seedrandom's `alea` generator, whose output depends only on the seed string, so the
 * same seed gives the same bits on every machine and Node version.
 */
import seedrandom from 'seedrandom';
import { checkInteger } from '../util/validate.js';

/** A seeded source of uniform doubles in [0, 1). Each call to `uniform` advances the state. */
export interface Rng {
  /** The seed this generator was made from (for reporting and for `splitRng`). */
  readonly seed: string;
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
}

/**
 * A generator from a seed.
 * @param seed - any integer or string; equal seeds give equal streams
 * @example createRng(1).uniform() // ≈ 0.526 (the same on every machine)
 */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`seed: must be a finite number or a string, got ${seed}`);
  }
  const key = String(seed);
  const prng = seedrandom.alea(key);
  return { seed: key, uniform: () => prng.double() };
}

/**
 * `count` independent generators derived from one seed: stream i is seeded with
 * `${seed}/${i}`, so streams neither overlap by construction nor depend on the order of use.
 * @param seed - the parent seed, or a parent generator (only its seed is used)
 */
export function splitRng(seed: number | string | Rng, count: number): Rng[] {
  checkInteger('count', count, 1);
  const key = typeof seed === 'object' ? seed.seed : String(seed);
  return Array.from({ length: count }, (_, i) => createRng(`${key}/${i}`));
}

/**
 * `n` independent standard normal draws, by the Box–Muller transform (both outputs used).
 * @returns a new Float64Array of length n
 */
export function standardNormal(rng: Rng, n: number): Float64Array {
  checkInteger('n', n, 0);
  return standardNormalInto(rng, new Float64Array(n));
}

/** Fills `out` with independent standard normal draws and returns it. */
export function standardNormalInto(rng: Rng, out: Float64Array): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - rng.uniform()));
    const angle = 2 * Math.PI * rng.uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** A uniform integer in [0, n). */
export function uniformInt(rng: Rng, n: number): number {
  checkInteger('n', n, 1);
  return Math.floor(rng.uniform() * n);
}

/** A uniform double in [low, high). */
export function uniformRange(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng.uniform();
}
