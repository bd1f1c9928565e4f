/**
 * Kernel: label maps packed as foreground bitsets, the input of the pair counts (pairDistances.ts).
 *
 * Each map k and channel q gets a bitset of W = ⌈S/32⌉ Uint32 words, bit s set when pixel s
 * belongs to the channel. Channels follow the distance convention (spec/metrics.md#distance):
 *   'ssn'  — one channel per foreground class, q = c − 1 for c = 1..C−1 (pixel s in q iff label = c)
 *   'lidc' — one channel, the binary foreground (pixel s in it iff label > 0)
 * Alongside: the popcount |A_kq|, the range [first, end) of non-zero words, so that an
 * intersection only visits the words where both maps have foreground (lesions are small), and
 * how many words in that range are non-zero (whether listing them pays, pairDistances.ts).
 * Exact: the bits, sizes and ranges equal those of a per-pixel packer written in
 * test/metrics/kernels.test.ts (every array kind, tails, empty and full maps, both conventions),
 * and every label is checked with the per-pixel errors; the distances built on them equal the
 * reference bit for bit (pairDistances.ts).
 *
 * Speed (spec/performance.md#ged, bench/gedLevers.ts): the labels of an integer typed array are
 * checked once per 32-pixel word, branch-free; binary maps are packed sixteen pixels a step, each
 * label being its own bit, an all-background half-word costing its loads and ORs only, or, for an
 * Int32Array or Uint32Array in a run of background, eight loads of two labels as one double and a
 * sum whose sign tells an all-zero half-word exactly (`packWholeWords`). Other array-likes take the plain
 * per-pixel check, with the same errors.
 */
import {
  checkClasses,
  checkConvention,
  checkPixels,
  labelError,
  mapCount,
} from '../labelMapChecks.js';
import type { IouConvention } from '../labelMapChecks.js';
import { popcount32 } from './popcount.js';

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
  /** How many of the words in [first, end) of bitset (k, q) are non-zero. Length K·Q. */
  readonly nonZero: Int32Array;
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
  // Per bitset, its range of non-zero words (a scan from each end, which stops at the first
  // non-zero word), its size and its count of non-zero words (over that range only).
  const sizes = new Int32Array(K * Q);
  const first = new Int32Array(K * Q);
  const end = new Int32Array(K * Q);
  const nonZero = new Int32Array(K * Q);
  for (let kq = 0; kq < K * Q; kq++) {
    const base = kq * W;
    let lo = 0;
    while (lo < W && bits[base + lo] === 0) lo++;
    let hi = W;
    while (hi > lo && bits[base + hi - 1] === 0) hi--;
    let size = 0;
    let words = 0;
    for (let w = lo; w < hi; w++) {
      const word = bits[base + w];
      size += popcount32(word);
      words += word !== 0 ? 1 : 0;
    }
    nonZero[kq] = words;
    sizes[kq] = size;
    first[kq] = lo;
    end[kq] = lo < hi ? hi : 0;
  }
  return { count: K, channels: Q, words: W, bits, sizes, first, end, nonZero };
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
  // packBinary's indices are int32 (| 0): below 2³¹ labels (larger sets take the general loop).
  if (C === 2 && wholeWords > 0 && K * S < 2 ** 31) return packBinary(name, maps, K, S, W);
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
 * own bit. Sixteen pixels a step, each half-word's labels OR-ed first, so that an all-background
 * half-word (most of a segmentation mask) costs its loads and ORs only; measured against eight
 * pixels a step and one in bench/gedLevers.ts. The indices are wrapped to int32 (| 0, exact below
 * 2³¹ labels, which the caller ensures), sparing an overflow check per load. An Int32Array or
 * Uint32Array tests a half-word that follows an all-background one two labels a load first, where
 * its labels fall on double boundaries (`packWholeWords`).
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
  const pairs = labelPairs(maps);
  // With S a multiple of 32 the maps are K·W whole words end to end: one run.
  if (wholeWords === W) {
    packRun(name, maps, 0, K * W, bits, 0, pairs);
    return bits;
  }
  for (let k = 0; k < K; k++) {
    packRun(name, maps, k * S, wholeWords, bits, k * W, pairs);
    // The last, partial word, pixel by pixel.
    let word = 0;
    for (let s = wholeWords << 5; s < S; s++) {
      const v = maps[k * S + s];
      if (v !== 0 && v !== 1) throw labelError(name, v, k * S + s, 2);
      word |= v << (s & 31);
    }
    bits[k * W + wholeWords] = word;
  }
  return bits;
}

