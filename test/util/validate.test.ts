import { describe, expect, it } from 'vitest';
import { crossEntropyLoss } from '../../src/index.js';
import { dice } from '../../src/metrics/dice.js';
import {
  checkArrayLike,
  checkBinary,
  checkFinite,
  checkInteger,
  checkLabels,
  checkLength,
  checkNumber,
  checkOneOf,
} from '../../src/util/validate.js';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('the validation vocabulary: TypeError for the kind, RangeError for the value', () => {
  it('names the argument first, in every check', () => {
    const cases: [() => unknown, ErrorConstructor, string][] = [
      [() => checkInteger('n', 1.5, 1), TypeError, 'n: must be an integer, got 1.5'],
      [() => checkInteger('n', NaN, 1), TypeError, 'n: must be an integer, got NaN'],
      [
        () => checkInteger('n', '3' as never, 1),
        TypeError,
        'n: must be an integer, got 3 (a string)',
      ],
      [() => checkInteger('n', 0, 1), RangeError, 'n: must be at least 1, got 0'],
      [
        () => checkNumber('lr', 'x' as never, 0, true),
        TypeError,
        'lr: must be a number, got x (a string)',
      ],
      [() => checkNumber('lr', 0, 0, true), RangeError, 'lr: must be a finite number > 0, got 0'],
      [() => checkNumber('t', Infinity), RangeError, 't: must be a finite number, got Infinity'],
      [() => checkOneOf('kind', 3, ['a', 'b']), TypeError, "kind: must be 'a' or 'b', got 3"],
      [
        () => checkOneOf('kind', 'c', ['a', 'b']),
        RangeError,
        "kind: must be 'a' or 'b', got \"c\"",
      ],
      [
        () => checkArrayLike('x', null as never),
        TypeError,
        'x: must be an array-like of numbers (Array, Float64Array, ...)',
      ],
      [
        () => checkLength('x', 5 as never, 1, 'one'),
        TypeError,
        'x: must be an array-like of numbers (Array, Float64Array, ...)',
      ],
      [
        () => checkLength('x', [1, 2], 1, 'one entry'),
        RangeError,
        'x: length 2 does not match one entry (expected 1)',
      ],
      [() => checkFinite('x', [0, NaN]), RangeError, 'x: entry 1 is NaN, expected a finite number'],
      [
        () => checkFinite('x', [0, 'y' as never]),
        TypeError,
        'x: entry 1 is y (a string), expected a finite number',
      ],
      [() => checkBinary('mask', [0, 0.5]), RangeError, 'mask: entry 1 is 0.5, expected 0 or 1'],
      [
        () => checkLabels('labels', [0, 0.5], 2),
        TypeError,
        'labels: value 0.5 at index 1 is not an integer label',
      ],
      [
        () => checkLabels('labels', [0, 2], 2),
        RangeError,
        'labels: value 2 at index 1 is out of range for 2 classes (expected an integer in [0, 1])',
      ],
    ];
    for (const [fn, cls, message] of cases) {
      const err = thrown(fn);
      expect(err).toBeInstanceOf(cls);
      expect(err.message).toBe(message);
    }
  });

  it('a label of 0.5 is the same TypeError in the loss and in the metrics', () => {
    const loss = thrown(() =>
      crossEntropyLoss([0, 0, 0, 0], [0, 0.5], { likelihood: 'categorical', classes: 2 }),
    );
    const metric = thrown(() => dice([0, 1], [0, 0.5], { classes: 2 }));
    expect(loss).toBeInstanceOf(TypeError);
    expect(metric).toBeInstanceOf(TypeError);
    expect(loss.message).toMatch(/^labels: value 0.5 at index 1 is not an integer label$/);
    expect(metric.message).toMatch(/ value 0.5 at index 1 is not an integer label$/);
  });
});
