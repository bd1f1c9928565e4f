/**
 * The all-pairs count matrix (src/metrics/kernels/pairCountMatrix.ts) against counts taken pixel
 * by pixel from the labels, on maps that agree on most pixels (a consensus map, each map's pixel
 * redrawn with probability p), so that the split between minority lists and dense bitsets is
 * exercised at every sparse limit t; its pieces (`compress`, `andPopcountFour`); and the paths
 * that reach it through GED² and the sample diversity, equal to the reference bit for bit. Also
 * the packer's branch-free chunks (labelMapBitsets.ts `packPlainWords`), which only maps of more
 * than 256 words reach.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { labelMapBitsets } from '../../src/metrics/kernels/labelMapBitsets.js';
import {
  compress,
  compressMasks,
  defaultSparseLimit,
  pairCountMatrix,
} from '../../src/metrics/kernels/pairCountMatrix.js';
import { andPopcountFour } from '../../src/metrics/kernels/popcount.js';
import { expectGedEqualsReference } from './naive.js';

/** A uniform generator in [0, 1) from a 32-bit seed (a linear congruence; tests only). */
function uniform(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return (x >>> 8) / 2 ** 24;
  };
}

/**
 * K maps of S labels in [0, C): one consensus map (background-heavy, with a foreground disc
 * when S allows), each map's pixel redrawn uniformly with probability p.
 */
function consensusMaps(K: number, S: number, C: number, p: number, seed: number): Int32Array {
  const rand = uniform(seed);
  const side = Math.max(1, Math.floor(Math.sqrt(S)));
  const consensus = Array.from({ length: S }, (_, s) => {
    const i = Math.floor(s / side) - side / 2;
    const j = (s % side) - side / 2;
    return i * i + j * j < (side * side) / 9 ? 1 + (s % (C - 1)) : rand() < 0.1 ? C - 1 : 0;
  });
  const maps = new Int32Array(K * S);
  for (let k = 0; k < K; k++) {
    for (let s = 0; s < S; s++) {
      maps[k * S + s] = rand() < p ? Math.floor(rand() * C) : consensus[s];
    }
  }
  return maps;
}

/** |M_iq ∩ M_jq| pixel by pixel, for maps i < j of `maps` (K·S labels), channel q. */
function naiveCount(
  maps: Int32Array,
  S: number,
  i: number,
  j: number,
  q: number,
  Q: number,
): number {
  const inChannel = (v: number): boolean => (Q === 1 ? v > 0 : v === q + 1);
  let count = 0;
  for (let s = 0; s < S; s++) {
    if (inChannel(maps[i * S + s]) && inChannel(maps[j * S + s])) count++;
  }
  return count;
}

/** Set bits of a 32-bit word, one bit at a time. */
function bitCount(word: number): number {
  let n = 0;
  for (let b = 0; b < 32; b++) n += (word >>> b) & 1;
  return n;
}

const word = fc.oneof(
  fc.constant(0),
  fc.constant(0xffffffff),
  fc.constant(0x80000000),
  fc.integer({ min: 0, max: 31 }).map((b) => 2 ** b),
  fc.integer({ min: 0, max: 0xffffffff }),
);

