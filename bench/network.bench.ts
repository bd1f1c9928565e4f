/**
 * One training image through the small SSN network at the experiment's sizes (24×24 and 32×32,
 * widths 12/24/16): U-Net forward, U-Net VJP, and a whole training step (forward, head → loss
 * with M = 20 antithetic samples, VJP) for each head, on the float64 reference convolution.
 * These numbers size `ssn experiment`'s defaults (steps × batch × ms per image).
 * Run: npx vitest bench --run bench/network.bench.ts
 */
import { bench, describe } from 'vitest';
import { makeSyntheticDataset } from '../src/data/syntheticLesions.js';
import { referenceConvOps, unetForward, unetVjp } from '../src/nn/network.js';
import { createSsnNetwork } from '../src/nn/ssnNetwork.js';
import { createRng } from '../src/random/rng.js';
import { imageLoss } from '../src/train/imageLoss.js';
import { predictImage, sampleLabelMaps } from '../src/train/evaluate.js';

for (const size of [24, 32]) {
  const ds = makeSyntheticDataset({ seed: 0, count: 1, size });
  const image = { data: ds.images[0], channels: 1, height: size, width: size };
  const labels = ds.annotations[0][0];
  const opts = { time: 1000, warmupTime: 200 };
  describe(`${size}×${size} image, widths 12/24/16`, () => {
    const lowrank = createSsnNetwork(createRng(0), { kind: 'lowrank' });
    const { features, cache } = unetForward(referenceConvOps, lowrank.body, image);
    bench('U-Net forward', () => void unetForward(referenceConvOps, lowrank.body, image), opts);
    bench('U-Net VJP', () => void unetVjp(referenceConvOps, lowrank.body, cache, features), opts);
    for (const kind of ['deterministic', 'diagonal', 'lowrank'] as const) {
      const net = createSsnNetwork(createRng(0), { kind });
      const rng = createRng(1);
      bench(
        `training step, ${kind}`,
        () => void imageLoss(referenceConvOps, net, image, labels, rng),
        opts,
      );
    }
    const rng = createRng(2);
    bench(
      'evaluation: forward + 100 sampled label maps (low-rank)',
      () => {
        sampleLabelMaps(predictImage(referenceConvOps, lowrank, image), 2, rng, 100);
      },
      opts,
    );
  });
}
