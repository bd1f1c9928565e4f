import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossEntropyLoss } from '../../src/loss/crossEntropy.js';
import { createRng } from '../../src/random/rng.js';
import { expectClose } from '../helpers/close.js';

describe('crossEntropyLoss', () => {
  it('its gradient matches central finite differences in both likelihoods and layouts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.constantFrom('categorical', 'bernoulli'),
        fc.constantFrom('class-major', 'pixel-major'),
        fc.boolean(),
        (seed, likelihood, layout, masked) => {
          const rng = createRng(seed);
          const C = likelihood === 'bernoulli' ? 2 : 3;
          const S = 5;
          const n = likelihood === 'bernoulli' ? S : C * S;
          const logits = Float64Array.from({ length: n }, () => 6 * rng.uniform() - 3);
          const labels = Array.from({ length: S }, () => Math.floor(C * rng.uniform()));
          const options = {
            likelihood,
            classes: C,
            layout,
            mask: masked ? [1, 1, 0, 1, 0] : undefined,
          };
          const { gradLogits } = crossEntropyLoss(logits, labels, options);
          const h = 1e-6;
          for (let i = 0; i < n; i++) {
            const up = logits.slice();
            up[i] += h;
            const dn = logits.slice();
            dn[i] -= h;
            const fd =
              (crossEntropyLoss(up, labels, options).loss -
                crossEntropyLoss(dn, labels, options).loss) /
              (2 * h);
            expectClose(gradLogits[i], fd, { rtol: 1e-6, atol: 1e-9 });
          }
        },
      ),
      { seed: 17, numRuns: 40 },
    );
  });

  it('a bernoulli pixel with logit 0 costs log 2 and is finite at ±1e4', () => {
    expectClose(crossEntropyLoss([0], [1], { likelihood: 'bernoulli' }).loss, Math.log(2), {
      rtol: 1e-15,
      atol: 0,
    });
    expectClose(crossEntropyLoss([1e4, -1e4], [0, 1], { likelihood: 'bernoulli' }).loss, 2e4, {
      rtol: 1e-12,
      atol: 0,
    });
    expectClose(crossEntropyLoss([1e4, -1e4], [1, 0], { likelihood: 'bernoulli' }).loss, 0, {
      rtol: 0,
      atol: 1e-300,
    });
  });

  it('rejects non-finite logits by name', () => {
    expect(() =>
      crossEntropyLoss([0, NaN], [0], { likelihood: 'categorical', classes: 2 }),
    ).toThrow(/^logits: entry 1 is NaN/);
  });
});
