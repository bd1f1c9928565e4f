/**
 * Kernel: the intersection counts |M_iq ∩ M_jq| of every pair i < j among n packed label maps
 * (labelMapBitsets.ts) at once, for the within-set and cross terms of GED² and the sample
 * diversity (pairDistances.ts turns them into distances).
 *
 * Exact: every count is an integer, the same however it is counted, so the distances built on
 * these equal the reference's bit for bit (pairDistances.ts). Tied to the plain counts and to
 * the reference by test/metrics/pairCountMatrix.test.ts.
 *
 * The counts are split by pixel. Let c_s be the number of maps with pixel s in channel q, and
 * m_s = min(c_s, n − c_s) the size of the pixel's minority.
 *   - A *dense* pixel (m_s > t, the `sparseLimit`) is counted as the bitset kernels count every
 *     pixel: its bits are gathered, map by map, into compact bitsets (the dense pixels only,
 *     each word's dense bits moved together by Hacker's Delight's `compress`, §7-4), and every
 *     pair's count over them is a popcount of ANDed words (popcount.ts).
 *   - A *sparse* pixel (m_s ≤ t) is counted from its minority: with h_s = 1 when the pixel's
 *     majority is foreground (c_s > ⌊n/2⌋), else 0, map i's bit at s is a_is = h_s ⊕ a'_is
 *     where a'_is = 1 for the m_s maps of the minority, and
 *       a_is a_js = (a_is + a_js − a'_is − a'_js + 2 a'_is a'_js) / 2
 *     (check h = 0: a' = a; h = 1: a' = 1 − a). Summed over the sparse pixels Sp:
 *       |A_i ∩ A_j ∩ Sp| = (|A_i ∩ Sp| + |A_j ∩ Sp| − m_i − m_j + 2 X_ij) / 2,
 *     m_i = Σ_{s ∈ Sp} a'_is and X_ij = Σ_{s ∈ Sp} a'_is a'_js, the number of sparse pixels
 *     whose minority holds both maps. X is built pixel by pixel, one increment per pair within
 *     each minority list: m_s (m_s − 1) / 2 increments a pixel, where the bitsets would spend
 *     n (n − 1) / 2 word-pair operations per 32 pixels.
 * The identity holds for any split and any h, so the split only decides the speed: t = 0
 * counts every pixel with any disagreement as dense, t ≥ n / 2 none.
 *
 * The pass goes one word position w (32 pixels) at a time over the n maps: the column counts
 * c_s as bit planes (a ripple-carry add of each map's word), h and the dense mask by bit-sliced
 * comparisons with constants, then the minority lists of the sparse pixels (their maps, in
 * ascending order), then the dense bits' compaction.
 *
 * Speed: on the bench:compare fixture (100 samples and 4 annotators of 128² pixels) almost every
 * pixel is background or foreground in all but a few maps, with or without speckle, so the
 * counting costs a fraction of the all-pairs bitset products: see spec/performance.md#ged.
 */
import type { LabelMapBitsets } from './labelMapBitsets.js';
import { andPopcount, andPopcountFour, andPopcountTwo, popcount32 } from './popcount.js';

/** Maps of one packed set: its first `count` maps, in order. */
export interface MapRun {
  readonly set: LabelMapBitsets;
  readonly count: number;
}

/** The counts of `pairCountMatrix`. */
export interface PairCountMatrix {
  /** n, the maps: the runs' maps in order. */
  readonly maps: number;
  /** Q, channels per map. */
  readonly channels: number;
  /** inter[(q·n + i)·n + j] = |M_iq ∩ M_jq| for i < j (entries with i ≥ j are 0). */
  readonly inter: Int32Array;
}

/**
 * The default sparse limit t for n maps: pixels whose minority holds at most ⌊n/10⌋ maps are
 * counted from their minority lists (m (m − 1) / 2 increments each), the rest as bitsets
 * (about n² / 64 word-pair operations per pixel). Measured in bench/gedLevers.ts.
 */