describe('compress (pairCountMatrix.ts) = the bits under the mask, gathered in order', () => {
  it('for any word and mask, masks of no, one and all bits included', () => {
    fc.assert(
      fc.property(word, word, (x, m) => {
        let expected = 0;
        let at = 0;
        for (let b = 0; b < 32; b++) {
          if ((m >>> b) & 1) expected += ((x >>> b) & 1) * 2 ** at++;
        }
        expect(compress(x & m, compressMasks(m)) >>> 0).toBe(expected);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe('andPopcountFour (popcount.ts) = four plain per-word sums', () => {
  it('for every range [lo, hi), lengths 0 to 44, the four second bitsets at any offsets', () => {
    const arrays = fc.integer({ min: 0, max: 44 }).chain((n) =>
      fc.record({
        a: fc.array(word, { minLength: n, maxLength: n }),
        b: fc.array(fc.array(word, { minLength: n, maxLength: n }), {
          minLength: 4,
          maxLength: 4,
        }),
        lo: fc.integer({ min: 0, max: n }),
        hi: fc.integer({ min: 0, max: n }),
        gaps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(arrays, ({ a, b, lo, hi, gaps }) => {
        // The four second bitsets end to end in one array, each after gaps[k] filler words.
        const flat: number[] = [];
        const offsets = b.map((words, k) => {
          flat.push(...new Array<number>(gaps[k]).fill(0x5a5a5a5a));
          flat.push(...words);
          return flat.length - words.length;
        });
        const out = new Int32Array(6).fill(-1);
        const [o0, o1, o2, o3] = offsets;
        andPopcountFour(
          Uint32Array.from(a),
          0,
          Uint32Array.from(flat),
          o0,
          o1,
          o2,
          o3,
          lo,
          hi,
          out,
          1,
        );
        const expected = b.map((words) => {
          let sum = 0;
          for (let w = lo; w < hi; w++) sum += bitCount(a[w] & words[w]);
          return sum;
        });
        expect([...out]).toEqual([-1, ...expected, -1]);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

/** Sets to count: one or two runs, each a prefix of its set, of maps agreeing up to noise p. */
const countCases = fc
  .record({
    C: fc.constantFrom(2, 3, 4),
    convention: fc.constantFrom('ssn' as const, 'lidc' as const),
    // Up to 69 words: past the 64 where the estimate samples every seventh word.
    S: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1024, 1025, 2200)),
    K1: fc.integer({ min: 1, max: 30 }),
    K2: fc.integer({ min: 0, max: 12 }),
    p: fc.constantFrom(0, 0.02, 0.1, 0.5, 1),
    seed: fc.integer(),
    tChoice: fc.constantFrom('0', '1', 'default', 'half', 'all'),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      used1: fc.integer({ min: 1, max: d.K1 }),
    }),
  );

describe('pairCountMatrix = the per-pixel counts of every pair, at any sparse limit', () => {
  it('on one or two runs of maps that agree up to noise, every channel and convention', () => {
    fc.assert(
      fc.property(countCases, ({ d, used1 }) => {
        const { C, convention, S, K1, K2, p, seed, tChoice } = d;
        const first = consensusMaps(K1, S, C, p, seed);
        const second = consensusMaps(K2, S, C, p, seed + 1);
        const options = { pixels: S, classes: C, convention };
        const a = labelMapBitsets('a', first, options);
        const runs = [{ set: a, count: used1 }];
        if (K2 > 0) runs.push({ set: labelMapBitsets('b', second, options), count: K2 });
        const n = used1 + K2;
        fc.pre(n >= 2);
        const t = {
          '0': 0,
          '1': 1,
          default: defaultSparseLimit(n),
          half: n >> 1,
          all: n,
        }[tChoice];
        const counts = pairCountMatrix(runs, t, true);
        expect(counts).not.toBeNull();
        const Q = a.channels;
        expect([counts!.maps, counts!.channels]).toEqual([n, Q]);
        // Map i of the runs: the first used1 maps of `first`, then those of `second`.
        const all = new Int32Array(n * S);
        all.set(first.subarray(0, used1 * S));
        all.set(second, used1 * S);
        for (let q = 0; q < Q; q++) {
          for (let i = 0; i < n; i++) {
            for (let j = i + 1; j < n; j++) {
              expect(counts!.inter[(q * n + i) * n + j]).toBe(naiveCount(all, S, i, j, q, Q));
            }
          }
        }
      }),
      { seed: 42, numRuns: 120 },
    );
  });

  it('counts right past 64 and 128 maps (bit planes 6 and 7 of the column counts)', () => {
    for (const [n, p] of [
      [65, 0.05],
      [130, 0.3],
      [130, 0],
    ] as const) {
      const S = 70; // three words, the last partial
      const maps = consensusMaps(n, S, 2, p, n);
      const set = labelMapBitsets('a', maps, { pixels: S, classes: 2 });
      for (const t of [0, defaultSparseLimit(n), n >> 1]) {
        const counts = pairCountMatrix([{ set, count: n }], t, true);
        for (let i = 0; i < n; i++) {
          for (let j = i + 1; j < n; j++) {
            expect(counts!.inter[i * n + j]).toBe(naiveCount(maps, S, i, j, 0, 1));
          }
        }
      }
    }
  });

  it('declines a single map, and (unless asked) sets below 16 maps', () => {
    const options = { pixels: 64, classes: 2 };
    const one = labelMapBitsets('a', consensusMaps(1, 64, 2, 0.1, 1), options);
    expect(pairCountMatrix([{ set: one, count: 1 }], undefined, true)).toBeNull();
    const few = labelMapBitsets('a', consensusMaps(15, 64, 2, 0.1, 1), options);
    expect(pairCountMatrix([{ set: few, count: 15 }])).toBeNull();
    expect(pairCountMatrix([{ set: few, count: 15 }], undefined, true)).not.toBeNull();
  });
});

describe('GED² and the diversity through the count matrix equal the reference bit for bit', () => {
  /** Speckled discs: 60 samples and 4 annotations of 48², 3 % of each map's pixels redrawn. */
  const S = 48 * 48;
  const samples = consensusMaps(60, S, 2, 0.03, 7);
  const annotations = consensusMaps(4, S, 2, 0.03, 8);

  it('takes the matrix on speckled maps (so the comparison below tests it)', () => {
    const options = { pixels: S, classes: 2 };
    const runs = [
      { set: labelMapBitsets('s', samples, options), count: 60 },
      { set: labelMapBitsets('y', annotations, options), count: 4 },
    ];
    expect(pairCountMatrix(runs)).not.toBeNull();
    expect(pairCountMatrix(runs.slice(0, 1))).not.toBeNull();
  });

  it('for both estimators, maxSamples below and above the count', () => {
    for (const estimator of ['v', 'u'] as const) {
      for (const maxSamples of [undefined, 50, 16, 100]) {
        expectGedEqualsReference(samples, annotations, {
          pixels: S,
          classes: 2,
          estimator,
          maxSamples,
        });
      }
    }
  });

  it('on random sets of 13 to 100 maps at any noise, either path', () => {
    const sets = fc.record({
      C: fc.constantFrom(2, 3),
      convention: fc.constantFrom('ssn' as const, 'lidc' as const),
      S: fc.constantFrom(100, 1024, 2100),
      Ns: fc.integer({ min: 12, max: 96 }),
      Na: fc.integer({ min: 1, max: 4 }),
      p: fc.constantFrom(0, 0.01, 0.05, 0.3),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(sets, ({ C, convention, S: pixels, Ns, Na, p, seed }) => {
        const s = consensusMaps(Ns, pixels, C, p, seed);
        const y = consensusMaps(Na, pixels, C, p, seed ^ 0x5555);
        expectGedEqualsReference(s, y, { pixels, classes: C, convention });
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

describe("labelMapBitsets' branch-free chunks (maps of scattered foreground, past 256 words)", () => {
  const S = 64 * 64; // 128 words a map
  const K = 6; // 768 words: three chunks

  it('pack the bits a per-pixel packer does, for every array kind of binary labels', () => {
    const maps = consensusMaps(K, S, 2, 0.5, 3); // about half the half-words have foreground
    for (const labels of [maps, Uint8Array.from(maps), Uint32Array.from(maps), [...maps]]) {
      const packed = labelMapBitsets('s', labels, { pixels: S, classes: 2 });
      const expected = new Uint32Array(K * 128);
      maps.forEach((v, s) => {
        if (v === 1) expected[s >>> 5] |= 1 << (s & 31);
      });
      expect(packed.bits).toEqual(expected);
    }
  });

  it('refuse a bad label in any chunk with the per-pixel error', () => {
    const maps = consensusMaps(K, S, 2, 0.5, 4);
    for (const at of [0, 17, 8191, 8192 + 31, 3 * S + 5, K * S - 1]) {
      for (const value of [2, -1, -(2 ** 31)]) {
        const labels = maps.slice();
        labels[at] = value;
        expect(() => labelMapBitsets('s', labels, { pixels: S, classes: 2 })).toThrow(
          `s: value ${value} at index ${at} is out of range for 2 classes`,
        );
      }
    }
  });
});
