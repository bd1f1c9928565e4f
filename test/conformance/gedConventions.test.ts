/**
 * The committed GED cases tell the conventions apart: each GED convention a reimplementation
 * might plausibly use instead of ssn-ts's (and the official SSN code's) is written here
 * independently of ssn-ts, scored on the committed `metrics.ged` cases at their own tolerances,
 * and must fail at least one of them, while the right convention passes them all.
 *
 * The right convention: d(a, b) = 1 − mean over the foreground classes 1..C−1 of IoU_c, where a
 * class empty in both maps has IoU 1; each of the three terms of GED is the mean over all pairs
 * (a V-statistic: a map paired with itself included).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMITTED = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'spec',
  'vectors',
  'ssn-vectors-v1.json',
);

interface GedCase {
  id: string;
  op: string;
  inputs: { classes: number; pixels: number; samples: number[]; annotations: number[] };
  expected: Record<Field, number>;
  tolerance: { rtol: number; atol: number };
}
const FIELDS = ['ged', 'diversity', 'annotatorDiversity', 'crossDistance'] as const;
type Field = (typeof FIELDS)[number];

interface Convention {
  /** The classes whose IoU is averaged. */
  classes(c: number): number[];
  /** IoU of a class empty in both maps; NaN: the class is dropped from the mean. */
  emptyBoth: number;
  /** Within-set means over pairs i ≠ j only (a U-statistic) instead of all pairs. */
  distinctPairs: boolean;
  /** One foreground class: every label > 0 is foreground (the LIDC binary convention). */
  binary: boolean;
}

const foreground = (c: number) => Array.from({ length: c - 1 }, (_, k) => k + 1);
const RIGHT: Convention = {
  classes: foreground,
  emptyBoth: 1,
  distinctPairs: false,
  binary: false,
};
const WRONG: Record<string, Convention> = {
  'a class empty in both maps dropped (nanmean of the present classes)': {
    ...RIGHT,
    emptyBoth: NaN,
  },
  'background included': { ...RIGHT, classes: (c) => [0, ...foreground(c)] },
  'U-statistic within sets (pairs i ≠ j)': { ...RIGHT, distinctPairs: true },
  'a class empty in both maps counted as IoU 0': { ...RIGHT, emptyBoth: 0 },
  'foreground merged into one class': { ...RIGHT, binary: true },
};

function distance(a: number[], b: number[], c: number, conv: Convention): number {
  const is = (label: number, k: number) => (conv.binary ? label > 0 : label === k);
  const ious: number[] = [];
  for (const k of conv.binary ? [1] : conv.classes(c)) {
    let inter = 0;
    let union = 0;
    for (let p = 0; p < a.length; p++) {
      if (is(a[p], k) && is(b[p], k)) inter++;
      if (is(a[p], k) || is(b[p], k)) union++;
    }
    const iou = union === 0 ? conv.emptyBoth : inter / union;
    if (!Number.isNaN(iou)) ious.push(iou);
  }
  // every class dropped: the maps agree, distance 0
  return ious.length === 0 ? 0 : 1 - ious.reduce((s, v) => s + v, 0) / ious.length;
}

function meanDistance(
  xs: number[][],
  ys: number[][],
  c: number,
  conv: Convention,
  within: boolean,
) {
  let sum = 0;
  let count = 0;
  xs.forEach((x, i) =>
    ys.forEach((y, j) => {
      if (within && conv.distinctPairs && i === j) return;
      sum += distance(x, y, c, conv);
      count++;
    }),
  );
  return count === 0 ? 0 : sum / count;
}

function ged(inputs: GedCase['inputs'], conv: Convention): Record<Field, number> {
  const { classes: c, pixels: s } = inputs;
  const maps = (flat: number[]) =>
    Array.from({ length: flat.length / s }, (_, i) => flat.slice(i * s, (i + 1) * s));
  const xs = maps(inputs.samples);
  const ys = maps(inputs.annotations);
  const crossDistance = meanDistance(xs, ys, c, conv, false);
  const diversity = meanDistance(xs, xs, c, conv, true);
  const annotatorDiversity = meanDistance(ys, ys, c, conv, true);
  return {
    ged: 2 * crossDistance - diversity - annotatorDiversity,
    diversity,
    annotatorDiversity,
    crossDistance,
  };
}

/** The committed GED cases this convention fails at their tolerances. */
function failures(conv: Convention): string[] {
  return CASES.filter((c) => {
    const got = ged(c.inputs, conv);
    return FIELDS.some(
      (f) =>
        !(
          Math.abs(got[f] - c.expected[f]) <=
          c.tolerance.atol + c.tolerance.rtol * Math.abs(c.expected[f])
        ),
    );
  }).map((c) => c.id);
}

const CASES = (JSON.parse(readFileSync(COMMITTED, 'utf8')) as { cases: GedCase[] }).cases.filter(
  (c) => c.op === 'metrics.ged',
);

describe('the committed GED cases tell the conventions apart', () => {
  it('the right convention passes every committed GED case', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(8);
    expect(failures(RIGHT)).toEqual([]);
  });

  it.each(Object.entries(WRONG))('fails: %s', (_name, conv) => {
    expect(failures(conv).length).toBeGreaterThan(0);
  });

  it('dropping a class empty in both maps is caught by ged-sparse-classes alone', () => {
    // The other cases have every class present in each pair, or none, or only one class.
    expect(
      failures(WRONG['a class empty in both maps dropped (nanmean of the present classes)']),
    ).toEqual(['ged-sparse-classes']);
  });
});
