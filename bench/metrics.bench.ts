/**
 * GED (with diversity over all sample pairs) for 100 samples against 4 annotators on 128 × 128
 * maps, 2 classes: the library's bitset kernels against a direct per-pixel comparison of labels
 * tuned for two classes (each unordered pair's intersection once, unions from counts), and
 * against the reference formula (`generalisedEnergyDistanceReference`, the same result bit for
 * bit, written to be read, not to be fast; a few iterations only). Run:
 *   npx vitest bench --run bench/metrics.bench.ts
 */
import { bench, describe } from 'vitest';
import { createRng } from '../src/random/rng.js';
import type { Rng } from '../src/random/rng.js';
import { generalisedEnergyDistance } from '../src/metrics/generalisedEnergyDistance.js';
import { generalisedEnergyDistanceReference } from '../src/metrics/energyDistanceReference.js';

const H = 128;
const S = H * H;
const NS = 100;
const NA = 4;

/** K maps, each a disc of random centre and radius (a lesion-like blob, sometimes empty). */
function blobs(rng: Rng, K: number): Int32Array {
  const out = new Int32Array(K * S);
  for (let k = 0; k < K; k++) {
    const cy = 40 + 48 * rng.uniform();
    const cx = 40 + 48 * rng.uniform();
    const r = 30 * rng.uniform();
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < H; x++) {
        if ((y - cy) ** 2 + (x - cx) ** 2 < r * r) out[k * S + y * H + x] = 1;
      }
    }
  }
  return out;
}

/** K maps of independent fair coin flips (the worst case: foreground everywhere). */
function noise(rng: Rng, K: number): Int32Array {
  const out = new Int32Array(K * S);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform() < 0.5 ? 1 : 0;
  return out;
}

/** The alternative: per-pixel label comparison, one pass per unordered pair, C = 2. */
function gedDirect(samples: Int32Array, annotations: Int32Array): number {
  const all = new Int32Array(samples.length + annotations.length);
  all.set(samples);
  all.set(annotations, samples.length);
  const K = all.length / S;
  const size = new Int32Array(K);
  for (let k = 0; k < K; k++) for (let s = 0; s < S; s++) size[k] += all[k * S + s];
  const d = (i: number, j: number): number => {
    if (size[i] === 0 && size[j] === 0) return 0;
    let inter = 0;
    const oi = i * S;
    const oj = j * S;
    for (let s = 0; s < S; s++) inter += all[oi + s] & all[oj + s];
    return 1 - inter / (size[i] + size[j] - inter);
  };
  let div = 0;
  let ann = 0;
  let cross = 0;
  for (let i = 0; i < NS; i++) for (let j = i + 1; j < NS; j++) div += d(i, j);
  for (let i = 0; i < NA; i++) for (let j = i + 1; j < NA; j++) ann += d(NS + i, NS + j);
  for (let i = 0; i < NS; i++) for (let j = 0; j < NA; j++) cross += d(i, NS + j);
  return (2 * cross) / (NS * NA) - (2 * div) / (NS * NS) - (2 * ann) / (NA * NA);
}

const opts = { pixels: S, classes: 2 };
const rng = createRng('metrics-bench');
const cases = {
  'lesion blobs': [blobs(rng, NS), blobs(rng, NA)],
  'dense noise (worst case)': [noise(rng, NS), noise(rng, NA)],
} as const;

for (const [name, [samples, annotations]] of Object.entries(cases)) {
  describe(`GED², 100 samples × 4 annotators, 128 × 128, 2 classes, ${name}`, () => {
    bench('bitsets + popcount (generalisedEnergyDistance)', () => {
      generalisedEnergyDistance(samples, annotations, opts);
    });
    bench('direct per-pixel label comparison', () => {
      gedDirect(samples, annotations);
    });
    bench(
      'reference formula (generalisedEnergyDistanceReference)',
      () => {
        generalisedEnergyDistanceReference(samples, annotations, opts);
      },
      { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 },
    );
  });
}