export function defaultSparseLimit(n: number): number {
  return Math.floor(n / 10);
}

/** Below this many maps the row kernels (pairDistances.ts) are as fast: bench/gedLevers.ts. */
export const COUNT_MATRIX_MIN_MAPS = 16;

/** The most counts a matrix may hold (Q·n² Int32 entries, 64 MiB); larger sets take the rows. */
export const COUNT_MATRIX_MAX_ENTRIES = 2 ** 24;

/**
 * The matrix's costs in word-pair operations of the bitset kernels (about 1.25 ns each on the
 * machine of spec/performance.md#ged, where these were fitted with bench/gedLevers.ts): per map
 * word of a word position that some map touches (gathering, column counts, compaction), and in
 * addition per map word of a position with a minority to list.
 */
const TOUCHED_COST = 10;
const LISTED_COST = 12;

/**
 * Every pair's intersection counts among the maps of `runs` (same channels and words), or null
 * when the row kernels (pairDistances.ts) would be cheaper: fewer than COUNT_MATRIX_MIN_MAPS
 * maps, more than COUNT_MATRIX_MAX_ENTRIES counts, or a cost estimated from every seventh word
 * position (`matrixPays`) no lower than the rows' (the pairs' overlapping word ranges).
 * @param sparseLimit - t: a pixel whose minority holds at most t maps is counted from its
 *   minority (any integer ≥ 0 gives the same counts; the default `defaultSparseLimit(n)`)
 * @param always - count even where the rows would be cheaper (tests; n ≥ 2 still needed)
 */
export function pairCountMatrix(
  runs: readonly MapRun[],
  sparseLimit?: number,
  always = false,
): PairCountMatrix | null {
  const { channels: Q, words: W } = runs[0].set;
  let n = 0;
  for (const run of runs) n += run.count;
  if (n < 2) return null;
  if (!always && (n < COUNT_MATRIX_MIN_MAPS || Q * n * n > COUNT_MATRIX_MAX_ENTRIES)) return null;
  const t = Math.min(sparseLimit ?? defaultSparseLimit(n), n);
  if (!always && !matrixPays(runs, n, t)) return null;
  const scratch = channelScratch(n, W, t);
  // The column counts of every channel first: each word's majority and dense masks.
  const high = new Int32Array(Q * W);
  const denseMasks = new Int32Array(Q * W);
  const touched = new Uint8Array(Q * W);
  for (let q = 0; q < Q; q++) {
    gatherChannel(runs, q, scratch);
    columnMasks(scratch, n, W, t, high, denseMasks, touched, q * W);
  }
  const inter = new Int32Array(Q * n * n);
  for (let q = 0; q < Q; q++) {
    if (Q > 1) gatherChannel(runs, q, scratch);
    countChannel(scratch, n, W, t, high, denseMasks, touched, q * W, inter, q * n * n);
  }
  return { maps: n, channels: Q, inter };
}

/**
 * Whether the matrix is estimated cheaper than the rows: its cost (`TOUCHED_COST`,
 * `LISTED_COST`, and one per dense word and pair) from the column counts of every seventh word
 * position (every one below 64 words), scaled up, against `rowsCost`.
 */
function matrixPays(runs: readonly MapRun[], n: number, t: number): boolean {
  const { channels: Q, words: W } = runs[0].set;
  const rows = rowsCost(runs);
  const step = W >= 64 ? 7 : 1; // (prime: no aliasing with rows of 2^k words)
  const column = new Uint32Array(n);
  const planes = new Int32Array(Math.max(3, 32 - Math.clz32(n)));
  const B = 32 - Math.clz32(n);
  let touched = 0;
  let listed = 0;
  let dense = 0;
  for (let q = 0; q < Q; q++) {
    for (let w = 0; w < W; w += step) {
      let i = 0;
      for (const { set, count } of runs) {
        for (let k = 0; k < count; k++) column[i++] = set.bits[(k * Q + q) * W + w];
      }
      if (columnCounts(column, n, 0, planes) === 0) continue;
      touched++;
      const d = greaterThan(planes, B, t) & ~greaterThan(planes, B, n - t - 1);
      dense += popcount32(d);
      if ((greaterThan(planes, B, 0) & ~greaterThan(planes, B, n - 1) & ~d) !== 0) listed++;
    }
  }
  const scale = W / Math.ceil(W / step);
  const passes = scale * n * (TOUCHED_COST * touched + LISTED_COST * listed);
  const pairs = (scale * dense * ((n * (n - 1)) / 2)) / 32;
  return passes + pairs < rows;
}

