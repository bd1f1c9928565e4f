/**
 * npx tsx bench/gedLevers.ts [--base REV] [--reps N] [--end-to-end]
 *
 * The GED levers of spec/performance.md#ged, each timed against what it replaces in one process,
 * interleaved repetition by repetition after 10 untimed ones (the machine may be shared),
 * reported as medians and the ratio new / old:
 *   - GED² end to end, sampleDiversity, and the bitset packing alone (only these with
 *     --end-to-end): this tree against the
 *     library at git revision REV (default 580cafd, before the second round of levers; c0fad5f
 *     is before the third),
 *     extracted with `git archive` to out/ged-baseline/<its commit>/ and imported from there;
 *   - packing the `bench:compare` samples: REV's loop against a branch-free loop one pixel a
 *     step, a BigInt64Array view testing two labels a load for an all-background word before
 *     the library's loop, and the library's loop (sixteen a step, all-background half-words
 *     skipped, in a run of background tested on eight doubles of two labels), and a loop that
 *     only reads and ORs the labels (the floor of any packing that checks them all);
 *   - the intersections of all within-set pairs, on the same packed bitsets, of the
 *     `bench:compare` fixture (discs) and of coin flips (every word non-zero, the worst case for
 *     skipping): one pair per pass by `andPopcount` (Harley–Seal over 8 words, REV's loop)
 *     against the alternatives measured for it: one SWAR popcount per word, a 16-bit table,
 *     Harley–Seal over the pairs in 8 × 8 tiles, two pairs per pass over the union of their
 *     overlaps (`andPopcountTwo`), REV's rows (`countRow`, where REV has them) and the
 *     library's (two pairs per pass, visiting map i's non-zero words only when they are at most
 *     3/4 of its range, and then four pairs a pass where that pays).
 * Every variant's result is checked equal to the old one's before any time is reported.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './compare/compare.js';
import { discMapsFixture } from './compare/fixtures.js';
import { generalisedEnergyDistance } from '../src/metrics/generalisedEnergyDistance.js';
import { labelMapBitsets } from '../src/metrics/kernels/labelMapBitsets.js';
import type { LabelMapBitsets } from '../src/metrics/kernels/labelMapBitsets.js';
import { andPopcount, andPopcountTwo, popcount32 } from '../src/metrics/kernels/popcount.js';
import { countRow, pairRow } from '../src/metrics/kernels/pairDistances.js';
import { sampleDiversity } from '../src/metrics/sampleDiversity.js';
import type { PairExpectationOptions } from '../src/metrics/sampleDiversity.js';

type Ged = typeof generalisedEnergyDistance;
type Pack = typeof labelMapBitsets;
type Diversity = typeof sampleDiversity;

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '580cafd' },
    reps: { type: 'string', default: '60' },
    'end-to-end': { type: 'boolean', default: false },
  },
});
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new RangeError(`--reps: expected an integer ≥ 1`);

/** The library at `rev`, unpacked once under out/ged-baseline/. */
async function baseline(
  rev: string,
): Promise<{ ged: Ged; pack: Pack; diversity: Diversity; rows?: PairCounts }> {
  // Cached by commit, not by name: a name such as HEAD moves.
  const commit = execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = resolve('out', 'ged-baseline', commit);
  if (!existsSync(join(dir, 'src'))) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', commit, 'src']);
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  const gedModule = (await import(join(dir, 'src/metrics/generalisedEnergyDistance.ts'))) as {
    generalisedEnergyDistance: Ged;
  };
  const packModule = (await import(join(dir, 'src/metrics/kernels/labelMapBitsets.ts'))) as {
    labelMapBitsets: Pack;
  };
  const diversityModule = (await import(join(dir, 'src/metrics/sampleDiversity.ts'))) as {
    sampleDiversity: Diversity;
  };
  const pairsModule = (await import(join(dir, 'src/metrics/kernels/pairDistances.ts'))) as {
    countRow?: typeof countRow;
    pairRow?: typeof pairRow;
  };
  const { countRow: baseCountRow, pairRow: basePairRow } = pairsModule;
  return {
    ged: gedModule.generalisedEnergyDistance,
    pack: packModule.labelMapBitsets,
    diversity: diversityModule.sampleDiversity,
    rows: baseCountRow && basePairRow ? rowsOf(baseCountRow, basePairRow) : undefined,
  };
}

/**
 * Times the variants interleaved; prints each median and its ratio to the first (the old). A
 * repetition runs a variant `calls` times (for calls too short for the timer alone) and counts
 * the time per call.
 */
