import { describe, it, expect } from 'vitest';
import { createAdam } from '../../src/nn/adam.js';

describe('createAdam', () => {
  it('first two steps match a hand computation (PyTorch semantics)', () => {
    const theta = Float64Array.of(1, -2);
    const opt = createAdam([theta], { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    opt.step([Float64Array.of(2, -0.5)]);
    // t = 1: m̂ = g, v̂ = g², so θ ← θ − lr·g/(|g| + ε)
    expect(theta[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-8), 14);
    expect(theta[1]).toBeCloseTo(-2 + (0.1 * 0.5) / (0.5 + 1e-8), 14);
    opt.step([Float64Array.of(1, -0.5)]);
    // t = 2, first coordinate: m = 0.9·0.2 + 0.1·1 = 0.28, v = 0.999·0.004 + 0.001·1 = 0.004996
    const mHat = 0.28 / (1 - 0.81);
    const vHat = 0.004996 / (1 - 0.999 ** 2);
    const after1 = 1 - (0.1 * 2) / (2 + 1e-8);
    expect(theta[0]).toBeCloseTo(after1 - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8), 12);
    expect(opt.stepCount).toBe(2);
    expect(opt.params[0]).toBe(theta);
  });

  it('adds weightDecay·θ to the gradient (L2, not AdamW)', () => {
    const theta = Float64Array.of(3);
    createAdam([theta], { lr: 0.01, weightDecay: 0.5 }).step([Float64Array.of(-1)]);
    // g' = −1 + 0.5·3 = 0.5 > 0, so the first step moves down by ≈ lr
    expect(theta[0]).toBeCloseTo(3 - (0.01 * 0.5) / (0.5 + 1e-8), 12);
  });

  it('converges on an ill-conditioned quadratic ½ Σ a_i (θ_i − c_i)²', () => {
    const a = [1, 10, 100];
    const c = [0.5, -1, 2];
    const theta = new Float64Array(3);
    const bias = Float64Array.of(0.3);
    const opt = createAdam([theta, bias], { lr: 0.05 });
    for (let t = 0; t < 3000; t++) {
      opt.step([theta.map((v, i) => a[i] * (v - c[i])), Float64Array.of(2 * (bias[0] + 1))]);
    }
    for (let i = 0; i < 3; i++) expect(Math.abs(theta[i] - c[i])).toBeLessThan(1e-3);
    expect(Math.abs(bias[0] + 1)).toBeLessThan(1e-3);
  });

  it('rejects bad hyper-parameters and gradients by name', () => {
    expect(() => createAdam([], { lr: 0 })).toThrow(/^lr: /);
    expect(() => createAdam([], { beta1: 1 })).toThrow(/^beta1: /);
    const opt = createAdam([new Float64Array(2)]);
    expect(() => opt.step([new Float64Array(3)])).toThrow(/^grads: entry 0 must be/);
    expect(() => opt.step([Float64Array.of(0, NaN)])).toThrow(
      /^grads: entry 0 has non-finite value NaN at index 1/,
    );
    expect(() => opt.step([])).toThrow(/^grads: expected 1/);
  });
});
