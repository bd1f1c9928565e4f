// ---
// jupyter:
//   jupytext:
//     formats: ts:percent
//     text_representation:
//       extension: .ts
//       format_name: percent
//   kernelspec:
//     display_name: Deno
//     language: typescript
//     name: deno
// ---

// %% [markdown]
// # A tiny SSN conv net on synthetic lesions
//
// The paper's LIDC experiment (section 5.2, Table 1) in miniature, in literate TypeScript
// (jupytext percent format). Run it top to bottom:
//
//     npx tsx notebooks/conv-net.ts              # the full experiment, a few minutes on 2 cores
//     SSN_QUICK=1 npx tsx notebooks/conv-net.ts  # a quick pass (what the test runs)
//
// or open it as a notebook in Jupyter with Deno's TypeScript kernel (README.md, "Notebooks").
// Everything it uses comes from the package's public entry.
//
// Three networks share one body, a two-level U-Net of 3×3 convolutions (about 9k parameters),
// and differ only in their 1×1 heads: a deterministic network (C logits per pixel), a diagonal
// one (mean and log-variance per logit) and a low-rank SSN (mean, log-diagonal and R·C factor
// channels, the official layout). They are trained on images whose lesions four simulated
// annotators outline differently (spec/synthetic-data.md), with a random annotator per image per
// step, as the paper's LIDC setting trains on all four annotation sets.

// %%
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EXPERIMENT_DEFAULTS,
  QUICK_EXPERIMENT,
  annotationStats,
  createConvBackend,
  createRng,
  createSsnNetwork,
  experimentData,
  figure3Spec,
  figure6Spec,
  formatExperimentTable,
  pickDisagreeingImages,
  runExperiment,
  ssnParameterCount,
  type ExperimentProgress,
} from '../src/index.js';
import { renderFigure } from '../src/node.js';

const quick = process.env.SSN_QUICK === '1';
const config = quick ? QUICK_EXPERIMENT : EXPERIMENT_DEFAULTS;
// The figures go to out/conv-net, or where SSN_NOTEBOOK_OUT says (the test's own temporary
// folder, which the test removes).
const outDir =
  process.env.SSN_NOTEBOOK_OUT ?? fileURLToPath(new URL('../out/conv-net', import.meta.url));

// %% [markdown]
// ## The data
//
// Each image holds zero, one or two blobs of random contrast on a wavy background with noise.
// Faint blobs are marked by some annotators and not others, and the annotators' outlines differ
// by habit (generous, tight, average, conservative) and by per-drawing jitter. The annotators'
// own diversity E[d(y, y')] (d = 1 − IoU, d = 0 for two empty maps, all 16 pairs) is what a
// model's sample diversity should come close to.

// %%
const { train, test } = experimentData(config);
const stats = annotationStats(test);
console.log(
  `${train.images.length} training and ${test.images.length} test images, ${config.size}×${config.size}`,
);
console.log(
  'test split annotation statistics:',
  JSON.stringify(stats, (_, v) => (typeof v === 'number' ? +v.toFixed(3) : v)),
);

// %% [markdown]
// ## The networks
//
// Body: e1 = relu(conv 1→12), e2 = relu(conv 12→12), d = relu(conv 12→24) at half resolution
// after 2×2 max pooling, f = relu(conv 36→16) on [upsample(d); e2]. Heads are 1×1 convolutions
// of f. The low-rank head's R·C factor channels are read rank-major (channel k = r·C + c) into
// the class-major covariance factor, exactly as the official code; the diagonal model is a
// low-rank normal whose rank-1 factor is zero and never trained.

// %%
for (const kind of config.models) {
  const net = createSsnNetwork(createRng(0), { kind, rank: config.rank, widths: config.widths });
  console.log(`${kind.padEnd(13)} ${ssnParameterCount(net)} parameters`);
}
const backend = createConvBackend('auto');
console.log('backend:', backend.selection);

// %% [markdown]
// ## Training and Table 1
//
// Adam on the batch mean of the per-image loss (pixels summed). The stochastic models use the
// paper's MC loss (eq. 7) with M = 20 samples drawn as antithetic pairs (the official 3D code's
// choice), the deterministic one the cross-entropy. Evaluation as the paper: the mean prediction
// is the argmax of the mean logits (DSC, DSC_nod against the four annotations); GED² and the
// sample diversity use 100 samples per test image; each column is mean ± standard error over the
// test images.
//
// The full run takes a few minutes; a line every tenth of the training steps (with the mean loss
// since the previous line) and one when each model's evaluation ends show where it is.

// %%
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
let lossSum = 0;
let lossCount = 0;
function reportProgress(p: ExperimentProgress): void {
  if (p.phase === 'train') {
    lossSum += p.loss;
    lossCount++;
    if (p.step % Math.max(1, Math.round(p.steps / 10)) === 0 || p.step === p.steps) {
      const mean = (lossSum / lossCount).toFixed(1);
      console.log(`  train ${p.model}: step ${p.step}/${p.steps}, loss ${mean} (${elapsed()})`);
      lossSum = 0;
      lossCount = 0;
    }
  } else if (p.image === p.images) {
    console.log(`  evaluated ${p.model} on ${p.images} test images (${elapsed()})`);
  }
}
const result = runExperiment(backend, config, reportProgress);
for (const line of formatExperimentTable(result)) console.log(line);
console.log(`trained and evaluated in ${elapsed()}`);

// %% [markdown]
// What to look for, and the paper's LIDC numbers for the shape (paper Table 1): the
// low-rank model has the lowest GED² and a sample diversity of the order of the annotators'; the
// diagonal model's samples hardly differ (paper: diversity 0.007, it collapses to deterministic);
// the deterministic model's diversity is 0 by construction.

// %% [markdown]
// ## Figure 3: annotations, mean prediction and samples
//
// The three test images whose annotators disagree most. Each row: the image, the four
// annotations, the low-rank model's mean prediction and P(lesion) at the mean, then four samples.

// %%
const lowrank = result.models.find((m) => m.name === 'lowrank')!;
const picks = pickDisagreeingImages(test, 3);
const f3 = await renderFigure(
  figure3Spec(backend, lowrank.trained.network, test, picks, { seed: config.seed }),
  join(outDir, 'figure3'),
);

// %% [markdown]
// ## Figure 6: moving along one class's noise, and temperature
//
// One noise draw (eps_R, eps_N) is kept fixed. Top row: class 1's noise rows are scaled by a
// weight from −3 to 3 while class 0 keeps weight 1 (`classNoiseWeights` + `rsample` with
// `rowWeights`), so the lesion grows or shrinks smoothly along one direction of the learned
// covariance. Bottom row: both noise terms scaled by a temperature T (T = 0 is the mean).

// %%
const f6 = await renderFigure(
  figure6Spec(backend, lowrank.trained.network, test, picks[0], { seed: config.seed }),
  join(outDir, 'figure6'),
);
console.log(`figures: ${f3.pngPath}, ${f6.pngPath}`);
backend.dispose();
