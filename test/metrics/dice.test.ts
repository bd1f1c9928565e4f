import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  dice,
  diceAgainstAnnotations,
  diceClassMeans,
  diceNonEmpty,
  meanDice,
} from '../../src/metrics/dice.js';
import { isClose, mapAt, naiveDice } from './naive.js';
import { twoSets } from './arbitraries.js';

describe('dice: hand-worked (spec/metrics.md#dice)', () => {
  const prediction = Int32Array.of(1, 1, 0, 0);
  // y1 = [1,0,1,0]: TP 1, FP 1, FN 1; y2 empty: TP 0, FP 2, FN 0; y3 = prediction
  const annotations = Int32Array.of(1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0);
  const opts = { classes: 2 };

  it('DSC = 2TP / (2TP + FP + FN)', () => {
    expect(dice(prediction, [1, 0, 1, 0], opts)[0]).toBeCloseTo((2 * 1) / (2 * 1 + 1 + 1), 15);
  });

  it('against each annotation; an empty annotation scores a non-empty prediction 0', () => {
    const d = diceAgainstAnnotations(prediction, annotations, opts);
    expect(d.length).toBe(3);
    expect(d[0]).toBeCloseTo(1 / 2, 15);
    expect(d[1]).toBe((2 * 0) / (2 * 0 + 2 + 0));
    expect(d[2]).toBe(1);
  });

  it('meanDice (the paper’s DSC) and diceNonEmpty (DSC_nod)', () => {
    expect(meanDice(prediction, annotations, opts)).toBeCloseTo((1 / 2 + 0 + 1) / 3, 15);
    expect(diceNonEmpty(prediction, annotations, opts)).toBeCloseTo((1 / 2 + 1) / 2, 15);
  });

  it('NaN when the class is empty in both, skipped by the summaries', () => {
    expect(Number.isNaN(dice([0, 0], [0, 0], opts)[0])).toBe(true);
    // empty prediction vs [empty, [1,1]]: NaN, then 0
    const d = diceAgainstAnnotations([0, 0], [0, 0, 1, 1], opts);
    expect(Number.isNaN(d[0])).toBe(true);
    expect(d[1]).toBe(0);
    expect(meanDice([0, 0], [0, 0, 1, 1], opts)).toBe(0);
    expect(diceNonEmpty([0, 0], [0, 0, 1, 1], opts)).toBe(0);
    expect(Number.isNaN(meanDice([0, 0], [0, 0, 0, 0], opts))).toBe(true);
    expect(Number.isNaN(diceNonEmpty([1, 0], [0, 0, 0, 0], opts))).toBe(true);
  });

  it('three classes: one entry per foreground class, row-major by annotator', () => {
    // p = [1,2,2,0], y = [1,1,2,0]: class 1 TP 1 FN 1 -> 2/3; class 2 TP 1 FP 1 -> 2/3
    const d = diceAgainstAnnotations([1, 2, 2, 0], [1, 1, 2, 0, 0, 0, 0, 0], { classes: 3 });
    expect(d.length).toBe(4);
    expect(d[0]).toBeCloseTo(2 / 3, 15);
    expect(d[1]).toBeCloseTo(2 / 3, 15);
    expect(d[2]).toBe(0); // class 1 predicted, annotation empty
    expect(d[3]).toBe(0);
    // DSC_nod skips annotation 2 entirely: (2/3 + 2/3) / 2
    expect(diceNonEmpty([1, 2, 2, 0], [1, 1, 2, 0, 0, 0, 0, 0], { classes: 3 })).toBeCloseTo(
      2 / 3,
      15,
    );
  });
});

