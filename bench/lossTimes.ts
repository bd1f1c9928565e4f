/**
 * Median wall times of one MC loss evaluation with its gradients, split into its three parts:
 * building the distribution (`lowRankNormal`, with validation and the capacitance factor),
 * drawing the noises (`drawNoise`), and the loss with gradients (`mcLoss`, which also checks the
 * noises it is given). "total" is timed separately as `lowRankNormal` + `mcLossSampled` (which
 * skips that check), the figure to compare with PyTorch's LowRankMultivariateNormal.rsample +
 * log-softmax + logsumexp forward and backward pass: about 7, 23 and 79 ms on one core of the
 * 2-core reference machine.
 *
 * Sizes: 64², 128², 256² pixels x 2 classes (class-major), rank 10, 20 samples.
 * Run: npx tsc -p tsconfig.bench.json && node out/bench-build/bench/lossTimes.js [repeats]
 * (compiled under plain node, as bench:compare runs; `npx tsx bench/lossTimes.ts` runs the
 * source through tsx, whose hooks make the loss slower: spec/performance.md, "Fairness")
 */
import { lowRankNormal } from '../src/distribution/lowRankNormal.js';
import { drawNoise } from '../src/distribution/noise.js';
import { mcLoss, mcLossSampled } from '../src/loss/mcLoss.js';
import { createRng, standardNormal } from '../src/random/rng.js';
import { median } from './compare/compare.js';

const RANK = 10;
const SAMPLES = 20;
const CLASSES = 2;
const repeats = Number(process.argv[2] ?? 15);

function fixture(side: number) {
  const pixels = side * side;
  const n = CLASSES * pixels;
  const rng = createRng(`lossTimes/${side}`);
  const loc = standardNormal(rng, n);
  const covFactor = standardNormal(rng, n * RANK).map((v) => 0.3 * v);
  const covDiag = standardNormal(rng, n).map((v) => Math.exp(0.2 * v));
  const labels = new Int32Array(pixels);
  for (let s = 0; s < pixels; s++) labels[s] = rng.uniform() < 0.3 ? 1 : 0;
  return { loc, covFactor, covDiag, labels, n };
}

console.log(`MC loss + gradients, ${CLASSES} classes, rank ${RANK}, ${SAMPLES} samples`);
console.log(`median of ${repeats} runs (ms):`);
console.log('size      construct   noise    loss    total');
for (const side of [64, 128, 256]) {
  const f = fixture(side);
  const rng = createRng(`lossTimes/noise/${side}`);
  const parts: number[][] = [[], [], [], []];
  let sink = 0;
  const options = { likelihood: 'categorical', classes: CLASSES } as const;
  const params = { loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank: RANK };
  for (let k = 0; k < repeats + 2; k++) {
    const t0 = performance.now();
    const dist = lowRankNormal(params);
    const t1 = performance.now();
    const noise = drawNoise(rng, { count: SAMPLES, rank: RANK, size: f.n });
    const t2 = performance.now();
    const out = mcLoss(dist, f.labels, noise, options);
    const t3 = performance.now();
    const again = mcLossSampled(lowRankNormal(params), f.labels, rng, {
      ...options,
      samples: SAMPLES,
    });
    const t4 = performance.now();
    sink += out.loss + again.loss;
    if (k < 2) continue; // warm-up
    parts[0].push(t1 - t0);
    parts[1].push(t2 - t1);
    parts[2].push(t3 - t2);
    parts[3].push(t4 - t3);
  }
  const cells = parts.map((p) => median(p).toFixed(1).padStart(8));
  console.log(`${`${side}²`.padEnd(8)}${cells.join(' ')}`);
  if (!Number.isFinite(sink)) throw new Error('non-finite loss');
}
