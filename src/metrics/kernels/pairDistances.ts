/**
 * Kernel: IoU distances between packed label maps (labelMapBitsets.ts), pair by pair, and their
 * means, the three terms of GED².
 *
 * Equal **bit for bit** to the reference: `pairDistance` and `bitsetIouDistance` to
 * `iouDistanceReference`
 * (../iouDistanceReference.ts), `bitsetCrossMean` and `bitsetWithinMean` to `meanCrossDistance`
 * and `meanWithinDistance` (../energyDistanceReference.ts). The counts |A_iq ∩ B_jq| are exact
 * integers however they are counted (popcounts of word-wise ANDs, popcount.ts), and
 * |A ∪ B| = |A| + |B| − |A ∩ B|; each pair's distance is then formed by the reference's
 * floating-point steps in its order (per channel q = 0..Q−1 add 1 when both are empty, nothing
 * when one is, the reference adding 0/|A ∪ B| = 0, else |A ∩ B| / |A ∪ B|; then 1 − sum / Q);
 * and the pairs are summed into one running sum in the reference's order (i ascending, then j
 * ascending; within a set only j > i) and divided by the same integer.
 * Tied by test/metrics/kernels.test.ts.
 *
 * The speed-ups: each map is packed once, each unordered within-set pair is counted once, and a
 * row i is counted before its distances are summed (`countRow`): two maps j, j + 1 at a time
 * against map i (`andPopcountTwo`, one load of map i's word for both), over the union of the two
 * pairs' overlaps of non-zero word ranges when that union is at most 4/5 of their summed lengths
 * (else the two pairs are counted apart by `andPopcount`, each over its own overlap, so that
 * maps with far-apart ranges never cost more than one pair at a time); and when map i's bitset
 * is sparse (at most 3/4 of the words in its range non-zero), its non-zero words are listed once
 * a row and the pairs counted together visit those only: four maps j .. j + 3 a pass
 * (`gatherAndPopcountFour`) when the union of their overlaps holds at most 4/7 of the listed
 * words that two passes of two would visit, else two (`gatherAndPopcountTwo`). Measured in
 * bench/gedLevers.ts.
 */
import { checkPairCount, type PairEstimator } from '../labelMapChecks.js';
import type { LabelMapBitsets } from './labelMapBitsets.js';
import type { PairCountMatrix } from './pairCountMatrix.js';
import {
  andPopcount,
  andPopcountTwo,
  gatherAndPopcountFour,
  gatherAndPopcountTwo,
} from './popcount.js';

/** Row i's counts, and the scratch of `countRow`. */
export interface PairRow {
  /** counts[q·Kb + j] = |A_iq ∩ B_jq|, length Q·Kb. */
  readonly counts: Int32Array;
  /** Map i's non-zero words in its range, one channel at a time (length W). */
  readonly words: Uint32Array;
  /** Their word indices (length W). */
  readonly index: Int32Array;
  /** before[w]: how many of them lie before word w, for w in map i's range (length W + 1). */
  readonly before: Int32Array;
}

/**
 * A `PairRow` for rows of up to Kb maps against any map of `sets` (packed alike; the lists
 * sized for their words only if one of their bitsets is `sparse`).
 */
export function pairRow(sets: readonly LabelMapBitsets[], Kb: number): PairRow {
  const { channels: Q, words: W } = sets[0];
  const counts = new Int32Array(Q * Kb);
  for (const a of sets) {
    for (let kq = 0; kq < a.count * Q; kq++) {
      if (!sparse(a, kq)) continue;
      return {
        counts,
        words: new Uint32Array(W),
        index: new Int32Array(W),
        before: new Int32Array(W + 1),
      };
    }
  }
  return { counts, words: NO_WORDS, index: NO_INDICES, before: NO_INDICES };
}

/** The lists of a row with no sparse bitset: empty, never written. */
const NO_WORDS = new Uint32Array(0);
const NO_INDICES = new Int32Array(0);

/**
 * Whether bitset kq of `a` has its non-zero words listed for the gathered count: at least 8
 * words in its range (fewer, and the listing cannot pay), at most 3/4 of them non-zero (the
 * gathered count costs about 1.2 times the contiguous one per word visited: bench/gedLevers.ts).
 */
function sparse(a: LabelMapBitsets, kq: number): boolean {
  const range = a.end[kq] - a.first[kq];
  return range >= 8 && 4 * a.nonZero[kq] <= 3 * range;
}

/**
 * Counts row i: row.counts[q·Kb + j] = |A_iq ∩ B_jq| for every channel q and every
 * j ∈ [jStart, Kb), map i of `a` against map j of `b` (same S and convention; Kb ≤ b.count;
 * `row` from `pairRow` for `a` and at least Kb maps). When map i's bitset is `sparse`, its
 * non-zero words are listed once and each pair visits those only (`gatherAndPopcountFour`,
 * `gatherAndPopcountTwo`); otherwise each pair visits its whole overlap (`andPopcountTwo`).
 */
