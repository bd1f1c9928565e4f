import { describe, expect, it } from 'vitest';
import { createRng, standardNormal, standardNormalInto, type Rng } from '../../src/random/rng.js';
import { ZIG_F, ZIG_X } from '../../src/random/zigguratTables.js';
import { referenceSfc32, referenceUniform } from './sfc32Reference.js';

/** erfc with fractional error < 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
/** Standard normal CDF. */
const phi = (x: number) => 0.5 * erfc(-x / Math.SQRT2);
/** P(|Z| > a). */
const twoSided = (a: number) => erfc(a / Math.SQRT2);

describe('ziggurat tables', () => {
  it('match the recurrence X[i+1] = √(−2 log(v/X[i] + f(X[i]))) from r and v', () => {
    const r = 3.6541528853610088;
    const v = 4.92867323399e-3;
    const f = (x: number) => Math.exp(-0.5 * x * x);
    expect(ZIG_X.length).toBe(257);
    expect(ZIG_F.length).toBe(257);
    expect(ZIG_X[1]).toBe(r);
    expect(ZIG_X[0]).toBeCloseTo(v / f(r), 14);
    expect(ZIG_X[256]).toBe(0);
    expect(ZIG_F[256]).toBe(1);
    for (let i = 1; i < 255; i++) {
      const next = Math.sqrt(-2 * Math.log(v / ZIG_X[i] + f(ZIG_X[i])));
      expect(Math.abs(ZIG_X[i + 1] - next)).toBeLessThan(1e-13 * next);
      expect(Math.abs(ZIG_F[i] - f(ZIG_X[i]))).toBeLessThan(1e-15);
    }
    // Every layer has area v (the top one up to the rounding of r and v).
    for (let i = 1; i < 256; i++) {
      expect(Math.abs(ZIG_X[i] * (ZIG_F[i + 1] - ZIG_F[i]) - v)).toBeLessThan(1e-10);
    }
  });
});