/**
 * A Float64Array over the 4-byte labels of an Int32Array or Uint32Array, from the 8-byte boundary
 * at or before its first label, and `shift`: 1 when that label is the high half of the first
 * double, else 0 (labels s, s + 1 are then double (shift + s) / 2 when shift + s is even); an
 * empty array for other kinds of array.
 */
function labelPairs(maps: ArrayLike<number>): { doubles: Float64Array; shift: number } {
  if (!(maps instanceof Int32Array || maps instanceof Uint32Array)) {
    return { doubles: NO_PAIRS, shift: 0 };
  }
  const lead = maps.byteOffset & 7; // 0 or 4
  const doubles = new Float64Array(
    maps.buffer,
    maps.byteOffset - lead,
    (lead + maps.byteLength) >>> 3,
  );
  return { doubles, shift: lead >>> 2 };
}

const NO_PAIRS = new Float64Array(0);

/** Words a chunk of `packRun`. */
const CHUNK_WORDS = 256;

/**
 * Packs `count` whole words of binary labels, from label `start` on, into bits[at ..], a chunk
 * of `CHUNK_WORDS` at a time: by `packWholeWords`, which skips all-background half-words, while
 * at least 5/8 of the last chunk's half-words were all background, else by `packPlainWords`
 * (the same bits and errors), whose loop has no branch on the labels to mispredict where
 * foreground is scattered (speckle, noisy samples). Measured in bench/gedLevers.ts.
 */
function packRun(
  name: string,
  maps: ArrayLike<number>,
  start: number,
  count: number,
  bits: Uint32Array,
  at: number,
  pairs: { doubles: Float64Array; shift: number },
): void {
  let skipping = true;
  for (let w = 0; w < count; w += CHUNK_WORDS) {
    const n = Math.min(CHUNK_WORDS, count - w);
    const from = start + (w << 5);
    const background: number = skipping
      ? packWholeWords(name, maps, from, n, bits, at + w, pairs)
      : packPlainWords(name, maps, from, n, bits, at + w);
    skipping = 8 * background >= 5 * 2 * n;
  }
}

/**
 * `packWholeWords` without the skipping: eight labels a step, every label shifted into its
 * word; returns the number of all-background half-words (counted without a branch).
 * @throws as `labelMapBitsets` for a label that is not 0 or 1
 */
function packPlainWords(
  name: string,
  maps: ArrayLike<number>,
  start: number,
  count: number,
  bits: Uint32Array,
  at: number,
): number {
  let nonZero = 0; // half-words with foreground
  for (let w = 0; w < count; w++) {
    const s0 = (start + (w << 5)) | 0;
    let word = 0;
    let any = 0;
    for (let t = 0; t < 32; t += 16) {
      const s = (s0 + t) | 0;
      const v0 = maps[s];
      const v1 = maps[(s + 1) | 0];
      const v2 = maps[(s + 2) | 0];
      const v3 = maps[(s + 3) | 0];
      const v4 = maps[(s + 4) | 0];
      const v5 = maps[(s + 5) | 0];
      const v6 = maps[(s + 6) | 0];
      const v7 = maps[(s + 7) | 0];
      const v8 = maps[(s + 8) | 0];
      const v9 = maps[(s + 9) | 0];
      const v10 = maps[(s + 10) | 0];
      const v11 = maps[(s + 11) | 0];
      const v12 = maps[(s + 12) | 0];
      const v13 = maps[(s + 13) | 0];
      const v14 = maps[(s + 14) | 0];
      const v15 = maps[(s + 15) | 0];
      const or =
        v0 | v1 | v2 | v3 | v4 | v5 | v6 | v7 | v8 | v9 | v10 | v11 | v12 | v13 | v14 | v15;
      nonZero += (or | -or) >>> 31; // 1 iff or ≠ 0
      any |= or;
      const lo = v0 | (v1 << 1) | (v2 << 2) | (v3 << 3) | (v4 << 4) | (v5 << 5) | (v6 << 6);
      const mid = (v7 << 7) | (v8 << 8) | (v9 << 9) | (v10 << 10) | (v11 << 11);
      const hi = (v12 << 12) | (v13 << 13) | (v14 << 14) | (v15 << 15);
      word |= (lo | mid | hi) << t;
    }
    if (any & ~1) throw firstLabelError(name, maps, s0, 2);
    bits[at + w] = word;
  }
  return 2 * count - nonZero;
}

