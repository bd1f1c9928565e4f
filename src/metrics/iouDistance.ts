/**
 * The segmentation distance d = 1 − IoU used by GED and sample diversity (paper §5.2, eq. 8).
 *
 * Conventions (spec/metrics.md#distance, spec/official-code.md):
 *   'ssn' (default; the official SSN 3D/BraTS code and PHiSeg): mean IoU over the foreground
 *     classes c = 1..C−1, a class empty in both maps counting IoU 1:
 *       d(a, b) = 1 − (1/(C−1)) Σ_c IoU_c,  IoU_c = |a_c ∩ b_c| / |a_c ∪ b_c|, or 1 if both empty
 *   'lidc' (the SSN LIDC code): binary foreground F = {label > 0},
 *       d(a, b) = 1 − |F_a ∩ F_b| / |F_a ∪ F_b|; IoU = 1 if both empty, 0 if exactly one is empty
 *     (the latter follows from the formula: the intersection is empty, the union is not).
 * With C = 2 the two conventions coincide. Two empty maps are at distance 0 in both; d ∈ [0, 1].
 * Unions come from integer counts: |a ∪ b| = |a| + |b| − |a ∩ b|.
 *
 * Which path runs: both functions pack the maps into bitsets and run the kernels
 * (kernels/labelMapBitsets.ts, kernels/pairDistances.ts), equal bit for bit to
 * `iouDistanceReference`, the formula counted pixel by pixel (iouDistanceReference.ts), which is
 * exported too.
 * @see spec/metrics.md#distance
 */
import { checkMapPair, checkOptions, type IouConvention } from './labelMapChecks.js';
import { labelMapBitsets } from './kernels/labelMapBitsets.js';
import { bitsetIouDistance, countRow, pairDistance, pairRow } from './kernels/pairDistances.js';

/** Options of the IoU distance. */
export interface IouDistanceOptions {
  /** C, number of classes including the background (≥ 2). */
  classes: number;
  /** 'ssn' (default) or 'lidc'; see the module comment. */
  convention?: IouConvention;
}

/**
 * d = 1 − IoU between two label maps of S pixels (convention 'ssn' by default, or 'lidc'), by
 * the bitset kernel; equals `iouDistanceReference(a, b, options)` bit for bit.
 * @param a - S integer labels in [0, C)
 * @param b - S integer labels in [0, C)
 * @returns d ∈ [0, 1]; 0 for identical maps and for two empty maps
 * @throws TypeError when a map is not array-like or holds a non-integer, or options is not an
 *   object
 * @throws RangeError when the lengths differ or are 0, classes < 2, or a label is outside [0, C)
 * @example iouDistance([1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 1, 0], { classes: 2 }) // = 1 − 2/5 = 0.6
 * @example iouDistance([0, 1, 1, 2, 2, 0], [0, 1, 2, 2, 0, 0], { classes: 3 }) // = 1 − (1/2 + 1/3)/2
 */
export function iouDistance(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: IouDistanceOptions,
): number {
  checkMapPair(a, b);
  checkOptions(options);
  const opts = { pixels: a.length, classes: options.classes, convention: options.convention };
  const ba = labelMapBitsets('a', a, opts);
  const bb = labelMapBitsets('b', b, opts);
  return bitsetIouDistance(ba, 0, bb, 0);
}

/** Options of the set-wise distances: the IoU options plus the map size. */
export interface IouSetOptions extends IouDistanceOptions {
  /** S, pixels per map; each set is a flat K·S array. */
  pixels: number;
}

/**
 * The Ka × Kb matrix of distances d(a_i, b_j) between two sets of maps, by the bitset kernel
 * (each entry equals `iouDistanceReference(a_i, b_j, options)` bit for bit).
 * @param a - Ka·S labels, map i at i·S
 * @param b - Kb·S labels, map j at j·S
 * @returns Float64Array of length Ka·Kb, row-major: entry i·Kb + j = d(a_i, b_j)
 * @throws as `iouDistance`, and RangeError when a length is 0 or not a multiple of `pixels`
 * @example pairwiseIouDistances([1, 0, 1, 1], [0, 0], { pixels: 2, classes: 2 }) // [1, 1]
 */
export function pairwiseIouDistances(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: IouSetOptions,
): Float64Array {
  checkOptions(options);
  const ba = labelMapBitsets('a', a, options);
  const bb = labelMapBitsets('b', b, options);
  const Ka = ba.count;
  const Kb = bb.count;
  const out = new Float64Array(Ka * Kb);
  const row = pairRow([ba], Kb);
  for (let i = 0; i < Ka; i++) {
    countRow(ba, i, bb, 0, Kb, row);
    for (let j = 0; j < Kb; j++) out[i * Kb + j] = pairDistance(ba, i, bb, j, Kb, row);
  }
  return out;
}