/**
 * The row kernels' cost: Σ over the pairs and channels of the words where both bitsets' ranges
 * of non-zero words overlap.
 */
function rowsCost(runs: readonly MapRun[]): number {
  const Q = runs[0].set.channels;
  const first: number[] = [];
  const end: number[] = [];
  for (const { set, count } of runs) {
    for (let kq = 0; kq < count * Q; kq++) {
      first.push(set.first[kq]);
      end.push(set.end[kq]);
    }
  }
  const n = first.length / Q;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let q = 0; q < Q; q++) {
        const lo = Math.max(first[i * Q + q], first[j * Q + q]);
        const hi = Math.min(end[i * Q + q], end[j * Q + q]);
        if (hi > lo) cost += hi - lo;
      }
    }
  }
  return cost;
}

/**
 * The last call's buffers, kept for the next call of the same n, W and t while they hold at most
 * `KEPT_WORDS` words: a GED² of 100 samples would otherwise ask the allocator for about 0.5 MB of
 * zeroed memory a call, which costs page faults (about 10 % of the call: bench/gedLevers.ts).
 */
let kept: ChannelScratch | null = null;

/** The most words of buffers kept between calls (4 MiB). */
const KEPT_WORDS = 2 ** 20;

/** Buffers for a count of n maps of W words with sparse limit t (`kept` when it fits). */
function channelScratch(n: number, W: number, t: number): ChannelScratch {
  if (kept !== null && kept.n === n && kept.W === W && kept.t === t) return kept;
  const scratch = new ChannelScratch(n, W, t);
  // Every buffer's words: bits, dense, both, lists, and the per-map ones.
  const words = n * W + n * (W + 16) + (n * (n - 1)) / 2 + 32 * t + 6 * n;
  kept = words <= KEPT_WORDS ? scratch : null;
  return scratch;
}

/** Buffers of one channel's count, reused across channels (and calls: `channelScratch`). */
class ChannelScratch {
  /** The channel's bitsets, word w of map i at w·n + i (column by column: each pass reads a
   * word position's n words together; rows of 2^k words would share a few cache sets). */
  readonly bits: Uint32Array;
  /** |M_i| in the channel. */
  readonly sizes: Int32Array;
  /** The column counts' bit planes of one word position: plane b holds bit b of each c_s. */
  readonly planes: Int32Array;
  /** The dense bits, map i at words i·stride .. (compacted: only the first words are used). */
  readonly dense: Uint32Array;
  /** The dense rows' stride: W plus a cache line, so that rows do not share cache sets. */
  readonly stride: number;
  /** |M_i ∩ D|, the dense pixels of each map. */
  readonly denseSizes: Int32Array;
  /** m_i, each map's count in the sparse pixels' minorities. */
  readonly minority: Int32Array;
  /** X_ij (i < j) at pairAt[i] + j: sparse pixels whose minority holds both maps (the upper
   * triangle only, n (n − 1) / 2 entries, to stay in the first-level cache). */
  readonly both: Int32Array;
  /** pairAt[i] + j: the index of pair i < j in `both`. */
  readonly pairAt: Int32Array;
  /** The minority lists of one word's 32 pixels: pixel j's maps at j·t .. j·t + t − 1. */
  readonly lists: Int32Array;
  /** Their lengths. */
  readonly lengths: Int32Array;
  /** The dense pair counts of one row (length n). */
  readonly row: Int32Array;
  /** `compress`'s five masks for one word's dense mask. */
  readonly moves: Int32Array;

