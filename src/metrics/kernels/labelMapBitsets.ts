/**
 * Kernel: the IoU distance on label maps packed as foreground bitsets.
 *
 * Equals `iouDistanceReference` (../iouDistanceReference.ts) **bit for bit**:
 *   bitsetIouDistance(labelMapBitsets(a), i, labelMapBitsets(b), j) === iouDistanceReference(a_i, b_j)
 * because every count is an exact integer (|A ∩ B| by popcount, |A ∪ B| = |A| + |B| − |A ∩ B|)
 * and the floating-point steps are the reference's, in its order: per channel q = 0..Q−1 add
 * 1 (both empty), nothing (one empty: the reference adds 0/|A ∪ B| = 0) or |A ∩ B| / |A ∪ B|,
 * then 1 − sum / Q. Tied by test/metrics/kernels.test.ts.
 *
 * Each map k and channel q gets a bitset of W = ⌈S/32⌉ Uint32 words, bit s set when pixel s
 * belongs to the channel. Channels follow the distance convention (spec/metrics.md#distance):
 *   'ssn'  — one channel per foreground class, q = c − 1 for c = 1..C−1 (pixel s in q iff label = c)
 *   'lidc' — one channel, the binary foreground (pixel s in it iff label > 0)
 * Alongside: the popcount |A_kq| and the range [first, end) of non-zero words, so that an
 * intersection only visits the words where both maps have foreground (lesions are small).
 */
import {
  checkClasses,
  checkConvention,
  checkPixels,
  labelError,
  mapCount,
} from '../labelMapChecks.js';
import type { IouConvention } from '../labelMapChecks.js';
import { andPopcount, popcount32 } from './popcount.js';

/** K label maps as K·Q bitsets (layout: bitset (k, q) at words (k·Q + q)·W .. +W). */
export interface LabelMapBitsets {
  /** K, the number of maps. */
  readonly count: number;
  /** Q, channels per map: C − 1 for 'ssn', 1 for 'lidc'. */
  readonly channels: number;
  /** W = ⌈S / 32⌉, words per bitset. */
  readonly words: number;
  /** The bits, length K·Q·W. */
  readonly bits: Uint32Array;
  /** |A_kq|, pixel count of channel q in map k, length K·Q. */
  readonly sizes: Int32Array;
  /** First non-zero word of bitset (k, q); W when empty. Length K·Q. */
  readonly first: Int32Array;
  /** One past the last non-zero word of bitset (k, q); 0 when empty. Length K·Q. */
  readonly end: Int32Array;
}

/** Options for `labelMapBitsets`. */
export interface LabelMapBitsetOptions {
  /** S, pixels per map. */
  pixels: number;
  /** C, number of classes including the background (≥ 2). */
  classes: number;
  /** 'ssn' (per foreground class, default) or 'lidc' (binary foreground). */
  convention?: IouConvention;
}

/**
 * Packs and validates a flat set of K·S label maps in one pass.
 * @param name - argument name used in error messages
 * @param maps - K·S integer labels in [0, C), map k at k·S
 * @throws TypeError when `maps` is not array-like or holds a non-integer
 * @throws RangeError when classes < 2, pixels < 1, the length is 0 or not a multiple of S, or a
 *   label is outside [0, C)
 * @example labelMapBitsets('a', Int32Array.of(0, 1, 1, 0), { pixels: 4, classes: 2 }).sizes // [2]
 */
