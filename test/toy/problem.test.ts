import { describe, expect, it } from 'vitest';
import {
  fullModelOptimum,
  independentPixelOptimum,
  TOY_OPTIMUM,
  toyTargets,
} from '../../src/toy/problem.js';
import { expectClose } from '../helpers/close.js';

describe('toy problem', () => {
  it('has the two targets of section 5.1', () => {
    const [t0, t1] = toyTargets();
    expect(Array.from(t0).join('')).toBe('111111100000000000000');
    expect(Array.from(t1).join('')).toBe('111111111111110000000');
  });

  it("the diagonal model's optimum is 7 ln ½ in closed form", () => {
    expectClose(independentPixelOptimum(toyTargets()), 7 * Math.log(0.5), { rtol: 1e-14 });
    expectClose(TOY_OPTIMUM.diagonal, -4.852030263919617, { rtol: 1e-14 });
  });

  it('no independent-pixel model beats the closed form (grid search on q)', () => {
    // Middle pixels: average log-likelihood ½ [log q + log(1 − q)] per pixel, outer pixels
    // deterministic (q = 1 or 0) give 0. The best q on a fine grid approaches 7 ln ½ from below.
    let best = -Infinity;
    for (let k = 1; k < 1000; k++) {
      const q = k / 1000;
      best = Math.max(best, 7 * 0.5 * (Math.log(q) + Math.log(1 - q)));
    }
    expect(best).toBeLessThanOrEqual(independentPixelOptimum(toyTargets()) + 1e-12);
    expectClose(best, 7 * Math.log(0.5), { rtol: 1e-12 });
  });

  it('the closed form for other target sets', () => {
    // One target: every pixel deterministic, optimum 0. Three targets on one pixel (1, 1, 0):
    // q = 2/3, (2/3) log(2/3) + (1/3) log(1/3).
    expect(independentPixelOptimum([[1, 0, 1]])).toBe(0);
    expectClose(
      independentPixelOptimum([[1], [1], [0]]),
      (2 / 3) * Math.log(2 / 3) + (1 / 3) * Math.log(1 / 3),
      { rtol: 1e-14 },
    );
  });

  it('the representable optimum is ln ½', () => {
    expectClose(fullModelOptimum(toyTargets()), Math.log(0.5), { rtol: 1e-15 });
    expectClose(TOY_OPTIMUM.lowrank, -0.6931471805599453, { rtol: 1e-15 });
  });

  it('rejects bad targets by name', () => {
    expect(() => independentPixelOptimum([])).toThrow(/^targets:/);
    expect(() => independentPixelOptimum([[0, 1], [1]])).toThrow(/^targets: map 1 has 1 pixels/);
    expect(() => independentPixelOptimum([[0, 2]])).toThrow(/^targets: map 0 has label 2/);
    expect(() =>
      fullModelOptimum([
        [0, 1],
        [0, 1],
      ]),
    ).toThrow(/^targets: must be distinct/);
  });
});