  constructor(
    readonly n: number,
    readonly W: number,
    readonly t: number,
  ) {
    this.bits = new Uint32Array(n * W);
    this.sizes = new Int32Array(n);
    this.planes = new Int32Array(Math.max(3, 32 - Math.clz32(n)));
    this.stride = W + 16;
    this.dense = new Uint32Array(n * this.stride);
    this.denseSizes = new Int32Array(n);
    this.minority = new Int32Array(n);
    this.both = new Int32Array((n * (n - 1)) / 2);
    this.pairAt = new Int32Array(n);
    for (let i = 0; i < n; i++) this.pairAt[i] = (i * (2 * n - i - 1)) / 2 - i - 1;
    this.lists = new Int32Array(32 * t);
    this.lengths = new Int32Array(32);
    this.row = new Int32Array(n);
    this.moves = new Int32Array(5);
  }
}

/** Copies channel q of the runs' maps into scratch.bits and their sizes into scratch.sizes. */
function gatherChannel(runs: readonly MapRun[], q: number, scratch: ChannelScratch): void {
  let i = 0;
  for (const { set, count } of runs) {
    const { channels: Q, words: W } = set;
    const n = scratch.sizes.length;
    const { bits } = scratch;
    for (let k = 0; k < count; k++, i++) {
      const from = (k * Q + q) * W;
      for (let w = 0; w < W; w++) bits[w * n + i] = set.bits[from + w];
      scratch.sizes[i] = set.sizes[k * Q + q];
    }
  }
}

/**
 * One channel's column counts, word by word (at = q·W): high[at + w] = h (foreground in most
 * maps), denseMasks[at + w] = the pixels with m_s > t (t < c_s < n − t), touched[at + w] = 0
 * when no map has a pixel in the word, 2 when a sparse pixel has a minority (0 < c_s < n),
 * else 1.
 */
function columnMasks(
  scratch: ChannelScratch,
  n: number,
  W: number,
  t: number,
  high: Int32Array,
  denseMasks: Int32Array,
  touched: Uint8Array,
  at: number,
): void {
  const { bits, planes } = scratch;
  const B = 32 - Math.clz32(n); // c_s ≤ n < 2^B
  for (let w = 0; w < W; w++) {
    if (columnCounts(bits, n, w, planes) === 0) continue; // no map has a pixel here
    high[at + w] = greaterThan(planes, B, n >>> 1);
    const dense = greaterThan(planes, B, t) & ~greaterThan(planes, B, n - t - 1);
    denseMasks[at + w] = dense;
    // Whether a sparse pixel has a minority (0 < c_s < n) to list.
    const mixed = greaterThan(planes, B, 0) & ~greaterThan(planes, B, n - 1) & ~dense;
    touched[at + w] = mixed !== 0 ? 2 : 1;
  }
}

/**
 * Counts one channel's pairs into inter[to + i·n + j] from its masks at masks[at + w]
 * (`columnMasks`; see the file's comment).
 */
function countChannel(
  scratch: ChannelScratch,
  n: number,
  W: number,
  t: number,
  highs: Int32Array,
  denseMasks: Int32Array,
  touched: Uint8Array,
  at: number,
  inter: Int32Array,
  to: number,
): void {
  const { bits, dense, stride, denseSizes, minority, both, pairAt, lists, lengths, moves } =
    scratch;
  dense.fill(0);
  denseSizes.fill(0);
  minority.fill(0);
  both.fill(0);
  let offset = 0; // bits written to each map's dense bitset so far
  for (let w = 0; w < W; w++) {
    if (touched[at + w] === 0) continue; // no map has a pixel here: nothing to count
    const high = highs[at + w];
    const denseMask = denseMasks[at + w];
    const sparseMask = ~denseMask;
    if (touched[at + w] === 2) {
      addMinorities(bits, n, w, high, sparseMask, t, minority, both, pairAt, lists, lengths);
    }
    if (denseMask !== 0) {
      compressMoves(denseMask, moves);
      const width = popcount32(denseMask);
      for (let i = 0; i < n; i++) {
        const x = bits[w * n + i] & denseMask;
        denseSizes[i] += popcount32(x);
        const y = denseMask === -1 ? x : compress(x, moves);
        const k = i * stride + (offset >>> 5);
        const shift = offset & 31;
        dense[k] |= y << shift;
        if (shift + width > 32) dense[k + 1] |= y >>> (32 - shift);
      }
      offset += width;
    }
  }
  addPairs(scratch, n, (offset + 31) >>> 5, inter, to);
}

