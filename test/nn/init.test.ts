import { describe, it, expect } from 'vitest';
import { heInitConv } from '../../src/nn/init.js';
import { createRng } from '../../src/random/rng.js';

describe('heInitConv', () => {
  it('is deterministic in the seed and has zero bias', () => {
    const a = heInitConv(createRng(7), 4, 3, 3);
    const b = heInitConv(createRng(7), 4, 3, 3);
    const c = heInitConv(createRng(8), 4, 3, 3);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.weight.data)).not.toEqual(Array.from(c.weight.data));
    expect(Array.from(a.bias)).toEqual([0, 0, 0, 0]);
    expect([a.weight.outChannels, a.weight.inChannels, a.weight.kernelSize]).toEqual([4, 3, 3]);
  });

  it('has mean ≈ 0 and variance ≈ 2/fanIn (n = 9216 draws; 5 standard errors)', () => {
    const { weight } = heInitConv(createRng(1), 64, 16, 3);
    const n = weight.data.length;
    const target = 2 / (16 * 9);
    let s = 0;
    let s2 = 0;
    for (const v of weight.data) {
      s += v;
      s2 += v * v;
    }
    // For a normal, se(mean) = σ/√n and se(Σx²/n) = σ²·√(2/n).
    expect(Math.abs(s / n)).toBeLessThan(5 * Math.sqrt(target / n));
    expect(Math.abs(s2 / n - target)).toBeLessThan(5 * target * Math.sqrt(2 / n));
  });

  it('rejects an even kernel size', () => {
    expect(() => heInitConv(createRng(0), 2, 2, 2)).toThrow(/kernelSize must be odd/);
  });
});
