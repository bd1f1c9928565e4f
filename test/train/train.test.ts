import { describe, it, expect } from 'vitest';
import { makeSyntheticDataset } from '../../src/data/syntheticLesions.js';
import type { SyntheticDataset } from '../../src/data/syntheticLesions.js';
import { annotationStats } from '../../src/data/annotationStats.js';
import { createSsnNetwork, ssnParameters } from '../../src/nn/ssnNetwork.js';
import { referenceConvOps } from '../../src/nn/network.js';
import type { HeadKind } from '../../src/nn/heads.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { imageLoss } from '../../src/train/imageLoss.js';
import { trainModel } from '../../src/train/trainModel.js';
import {
  annotatorDiversity,
  argmaxLabels,
  evaluateModel,
  meanSe,
  sampleLabelMaps,
  predictImage,
  stackAnnotations,
} from '../../src/train/evaluate.js';

const tiny = { encoder: 3, bottleneck: 4, decoder: 3 };

describe('imageLoss', () => {
  for (const kind of ['deterministic', 'diagonal', 'lowrank'] as HeadKind[]) {
    it(`${kind}: the gradient matches central differences of the loss (fixed noises)`, () => {
      const net = createSsnNetwork(createRng(`il/${kind}`), { kind, rank: 2, widths: tiny });
      const img = { data: standardNormal(createRng('img'), 16), channels: 1, height: 4, width: 4 };
      const labels = Int32Array.from({ length: 16 }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0));
      // The same seed gives the same noises, so the MC loss is a smooth function of θ.
      const loss = () =>
        imageLoss(referenceConvOps, net, img, labels, createRng('noise'), { samples: 6 });
      const { grads } = loss();
      const params = ssnParameters(net);
      const n = params.reduce((s, a) => s + a.length, 0);
      const v = standardNormal(createRng(`v/${kind}`), n);
      const nudge = (t: number) => {
        let k = 0;
        for (const a of params) for (let j = 0; j < a.length; j++) a[j] += t * v[k++];
      };
      const eps = 1e-6;
      nudge(eps);
      const plus = loss().loss;
      nudge(-2 * eps);
      const minus = loss().loss;
      nudge(eps);
      const fd = (plus - minus) / (2 * eps);
      let got = 0;
      let k = 0;
      for (const g of grads) for (let j = 0; j < g.length; j++) got += g[j] * v[k++];
      expect(Math.abs(got - fd)).toBeLessThanOrEqual(1e-6 * Math.abs(fd) + 1e-6);
    });
  }

  it("leaves the diagonal model's factor out (no factor parameters, gradients per parameter)", () => {
    const net = createSsnNetwork(createRng(0), { kind: 'diagonal', widths: tiny });
    const img = { data: new Float64Array(16), channels: 1, height: 4, width: 4 };
    const r = imageLoss(referenceConvOps, net, img, new Int32Array(16), createRng(1), {
      samples: 4,
    });
    expect(r.grads.map((g) => g.length)).toEqual(ssnParameters(net).map((p) => p.length));
  });

  it('meanOnly: the cross-entropy of the mean logits, zero gradients for the covariance heads', () => {
    const net = createSsnNetwork(createRng('il/mo'), { kind: 'lowrank', rank: 2, widths: tiny });
    const det = createSsnNetwork(createRng('il/mo'), { kind: 'deterministic', widths: tiny });
    const img = { data: standardNormal(createRng('img'), 16), channels: 1, height: 4, width: 4 };
    const labels = Int32Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const r = imageLoss(referenceConvOps, net, img, labels, createRng('n'), { meanOnly: true });
    // Same rng: the deterministic network's body and mean head are drawn identically.
    const d = imageLoss(referenceConvOps, det, img, labels, createRng('n'));
    expect(r.loss).toBe(d.loss);
    const n = ssnParameters(det).length;
    r.grads.slice(0, n).forEach((g, j) => expect(Array.from(g)).toEqual(Array.from(d.grads[j])));
    for (const g of r.grads.slice(n)) expect(g.every((v) => v === 0)).toBe(true);
  });

  it('rejects an odd sample count with antithetic pairs', () => {
    const net = createSsnNetwork(createRng(0), { kind: 'lowrank', rank: 2, widths: tiny });
    const img = { data: new Float64Array(16), channels: 1, height: 4, width: 4 };
    expect(() =>
      imageLoss(referenceConvOps, net, img, new Int32Array(16), createRng(1), { samples: 5 }),
    ).toThrow(/^count: antithetic/);
  });
});

