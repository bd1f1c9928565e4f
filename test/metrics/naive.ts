/**
 * Test helpers for the metrics: a map of a flat set, a per-class Dice by direct counting that
 * shares no code with src/metrics, and a closeness test. (The IoU distance and the pair means
 * have their plain versions in src: src/metrics/iouDistanceReference.ts and
 * energyDistanceReference.ts.)
 */
import { expect } from 'vitest';
import { isClose as isCloseShared } from '../helpers/close.js';
import { generalisedEnergyDistance } from '../../src/metrics/generalisedEnergyDistance.js';
import { sampleDiversity } from '../../src/metrics/sampleDiversity.js';
import type { PairExpectationOptions } from '../../src/metrics/sampleDiversity.js';
import {
  generalisedEnergyDistanceReference,
  sampleDiversityReference,
} from '../../src/metrics/energyDistanceReference.js';

/** Map k of a flat set of K·S labels. */
export function mapAt(maps: ArrayLike<number>, k: number, S: number): number[] {
  return Array.from({ length: S }, (_, s) => maps[k * S + s]);
}

/** Per-class DSC against one annotation, by counting pixels directly. */
export function naiveDice(p: ArrayLike<number>, y: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let c = 1; c < classes; c++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let s = 0; s < p.length; s++) {
      if (p[s] === c && y[s] === c) tp++;
      else if (p[s] === c) fp++;
      else if (y[s] === c) fn++;
    }
    out.push(tp + fp + fn === 0 ? NaN : (2 * tp) / (2 * tp + fp + fn));
  }
  return out;
}

/**
 * The shared `isClose` (test/helpers/close.ts) with `equalNan`: the metrics' naive values state
 * an undefined result (Dice of two empty maps) as NaN, which only NaN matches.
 */
export function isClose(actual: number, expected: number, rel = 1e-12, abs = 1e-12): boolean {
  return isCloseShared(actual, expected, rel, abs, { equalNan: true });
}

/**
 * GED² (each of its terms) and the sample diversity of the kernels equal the reference's bit
 * for bit (Object.is, so −0 and NaN count).
 */
export function expectGedEqualsReference(
  samples: ArrayLike<number>,
  annotations: ArrayLike<number>,
  options: PairExpectationOptions,
): void {
  const fast = generalisedEnergyDistance(samples, annotations, options);
  const reference = generalisedEnergyDistanceReference(samples, annotations, options);
  for (const key of ['ged', 'diversity', 'annotatorDiversity', 'crossDistance'] as const) {
    expect(Object.is(fast[key], reference[key])).toBe(true);
  }
  expect(sampleDiversity(samples, options)).toBe(sampleDiversityReference(samples, options));
}