export function countRow(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  jStart: number,
  Kb: number,
  row: PairRow,
): void {
  const Q = a.channels;
  const W = a.words;
  const { counts, words, index, before } = row;
  for (let q = 0; q < Q; q++) {
    const ia = i * Q + q;
    const firstA = a.first[ia];
    const endA = a.end[ia];
    // List map i's non-zero words if sparse (at most the cost of one pair).
    const gather = sparse(a, ia) && jStart + 1 < Kb;
    if (gather) {
      let n = 0;
      for (let w = firstA; w < endA; w++) {
        before[w] = n;
        const word = a.bits[ia * W + w];
        if (word !== 0) {
          words[n] = word;
          index[n++] = w;
        }
      }
      before[endA] = n;
    }
    let j = jStart;
    while (j + 1 < Kb) {
      if (gather && j + 3 < Kb && countFour(a, ia, b, j * Q + q, q * Kb + j, row)) {
        j += 4;
        continue;
      }
      const j0 = j * Q + q;
      const j1 = j0 + Q;
      const lo0 = Math.max(firstA, b.first[j0]);
      const hi0 = Math.min(endA, b.end[j0]);
      const lo1 = Math.max(firstA, b.first[j1]);
      const hi1 = Math.min(endA, b.end[j1]);
      const lo = Math.min(lo0, lo1);
      const hi = Math.max(hi0, hi1);
      const lengths = Math.max(0, hi0 - lo0) + Math.max(0, hi1 - lo1);
      const at = q * Kb + j;
      if (5 * (hi - lo) > 4 * lengths) {
        counts[at] = andPopcount(a.bits, ia * W, b.bits, j0 * W, lo0, hi0);
        counts[at + 1] = andPopcount(a.bits, ia * W, b.bits, j1 * W, lo1, hi1);
      } else if (gather) {
        if (lo < hi) {
          const k0 = before[lo];
          const k1 = before[hi];
          gatherAndPopcountTwo(words, index, k0, k1, b.bits, j0 * W, j1 * W, counts, at);
        } else {
          counts[at] = 0;
          counts[at + 1] = 0;
        }
      } else {
        andPopcountTwo(a.bits, ia * W, b.bits, j0 * W, j1 * W, lo, hi, counts, at);
      }
      j += 2;
    }
    if (j < Kb) {
      const j0 = j * Q + q;
      const lo = Math.max(firstA, b.first[j0]);
      const hi = Math.min(endA, b.end[j0]);
      counts[q * Kb + j] = andPopcount(a.bits, ia * W, b.bits, j0 * W, lo, hi);
    }
  }
}

/**
 * For `countRow` with map i's words listed: counts the four pairs of bitset ia of `a` against
 * bitsets j0, j0 + Q, j0 + 2Q, j0 + 3Q of `b` in one pass over the listed words in the union of
 * their overlaps (`gatherAndPopcountFour`) into row.counts[at .. at + 3], and returns true, when
 * that pass visits at most 4/7 of the listed words that the two passes over pairs (j0, j0 + Q)
 * and (j0 + 2Q, j0 + 3Q) would (a pair-word costs about 7/8 as much four pairs a pass as two:
 * bench/gedLevers.ts); else counts nothing and returns false.
 */
function countFour(
  a: LabelMapBitsets,
  ia: number,
  b: LabelMapBitsets,
  j0: number,
  at: number,
  row: PairRow,
): boolean {
  const Q = a.channels;
  const W = a.words;
  const { before } = row;
  const firstA = a.first[ia];
  const endA = a.end[ia];
  const { first, end } = b;
  const j1 = j0 + Q;
  const j2 = j1 + Q;
  const j3 = j2 + Q;
  const lo01 = Math.max(firstA, Math.min(first[j0], first[j1]));
  const hi01 = Math.min(endA, Math.max(end[j0], end[j1]));
  const lo23 = Math.max(firstA, Math.min(first[j2], first[j3]));
  const hi23 = Math.min(endA, Math.max(end[j2], end[j3]));
  const lo = Math.min(lo01, lo23);
  const hi = Math.max(hi01, hi23);
  if (lo >= hi) return false; // (no word to visit: left to the pairs' own zero counts)
  const n01 = lo01 < hi01 ? before[hi01] - before[lo01] : 0;
  const n23 = lo23 < hi23 ? before[hi23] - before[lo23] : 0;
  const n = before[hi] - before[lo];
  if (7 * n > 4 * (n01 + n23)) return false;
  const { words, index, counts } = row;
  gatherAndPopcountFour(
    words,
    index,
    before[lo],
    before[hi],
    b.bits,
    j0 * W,
    j1 * W,
    j2 * W,
    j3 * W,
    counts,
    at,
  );
  return true;
}

/**
 * d(a_i, b_j) = 1 − mean over channels of IoU (IoU = 1 for a channel empty in both), from row
 * i's counts (`countRow` with the same Kb), channels in order.
 */
export function pairDistance(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  j: number,
  Kb: number,
  row: PairRow,
): number {
  return distanceFromCounts(a.channels, a.sizes, i, b.sizes, j, row.counts, j, Kb);
}

/**
 * d(a_i, b_j) = 1 − (1/Q) Σ_q IoU_q from the sizes |A_iq| = sizesA[i·Q + q], |B_jq| =
 * sizesB[j·Q + q] and the counts |A_iq ∩ B_jq| = inter[at + q·stride], channels in order: the
 * one place the kernels turn counts into a distance.
 */
