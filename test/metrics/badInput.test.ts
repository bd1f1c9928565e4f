import { describe, it, expect } from 'vitest';
import { iouDistance, pairwiseIouDistances } from '../../src/metrics/iouDistance.js';
import { sampleDiversity } from '../../src/metrics/sampleDiversity.js';
import { generalisedEnergyDistance } from '../../src/metrics/generalisedEnergyDistance.js';
import { dice, diceAgainstAnnotations, diceNonEmpty, meanDice } from '../../src/metrics/dice.js';
import type { IouConvention, PairEstimator } from '../../src/metrics/labelMapChecks.js';
import type { DiceAverage } from '../../src/metrics/dice.js';
import {
  generalisedEnergyDistanceReference,
  meanCrossDistance,
  meanWithinDistance,
  sampleDiversityReference,
} from '../../src/metrics/energyDistanceReference.js';
import { iouDistanceReference, iouReference } from '../../src/metrics/iouDistanceReference.js';
import { marginalEntropy, marginalEntropyFromLogits } from '../../src/metrics/marginalEntropy.js';

const set = { pixels: 3, classes: 2 };

describe('metrics reject bad input with the argument name first', () => {
  it('wrong lengths: not a multiple of S, unequal maps', () => {
    expect(() => sampleDiversity([0, 1, 0, 1], set)).toThrow(
      /^samples: length 4 is not a multiple of the map size 3/,
    );
    expect(() => generalisedEnergyDistance([0, 1, 0], [1, 1], set)).toThrow(RangeError);
    expect(() => generalisedEnergyDistance([0, 1, 0], [1, 1], set)).toThrow(
      /^annotations: length 2/,
    );
    expect(() => pairwiseIouDistances([0, 1, 0, 0], [0, 0, 0], set)).toThrow(/^a: length 4/);
    expect(() => iouDistance([0, 1], [0, 1, 1], { classes: 2 })).toThrow(/^b: length 3 differs/);
    expect(() => dice([0, 1], [0, 1, 1], { classes: 2 })).toThrow(/^annotation: length 3 differs/);
    expect(() => diceAgainstAnnotations([0, 1], [0, 1, 1], { classes: 2 })).toThrow(
      /^annotations: length 3 is not a multiple of the map size 2/,
    );
  });

  it('labels out of range', () => {
    expect(() => sampleDiversity([0, 1, 2], set)).toThrow(
      /^samples: value 2 at index 2 is out of range for 2 classes/,
    );
    expect(() => generalisedEnergyDistance([0, 1, 0], [0, 0, 0, 0, -1, 0], set)).toThrow(
      /^annotations: value -1 at index 4 is out of range for 2 classes/,
    );
    expect(() => iouDistance(Uint8Array.of(0, 3), Uint8Array.of(0, 1), { classes: 3 })).toThrow(
      /^a: value 3 at index 1 is out of range for 3 classes/,
    );
    expect(() => dice([0, 5], [0, 1], { classes: 2 })).toThrow(/^prediction: value 5 at index 1/);
    expect(() => meanDice([0, 1], [0, 1, 0, 7], { classes: 2 })).toThrow(
      /^annotations: value 7 at index 3/,
    );
  });

  it('labels that are not integers (TypeError)', () => {
    expect(() => sampleDiversity([0, 0.5, 1], set)).toThrow(TypeError);
    expect(() => sampleDiversity([0, 0.5, 1], set)).toThrow(
      /^samples: value 0.5 at index 1 is not an integer label/,
    );
    expect(() => iouDistance([0, NaN], [0, 1], { classes: 2 })).toThrow(/^a: value NaN at index 1/);
    expect(() => diceNonEmpty([0, 1], [0, 1.5], { classes: 2 })).toThrow(TypeError);
  });

  it('classes < 2 or not an integer', () => {
    expect(() => iouDistance([0], [0], { classes: 1 })).toThrow(/^classes: must be at least 2/);
    expect(() => sampleDiversity([0], { pixels: 1, classes: 2.5 })).toThrow(/^classes: /);
    expect(() => dice([0], [0], { classes: 0 })).toThrow(/^classes: /);
  });

  it('empty sets and empty maps', () => {
    expect(() => sampleDiversity([], set)).toThrow(/^samples: empty set/);
    expect(() => generalisedEnergyDistance([0, 0, 0], new Int32Array(0), set)).toThrow(
      /^annotations: empty set/,
    );
    expect(() => iouDistance([], [], { classes: 2 })).toThrow(/^a: empty map/);
    expect(() => dice([], [], { classes: 2 })).toThrow(/^prediction: empty map/);
    expect(() => diceAgainstAnnotations([0], [], { classes: 2 })).toThrow(
      /^annotations: empty set/,
    );
  });

  it('pixels, convention and estimator', () => {
    expect(() => sampleDiversity([0, 1], { pixels: 0, classes: 2 })).toThrow(/^pixels: /);
    expect(() => sampleDiversity([0, 1], { pixels: 1.5, classes: 2 })).toThrow(/^pixels: /);
    const convention = 'phiseg' as IouConvention;
    expect(() => iouDistance([0], [0], { classes: 2, convention })).toThrow(
      /^convention: must be 'ssn' or 'lidc'/,
    );
    const estimator = 'w' as PairEstimator;
    expect(() => sampleDiversity([0, 1], { pixels: 1, classes: 2, estimator })).toThrow(
      /^estimator: /,
    );
  });

  it('the U-statistic needs two maps per set', () => {
    expect(() => sampleDiversity([0, 1, 0], { ...set, estimator: 'u' })).toThrow(
      /^samples: the U-statistic needs at least 2 maps, got 1/,
    );
    expect(() =>
      generalisedEnergyDistance([0, 1, 0, 1, 1, 1], [0, 1, 0], { ...set, estimator: 'u' }),
    ).toThrow(/^annotations: the U-statistic needs at least 2 maps/);
  });

  it('non-array arguments (TypeError)', () => {
    const notArray = null as unknown as ArrayLike<number>;
    expect(() => sampleDiversity(notArray, set)).toThrow(/^samples: must be an array-like/);
    expect(() => iouDistance([0], notArray, { classes: 2 })).toThrow(/^b: must be an array-like/);
    expect(() => dice(notArray, [0], { classes: 2 })).toThrow(TypeError);
  });

  it('the first argument is named when it is not an array, even if a later one is fine', () => {
    const missing = undefined as unknown as ArrayLike<number>;
    expect(() => dice(missing, [0, 1], { classes: 2 })).toThrow(
      /^prediction: must be an array-like/,
    );
    expect(() => dice(5 as unknown as number[], [0, 1], { classes: 2 })).toThrow(
      /^prediction: must be an array-like/,
    );
    expect(() => dice([0, 1], missing, { classes: 2 })).toThrow(
      /^annotation: must be an array-like/,
    );
    expect(() => meanDice(missing, [0, 1], { classes: 2 })).toThrow(/^prediction: /);
  });

  it('options that are not an object (TypeError naming options)', () => {
    const none = undefined as unknown as { classes: number; pixels: number };
    expect(() => dice([0, 1], [0, 1], none)).toThrow(TypeError);
    expect(() => dice([0, 1], [0, 1], none)).toThrow(/^options: must be an object/);
    expect(() => meanDice([0, 1], [0, 1], none)).toThrow(/^options: /);
    expect(() => diceNonEmpty([0, 1], [0, 1], none)).toThrow(/^options: /);
    expect(() => iouDistance([0, 1], [0, 1], none)).toThrow(/^options: /);
    expect(() => pairwiseIouDistances([0, 1], [0, 1], none)).toThrow(/^options: /);
    expect(() => sampleDiversity([0, 1], none)).toThrow(/^options: /);
    expect(() => generalisedEnergyDistance([0, 1], [0, 1], none)).toThrow(/^options: /);
    expect(() => sampleDiversityReference([0, 1], none)).toThrow(/^options: /);
  });

  it('maxSamples: an integer >= 1', () => {
    expect(() => sampleDiversity([0, 1, 0], { ...set, maxSamples: 0 })).toThrow(RangeError);
    expect(() => sampleDiversity([0, 1, 0], { ...set, maxSamples: 0 })).toThrow(
      /^maxSamples: must be at least 1, got 0/,
    );
    expect(() =>
      generalisedEnergyDistance([0, 1, 0], [0, 1, 0], { ...set, maxSamples: 1.5 }),
    ).toThrow(/^maxSamples: must be an integer, got 1.5/);
    expect(() =>
      generalisedEnergyDistanceReference([0, 1, 0], [0, 1, 0], { ...set, maxSamples: -2 }),
    ).toThrow(/^maxSamples: must be at least 1/);
    expect(() =>
      sampleDiversity([0, 1, 0, 1, 1, 1], { ...set, maxSamples: 1, estimator: 'u' }),
    ).toThrow(/^samples: the U-statistic needs at least 2 maps, got 1/);
  });

  it("Dice average: 'nanmean' or 'class-mean'", () => {
    const average = 'median' as DiceAverage;
    expect(() => meanDice([0, 1], [0, 1], { classes: 2, average })).toThrow(RangeError);
    expect(() => meanDice([0, 1], [0, 1], { classes: 2, average })).toThrow(
      /^average: must be 'nanmean' or 'class-mean', got median/,
    );
  });

  it('the reference functions check their arguments with the same messages', () => {
    expect(() => iouDistanceReference([0, 1], [0, 1, 1], { classes: 2 })).toThrow(
      /^b: length 3 differs/,
    );
    expect(() => iouDistanceReference([0, 0.5], [0, 1], { classes: 2 })).toThrow(
      /^a: value 0.5 at index 1 is not an integer label/,
    );
    expect(() => sampleDiversityReference([0, 1, 0, 1], set)).toThrow(
      /^samples: length 4 is not a multiple of the map size 3/,
    );
    expect(() => generalisedEnergyDistanceReference([0, 1, 0], [0, 0, 0, 0, -1, 0], set)).toThrow(
      /^annotations: value -1 at index 4 is out of range for 2 classes/,
    );
    expect(() =>
      generalisedEnergyDistanceReference([0, 1, 0, 1, 1, 1], [0, 1, 0], { ...set, estimator: 'u' }),
    ).toThrow(/^annotations: the U-statistic needs at least 2 maps/);
    const estimator = 'w' as PairEstimator;
    expect(() => sampleDiversityReference([0, 1, 0], { ...set, estimator })).toThrow(
      /^estimator: /,
    );
  });

  it('the reference building blocks name their arguments', () => {
    const d = (a: ArrayLike<number>, b: ArrayLike<number>) => (a[0] === b[0] ? 0 : 1);
    const notMaps = undefined as unknown as number[][];
    expect(() => meanWithinDistance(notMaps, d)).toThrow(/^maps: must be an array of label maps/);
    expect(() => meanWithinDistance([], d, 'v', 'samples')).toThrow(/^samples: empty set/);
    expect(() => meanCrossDistance([[0]], notMaps, d)).toThrow(/^b: must be an array/);
    const notD = 3 as unknown as typeof d;
    expect(() => meanCrossDistance([[0]], [[1]], notD)).toThrow(/^d: must be a function/);
    expect(() => iouReference([0, 1], [0], (v) => v > 0)).toThrow(/^b: length 1 differs/);
    const none = undefined as unknown as { classes: number };
    expect(() => marginalEntropy([0.5, 0.5], none)).toThrow(/^options: must be an object/);
    expect(() => marginalEntropyFromLogits(notMaps as unknown as number[], { classes: 2 })).toThrow(
      /^logits: must be an array-like/,
    );
  });
});