/**
 * Every pair's count into inter[to + i·n + j]: its dense count (the first `words` words of the
 * dense bitsets) plus its sparse count from the identity (see the file's comment).
 */
function addPairs(
  scratch: ChannelScratch,
  n: number,
  words: number,
  inter: Int32Array,
  to: number,
): void {
  const { dense, stride, denseSizes, minority, both, pairAt, sizes, row } = scratch;
  for (let i = 0; i < n - 1; i++) {
    denseRow(dense, stride, words, i, n, row);
    const si = sizes[i] - denseSizes[i] - minority[i];
    for (let j = i + 1; j < n; j++) {
      const sj = sizes[j] - denseSizes[j] - minority[j];
      inter[to + i * n + j] = row[j] + ((si + sj + 2 * both[pairAt[i] + j]) >> 1);
    }
  }
}

/**
 * The column counts of word w: planes[b] gets bit b of c_s = Σ_i bit s of bits[w·n + i], for
 * each of the word's 32 pixels s; returns the OR of the n words. Four maps at a time by
 * carry-save adders (as popcount.ts's, but keeping each bit position's count: ones, twos and
 * fours in locals, the weight-8 carries rippled into planes[3 ..]), the rest one at a time.
 */
function columnCounts(bits: Uint32Array, n: number, w: number, planes: Int32Array): number {
  for (let b = 3; b < planes.length; b++) planes[b] = 0;
  let ones = 0;
  let twos = 0;
  let fours = 0;
  let any = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = w * n + i;
    const x0 = bits[at] | 0;
    const x1 = bits[at + 1] | 0;
    const x2 = bits[at + 2] | 0;
    const x3 = bits[at + 3] | 0;
    any |= x0 | x1 | x2 | x3;
    let u = ones ^ x0;
    const twosA = (ones & x0) | (u & x1);
    ones = u ^ x1;
    u = ones ^ x2;
    const twosB = (ones & x2) | (u & x3);
    ones = u ^ x3;
    u = twos ^ twosA;
    const foursA = (twos & twosA) | (u & twosB);
    twos = u ^ twosB;
    let carry = fours & foursA;
    fours ^= foursA;
    for (let b = 3; carry !== 0; b++) {
      const next = planes[b] & carry;
      planes[b] ^= carry;
      carry = next;
    }
  }
  for (; i < n; i++) {
    let x = bits[w * n + i] | 0;
    any |= x;
    let carry = ones & x;
    ones ^= x;
    x = carry;
    carry = twos & x;
    twos ^= x;
    x = carry;
    carry = fours & x;
    fours ^= x;
    for (let b = 3; carry !== 0; b++) {
      const next = planes[b] & carry;
      planes[b] ^= carry;
      carry = next;
    }
  }
  planes[0] = ones;
  planes[1] = twos;
  planes[2] = fours;
  return any;
}

/**
 * For word w's sparse pixels: adds each map's minority bits to minority[i], lists each pixel's
 * minority (maps ascending) and adds one to both[pairAt[i] + j] for each pair i < j in a list.
 */