function race(title: string, variants: Record<string, () => unknown>, calls = 1): void {
  const names = Object.keys(variants);
  const times: number[][] = names.map(() => []);
  for (let r = 0; r < reps + 10; r++) {
    names.forEach((name, v) => {
      const f = variants[name];
      const t0 = performance.now();
      for (let c = 0; c < calls; c++) f();
      if (r >= 10) times[v].push((performance.now() - t0) / calls);
    });
  }
  const old = median(times[0]);
  const per = calls > 1 ? `, ${calls} calls a repetition` : '';
  console.log(`\n${title} (${reps} reps${per}, medians per call)`);
  names.forEach((name, v) => {
    const m = median(times[v]);
    const ms = m < 0.1 ? m.toPrecision(2) : m.toFixed(3);
    console.log(`  ${name.padEnd(46)} ${ms.padStart(8)} ms  new/old ${(m / old).toFixed(2)}`);
  });
}

/** K·S labels of fair coin flips (foreground everywhere: no empty word ranges to skip). */
function noiseMaps(K: number, S: number, classes: number): Int32Array {
  const out = new Int32Array(K * S);
  let x = 12345;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    out[i] = ((x >>> 16) * classes) >>> 16;
  }
  return out;
}

const T16 = new Uint8Array(1 << 16);
for (let x = 1; x < 1 << 16; x++) T16[x] = (x & 1) + T16[x >>> 1];

/** All within-set pair intersections of `s` into `out` (i < j, row-major K × K), one channel. */
type PairCounts = (s: LabelMapBitsets, out: Int32Array) => void;

/**
 * A pair loop over all i < j: `count(bits, oa, ob, lo, hi)` for the overlap [lo, hi) of the two
 * maps' non-zero word ranges, maps at words oa and ob.
 */
function pairLoop(
  count: (bits: Uint32Array, oa: number, ob: number, lo: number, hi: number) => number,
): PairCounts {
  return ({ count: K, words: W, bits, first, end }, out) => {
    for (let i = 0; i < K; i++) {
      for (let j = i + 1; j < K; j++) {
        const lo = Math.max(first[i], first[j]);
        const hi = Math.min(end[i], end[j]);
        out[i * K + j] = count(bits, i * W, j * W, lo, hi);
      }
    }
  };
}
const swarPerWord = pairLoop((bits, oa, ob, lo, hi) => {
  let c = 0;
  for (let w = lo; w < hi; w++) c += popcount32(bits[oa + w] & bits[ob + w]);
  return c;
});
const table16 = pairLoop((bits, oa, ob, lo, hi) => {
  let c = 0;
  for (let w = lo; w < hi; w++) {
    const x = bits[oa + w] & bits[ob + w];
    c += T16[x & 0xffff] + T16[x >>> 16];
  }
  return c;
});
const harleySeal = pairLoop((bits, oa, ob, lo, hi) => andPopcount(bits, oa, bits, ob, lo, hi));

/** Two pairs (i, j), (i, j + 1) per pass over the union of their overlaps (`andPopcountTwo`). */
const harleySealTwoPairs: PairCounts = ({ count: K, words: W, bits, first, end }, out) => {
  for (let i = 0; i < K; i++) {
    let j = i + 1;
    for (; j + 1 < K; j += 2) {
      const lo = Math.max(first[i], Math.min(first[j], first[j + 1]));
      const hi = Math.min(end[i], Math.max(end[j], end[j + 1]));
      andPopcountTwo(bits, i * W, bits, j * W, (j + 1) * W, lo, hi, out, i * K + j);
    }
    if (j < K) {
      const lo = Math.max(first[i], first[j]);
      out[i * K + j] = andPopcount(bits, i * W, bits, j * W, lo, Math.min(end[i], end[j]));
    }
  }
};

/** Rows by `count` (a `countRow`, the library's or REV's), copied into the K × K layout. */
function rowsOf(count: typeof countRow, scratch: typeof pairRow): PairCounts {
  return (set, out) => {
    const K = set.count;
    const row = scratch([set], K);
    for (let i = 0; i < K; i++) {
      count(set, i, set, i + 1, K, row);
      out.set(row.counts.subarray(i + 1, K), i * K + i + 1);
    }
  };
}
const libraryRows = rowsOf(countRow, pairRow);

/** Harley–Seal in tiles of 8 × 8 pairs, so that 16 maps' words (32 KiB at 128²) stay in L1. */
const harleySealTiled: PairCounts = ({ count: K, words: W, bits, first, end }, out) => {
  const B = 8;
  for (let I = 0; I < K; I += B) {
    for (let J = I; J < K; J += B) {
      for (let i = I; i < Math.min(I + B, K); i++) {
        for (let j = Math.max(J, i + 1); j < Math.min(J + B, K); j++) {
          const lo = Math.max(first[i], first[j]);
          const hi = Math.min(end[i], end[j]);
          out[i * K + j] = andPopcount(bits, i * W, bits, j * W, lo, hi);
        }
      }
    }
  }
};