describe('the generator is sfc32 seeded from seedrandom alea', () => {
  it('uint32() and uniform() follow the BigInt reference written from the algorithm', () => {
    const a = createRng(17);
    const refA = referenceSfc32('17');
    for (let k = 0; k < 1000; k++) expect(a.uint32()).toBe(refA());
    const b = createRng('stream');
    const refB = referenceSfc32('stream');
    for (let k = 0; k < 1000; k++) expect(b.uniform()).toBe(referenceUniform(refB));
  });

  it('uniform() lies in [0, 1) on the 2⁻⁵³ grid and uses all 53 bits', () => {
    const rng = createRng('bits');
    const n = 20000;
    const ones = new Float64Array(53);
    for (let k = 0; k < n; k++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      const m = u * 2 ** 53;
      expect(Number.isInteger(m)).toBe(true);
      // Bit b of m, for every b from the lowest to the highest.
      for (let bit = 0; bit < 53; bit++) ones[bit] += Math.floor(m / 2 ** bit) % 2;
    }
    for (let bit = 0; bit < 53; bit++) {
      expect(Math.abs(ones[bit] / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
    }
  });

  it('the bits that pick the layer and sign, and the top bits, pass a chi-square test', () => {
    // 512 equiprobable cells of the low 9 bits (layer = bits 0–7, sign = bit 8) and of the top 9.
    const n = 512 * 1000;
    const rng = createRng('bytes');
    const low = new Float64Array(512);
    const high = new Float64Array(512);
    for (let k = 0; k < n; k++) {
      const w = rng.uint32();
      low[w & 511]++;
      high[w >>> 23]++;
    }
    const chi2 = (counts: Float64Array) => counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    // 511 degrees of freedom: the 0.1% critical value is about 615.5 (Wilson–Hilferty).
    expect(chi2(low)).toBeLessThan(615.5);
    expect(chi2(high)).toBeLessThan(615.5);
  });
});

describe('standard normal draws (ziggurat)', () => {
  it('the first values follow from the reference words by the documented bit layout', () => {
    // Independent of the implementation: layer = low 8 bits, sign = bit 8, u = upper 23 bits.
    for (const seed of ['1', 'layout']) {
      const words = referenceSfc32(seed);
      const x = standardNormal(createRng(seed), 50);
      let core = 0;
      for (let k = 0; k < 50; k++) {
        const w = words();
        const i = w & 255;
        const u = Math.floor(w / 512) / 2 ** 23;
        // Stop at the first attempt outside a layer's core: later words then feed the wedge/tail.
        if (!(u * ZIG_X[i] < ZIG_X[i + 1])) break;
        expect(x[k]).toBe((w & 256 ? -1 : 1) * u * ZIG_X[i]);
        core++;
      }
      // Both seeds begin with a run of core draws (the first non-core attempt comes later).
      expect(core).toBeGreaterThanOrEqual(6);
    }
  });

  it('any Rng (through uint32/uniform) gives the same bits as the fast path', () => {
    const inner = createRng('generic');
    const wrapped: Rng = {
      seed: 'generic',
      uniform: () => inner.uniform(),
      uint32: () => inner.uint32(),
    };
    const a = standardNormalInto(wrapped, new Float64Array(20000));
    const b = standardNormal(createRng('generic'), 20000);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    // The state carries over between calls exactly as one long call.
    const r = createRng('generic');
    const c = new Float64Array(20000);
    standardNormalInto(r, c.subarray(0, 7777));
    standardNormalInto(r, c.subarray(7777));
    expect(Buffer.from(c.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('passes a Kolmogorov–Smirnov test against the normal CDF (1e5 draws)', () => {
    const n = 100000;
    const x = standardNormal(createRng('ks'), n).sort();
    let d = 0;
    for (let k = 0; k < n; k++) {
      const p = phi(x[k]);
      d = Math.max(d, (k + 1) / n - p, p - k / n);
    }
    // Critical value at the 0.1% level: 1.95 / √n.
    expect(d).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('has Gaussian moments and tails, including beyond r where the tail sampler runs', () => {
    const n = 1000000;
    const x = standardNormal(createRng('tails'), n);
    let m = 0;
    let v = 0;
    let m4 = 0;
    const thresholds = [1, 2, 3, 3.5, 4];
    const beyond = thresholds.map(() => 0);
    let tailSum = 0;
    for (const z of x) {
      m += z;
      v += z * z;
      m4 += z * z * z * z;
      const a = Math.abs(z);
      for (let j = 0; j < thresholds.length; j++) if (a > thresholds[j]) beyond[j]++;
      if (a > 3.5) tailSum += a;
    }
    expect(Math.abs(m / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    thresholds.forEach((t, j) => {
      const p = twoSided(t);
      expect(Math.abs(beyond[j] / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    });
    // E[|Z| | |Z| > 3.5] = φ(3.5) / Q(3.5) ≈ 3.77; conditional sd ≈ 0.25, about 465 draws.
    const j35 = thresholds.indexOf(3.5);
    const q = twoSided(3.5) / 2;
    const condMean = Math.exp(-0.5 * 3.5 * 3.5) / Math.sqrt(2 * Math.PI) / q;
    expect(Math.abs(tailSum / beyond[j35] - condMean)).toBeLessThan(5 * (0.25 / Math.sqrt(465)));
    // Symmetry: as many negative as positive draws.
    let neg = 0;
    for (const z of x) if (z < 0) neg++;
    expect(Math.abs(neg / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });

  it('chi-square over 64 equiprobable-ish bins in each layer region is within bounds', () => {
    // Bins of width 0.125 on [−4, 4] plus the two tails; catches a wrong layer or wedge.
    const n = 400000;
    const x = standardNormal(createRng('chi2'), n);
    const edges = [-Infinity];
    for (let k = -32; k <= 32; k++) edges.push(k / 8);
    edges.push(Infinity);
    const bins = edges.length - 1;
    const counts = new Float64Array(bins);
    for (const z of x) {
      const k = z < -4 ? 0 : z >= 4 ? bins - 1 : 1 + Math.floor((z + 4) * 8);
      counts[k]++;
    }
    let chi2 = 0;
    for (let k = 0; k < bins; k++) {
      const e = n * (phi(edges[k + 1]) - phi(edges[k]));
      chi2 += (counts[k] - e) ** 2 / e;
    }
    // 65 degrees of freedom: the 0.1% critical value is about 107.
    expect(chi2).toBeLessThan(107);
  });
});
