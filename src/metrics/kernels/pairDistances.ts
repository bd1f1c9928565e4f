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
 * pairs' overlaps of non-zero word ranges when that union is at most 5/4 of their summed lengths
 * (else the two pairs are counted apart, each over its own overlap, so that maps with far-apart
 * ranges never cost more than one pair at a time); measured in bench/gedLevers.ts.
 */
import { checkPairCount, type PairEstimator } from '../labelMapChecks.js';
import type { LabelMapBitsets } from './labelMapBitsets.js';
import { andPopcount, andPopcountTwo } from './popcount.js';

/**
 * Counts row i: row[q·Kb + j] = |A_iq ∩ B_jq| for every channel q and every j ∈ [jStart, Kb),
 * map i of `a` against map j of `b` (same S and convention; Kb ≤ b.count). `row` has length ≥ Q·Kb.
 */
export function countRow(
  a: LabelMapBitsets,
  i: number,
  b: LabelMapBitsets,
  jStart: number,
  Kb: number,
  row: Int32Array,
): void {
  const Q = a.channels;
  const W = a.words;
  for (let q = 0; q < Q; q++) {
    const ia = i * Q + q;
    const firstA = a.first[ia];
    const endA = a.end[ia];
    let j = jStart;
    for (; j + 1 < Kb; j += 2) {
      const j0 = j * Q + q;
      const j1 = j0 + Q;
      const lo0 = Math.max(firstA, b.first[j0]);
      const hi0 = Math.min(endA, b.end[j0]);
      const lo1 = Math.max(firstA, b.first[j1]);
      const hi1 = Math.min(endA, b.end[j1]);
      const lo = Math.min(lo0, lo1);
      const hi = Math.max(hi0, hi1);
      const lengths = Math.max(0, hi0 - lo0) + Math.max(0, hi1 - lo1);
      if (5 * (hi - lo) <= 4 * lengths) {
        andPopcountTwo(a.bits, ia * W, b.bits, j0 * W, j1 * W, lo, hi, row, q * Kb + j);
      } else {
        row[q * Kb + j] = andPopcount(a.bits, ia * W, b.bits, j0 * W, lo0, hi0);
        row[q * Kb + j + 1] = andPopcount(a.bits, ia * W, b.bits, j1 * W, lo1, hi1);
      }
    }
    if (j < Kb) {
      const j0 = j * Q + q;
      const lo = Math.max(firstA, b.first[j0]);
      const hi = Math.min(endA, b.end[j0]);
      row[q * Kb + j] = andPopcount(a.bits, ia * W, b.bits, j0 * W, lo, hi);
    }
  }
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
  row: Int32Array,
): number {
  const Q = a.channels;
  let sumIou = 0;
  for (let q = 0; q < Q; q++) {
    sumIou += channelIou(a.sizes[i * Q + q], b.sizes[j * Q + q], row[q * Kb + j]);
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
  const row = new Int32Array(a.channels * (j + 1));
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
 * (1 / (countA Kb)) Σ_i Σ_j d(a_i, b_j).
 */
export function bitsetCrossMean(a: LabelMapBitsets, countA: number, b: LabelMapBitsets): number {
  const Kb = b.count;
  const row = new Int32Array(a.channels * Kb);
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
 * @throws RangeError for the U-statistic of fewer than 2 maps
 */
export function bitsetWithinMean(
  name: string,
  set: LabelMapBitsets,
  K: number,
  estimator: PairEstimator,
): number {
  checkPairCount(name, K, estimator);
  const row = new Int32Array(set.channels * K);
  let sum = 0;
  for (let i = 0; i < K; i++) {
    countRow(set, i, set, i + 1, K, row);
    for (let j = i + 1; j < K; j++) sum += pairDistance(set, i, set, j, K, row);
  }
  return estimator === 'v' ? (2 * sum) / (K * K) : (2 * sum) / (K * (K - 1));
}