function addMinorities(
  bits: Uint32Array,
  n: number,
  w: number,
  high: number,
  sparseMask: number,
  t: number,
  minority: Int32Array,
  both: Int32Array,
  pairAt: Int32Array,
  lists: Int32Array,
  lengths: Int32Array,
): void {
  let listed = 0; // the pixels with a list (lengths[0 .. 31] are 0 on entry, and left so)
  const base = w * n;
  for (let i = 0; i < n; i++) {
    let y = (bits[base + i] ^ high) & sparseMask;
    listed |= y;
    while (y !== 0) {
      const j = 31 - Math.clz32(y & -y);
      lists[j * t + lengths[j]++] = i;
      minority[i]++;
      y &= y - 1;
    }
  }
  while (listed !== 0) {
    const j = 31 - Math.clz32(listed & -listed);
    listed &= listed - 1;
    const start = j * t;
    const end = start + lengths[j];
    lengths[j] = 0;
    for (let a = start; a < end - 1; a++) {
      const row = pairAt[lists[a]];
      for (let b = a + 1; b < end; b++) both[row + lists[b]]++;
    }
  }
}

/**
 * Whether each bit position's count exceeds the constant k: bit s of the result is 1 iff
 * c_s > k, where c_s's bit b is bit s of planes[b] (b < B); k ≥ 2^B gives 0, k < 0 all ones.
 */
function greaterThan(planes: Int32Array, B: number, k: number): number {
  if (k < 0) return -1;
  if (k >= 2 ** B) return 0;
  let greater = 0; // c_s > k on the bits seen so far (from the top)
  let equal = -1; // c_s = k on the bits seen so far
  for (let b = B - 1; b >= 0; b--) {
    const p = planes[b];
    if ((k >>> b) & 1) {
      equal &= p;
    } else {
      greater |= equal & p;
      equal &= ~p;
    }
  }
  return greater;
}

/**
 * The five move masks of Hacker's Delight's `compress(x, m)` (§7-4) for the mask m: stage i
 * moves the bits under moves[i] right by 2^i, so that after the five stages the bits of x under
 * m sit, in order, in the low popcount(m) bits.
 */
function compressMoves(mask: number, moves: Int32Array): void {
  let m = mask;
  let zeros = ~m << 1; // counts the zeros to the right of each bit, one stage at a time
  for (let i = 0; i < 5; i++) {
    let prefix = zeros ^ (zeros << 1); // parallel prefix (XOR) of zeros
    prefix ^= prefix << 2;
    prefix ^= prefix << 4;
    prefix ^= prefix << 8;
    prefix ^= prefix << 16;
    const move = prefix & m;
    moves[i] = move;
    m = (m ^ move) | (move >>> (1 << i));
    zeros &= ~prefix;
  }
}

/** x's bits under the mask (x ⊆ mask) packed to the low end, in order (`compressMoves`). */
export function compress(x: number, moves: Int32Array): number {
  let t = x & moves[0];
  x = (x ^ t) | (t >>> 1);
  t = x & moves[1];
  x = (x ^ t) | (t >>> 2);
  t = x & moves[2];
  x = (x ^ t) | (t >>> 4);
  t = x & moves[3];
  x = (x ^ t) | (t >>> 8);
  t = x & moves[4];
  return (x ^ t) | (t >>> 16);
}

/** The move masks of `compress` for a mask (for tests and callers outside the pass). */
export function compressMasks(mask: number): Int32Array {
  const moves = new Int32Array(5);
  compressMoves(mask | 0, moves);
  return moves;
}

/** row[j] = popcount of dense_i AND dense_j over the first `words` words, for j in (i, n). */
function denseRow(
  dense: Uint32Array,
  W: number,
  words: number,
  i: number,
  n: number,
  row: Int32Array,
): void {
  if (words === 0) {
    row.fill(0);
    return;
  }
  let j = i + 1;
  for (; j + 3 < n; j += 4) {
    const b = j * W;
    andPopcountFour(dense, i * W, dense, b, b + W, b + 2 * W, b + 3 * W, 0, words, row, j);
  }
  for (; j + 1 < n; j += 2) {
    andPopcountTwo(dense, i * W, dense, j * W, (j + 1) * W, 0, words, row, j);
  }
  if (j < n) row[j] = andPopcount(dense, i * W, dense, j * W, 0, words);
}