/** Binary maps of an Int32Array to bits, branch-free, one pixel a step (5b0d633's range check). */
function packOnePixelAStep(maps: Int32Array, out: Uint32Array): void {
  for (let w = 0; w < out.length; w++) {
    const s0 = w << 5;
    let word = 0;
    let bad = 0;
    for (let t = 0; t < 32; t++) {
      const v = maps[s0 + t];
      bad |= (1 - v) | v;
      word |= (-v >>> 31) << t;
    }
    if (bad < 0) throw new RangeError('bad label');
    out[w] = word;
  }
}

/** The floor of any packing that checks every label: the labels OR-ed together, eight a step. */
function orAllLabels(maps: Int32Array): number {
  let any = 0;
  for (let s = 0; s + 8 <= maps.length; s += 8) {
    any |= maps[s] | maps[s + 1] | maps[s + 2] | maps[s + 3];
    any |= maps[s + 4] | maps[s + 5] | maps[s + 6] | maps[s + 7];
  }
  return any;
}

/**
 * Binary maps of an Int32Array to bits, a BigInt64Array view first OR-ing each word's 32 labels
 * two a load (an all-background word then costs 16 loads), the other words as the library packs
 * them. Needs an 8-byte aligned buffer.
 */
function packBigIntZeroTest(maps: Int32Array, out: Uint32Array): void {
  const pairs = new BigInt64Array(maps.buffer, maps.byteOffset, maps.length >>> 1);
  for (let w = 0; w < out.length; w++) {
    const d = w << 4;
    let any = 0n;
    for (let t = 0; t < 16; t += 8) {
      any |= pairs[d + t] | pairs[d + t + 1] | pairs[d + t + 2] | pairs[d + t + 3];
      any |= pairs[d + t + 4] | pairs[d + t + 5] | pairs[d + t + 6] | pairs[d + t + 7];
    }
    if (any === 0n) {
      out[w] = 0;
      continue;
    }
    const s0 = w << 5;
    let word = 0;
    let bad = 0;
    for (let t = 0; t < 32; t++) {
      const v = maps[s0 + t];
      bad |= v;
      word |= v << t;
    }
    if (bad & ~1) throw new RangeError('bad label');
    out[w] = word;
  }
}