export function labelMapBitsets(
  name: string,
  maps: ArrayLike<number>,
  options: LabelMapBitsetOptions,
): LabelMapBitsets {
  const { pixels: S, classes: C } = options;
  checkClasses(C);
  checkPixels(S);
  const perClass = checkConvention(options.convention ?? 'ssn') === 'ssn';
  const K = mapCount(name, maps, S);
  const Q = perClass ? C - 1 : 1;
  const W = (S + 31) >>> 5;
  const bits = new Uint32Array(K * Q * W);
  const sizes = new Int32Array(K * Q);
  const first = new Int32Array(K * Q).fill(W);
  const end = new Int32Array(K * Q);
  // Per map, 32 pixels at a time: OR the bits into one local word per channel, then flush.
  // The whole words of an integer typed array take branch-free loops: its entries are integers
  // by construction, so one is a label iff (C − 1 − v) | v ≥ 0 as int32, OR-ed over the word
  // and tested once. Other array-likes, and a last partial word, check pixel by pixel.
  const wholeWords = isIntegerTypedArray(maps) ? S >>> 5 : 0;
  const top = C - 1;
  // acc[v]: the bits of label v in the current word (acc[0], the background, is never read).
  const acc = new Int32Array(C);
  for (let k = 0; k < K; k++) {
    const base = k * S;
    for (let w = 0; w < W; w++) {
      const s0 = base + (w << 5);
      let bad = 0;
      if (w >= wholeWords) {
        const n = Math.min(32, S - (w << 5));
        for (let t = 0; t < n; t++) {
          const v = maps[s0 + t];
          if (!(v >= 0 && v < C && (v | 0) === v)) throw labelError(name, v, s0 + t, C);
          acc[Q === 1 && v !== 0 ? 1 : v] |= 1 << t;
        }
      } else if (Q === 1) {
        // One channel (binary, or 'lidc'): bit t = 1 iff v > 0, i.e. the sign bit of −v;
        // eight pixels a step (measured faster than one: bench/gedLevers.ts).
        let word = 0;
        for (let t = 0; t < 32; t += 8) {
          const v0 = maps[s0 + t];
          const v1 = maps[s0 + t + 1];
          const v2 = maps[s0 + t + 2];
          const v3 = maps[s0 + t + 3];
          const v4 = maps[s0 + t + 4];
          const v5 = maps[s0 + t + 5];
          const v6 = maps[s0 + t + 6];
          const v7 = maps[s0 + t + 7];
          bad |= (top - v0) | v0 | (top - v1) | v1 | (top - v2) | v2 | (top - v3) | v3;
          bad |= (top - v4) | v4 | (top - v5) | v5 | (top - v6) | v6 | (top - v7) | v7;
          const lo = (-v0 >>> 31) | ((-v1 >>> 31) << 1) | ((-v2 >>> 31) << 2) | ((-v3 >>> 31) << 3);
          const hi = (-v4 >>> 31) | ((-v5 >>> 31) << 1) | ((-v6 >>> 31) << 2) | ((-v7 >>> 31) << 3);
          word |= (lo | (hi << 4)) << t;
        }
        acc[1] = word;
      } else {
        // One channel per foreground class, branch-free (labels in random order mispredict).
        for (let t = 0; t < 32; t++) {
          const v = maps[s0 + t];
          bad |= (top - v) | v;
          acc[v] |= 1 << t; // out of range only when bad: then a no-op
        }
      }
      if (bad < 0) throw firstLabelError(name, maps, s0, C);
      for (let q = 0; q < Q; q++) {
        const word = acc[q + 1];
        if (word === 0) continue;
        const kq = k * Q + q;
        bits[kq * W + w] = word;
        sizes[kq] += popcount32(word);
        if (w < first[kq]) first[kq] = w;
        end[kq] = w + 1;
        acc[q + 1] = 0;
      }
    }
  }
  return { count: K, channels: Q, words: W, bits, sizes, first, end };
}

/** Whether every entry of `maps` is an integer by construction (an integer typed array). */
function isIntegerTypedArray(maps: ArrayLike<number>): boolean {
  return (
    maps instanceof Int32Array ||
    maps instanceof Uint8Array ||
    maps instanceof Uint16Array ||
    maps instanceof Int16Array ||
    maps instanceof Int8Array ||
    maps instanceof Uint32Array ||
    maps instanceof Uint8ClampedArray
  );
}

/** The error for the first invalid label among the 32 from `start` (one is known to be). */
function firstLabelError(name: string, maps: ArrayLike<number>, start: number, C: number): Error {
  let s = start;
  while (maps[s] >= 0 && maps[s] < C) s++;
  return labelError(name, maps[s], s, C);
}

/**
 * d(a_i, b_j) = 1 − mean over channels of IoU (IoU = 1 for a channel empty in both), for map i of
 * `a` and map j of `b` packed by `labelMapBitsets` with the same S, C and convention.
 */
export function bitsetIouDistance(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  j: number,
): number {
  const Q = a.channels;
  let sumIou = 0;
  for (let q = 0; q < Q; q++) {
    const na = a.sizes[i * Q + q];
    const nb = b.sizes[j * Q + q];
    if (na === 0 && nb === 0) {
      sumIou += 1;
    } else if (na !== 0 && nb !== 0) {
      const inter = intersectionCount(a, i, b, j, q);
      sumIou += inter / (na + nb - inter);
    }
  }
  return 1 - sumIou / Q;
}

/**
 * |A ∩ B| for bitset (i, q) of `a` and bitset (j, q) of `b` (same S and convention), by
 * popcount of the word-wise AND over the overlap of their non-zero word ranges (`andPopcount`).
 */
export function intersectionCount(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  j: number,
  q: number,
): number {
  const Q = a.channels;
  const W = a.words;
  const ia = i * Q + q;
  const jb = j * Q + q;
  const lo = Math.max(a.first[ia], b.first[jb]);
  const hi = Math.min(a.end[ia], b.end[jb]);
  return andPopcount(a.bits, ia * W, b.bits, jb * W, lo, hi);
}
