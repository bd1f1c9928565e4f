import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, splitRng, standardNormal, uniformInt } from '../../src/random/rng.js';
import { referenceSfc32, referenceUniform } from './sfc32Reference.js';

describe('seeded randomness', () => {
  it('the same seed gives the same bits; another seed, others', () => {
    const a = standardNormal(createRng(42), 100);
    const b = standardNormal(createRng(42), 100);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(standardNormal(createRng(43), 100)).not.toEqual(a);
  });

  it('pins the first values of seed 1, so a change of generator cannot pass unnoticed', () => {
    // sfc32 seeded from seedrandom 3.0.5's alea("1"), recorded once from the BigInt reference
    // (sfc32Reference.ts), not from the library, and kept like stdlib's fixtures.
    expect(referenceUniform(referenceSfc32('1'))).toBe(0.31966814580028946);
    expect(createRng(1).uniform()).toBe(0.31966814580028946);
  });

  it('split streams are reproducible, distinct and uncorrelated', () => {
    const [s0, s1] = splitRng(7, 2);
    const [t0] = splitRng(createRng(7), 2);
    const x = standardNormal(s0, 20000);
    expect(Array.from(standardNormal(t0, 5))).toEqual(Array.from(x.subarray(0, 5)));
    const y = standardNormal(s1, 20000);
    let xy = 0;
    for (let i = 0; i < x.length; i++) xy += x[i] * y[i];
    expect(Math.abs(xy / x.length)).toBeLessThan(5 / Math.sqrt(x.length));
  });

  it('the first draws of many split streams are uniform and uncorrelated across streams', () => {
    // Neighbouring seeds ('s/0', 's/1', …) must not give related starting states.
    const m = 4000;
    const first = splitRng('split', m).map((r) => r.uniform());
    const counts = new Float64Array(20);
    for (const u of first) counts[Math.floor(u * 20)]++;
    const e = m / 20;
    const chi2 = counts.reduce((acc, c) => acc + (c - e) ** 2 / e, 0);
    // 19 degrees of freedom: the 0.1% critical value is about 43.8.
    expect(chi2).toBeLessThan(43.8);
    let lag = 0;
    for (let i = 1; i < m; i++) lag += (first[i] - 0.5) * (first[i - 1] - 0.5);
    // Each term has variance 1/144; 5 standard errors.
    expect(Math.abs(lag / (m - 1))).toBeLessThan((5 * (1 / 12)) / Math.sqrt(m - 1));
  });

  it('normal draws have mean 0, variance 1 and Gaussian tails within sampling error', () => {
    const n = 200000;
    const x = standardNormal(createRng('moments'), n);
    let m = 0,
      v = 0,
      beyond2 = 0;
    for (const z of x) {
      m += z;
      v += z * z;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(Math.abs(m / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    const p = 0.0455; // P(|Z| > 2)
    expect(Math.abs(beyond2 / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });

  it('every accepted seed gives the reference sfc32 seeded from String(seed), bit for bit', () => {
    // The oracle is the BigInt sfc32 written from the published algorithm, seeded through
    // seedrandom's alea(String(seed)) as documented.
    const seed = fc.oneof(fc.maxSafeNat(), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(seed, (s) => {
        const ours = createRng(s);
        const theirs = referenceSfc32(String(s));
        for (let i = 0; i < 4; i++) expect(ours.uniform()).toBe(referenceUniform(theirs));
        for (let i = 0; i < 4; i++) expect(ours.uint32()).toBe(theirs());
      }),
      { seed: 13, numRuns: 200 },
    );
  });

  it('an integer seed and its decimal string give the same stream', () => {
    for (const n of [0, 7, Number.MAX_SAFE_INTEGER]) {
      const a = createRng(n);
      const b = createRng(String(n));
      expect(Array.from(standardNormal(a, 5))).toEqual(Array.from(standardNormal(b, 5)));
    }
  });

  it('accepts a non-negative safe integer or a string, and nothing else', () => {
    const wrongKind: unknown[] = [undefined, null, {}, { seed: 1 }, [1, 2], [], 1n, true];
    for (const seed of wrongKind) {
      expect(() => createRng(seed as number)).toThrow(TypeError);
      expect(() => createRng(seed as number)).toThrow(
        /^seed: must be a non-negative safe integer or a string, got /,
      );
    }
    expect(() => createRng([1, 2] as unknown as number)).toThrow(/got an array$/);
    expect(() => createRng(null as unknown as number)).toThrow(/got null$/);
    const wrongValue = [NaN, Infinity, -Infinity, 1.5, -1, 2 ** 53, 1e300];
    for (const seed of wrongValue) {
      expect(() => createRng(seed)).toThrow(RangeError);
      expect(() => createRng(seed)).toThrow(
        `seed: must be a non-negative safe integer or a string, got ${seed}`,
      );
    }
    expect(createRng(-0).uniform()).toBe(createRng(0).uniform());
    expect(() => splitRng(1.5, 2)).toThrow(/^seed: must be a non-negative safe integer/);
    expect(() => splitRng(undefined as unknown as number, 2)).toThrow(TypeError);
  });

  it('rejects bad arguments by name', () => {
    expect(() => splitRng(1, 0)).toThrow(/^count: must be at least 1/);
    expect(() => standardNormal(createRng(1), -1)).toThrow(/^n: must be at least 0/);
    expect(() => uniformInt(createRng(1), 0)).toThrow(/^n: must be at least 1/);
  });
});
