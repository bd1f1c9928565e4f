/**
 * The IoU distance as the paper writes it (§5.2, below eq. 8), counted one pixel at a time:
 *
 *   d(a, b) = 1 − (1/Q) Σ_q IoU_q(a, b),   IoU_q = |a_q ∩ b_q| / |a_q ∪ b_q|, or 1 when a_q ∪ b_q = ∅
 *
 * over the channels q of the convention:
 *   'ssn'  — each foreground class c = 1..C−1 (Q = C − 1; pixel s is in a_c when a[s] = c), the
 *            official evaluation's IoU averaged over foreground classes per pair
 *   'lidc' — the binary foreground (Q = 1; pixel s is in a_F when a[s] > 0)
 * A channel empty in both maps counts IoU 1, so two empty maps are at distance 0 (the paper: "if
 * both segmentations are empty d = 0"). This is the reference; `iouDistance` and the set
 * functions run the bitset kernel (kernels/labelMapBitsets.ts), which equals it bit for bit
 * (test/metrics/kernels.test.ts).
 * @see spec/metrics.md#distance
 */
import {
  checkClasses,
  checkConvention,
  checkLabels,
  checkMapPair,
  checkOptions,
} from './labelMapChecks.js';
import type { IouDistanceOptions } from './iouDistance.js';

/**
 * IoU of one channel, |a_q ∩ b_q| / |a_q ∪ b_q|, or 1 when the channel is empty in both maps.
 * @param inChannel - whether a label belongs to the channel
 * @example iouReference([1, 1, 1, 0], [0, 1, 1, 1], (v) => v === 1) // 2/4
 */
export function iouReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  inChannel: (label: number) => boolean,
): number {
  checkMapPair(a, b);
  return channelIou(a, b, inChannel);
}

/** `iouReference` without the check of the pair (its callers have checked it). */
function channelIou(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  inChannel: (label: number) => boolean,
): number {
  let intersection = 0;
  let union = 0;
  for (let s = 0; s < a.length; s++) {
    const inA = inChannel(a[s]);
    const inB = inChannel(b[s]);
    if (inA && inB) intersection++;
    if (inA || inB) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/**
 * The channels of a convention, as membership tests on labels: one per foreground class for
 * 'ssn', the merged foreground for 'lidc'.
 */
export function iouChannels(
  classes: number,
  convention: IouDistanceOptions['convention'] = 'ssn',
): ((label: number) => boolean)[] {
  if (checkConvention(convention) === 'lidc') return [(v) => v > 0];
  return Array.from({ length: classes - 1 }, (_, q) => (v: number) => v === q + 1);
}

/**
 * d = 1 − mean over channels of IoU, between two label maps of S pixels. Same signature and
 * argument checks as `iouDistance` (the kernel), so either can stand in for the other.
 * @param a - S integer labels in [0, C)
 * @param b - S integer labels in [0, C)
 * @returns d ∈ [0, 1]; 0 for identical maps and for two empty maps
 * @throws TypeError when a map is not array-like or holds a non-integer, or options is not an
 *   object
 * @throws RangeError when the lengths differ or are 0, classes < 2, or a label is outside [0, C)
 * @example iouDistanceReference([0, 1, 1, 2, 2, 0], [0, 1, 2, 2, 0, 0], { classes: 3 }) // 1 − (1/2 + 1/3)/2
 */
export function iouDistanceReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: IouDistanceOptions,
): number {
  // The checks iouDistance makes (its classes and labels inside labelMapBitsets), written out:
  // the two reject the same input alike.
  checkMapPair(a, b);
  checkOptions(options);
  checkClasses(options.classes);
  checkLabels('a', a, options.classes);
  checkLabels('b', b, options.classes);
  return iouDistanceOverChannels(a, b, iouChannels(options.classes, options.convention));
}

/**
 * d(a, b) = 1 − (1/Q) Σ_q IoU_q(a, b) over the given channels, without checking the maps (the
 * set functions check each set once, by its own name).
 */
export function iouDistanceOverChannels(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  channels: readonly ((label: number) => boolean)[],
): number {
  let sumIou = 0;
  for (const inChannel of channels) sumIou += channelIou(a, b, inChannel);
  return 1 - sumIou / channels.length;
}