export function distanceFromCounts(
  Q: number,
  sizesA: Int32Array,
  i: number,
  sizesB: Int32Array,
  j: number,
  inter: Int32Array,
  at: number,
  stride: number,
): number {
  let sumIou = 0;
  for (let q = 0; q < Q; q++) {
    sumIou += channelIou(sizesA[i * Q + q], sizesB[j * Q + q], inter[at + q * stride]);
  }
  return 1 - sumIou / Q;
}

/** d(a_i, b_j) for one pair alone (`countRow` over j only, then `pairDistance`). */
export function bitsetIouDistance(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  j: number,
): number {
  const row = pairRow([a], j + 1);
  countRow(a, i, b, j, j + 1, row);
  return pairDistance(a, i, b, j, j + 1, row);
}

/**
 * One channel's term of the IoU sum from its counts |A| = na, |B| = nb, |A ∩ B| = inter: 1 when
 * both are empty, 0 when exactly one is (the reference adds 0/|A ∪ B| = 0, and adding 0 leaves
 * the sum's bits as they are), else inter / (na + nb − inter), |A ∪ B| being na + nb − inter.
 */
function channelIou(na: number, nb: number, inter: number): number {
  if (na === 0 && nb === 0) return 1;
  if (na === 0 || nb === 0) return 0;
  return inter / (na + nb - inter);
}

/**
 * E[d(A, B)] over the first `countA` maps of `a` and all maps of `b`:
 * (1 / (countA Kb)) Σ_i Σ_j d(a_i, b_j). `row`: scratch from `pairRow` for `a` and b.count maps.
 */
export function bitsetCrossMean(
  a: LabelMapBitsets,
  countA: number,
  b: LabelMapBitsets,
  row: PairRow = pairRow([a], b.count),
): number {
  const Kb = b.count;
  let sum = 0;
  for (let i = 0; i < countA; i++) {
    countRow(a, i, b, 0, Kb, row);
    for (let j = 0; j < Kb; j++) sum += pairDistance(a, i, b, j, Kb, row);
  }
  return sum / (countA * b.count);
}

/**
 * E[d(M, M')] over the first K maps of one packed set: 2 Σ_{i<j} d_ij / K² ('v') or
 * 2 Σ_{i<j} d_ij / (K (K − 1)) ('u').
 * @param name - argument name used in error messages
 * @param row - scratch from `pairRow` for `set` and K maps
 * @throws RangeError for the U-statistic of fewer than 2 maps
 */
export function bitsetWithinMean(
  name: string,
  set: LabelMapBitsets,
  K: number,
  estimator: PairEstimator,
  row: PairRow = pairRow([set], K),
): number {
  checkPairCount(name, K, estimator);
  let sum = 0;
  for (let i = 0; i < K; i++) {
    countRow(set, i, set, i + 1, K, row);
    for (let j = i + 1; j < K; j++) sum += pairDistance(set, i, set, j, K, row);
  }
  return withinMean(sum, K, estimator);
}

/** The within-set mean from Σ_{i<j} d_ij over K maps: 2 sum / K² ('v') or 2 sum / (K (K − 1)). */
function withinMean(sum: number, K: number, estimator: PairEstimator): number {
  return estimator === 'v' ? (2 * sum) / (K * K) : (2 * sum) / (K * (K - 1));
}

/**
 * `bitsetWithinMean` from a count matrix: the K maps of `set` are maps first .. first + K − 1
 * of `counts` (pairCountMatrix.ts); the same sum in the same order, so the same bits.
 */
export function matrixWithinMean(
  name: string,
  set: LabelMapBitsets,
  K: number,
  estimator: PairEstimator,
  counts: PairCountMatrix,
  first: number,
): number {
  checkPairCount(name, K, estimator);
  const { maps: n, inter } = counts;
  let sum = 0;
  for (let i = 0; i < K; i++) {
    const at = (first + i) * n + first;
    for (let j = i + 1; j < K; j++) {
      sum += distanceFromCounts(set.channels, set.sizes, i, set.sizes, j, inter, at + j, n * n);
    }
  }
  return withinMean(sum, K, estimator);
}

/**
 * `bitsetCrossMean` from a count matrix: the first countA maps of `a` are maps 0 .. countA − 1
 * of `counts`, the maps of `b` maps firstB .. firstB + b.count − 1 (firstB ≥ countA); the same
 * sum in the same order, so the same bits.
 */
export function matrixCrossMean(
  a: LabelMapBitsets,
  countA: number,
  b: LabelMapBitsets,
  counts: PairCountMatrix,
  firstB: number,
): number {
  const { maps: n, inter } = counts;
  const Kb = b.count;
  let sum = 0;
  for (let i = 0; i < countA; i++) {
    const at = i * n + firstB;
    for (let j = 0; j < Kb; j++) {
      sum += distanceFromCounts(a.channels, a.sizes, i, b.sizes, j, inter, at + j, n * n);
    }
  }
  return sum / (countA * Kb);
}
