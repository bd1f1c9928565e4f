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
 *
 * Speed (spec/performance.md#ged, bench/gedLevers.ts): the labels of an integer typed array are
 * checked once per 32-pixel word, branch-free; binary maps are packed eight pixels a step, each
 * label being its own bit; an intersection is counted by Harley–Seal carry-save adders
 * (popcount.ts). Other array-likes take the plain per-pixel check, with the same errors.
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
  const bits = packBits(name, maps, K, S, C, Q, W);
  // Per bitset, its size and its range of non-zero words, in one pass over the words.
  const sizes = new Int32Array(K * Q);
  const first = new Int32Array(K * Q).fill(W);
  const end = new Int32Array(K * Q);
  for (let kq = 0; kq < K * Q; kq++) {
    let size = 0;
    for (let w = 0; w < W; w++) {
      const word = bits[kq * W + w];
      if (word === 0) continue;
      size += popcount32(word);
      if (first[kq] === W) first[kq] = w;
      end[kq] = w + 1;
    }
    sizes[kq] = size;
  }
  return { count: K, channels: Q, words: W, bits, sizes, first, end };
}

/**
 * The bits of `labelMapBitsets`: bitset (k, q) at words (k·Q + q)·W .. +W, after checking every
 * label. @throws as `labelMapBitsets` for a label that is not an integer in [0, C)
 */
function packBits(
  name: string,
  maps: ArrayLike<number>,
  K: number,
  S: number,
  C: number,
  Q: number,
  W: number,
): Uint32Array {
  // The whole words of an integer typed array take branch-free loops: its entries are integers
  // by construction, so the range check can be OR-ed over a word and tested once (v is in [0, C)
  // iff (C − 1 − v) | v ≥ 0 as int32). Binary maps have their own loop (packBinary). Other
  // array-likes, and a last partial word, are checked pixel by pixel.
  const wholeWords = isIntegerTypedArray(maps) ? S >>> 5 : 0;
  if (C === 2 && wholeWords > 0) return packBinary(name, maps, K, S, W);
  const bits = new Uint32Array(K * Q * W);
  const top = C - 1;
  // acc[v]: the bits of label v in the current word, or for 'lidc' acc[1] those of v > 0
  // (acc[0], the background, is never read).
  const acc = new Int32Array(C);
  // Per map, 32 pixels at a time: OR the bits into one local word per label, then store.
  for (let k = 0; k < K; k++) {
    const base = k * S;
    for (let w = 0; w < W; w++) {
      const s0 = base + (w << 5);
      if (w < wholeWords) {
        // One channel per foreground class, or for 'lidc' bit = (v > 0) = the sign bit of −v;
        // branch-free (labels in random order mispredict). Out of range only when bad: a no-op.
        let bad = 0;
        for (let t = 0; t < 32; t++) {
          const v = maps[s0 + t];
          bad |= (top - v) | v;
          acc[Q === 1 ? -v >>> 31 : v] |= 1 << t;
        }
        if (bad < 0) throw firstLabelError(name, maps, s0, C);
      } else {
        const n = Math.min(32, S - (w << 5));
        for (let t = 0; t < n; t++) {
          const v = maps[s0 + t];
          if (!(v >= 0 && v < C && (v | 0) === v)) throw labelError(name, v, s0 + t, C);
          acc[Q === 1 && v !== 0 ? 1 : v] |= 1 << t;
        }
      }
      for (let q = 0; q < Q; q++) {
        bits[(k * Q + q) * W + w] = acc[q + 1];
        acc[q + 1] = 0;
      }
    }
  }
  return bits;
}

/**
 * `packBits` for C = 2 and an integer typed array: v & ~1 = 0 iff v is a label, and then v is its
 * own bit; eight pixels a step (measured faster than one: bench/gedLevers.ts).
 */
function packBinary(
  name: string,
  maps: ArrayLike<number>,
  K: number,
  S: number,
  W: number,
): Uint32Array {
  const bits = new Uint32Array(K * W);
  const wholeWords = S >>> 5;
  for (let k = 0; k < K; k++) {
    for (let w = 0; w < wholeWords; w++) {
      const s0 = k * S + (w << 5);
      let word = 0;
      let any = 0;
      for (let t = 0; t < 32; t += 8) {
        const v0 = maps[s0 + t];
        const v1 = maps[s0 + t + 1];
        const v2 = maps[s0 + t + 2];
        const v3 = maps[s0 + t + 3];
        const v4 = maps[s0 + t + 4];
        const v5 = maps[s0 + t + 5];
        const v6 = maps[s0 + t + 6];
        const v7 = maps[s0 + t + 7];
        any |= v0 | v1 | v2 | v3 | v4 | v5 | v6 | v7;
        const lo = v0 | (v1 << 1) | (v2 << 2) | (v3 << 3);
        const hi = v4 | (v5 << 1) | (v6 << 2) | (v7 << 3);
        word |= (lo | (hi << 4)) << t;
      }
      if (any & ~1) throw firstLabelError(name, maps, s0, 2);
      bits[k * W + w] = word;
    }
    // A last partial word, pixel by pixel.
    let word = 0;
    for (let s = wholeWords << 5; s < S; s++) {
      const v = maps[k * S + s];
      if (v !== 0 && v !== 1) throw labelError(name, v, k * S + s, 2);
      word |= v << (s & 31);
    }
    if (wholeWords < W) bits[k * W + wholeWords] = word;
  }
  return bits;
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
function intersectionCount(
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
