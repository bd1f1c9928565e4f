/**
 * Seeded randomness, passed around explicitly (as numpyro passes a key).
 *
 * The generator is sfc32, Chris Doty-Humphrey's "small fast chaotic" generator with a counter,
 * from his PractRand suite (pracrand.sourceforge.net, src/RNGs/sfc.cpp). It has 128 bits of state
 * (a, b, c and a counter d) and no bad states; every cycle is at least 2³² long (the counter) and
 * a random state lies on one of expected length near 2¹²⁷. It passes TestU01's BigCrush and
 * PractRand (its author's tests, and again in A. L. Voskov's SmokeRand, whose generators/sfc32.c
 * records both), including the linear-complexity and matrix-rank tests that the xorshift family
 * (xor128, xorwow) fails. One step, all arithmetic mod 2³²:
 *
 *   w = a + b + d;  a ← b ⊕ (b ≫ 9);  b ← c + (c ≪ 3);  c ← rotl(c, 21) + w;  d ← d + 1;  output w
 *
 * Seeding: a, b, c are the first three 32-bit words of seedrandom's `alea(seed)` (Baagøe's Mash
 * hash of the seed string, then alea's steps), d = 1, and the first 12 outputs are discarded, as
 * PractRand seeds sfc32. Only integer operations, so the same seed gives the same bits on every
 * machine and engine. Normal draws use a ziggurat over its 32-bit words (`standardNormalInto`).
 */
import alea from 'seedrandom/lib/alea.js'; // alea alone: seedrandom's other generators stay out of bundles
import { checkInteger } from '../util/validate.js';
import { sfc32NormalCores } from './kernels/sfc32Normals.js';
import { ZIG_F, ZIG_X } from './zigguratTables.js';

/** A seeded source of uniform numbers. Each call advances the state. */
export interface Rng {
  /** The seed this generator was made from (for reporting and for `splitRng`). */
  readonly seed: string;
  /** A uniform double in [0, 1) with 53 random bits (two generator steps). */
  uniform(): number;
  /** A uniform integer in [0, 2³²) (one generator step). */
  uint32(): number;
}

/** 2⁻⁵³. */
const TWO_M53 = 1.1102230246251565e-16;

/** sfc32 with its state [a, b, c, d] in an Int32Array, which the normal kernel steps in locals. */
class Sfc32Rng implements Rng {
  readonly seed: string;
  readonly state: Int32Array;

  constructor(seed: string) {
    this.seed = seed;
    const mash = alea(seed);
    this.state = Int32Array.of(mash.int32(), mash.int32(), mash.int32(), 1);
    for (let k = 0; k < 12; k++) this.next();
  }

  /** One step: the output word w as a signed 32-bit integer. */
  next(): number {
    const st = this.state;
    const a = st[0];
    const b = st[1];
    const c = st[2];
    const d = st[3];
    const w = (a + b + d) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + w) | 0;
    st[3] = (d + 1) | 0;
    return w;
  }

  uint32(): number {
    return this.next() >>> 0;
  }

  uniform(): number {
    // The top 27 bits of one word and the top 26 of the next: (2²⁶ hi + lo) 2⁻⁵³.
    const hi = this.next() >>> 5;
    const lo = this.next() >>> 6;
    return (hi * 67108864 + lo) * TWO_M53;
  }
}

/**
 * A generator from a seed.
 *
 * Accepted seeds: a non-negative safe integer (0 ≤ seed ≤ 2⁵³ − 1) or a string, and nothing
 * else. An integer seeds the generator through its decimal digits, so `createRng(7)` and
 * `createRng('7')` give the same stream; every other string gives its own. Equal seeds give
 * bit-identical streams on every machine.
 * @param seed - a non-negative safe integer or a string
 * @throws TypeError when `seed` is neither a number nor a string (undefined, null, an object, an
 *   array, a bigint, a boolean)
 * @throws RangeError when `seed` is a number but not a non-negative safe integer (NaN, ±∞, 1.5,
 *   −1, 2⁵³)
 * @example createRng(1).uniform() // ≈ 0.320 (the same on every machine)
 */
export function createRng(seed: number | string): Rng {
  return new Sfc32Rng(seedKey('seed', seed));
}

/**
 * The string a seed stands for: the string itself, or an integer's decimal digits.
 * @throws TypeError / RangeError as `createRng`, the message starting with `name`
 */
