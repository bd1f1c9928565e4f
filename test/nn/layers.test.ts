import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { relu, reluVjp } from '../../src/nn/relu.js';
import { maxPool2, maxPool2Vjp } from '../../src/nn/maxPool2.js';
import { upsample2, upsample2Vjp } from '../../src/nn/upsample2.js';
import { concatChannels, concatChannelsVjp } from '../../src/nn/concatChannels.js';
import { createFeatureMap } from '../../src/nn/featureMap.js';
import type { FeatureMap } from '../../src/nn/featureMap.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { dot, randomMap, shifted } from './helpers.js';
import { fcParams } from '../helpers/fc.js';
import { isClose } from '../helpers/close.js';

const fm = (c: number, h: number, w: number, ...v: number[]) =>
  createFeatureMap(c, h, w, Float64Array.from(v));

const mapCase = fc.record({
  C: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 4 }),
  w: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 1_000_000 }),
});

/** Central-difference check of ⟨u, J v⟩ against ⟨vjp(u), v⟩ at x (ε = 1e-6). */
function checkVjp(
  f: (x: FeatureMap) => FeatureMap,
  vjp: (u: FeatureMap) => FeatureMap,
  x: FeatureMap,
  seed: string,
) {
  const eps = 1e-6;
  const y = f(x);
  const u = randomMap(`${seed}/u`, y.channels, y.height, y.width);
  const v = standardNormal(createRng(`${seed}/v`), x.data.length);
  const fd =
    (dot(f(shifted(x, v, eps)).data, u.data) - dot(f(shifted(x, v, -eps)).data, u.data)) /
    (2 * eps);
  const got = dot(vjp(u).data, v);
  expect(isClose(got, fd, 1e-6, 1e-8 * (1 + Math.abs(dot(y.data, u.data))))).toBe(true);
}

describe('relu', () => {
  it('clamps negatives to 0 and keeps NaN', () => {
    expect(Array.from(relu(fm(1, 1, 4, -1, 0, 2.5, NaN)).data)).toEqual([0, 0, 2.5, NaN]);
  });
  it('VJP passes the gradient where x > 0 only', () => {
    expect(Array.from(reluVjp(fm(1, 1, 3, -1, 0, 2), fm(1, 1, 3, 5, 6, 7)).data)).toEqual([
      0, 0, 7,
    ]);
  });
  it('VJP matches finite differences away from the kink (|x| ≥ 0.05)', () => {
    fc.assert(
      fc.property(mapCase, ({ C, h, w, seed }) => {
        const x = randomMap(`${seed}/x`, C, h, w);
        const data = x.data.map((v) => (Math.abs(v) < 0.05 ? v + 0.1 * Math.sign(v || 1) : v));
        const xs = { ...x, data };
        checkVjp(relu, (u) => reluVjp(xs, u), xs, String(seed));
      }),
      fcParams(50),
    );
  });
});

describe('maxPool2', () => {
  it('takes the max of each 2×2 window', () => {
    // 1×2×4: windows [1,5;2,6] and [3,-1;0,4]
    expect(Array.from(maxPool2(fm(1, 2, 4, 1, 5, 3, -1, 2, 6, 0, 4)).data)).toEqual([6, 4]);
  });
  it('VJP routes each cotangent to its window arg-max (first on ties)', () => {
    const x = fm(1, 2, 4, 1, 5, 3, 3, 2, 6, 0, 3);
    expect(Array.from(maxPool2Vjp(x, fm(1, 1, 2, 10, 20)).data)).toEqual([
      0, 0, 20, 0, 0, 10, 0, 0,
    ]);
  });
  it('VJP matches finite differences (continuous random values: no ties)', () => {
    fc.assert(
      fc.property(mapCase, ({ C, h, w, seed }) => {
        const x = randomMap(`${seed}/x`, C, 2 * h, 2 * w);
        checkVjp(maxPool2, (u) => maxPool2Vjp(x, u), x, String(seed));
      }),
      fcParams(50),
    );
  });
  it('rejects odd sizes', () => {
    expect(() => maxPool2(createFeatureMap(1, 3, 2))).toThrow(/^x: height and width must be even/);
  });
});

describe('upsample2', () => {
  it('copies each value into a 2×2 block', () => {
    expect(Array.from(upsample2(fm(1, 1, 2, 1, 2)).data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2]);
  });
  it('VJP is the adjoint: ⟨upsample(x), u⟩ = ⟨x, vjp(u)⟩, and matches finite differences', () => {
    fc.assert(
      fc.property(mapCase, ({ C, h, w, seed }) => {
        const x = randomMap(`${seed}/x`, C, h, w);
        const u = randomMap(`${seed}/u2`, C, 2 * h, 2 * w);
        expect(
          isClose(dot(x.data, upsample2Vjp(u).data), dot(upsample2(x).data, u.data), 1e-12, 1e-12),
        ).toBe(true);
        checkVjp(upsample2, upsample2Vjp, x, String(seed));
      }),
      fcParams(50),
    );
  });
});

describe('concatChannels', () => {
  it('stacks a then b along channels', () => {
    const y = concatChannels(fm(1, 1, 2, 1, 2), fm(2, 1, 2, 3, 4, 5, 6));
    expect(y.channels).toBe(3);
    expect(Array.from(y.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('VJP splits the cotangent (adjoint identity)', () => {
    fc.assert(
      fc.property(mapCase, fc.integer({ min: 1, max: 3 }), ({ C, h, w, seed }, Cb) => {
        const a = randomMap(`${seed}/a`, C, h, w);
        const b = randomMap(`${seed}/b`, Cb, h, w);
        const u = randomMap(`${seed}/u`, C + Cb, h, w);
        const { gradA, gradB } = concatChannelsVjp(C, u);
        const lhs = dot(concatChannels(a, b).data, u.data);
        expect(isClose(dot(a.data, gradA.data) + dot(b.data, gradB.data), lhs, 1e-12, 1e-12)).toBe(
          true,
        );
        expect([gradA.channels, gradB.channels]).toEqual([C, Cb]);
      }),
      fcParams(50),
    );
  });
  it('rejects mismatched spatial sizes and a bad split', () => {
    expect(() => concatChannels(createFeatureMap(1, 2, 2), createFeatureMap(1, 2, 3))).toThrow(
      /^b: spatial size/,
    );
    expect(() => concatChannelsVjp(3, createFeatureMap(3, 1, 1))).toThrow(/^aChannels: /);
  });
});