/**
 * Packs `count` whole words of binary labels, from label `start` on, into bits[at ..]
 * (`packRun`); returns the number of all-background half-words. @throws as `labelMapBitsets` for a label that is not 0 or 1
 *
 * With `pairs` of the labels (`labelPairs`) falling on double boundaries at `start`, the half-word
 * after an all-background one is read first as eight doubles, each holding two labels' bits
 * (little-endian), and skipped when the sum z = Σ (−double) is −0. That is exact: z is −0 iff
 * every double is +0, that is iff all sixteen labels are 0, since an addition gives −0 only from
 * −0 + −0 (round to nearest; a sum of multiples of the least denormal is exact, so no non-zero
 * sum rounds to 0), −(+0) = −0, and −(−0) = +0 for the pair (0, 0x80000000) whose double is −0: a
 * half-word holding an invalid label is never skipped. The test costs a load per two labels
 * where the background runs on (most of a segmentation mask), and is left out after a half-word
 * with foreground, where it would seldom pay (maps of scattered foreground).
 */
function packWholeWords(
  name: string,
  maps: ArrayLike<number>,
  start: number,
  count: number,
  bits: Uint32Array,
  at: number,
  pairs: { doubles: Float64Array; shift: number },
): number {
  const d = pairs.doubles;
  let skipped = 0;
  const paired = d.length > 0 && ((pairs.shift + start) & 1) === 0;
  const first = (pairs.shift + start) >>> 1; // the double of label start, when paired
  let background = paired; // whether to test the next half-word on its doubles
  for (let w = 0; w < count; w++) {
    const s0 = (start + (w << 5)) | 0;
    let word = 0;
    let any = 0;
    for (let t = 0; t < 32; t += 16) {
      if (background) {
        const h = (first + (w << 4) + (t >>> 1)) | 0;
        const z =
          -d[h] -
          d[(h + 1) | 0] +
          (-d[(h + 2) | 0] - d[(h + 3) | 0]) +
          (-d[(h + 4) | 0] - d[(h + 5) | 0] + (-d[(h + 6) | 0] - d[(h + 7) | 0]));
        if (Object.is(z, -0)) {
          skipped++;
          continue;
        }
      }
      const s = (s0 + t) | 0;
      const v0 = maps[s];
      const v1 = maps[(s + 1) | 0];
      const v2 = maps[(s + 2) | 0];
      const v3 = maps[(s + 3) | 0];
      const v4 = maps[(s + 4) | 0];
      const v5 = maps[(s + 5) | 0];
      const v6 = maps[(s + 6) | 0];
      const v7 = maps[(s + 7) | 0];
      const v8 = maps[(s + 8) | 0];
      const v9 = maps[(s + 9) | 0];
      const v10 = maps[(s + 10) | 0];
      const v11 = maps[(s + 11) | 0];
      const v12 = maps[(s + 12) | 0];
      const v13 = maps[(s + 13) | 0];
      const v14 = maps[(s + 14) | 0];
      const v15 = maps[(s + 15) | 0];
      const or =
        v0 | v1 | v2 | v3 | v4 | v5 | v6 | v7 | v8 | v9 | v10 | v11 | v12 | v13 | v14 | v15;
      if (or === 0) {
        skipped++;
        background = paired;
        continue;
      }
      background = false;
      any |= or;
      const lo = v0 | (v1 << 1) | (v2 << 2) | (v3 << 3) | (v4 << 4) | (v5 << 5) | (v6 << 6);
      const mid = (v7 << 7) | (v8 << 8) | (v9 << 9) | (v10 << 10) | (v11 << 11);
      const hi = (v12 << 12) | (v13 << 13) | (v14 << 14) | (v15 << 15);
      word |= (lo | mid | hi) << t;
    }
    if (any & ~1) throw firstLabelError(name, maps, s0, 2);
    bits[at + w] = word;
  }
  return skipped;
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