function seedKey(name: string, seed: unknown): string {
  if (typeof seed === 'string') return seed;
  if (typeof seed !== 'number') {
    const kind = seed === null ? 'null' : Array.isArray(seed) ? 'an array' : typeof seed;
    throw new TypeError(`${name}: must be a non-negative safe integer or a string, got ${kind}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`${name}: must be a non-negative safe integer or a string, got ${seed}`);
  }
  return String(seed);
}

/**
 * `count` independent generators derived from one seed: stream i is seeded with
 * `${seed}/${i}`, so the streams start from unrelated states of the generator (not slices of
 * one stream) and do not depend on the order of use.
 * @param seed - the parent seed (as `createRng` accepts), or a parent generator (only its seed
 *   is used)
 * @throws TypeError / RangeError for a seed `createRng` refuses; RangeError when count < 1
 */
export function splitRng(seed: number | string | Rng, count: number): Rng[] {
  const key = isRng(seed) ? seed.seed : seedKey('seed', seed);
  checkInteger('count', count, 1);
  return Array.from({ length: count }, (_, i) => createRng(`${key}/${i}`));
}

/** True for an object with a string `seed` (an `Rng`). */
function isRng(value: unknown): value is Rng {
  return typeof value === 'object' && value !== null && typeof (value as Rng).seed === 'string';
}

/**
 * `n` independent standard normal draws (see `standardNormalInto` for the method).
 * @returns a new Float64Array of length n
 * @throws RangeError when n is not an integer ≥ 0
 * @example standardNormal(createRng(1), 3) // the same three numbers on every machine
 */
export function standardNormal(rng: Rng, n: number): Float64Array {
  checkInteger('n', n, 0);
  return standardNormalInto(rng, new Float64Array(n));
}

/**
 * Fills `out` with independent standard normal draws and returns it.
 *
 * Method: the 256-layer ziggurat (Marsaglia & Tsang 2000, laid out as Doornik's ZIGNOR 2005 lays
 * out their 128-layer one; see zigguratTables.ts), one 32-bit word w per attempt: layer i = bits
 * 0–7 of w (the low byte), sign = bit 8, and u = (w >>> 9) 2⁻²³ from the upper 23 bits, so layer
 * and value share no bits (the original RNOR's correlation between them does not arise). If
 * u < X[i+1]/X[i] (≈ 98.5% of attempts) the draw is ±u X[i]; otherwise layer 0 samples the tail
 * beyond r by Marsaglia's exponential method and the other layers test the wedge with one more
 * uniform against exp(−x²/2), retrying on rejection. About 1.04 generator steps per draw; the
 * values of the core carry 23 random bits (as a float32 significand does), the tail and wedge 53.
 *
 * Reproducibility: the fast path uses only integer and exactly rounded IEEE operations, so its
 * bits are the same everywhere. The wedge (≈ 1.5% of attempts) and tail (≈ 0.03%) call Math.exp
 * and Math.log, which V8 computes with its own fdlibm port (the same on every platform for a
 * given V8); an engine whose exp/log differed in the last bit could, very rarely, flip one
 * accept/reject decision and from there on shift the stream.
 * @example standardNormalInto(createRng(1), new Float64Array(4)) // the same 4 numbers everywhere
 */
export function standardNormalInto(rng: Rng, out: Float64Array): Float64Array {
  if (rng instanceof Sfc32Rng) {
    // The kernel fills core draws and stops at each rare one, leaving its word in out[k].
    const st = rng.state;
    let k = sfc32NormalCores(st, out, 0);
    while (k < out.length) {
      out[k] = finishDraw(rng, out[k]);
      k = sfc32NormalCores(st, out, k + 1);
    }
    return out;
  }
  for (let k = 0; k < out.length; k++) out[k] = finishDraw(rng, rng.uint32());
  return out;
}

/** X[i+1] / X[i]: the fraction of layer i that lies wholly under the curve. */
const ZIG_RATIO = Float64Array.from({ length: 256 }, (_, i) => ZIG_X[i + 1] / ZIG_X[i]);

/** Start of the tail, r = ZIG_X[1]. */
const ZIG_R = ZIG_X[1];

/** 2⁻²³. */
const TWO_M23 = 1.1920928955078125e-7;

/**
 * One normal draw from the attempt word w and, when needed, further words of `rng`: the core
 * test, then the tail for layer 0 or the wedge test otherwise, and fresh attempts until one is
 * accepted. Gives the same bits as the fast path.
 */
function finishDraw(rng: Rng, w: number): number {
  for (;;) {
    const u = (w >>> 9) * TWO_M23;
    const i = w & 255;
    const sign = 1 - ((w >>> 7) & 2);
    if (u < ZIG_RATIO[i]) return u * ZIG_X[i] * sign;
    if (i === 0) {
      // Tail beyond r (Marsaglia 1964): x = −log(U1)/r, accept when −2 log(U2) ≥ x².
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - rng.uniform()) / ZIG_R;
        y = -Math.log(1 - rng.uniform());
      } while (y + y < x * x);
      return (ZIG_R + x) * sign;
    }
    const x = u * ZIG_X[i];
    const fLow = ZIG_F[i];
    if (fLow + rng.uniform() * (ZIG_F[i + 1] - fLow) < Math.exp(-0.5 * x * x)) return x * sign;
    w = rng.uint32();
  }
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