describe('the official report’s averages (spec/metrics.md#dice)', () => {
  // prediction [1,1,0] (the ground truth of the official setting) against two maps:
  // m1 = [1,0,0]: class 1 TP 1, FP 1 -> 2/3; class 2 empty in both -> NaN
  // m2 = [1,2,2]: class 1 TP 1, FP 1 -> 2/3; class 2 FN 2 -> 0
  const prediction = [1, 1, 0];
  const maps = [1, 0, 0, 1, 2, 2];
  const opts = { classes: 3 };

  it("average 'class-mean': plain mean over classes per map, NaN maps dropped, then the mean", () => {
    expect(meanDice(prediction, maps, { ...opts, average: 'class-mean' })).toBeCloseTo(
      (2 / 3 + 0) / 2,
      15,
    );
    // today's default, the nanmean over every entry: (2/3 + 2/3 + 0)/3
    expect(meanDice(prediction, maps, opts)).toBeCloseTo(4 / 9, 15);
    expect(meanDice(prediction, maps, { ...opts, average: 'nanmean' })).toBeCloseTo(4 / 9, 15);
  });

  it("'class-mean' is NaN when every map has a class empty in both", () => {
    expect(meanDice(prediction, [1, 0, 0, 1, 1, 0], { ...opts, average: 'class-mean' })).toBeNaN();
  });

  it('diceClassMeans: per class, the nanmean over the maps', () => {
    const m = diceClassMeans(prediction, maps, opts);
    expect(m.length).toBe(2);
    expect(m[0]).toBeCloseTo((2 / 3 + 2 / 3) / 2, 15);
    expect(m[1]).toBe(0);
    expect(diceClassMeans([0, 0], [0, 0, 0, 0], { classes: 2 })[0]).toBeNaN();
  });
});

describe('dice: properties', () => {
  it('matches direct counting, lies in [0, 1] or is NaN exactly when both are empty', () => {
    fc.assert(
      fc.property(twoSets, ({ C, S, Na, samples, annotations }) => {
        const p = mapAt(samples, 0, S);
        const d = diceAgainstAnnotations(p, annotations, { classes: C });
        expect(d.length).toBe(Na * (C - 1));
        let sum = 0;
        let n = 0;
        let sumNod = 0;
        let nNod = 0;
        for (let a = 0; a < Na; a++) {
          const y = mapAt(annotations, a, S);
          const expected = naiveDice(p, y, C);
          for (let c = 1; c < C; c++) {
            const v = d[a * (C - 1) + c - 1];
            expect(isClose(v, expected[c - 1])).toBe(true);
            const bothEmpty = !p.includes(c) && !y.includes(c);
            expect(Number.isNaN(v)).toBe(bothEmpty);
            if (!bothEmpty) {
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThanOrEqual(1);
              sum += v;
              n++;
            }
            if (y.includes(c)) {
              sumNod += v;
              nNod++;
            }
          }
        }
        expect(isClose(meanDice(p, annotations, { classes: C }), n ? sum / n : NaN)).toBe(true);
        expect(
          isClose(diceNonEmpty(p, annotations, { classes: C }), nNod ? sumNod / nNod : NaN),
        ).toBe(true);
        // 'class-mean': rows with a NaN dropped, the rest averaged over classes, then over rows
        let rows = 0;
        let sumRows = 0;
        const perClass = Array.from({ length: C - 1 }, () => [0, 0]);
        for (let a = 0; a < Na; a++) {
          const row = naiveDice(p, mapAt(annotations, a, S), C);
          row.forEach((v, q) => {
            if (!Number.isNaN(v)) perClass[q] = [perClass[q][0] + v, perClass[q][1] + 1];
          });
          if (row.some(Number.isNaN)) continue;
          sumRows += row.reduce((x, y) => x + y, 0) / (C - 1);
          rows++;
        }
        const classMean = meanDice(p, annotations, { classes: C, average: 'class-mean' });
        expect(isClose(classMean, rows ? sumRows / rows : NaN)).toBe(true);
        const means = diceClassMeans(p, annotations, { classes: C });
        perClass.forEach(([sumC, nC], q) => {
          expect(isClose(means[q], nC ? sumC / nC : NaN)).toBe(true);
        });
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
