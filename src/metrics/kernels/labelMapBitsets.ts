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
  const acc = new Int32Array(Q);
  for (let k = 0; k < K; k++) {
    const base = k * S;
    for (let w = 0; w < W; w++) {
      const s0 = w << 5;
      const s1 = Math.min(s0 + 32, S);
      let any = 0;
      if (Q === 1) {
        // One channel (binary, or 'lidc'): branch-free, bit = 1 iff v > 0.
        for (let s = s0; s < s1; s++) {
          const v = maps[base + s];
          if (!(v >= 0 && v < C && (v | 0) === v)) throw labelError(name, v, base + s, C);
          any |= (-v >>> 31) << (s - s0);
        }
        acc[0] = any;
      } else {
        for (let s = s0; s < s1; s++) {
          const v = maps[base + s];
          if (!(v >= 0 && v < C && (v | 0) === v)) throw labelError(name, v, base + s, C);
          if (v !== 0) {
            acc[v - 1] |= 1 << (s - s0);
            any = 1;
          }
        }
      }
      if (any === 0) continue;
      for (let q = 0; q < Q; q++) {
        const word = acc[q];
        if (word === 0) continue;
        const kq = k * Q + q;
        bits[kq * W + w] = word;
        sizes[kq] += popcount32(word);
        if (w < first[kq]) first[kq] = w;
        end[kq] = w + 1;
        acc[q] = 0;
      }
    }
  }
  return { count: K, channels: Q, words: W, bits, sizes, first, end };
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
 * popcount of the word-wise AND over the overlap of their non-zero word ranges.
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
  const abits = a.bits;
  const bbits = b.bits;
  const oa = ia * W;
  const ob = jb * W;
  let count = 0;
  for (let w = lo; w < hi; w++) {
    count += popcount32(abits[oa + w] & bbits[ob + w]);
  }
  return count;
}

/** Number of set bits of a 32-bit integer (Hacker's Delight 5-2, SWAR). */
export function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
