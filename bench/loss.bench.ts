/**
 * The MC loss with its gradients as the issue times it: building the distribution
 * (`lowRankNormal`, validation and capacitance factor included), drawing the noises and the loss
 * with gradients (`mcLossSampled`), at 64², 128² and 256² pixels x 2 classes, rank 10, 20 samples.
 * PyTorch 1.13 on one core of the 2-core reference machine: about 7, 23 and 79 ms
 * (LowRankMultivariateNormal.rsample, log-softmax, logsumexp, backward).
 * Run: npx vitest bench --run bench/loss.bench.ts   (parts: npx tsx bench/lossTimes.ts)
 */
import { bench, describe } from 'vitest';
import { lowRankNormal } from '../src/distribution/lowRankNormal.js';
import { mcLossSampled } from '../src/loss/mcLoss.js';
import { createRng, standardNormal } from '../src/random/rng.js';

const RANK = 10;
const SAMPLES = 20;

for (const side of [64, 128, 256]) {
  const pixels = side * side;
  const n = 2 * pixels;
  const rng = createRng(`bench/loss/${side}`);
  const loc = standardNormal(rng, n);
  const covFactor = standardNormal(rng, n * RANK).map((v) => 0.3 * v);
  const covDiag = standardNormal(rng, n).map((v) => Math.exp(0.2 * v));
  const labels = new Int32Array(pixels);
  for (let s = 0; s < pixels; s++) labels[s] = rng.uniform() < 0.3 ? 1 : 0;
  describe(`${side}² x 2 classes, rank ${RANK}, ${SAMPLES} samples`, () => {
    bench(
      'lowRankNormal + mcLossSampled (noises, loss, gradients)',
      () => {
        const dist = lowRankNormal({ loc, covFactor, covDiag, rank: RANK });
        mcLossSampled(dist, labels, rng, {
          likelihood: 'categorical',
          classes: 2,
          samples: SAMPLES,
        });
      },
      { time: side === 256 ? 3000 : 1000, warmupTime: 300 },
    );
  });
}