async function main(): Promise<void> {
  const base = await baseline(values.base);
  const side = 128;
  const S = side * side;
  const cases: [string, Int32Array, Int32Array, PairExpectationOptions][] = [
    [
      'bench:compare fixture: discs, 100 × 4, 128², C = 2',
      discMapsFixture(100, side, 0),
      discMapsFixture(4, side, 1000),
      { pixels: S, classes: 2 },
    ],
    [
      'bench:compare fixture: speckled discs (3 % of pixels flipped), 100 × 4, 128², C = 2',
      discMapsFixture(100, side, 0, 30),
      discMapsFixture(4, side, 1000, 30),
      { pixels: S, classes: 2 },
    ],
    [
      'coin flips, 100 × 4, 128², C = 2',
      noiseMaps(100, S, 2),
      noiseMaps(4, S, 2),
      { pixels: S, classes: 2 },
    ],
    [
      "4 classes, 'ssn', 20 × 4, 128², U-statistic",
      noiseMaps(20, S, 4),
      noiseMaps(4, S, 4),
      { pixels: S, classes: 4, estimator: 'u' },
    ],
    [
      'small: 6 × 4, 16², C = 2',
      discMapsFixture(6, 16, 0),
      discMapsFixture(4, 16, 1000),
      { pixels: 256, classes: 2 },
    ],
    [
      'tiny: 2 × 1, 2 pixels (the fixed cost of a call)',
      Int32Array.of(1, 0, 1, 1),
      Int32Array.of(0, 1),
      { pixels: 2, classes: 2 },
    ],
  ];
  console.log(
    `GED levers: this tree (new) against ${values.base} (old); the machine may be shared`,
  );
  for (const [title, samples, annotations, options] of cases) {
    const a = base.ged(samples, annotations, options);
    const b = generalisedEnergyDistance(samples, annotations, options);
    for (const key of ['ged', 'diversity', 'annotatorDiversity', 'crossDistance'] as const) {
      if (!Object.is(a[key], b[key])) throw new Error(`${title}: ${key} differs`);
    }
    // Enough calls a repetition for about a millisecond at least.
    const calls = Math.max(1, Math.round(2e5 / (samples.length + annotations.length)));
    race(
      `GED², ${title}`,
      {
        [`old (${values.base})`]: () => base.ged(samples, annotations, options),
        new: () => generalisedEnergyDistance(samples, annotations, options),
      },
      calls,
    );
    if (!Object.is(base.diversity(samples, options), sampleDiversity(samples, options))) {
      throw new Error(`${title}: sampleDiversity differs`);
    }
    race(
      `sampleDiversity of the samples, ${title}`,
      {
        [`old (${values.base})`]: () => base.diversity(samples, options),
        new: () => sampleDiversity(samples, options),
      },
      calls,
    );
    race(
      `packing the samples into bitsets, ${title}`,
      {
        [`old (${values.base})`]: () => base.pack('samples', samples, options),
        new: () => labelMapBitsets('samples', samples, options),
      },
      calls,
    );
  }
  if (values['end-to-end']) return;
  const fixture = discMapsFixture(100, side, 0);
  const packed = labelMapBitsets('s', fixture, { pixels: S, classes: 2 });
  const onePixel = new Uint32Array(packed.bits.length);
  const bigInt = new Uint32Array(packed.bits.length);
  packOnePixelAStep(fixture, onePixel);
  packBigIntZeroTest(fixture, bigInt);
  if (!onePixel.every((v, w) => v === packed.bits[w])) throw new Error('one pixel a step: differs');
  if (!bigInt.every((v, w) => v === packed.bits[w])) throw new Error('BigInt64 test: differs');
  race('packing the bench:compare samples, binary, Int32Array', {
    [`sixteen a step (old, ${values.base})`]: () =>
      base.pack('s', fixture, { pixels: S, classes: 2 }),
    'branch-free, one pixel a step': () => packOnePixelAStep(fixture, onePixel),
    'BigInt64 view: all-background words 16 loads': () => packBigIntZeroTest(fixture, bigInt),
    'sixteen a step, background tested on doubles (new)': () =>
      labelMapBitsets('s', fixture, { pixels: S, classes: 2 }),
    'the floor: only read and OR the labels': () => orAllLabels(fixture),
  });
  const counts: Record<string, PairCounts> = {
    [`one pair per pass, Harley–Seal (andPopcount: the loop of ${values.base}; old)`]: harleySeal,
    'one SWAR popcount per word': swarPerWord,
    '16-bit table': table16,
    'Harley–Seal, pairs in 8 × 8 tiles': harleySealTiled,
    'two pairs per pass, union of overlaps (andPopcountTwo)': harleySealTwoPairs,
    ...(base.rows ? { [`rows (countRow of ${values.base})`]: base.rows } : {}),
    "rows: then four pairs a pass over map i's non-zero words (countRow; new)": libraryRows,
  };
  const sets: [string, Int32Array][] = [
    ['bench:compare fixture (discs)', fixture],
    ['coin flips', noiseMaps(100, S, 2)],
  ];
  for (const [title, maps] of sets) {
    const set = labelMapBitsets('s', maps, { pixels: S, classes: 2 });
    const K = set.count;
    const reference = new Int32Array(K * K);
    swarPerWord(set, reference);
    const outs = Object.fromEntries(Object.keys(counts).map((n) => [n, new Int32Array(K * K)]));
    for (const [name, f] of Object.entries(counts)) {
      f(set, outs[name]);
      if (!outs[name].every((v, q) => v === reference[q]))
        throw new Error(`${name}: counts differ`);
    }
    const { overlap, nonZeroA, nonZeroAnd } = wordStatistics(set);
    const pairs = (K * (K - 1)) / 2;
    console.log(
      `\nwithin-sample pairs, ${title}: ${(overlap / pairs).toFixed(1)} words per pair in the ` +
        `overlap of the non-zero ranges (of ${set.words}), ${(nonZeroA / pairs).toFixed(1)} of ` +
        `them non-zero in the first map, ${(nonZeroAnd / pairs).toFixed(1)} with a non-zero AND`,
    );
    race(
      `intersections of the ${pairs} within-sample pairs, ${title}`,
      Object.fromEntries(Object.entries(counts).map(([n, f]) => [n, () => f(set, outs[n])])),
    );
  }
}

/** Over the pairs i < j: words in the overlap, those non-zero in map i, those with a non-zero AND */
function wordStatistics({ count: K, words: W, bits, first, end }: LabelMapBitsets): {
  overlap: number;
  nonZeroA: number;
  nonZeroAnd: number;
} {
  let overlap = 0;
  let nonZeroA = 0;
  let nonZeroAnd = 0;
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const hi = Math.min(end[i], end[j]);
      for (let w = Math.max(first[i], first[j]); w < hi; w++) {
        overlap++;
        if (bits[i * W + w]) nonZeroA++;
        if (bits[i * W + w] & bits[j * W + w]) nonZeroAnd++;
      }
    }
  }
  return { overlap, nonZeroA, nonZeroAnd };
}

await main();