describe('trainModel', () => {
  const data = makeSyntheticDataset({ seed: 7, count: 24, size: 24 });

  for (const kind of ['deterministic', 'lowrank'] as HeadKind[]) {
    it(`${kind}: a short run lowers the loss`, () => {
      const { losses } = trainModel(referenceConvOps, data, {
        kind,
        steps: 40,
        batchSize: 2,
        lr: 1e-2,
        samples: 4,
        rank: 2,
        widths: tiny,
        seed: 3,
      });
      expect(losses.length).toBe(40);
      const first = mean(losses.subarray(0, 8));
      const last = mean(losses.subarray(32));
      expect(last).toBeLessThan(0.8 * first);
    });
  }

  it('is reproducible from its seed', () => {
    const opts = {
      kind: 'lowrank' as const,
      steps: 2,
      batchSize: 1,
      samples: 2,
      rank: 1,
      widths: tiny,
      seed: 5,
    };
    const a = trainModel(referenceConvOps, data, opts);
    const b = trainModel(referenceConvOps, data, opts);
    expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
  });

  it('returns the average of the iterates: decay 0 is the last iterate, and it differs from the average', () => {
    const opts = {
      kind: 'deterministic' as const,
      steps: 3,
      batchSize: 1,
      widths: tiny,
      seed: 2,
      lr: 0.05,
    };
    const seen: Float64Array[][] = [];
    const last = trainModel(referenceConvOps, data, {
      ...opts,
      averageDecay: 0,
      onStep: (_s, _l, net) => seen.push(ssnParameters(net).map((p) => p.slice())),
    });
    expect(Array.from(ssnParameters(last.network)[0])).toEqual(Array.from(seen[2][0]));
    // β = 0.5: weights (1−β)β^(t−k)/(1 − β³) = 1/7, 2/7, 4/7 on iterates 1, 2, 3.
    const avg = trainModel(referenceConvOps, data, { ...opts, averageDecay: 0.5 });
    const want = seen[0][0].map(
      (_, n) => (seen[0][0][n] + 2 * seen[1][0][n] + 4 * seen[2][0][n]) / 7,
    );
    const got = ssnParameters(avg.network)[0];
    for (let n = 0; n < got.length; n++)
      expect(Math.abs(got[n] - want[n])).toBeLessThan(1e-12 * (1 + Math.abs(want[n])));
  });

  it('meanOnlySteps: the warm-up moves the body and mean head only, then everything trains', () => {
    const opts = {
      kind: 'lowrank' as const,
      batchSize: 1,
      samples: 2,
      rank: 1,
      widths: tiny,
      seed: 4,
      lr: 0.05,
      averageDecay: 0,
      meanOnlySteps: 3,
      logDiagBias: -2,
    };
    const init = createSsnNetwork(createRng('init/4/lowrank'), {
      kind: 'lowrank',
      rank: 1,
      widths: tiny,
      logDiagBias: -2,
    });
    const { heads } = init;
    const covariance = (net: typeof init) =>
      [net.heads.logDiag!, net.heads.factor!].flatMap((l) => [l.weight.data, l.bias]);
    const warm = trainModel(referenceConvOps, data, { ...opts, steps: 3 });
    covariance(warm.network).forEach((p, j) =>
      expect(Array.from(p)).toEqual(Array.from(covariance(init)[j])),
    );
    expect(Array.from(warm.network.heads.mean.weight.data)).not.toEqual(
      Array.from(heads.mean.weight.data),
    );
    const after = trainModel(referenceConvOps, data, { ...opts, steps: 4 });
    covariance(after.network).forEach((p, j) =>
      expect(Array.from(p)).not.toEqual(Array.from(covariance(init)[j])),
    );
    // The default initial log-diagonal bias is −5 (createHeads' own default is 0).
    const byDefault = trainModel(referenceConvOps, data, {
      ...opts,
      steps: 1,
      logDiagBias: undefined,
    });
    expect(Array.from(byDefault.network.heads.logDiag!.bias)).toEqual([-5, -5]);
    expect(() =>
      trainModel(referenceConvOps, data, { ...opts, steps: 1, meanOnlySteps: -1 }),
    ).toThrow(/^meanOnlySteps/);
  });

  it('averages the batch gradient: a batch of two copies of one image steps as one image', () => {
    // One image, one annotation, deterministic head: both batch entries give the same gradient g.
    // Adam is scale-invariant except for its L2 decay (g + wd·θ), so with a large decay a summed
    // 2g would step differently from the mean g; (g + g)/2 = g exactly in floating point.
    const one = makeSyntheticDataset({ seed: 4, count: 1, size: 24, annotators: 1 });
    const opts = {
      kind: 'deterministic' as const,
      steps: 2,
      widths: tiny,
      weightDecay: 0.5,
      averageDecay: 0,
      lr: 0.01,
    };
    const single = trainModel(referenceConvOps, one, { ...opts, batchSize: 1 });
    const pair = trainModel(referenceConvOps, one, { ...opts, batchSize: 2 });
    expect(Array.from(pair.losses)).toEqual(Array.from(single.losses));
    ssnParameters(pair.network).forEach((p, j) =>
      expect(Array.from(p)).toEqual(Array.from(ssnParameters(single.network)[j])),
    );
  });

  it('names a run whose weights went non-finite instead of returning or scoring it', () => {
    const opts = { kind: 'deterministic' as const, batchSize: 1, widths: tiny, seed: 1 };
    // lr = 1e308: the first Adam step (of size ≈ lr) takes weights to ±∞.
    expect(() => trainModel(referenceConvOps, data, { ...opts, steps: 3, lr: 1e308 })).toThrow(
      /^network: training diverged at step 1 \(body\.enc1\.weight entry \d+ is -?Infinity\); try a smaller lr \(now 1e\+308\)/,
    );
    // lr = 1e100 (seed 2): the weights stay finite, but the next forward pass overflows.
    expect(() =>
      trainModel(referenceConvOps, data, { ...opts, steps: 3, lr: 1e100, seed: 2 }),
    ).toThrow(
      /^network: training diverged at step 2 \(on data\.images\[\d+\], logits: entry \d+ is -?Infinity/,
    );
    // A weight made NaN between steps is named at the next step.
    expect(() =>
      trainModel(referenceConvOps, data, {
        ...opts,
        steps: 2,
        onStep: (step, _loss, net) => {
          if (step === 1) net.heads.mean.bias[1] = NaN;
        },
      }),
    ).toThrow(/^network: training diverged at step 2 \(.*heads\.mean\.bias entry 1 is NaN/);
  });

  it('validates the data set, naming the field', () => {
    const opts = { kind: 'deterministic' as const, steps: 1, batchSize: 1, widths: tiny };
    const bad = (change: (d: SyntheticDataset) => void) => {
      const d: SyntheticDataset = {
        ...data,
        images: data.images.slice(),
        annotations: data.annotations.map((a) => a.slice()),
      };
      change(d);
      return () => trainModel(referenceConvOps, d, opts);
    };
    expect(
      bad((d) => {
        d.annotations[3] = [];
      }),
    ).toThrow(/^data\.annotations\[3\]: holds no annotation/);
    expect(
      bad((d) => {
        d.annotations[3][1] = new Int32Array(100);
      }),
    ).toThrow(
      /^data\.annotations\[3\]\[1\]: length 100 does not match H·W = 24·24 \(expected 576\)/,
    );
    expect(
      bad((d) => {
        d.annotations[2][0] = new Int32Array(576).fill(2);
      }),
    ).toThrow(/^data\.annotations\[2\]\[0\]: value 2/);
    expect(
      bad((d) => {
        d.images[5] = new Float64Array(576).fill(NaN);
      }),
    ).toThrow(/^data\.images\[5\]: entry 0 is NaN/);
    expect(
      bad((d) => {
        d.annotations.pop();
      }),
    ).toThrow(/^data\.annotations: holds 23 entries for 24 images/);
    expect(bad((d) => d.images.splice(0))).toThrow(/^data: holds no images/);
  });

  it('rejects bad options, naming them', () => {
    expect(() =>
      trainModel(referenceConvOps, data, { kind: 'lowrank', steps: 1, samples: 5 }),
    ).toThrow(/^samples: antithetic pairs need an even count, got 5/);
    expect(() => trainModel(referenceConvOps, data, { kind: 'lowrank', steps: 0 })).toThrow(
      /^steps/,
    );
    expect(() => trainModel(referenceConvOps, data, { kind: 'x' as never, steps: 1 })).toThrow(
      /^kind/,
    );
    expect(() =>
      trainModel(referenceConvOps, data, { kind: 'lowrank', steps: 1, batchSize: 0 }),
    ).toThrow(/^batchSize/);
  });
});

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

describe('evaluation helpers', () => {
  it('meanSe: mean and sd/√n of the non-NaN values', () => {
    const r = meanSe([1, 2, NaN, 3]);
    expect(r.mean).toBe(2);
    expect(r.count).toBe(3);
    expect(Math.abs(r.se - 1 / Math.sqrt(3))).toBeLessThan(1e-15);
    expect(meanSe([NaN]).count).toBe(0);
  });

  it('argmaxLabels reads class-major logits', () => {
    // S = 3 pixels, C = 2: class 0 logits [0, 5, 1], class 1 logits [1, 0, 1] (tie → class 0).
    expect(Array.from(argmaxLabels([0, 5, 1, 1, 0, 1], 2))).toEqual([1, 0, 0]);
    expect(() => argmaxLabels([0, 1, 2], 2)).toThrow(/^logits/);
    // NaN compares false with everything: it must not become label 0.
    expect(() => argmaxLabels([NaN, 0], 2)).toThrow(/^logits: entry 0 is NaN/);
    expect(() => argmaxLabels([0, 1, Infinity, 0], 2)).toThrow(/^logits: entry 2 is Infinity/);
  });

  it('refuses a network with a NaN weight, and NaN mean logits, instead of scoring them', () => {
    const data = makeSyntheticDataset({ seed: 2, count: 2, size: 24 });
    const net = createSsnNetwork(createRng(0), { kind: 'deterministic', widths: tiny });
    const img = { data: data.images[0], channels: 1, height: 24, width: 24 };
    ssnParameters(net)[0][0] = NaN;
    expect(() => evaluateModel(referenceConvOps, net, data, { samples: 2 })).toThrow(
      /^net: body\.enc1\.weight: entry 0 is NaN/,
    );
    expect(() => predictImage(referenceConvOps, net, img)).toThrow(/^meanLogits: entry \d+ is NaN/);
    const fine = createSsnNetwork(createRng(0), { kind: 'deterministic', widths: tiny });
    const nanImage = { ...img, data: new Float64Array(576).fill(NaN) };
    expect(() => predictImage(referenceConvOps, fine, nanImage)).toThrow(
      /^meanLogits: entry 0 is NaN/,
    );
    const bad = { ...data, images: [data.images[0], nanImage.data] };
    expect(() => evaluateModel(referenceConvOps, fine, bad, { samples: 2 })).toThrow(
      /^data\.images\[1\]: entry 0 is NaN/,
    );
  });

  it('stackAnnotations refuses an empty list and unequal lengths, naming them', () => {
    expect(Array.from(stackAnnotations([Int32Array.of(1, 0), Int32Array.of(0, 1)]))).toEqual([
      1, 0, 0, 1,
    ]);
    expect(() => stackAnnotations([])).toThrow(/^annotations: holds no annotation/);
    expect(() => stackAnnotations([new Int32Array(4), new Int32Array(3)])).toThrow(
      /^annotations\[1\]: length 3 does not match the length of annotations\[0\] \(expected 4\)/,
    );
    expect(() => stackAnnotations([new Int32Array(4), new Int32Array(5)])).toThrow(
      /^annotations\[1\]: length 5/,
    );
  });

  it('evaluateModel and annotatorDiversity validate the data set, naming the field', () => {
    const data = makeSyntheticDataset({ seed: 2, count: 2, size: 24 });
    const net = createSsnNetwork(createRng(0), { kind: 'deterministic', widths: tiny });
    const noAnnotation = { ...data, annotations: [data.annotations[0], []] };
    expect(() => evaluateModel(referenceConvOps, net, noAnnotation, { samples: 2 })).toThrow(
      /^data\.annotations\[1\]: holds no annotation/,
    );
    expect(() => annotatorDiversity(noAnnotation)).toThrow(/^data\.annotations\[1\]: holds/);
    const short = {
      ...data,
      annotations: [data.annotations[0], [data.annotations[1][0], new Int32Array(100)]],
    };
    expect(() => evaluateModel(referenceConvOps, net, short, { samples: 2 })).toThrow(
      /^data\.annotations\[1\]\[1\]: length 100 does not match H·W = 24·24 \(expected 576\)/,
    );
  });

  it('a deterministic model has zero diversity; samples of a stochastic one differ', () => {
    const data = makeSyntheticDataset({ seed: 2, count: 3, size: 24 });
    const det = createSsnNetwork(createRng(0), { kind: 'deterministic', widths: tiny });
    const e = evaluateModel(referenceConvOps, det, data, { samples: 5 });
    expect(e.diversity.mean).toBe(0);
    const lr = createSsnNetwork(createRng(0), { kind: 'lowrank', rank: 2, widths: tiny });
    const img = { data: data.images[0], channels: 1, height: 24, width: 24 };
    const s = sampleLabelMaps(predictImage(referenceConvOps, lr, img), 2, createRng(1), 2);
    expect(Array.from(s.subarray(0, 576))).not.toEqual(Array.from(s.subarray(576)));
  });

  it('annotator diversity equals the data set statistics on the same images', () => {
    // Two independent computations: sampleDiversity's V-statistic here, annotationStats' mean
    // over distinct pairs times (A − 1)/A there.
    const data = makeSyntheticDataset({ seed: 2, count: 12, size: 24 });
    const stats = annotationStats(data);
    expect(stats.annotatorDiversity).toBeGreaterThan(0);
    expect(annotatorDiversity(data).mean).toBeCloseTo(stats.annotatorDiversity, 12);
    // Hand check, 2×2 images, 2 annotators: [1,1,0,0] vs [1,0,0,0] has IoU 1/2, d = 1/2, so the
    // V-statistic over the 4 pairs (a = b gives 0) is (0 + ½ + ½ + 0)/4 = ¼; two empty maps
    // give 0. Mean ⅛, se = sd/√2 = (¼/√2)/√2 = ⅛.
    const hand = {
      height: 2,
      width: 2,
      annotators: 2,
      images: [new Float64Array(4), new Float64Array(4)],
      annotations: [
        [Int32Array.of(1, 1, 0, 0), Int32Array.of(1, 0, 0, 0)],
        [new Int32Array(4), new Int32Array(4)],
      ],
      meta: [],
    };
    const d = annotatorDiversity(hand);
    expect(d.mean).toBeCloseTo(0.125, 15);
    expect(d.se).toBeCloseTo(0.125, 15);
    // Identical annotations: 0.
    const same = { ...data, annotations: data.annotations.map((a) => a.map(() => a[0])) };
    expect(annotatorDiversity(same).mean).toBe(0);
  });
});
