/**
 * A varied, seeded set of conformance cases with ssn-ts's values in `expected`: every op, with
 * the awkward corners (rank 1, rank above N, N = 1, large and small variances, an ill-conditioned
 * capacitance, logits near 1e3, temperature 0, explicit antithetic noises, masks, all-empty and
 * all-full label maps, Dice's 0/0).
 *
 * Tolerances: `caseTolerance` (caseTolerance.ts), derived so that a correct float64
 * implementation cannot fail them.
 * @see spec/conformance.md#tolerances
 */
import { lowRankNormal } from '../distribution/lowRankNormal.js';
import { rsample } from '../distribution/rsample.js';
import { createRng, standardNormal, uniformInt, uniformRange, type Rng } from '../random/rng.js';
import { computeCase } from './caseOps.js';
import {
  CONFORMANCE_FORMAT,
  CONFORMANCE_VERSION,
  toJsonValue,
  type ConformanceCase,
  type ConformanceFile,
  type ConformanceOp,
} from './format.js';
import { caseTolerance } from './caseTolerance.js';

interface Spec {
  /** Event size N. */
  n: number;
  rank: number;
  /** Scale of the covariance factor's entries. */
  factorScale?: number;
  /** covDiag is drawn log-uniformly in [lo, hi]. */
  diag?: [number, number];
  /** loc: normal with this scale, plus `locShift`. */
  locScale?: number;
  locShift?: number;
}

type Inputs = Record<string, unknown>;

function arr(values: ArrayLike<number>): number[] {
  return Array.from(values);
}

function normals(rng: Rng, n: number, scale = 1): number[] {
  return arr(standardNormal(rng, n)).map((v) => v * scale);
}

function distribution(rng: Rng, spec: Spec): Inputs {
  const { n, rank, factorScale = 1, diag = [0.1, 2], locScale = 1, locShift = 0 } = spec;
  const [lo, hi] = diag;
  return {
    loc: normals(rng, n, locScale).map((v) => v + locShift),
    covFactor: normals(rng, n * rank, factorScale),
    covDiag: Array.from({ length: n }, () =>
      Math.exp(uniformRange(rng, Math.log(lo), Math.log(hi))),
    ),
    rank,
  };
}

function num(inputs: Inputs, name: string): number[] {
  return inputs[name] as number[];
}

/** Noises for M samples; antithetic: the second half is the first half negated. */
function noises(rng: Rng, m: number, rank: number, n: number, antithetic = false): Inputs {
  const half = antithetic ? m / 2 : m;
  const eR = normals(rng, half * rank);
  const eN = normals(rng, half * n);
  return antithetic
    ? { epsFactor: [...eR, ...eR.map((v) => -v)], epsDiag: [...eN, ...eN.map((v) => -v)] }
    : { epsFactor: eR, epsDiag: eN };
}

function labels(rng: Rng, s: number, classes: number): number[] {
  return Array.from({ length: s }, () => uniformInt(rng, classes));
}

/** A label drawn with probabilities `weights` (they sum to 1). */
function weightedLabel(rng: Rng, weights: readonly number[]): number {
  let u = rng.uniform();
  for (let k = 0; k < weights.length - 1; k++) {
    if (u < weights[k]) return k;
    u -= weights[k];
  }
  return weights.length - 1;
}

/**
 * `count` maps of S pixels: a random base map, each pixel of each map re-drawn w.p. `flip`.
 * Labels are uniform over the classes, or drawn with probabilities `weights` when given.
 */
function labelMaps(
  rng: Rng,
  count: number,
  s: number,
  classes: number,
  flip = 0.25,
  weights?: readonly number[],
): number[] {
  const draw = () => (weights ? weightedLabel(rng, weights) : uniformInt(rng, classes));
  const base = Array.from({ length: s }, draw);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < s; i++) out.push(rng.uniform() < flip ? draw() : base[i]);
  }
  return out;
}

function fill(length: number, value: number): number[] {
  return new Array<number>(length).fill(value);
}

type Recipe = [id: string, op: ConformanceOp, make: (rng: Rng) => Inputs];

function lowrankX(rng: Rng, spec: Spec, offset = 1): Inputs {
  const inputs = distribution(rng, spec);
  // x = loc + offset · (a draw from the distribution), so z is on the distribution's own scale.
  const noise = noises(rng, 1, spec.rank, spec.n) as { epsFactor: number[]; epsDiag: number[] };
  const loc = num(inputs, 'loc');
  const dist = lowRankNormal({
    loc,
    covFactor: num(inputs, 'covFactor'),
    covDiag: num(inputs, 'covDiag'),
    rank: spec.rank,
  });
  const eta = rsample(dist, noise);
  inputs.x = Array.from(eta, (v, i) => loc[i] + offset * (v - loc[i]));
  return inputs;
}

function lossCase(
  rng: Rng,
  o: {
    likelihood: 'categorical' | 'bernoulli';
    classes: number;
    pixels: number;
    rank: number;
    samples: number;
    layout?: 'class-major' | 'pixel-major';
    antithetic?: boolean;
    mask?: 'partial' | 'none-left';
    spec?: Partial<Spec>;
  },
): Inputs {
  const n = o.likelihood === 'bernoulli' ? o.pixels : o.classes * o.pixels;
  const inputs: Inputs = {
    ...distribution(rng, { n, rank: o.rank, ...o.spec }),
    likelihood: o.likelihood,
    classes: o.classes,
  };
  if (o.likelihood === 'categorical') inputs.layout = o.layout ?? 'class-major';
  inputs.labels = labels(rng, o.pixels, o.classes);
  if (o.mask === 'partial')
    inputs.mask = Array.from({ length: o.pixels }, (_, i) => (i % 3 === 1 ? 0 : 1));
  if (o.mask === 'none-left') inputs.mask = fill(o.pixels, 0);
  return { ...inputs, ...noises(rng, o.samples, o.rank, n, o.antithetic) };
}

// One entry per case: name, op and its inputs' recipe. The entries look alike because they are
// data (a case's sizes and corners), not repeated logic.
const RECIPES: Recipe[] = [
  ['logprob-basic', 'lowrank.logProb', (r) => lowrankX(r, { n: 8, rank: 2 })],
  ['logprob-rank1', 'lowrank.logProb', (r) => lowrankX(r, { n: 6, rank: 1 })],
  ['logprob-n1', 'lowrank.logProb', (r) => lowrankX(r, { n: 1, rank: 1 })],
  ['logprob-rank-above-n', 'lowrank.logProb', (r) => lowrankX(r, { n: 2, rank: 4 })],
  [
    'logprob-large-variance',
    'lowrank.logProb',
    (r) => lowrankX(r, { n: 7, rank: 3, factorScale: 1e2, diag: [1e3, 1e5], locScale: 1e2 }),
  ],
  [
    'logprob-small-variance',
    'lowrank.logProb',
    (r) => lowrankX(r, { n: 7, rank: 2, factorScale: 1e-4, diag: [1e-9, 1e-7], locScale: 1e-3 }),
  ],
  ['logprob-far-tail', 'lowrank.logProb', (r) => lowrankX(r, { n: 5, rank: 2 }, 12)],
  [
    'logprob-ill-conditioned',
    'lowrank.logProb',
    (r) => lowrankX(r, { n: 10, rank: 3, factorScale: 1e2, diag: [1e-4, 1e-3] }),
  ],
  ['entropy-basic', 'lowrank.entropy', (r) => distribution(r, { n: 9, rank: 3 })],
  ['entropy-rank1', 'lowrank.entropy', (r) => distribution(r, { n: 4, rank: 1 })],
  ['entropy-n1', 'lowrank.entropy', (r) => distribution(r, { n: 1, rank: 2 })],
  [
    'entropy-large-variance',
    'lowrank.entropy',
    (r) => distribution(r, { n: 6, rank: 2, factorScale: 1e3, diag: [1e4, 1e6] }),
  ],
  [
    'entropy-small-variance',
    'lowrank.entropy',
    (r) => distribution(r, { n: 6, rank: 2, factorScale: 1e-5, diag: [1e-10, 1e-8] }),
  ],
  [
    'entropy-ill-conditioned',
    'lowrank.entropy',
    (r) => distribution(r, { n: 10, rank: 3, factorScale: 1e2, diag: [1e-4, 1e-3] }),
  ],
  [
    'rsample-basic',
    'lowrank.rsample',
    (r) => ({ ...distribution(r, { n: 6, rank: 2 }), ...noises(r, 3, 2, 6) }),
  ],
  [
    'rsample-temperature-half',
    'lowrank.rsample',
    (r) => ({ ...distribution(r, { n: 5, rank: 3 }), ...noises(r, 2, 3, 5), temperature: 0.5 }),
  ],
  [
    'rsample-temperature-zero',
    'lowrank.rsample',
    (r) => ({ ...distribution(r, { n: 4, rank: 1 }), ...noises(r, 2, 1, 4), temperature: 0 }),
  ],
  [
    'rsample-n1',
    'lowrank.rsample',
    (r) => ({ ...distribution(r, { n: 1, rank: 2 }), ...noises(r, 4, 2, 1) }),
  ],
  [
    'rsample-antithetic',
    'lowrank.rsample',
    (r) => ({ ...distribution(r, { n: 5, rank: 2 }), ...noises(r, 4, 2, 5, true) }),
  ],
  [
    'rsample-large-scale',
    'lowrank.rsample',
    (r) => ({
      ...distribution(r, { n: 5, rank: 2, factorScale: 1e3, diag: [1e4, 1e6], locScale: 1e3 }),
      ...noises(r, 2, 2, 5),
    }),
  ],
  [
    'loss-categorical-class-major',
    'loss.mc',
    (r) => lossCase(r, { likelihood: 'categorical', classes: 3, pixels: 6, rank: 2, samples: 4 }),
  ],
  [
    'loss-categorical-pixel-major',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 3,
        pixels: 6,
        rank: 2,
        samples: 4,
        layout: 'pixel-major',
      }),
  ],
  [
    'loss-bernoulli',
    'loss.mc',
    (r) => lossCase(r, { likelihood: 'bernoulli', classes: 2, pixels: 8, rank: 3, samples: 4 }),
  ],
  [
    'loss-bernoulli-n1',
    'loss.mc',
    (r) => lossCase(r, { likelihood: 'bernoulli', classes: 2, pixels: 1, rank: 1, samples: 2 }),
  ],
  [
    'loss-categorical-rank1-one-sample',
    'loss.mc',
    (r) => lossCase(r, { likelihood: 'categorical', classes: 2, pixels: 5, rank: 1, samples: 1 }),
  ],
  [
    'loss-categorical-antithetic',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 3,
        pixels: 5,
        rank: 2,
        samples: 6,
        antithetic: true,
      }),
  ],
  [
    'loss-categorical-mask',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 4,
        pixels: 9,
        rank: 2,
        samples: 4,
        layout: 'pixel-major',
        mask: 'partial',
      }),
  ],
  [
    'loss-bernoulli-mask',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'bernoulli',
        classes: 2,
        pixels: 9,
        rank: 2,
        samples: 4,
        mask: 'partial',
      }),
  ],
  [
    'loss-all-masked',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 2,
        pixels: 4,
        rank: 2,
        samples: 3,
        mask: 'none-left',
      }),
  ],
  [
    'loss-logits-near-1e3-shifted',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 3,
        pixels: 6,
        rank: 2,
        samples: 4,
        spec: { locShift: 1e3 },
      }),
  ],
  [
    'loss-logits-near-1e3-saturated',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 3,
        pixels: 6,
        rank: 2,
        samples: 4,
        spec: { locScale: 1e3 },
      }),
  ],
  [
    'loss-bernoulli-logits-near-1e3',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'bernoulli',
        classes: 2,
        pixels: 6,
        rank: 2,
        samples: 4,
        spec: { locScale: 1e3 },
      }),
  ],
  [
    'loss-large-variance',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 2,
        pixels: 6,
        rank: 2,
        samples: 4,
        spec: { factorScale: 10, diag: [10, 100] },
      }),
  ],
  [
    'loss-small-variance',
    'loss.mc',
    (r) =>
      lossCase(r, {
        likelihood: 'categorical',
        classes: 3,
        pixels: 4,
        rank: 2,
        samples: 4,
        spec: { factorScale: 1e-3, diag: [1e-8, 1e-6] },
      }),
  ],
  [
    'ged-binary',
    'metrics.ged',
    (r) => ({
      classes: 2,
      pixels: 16,
      samples: labelMaps(r, 4, 16, 2),
      annotations: labelMaps(r, 3, 16, 2),
    }),
  ],
  [
    'ged-three-classes',
    'metrics.ged',
    (r) => ({
      classes: 3,
      pixels: 12,
      samples: labelMaps(r, 5, 12, 3),
      annotations: labelMaps(r, 4, 12, 3),
    }),
  ],
  [
    'ged-all-empty',
    'metrics.ged',
    () => ({ classes: 3, pixels: 9, samples: fill(27, 0), annotations: fill(18, 0) }),
  ],
  [
    'ged-all-full',
    'metrics.ged',
    () => ({ classes: 2, pixels: 9, samples: fill(18, 1), annotations: fill(27, 1) }),
  ],
  [
    'ged-empty-samples',
    'metrics.ged',
    (r) => ({ classes: 2, pixels: 10, samples: fill(30, 0), annotations: labelMaps(r, 2, 10, 2) }),
  ],
  [
    'ged-one-each',
    'metrics.ged',
    (r) => ({
      classes: 4,
      pixels: 8,
      samples: labelMaps(r, 1, 8, 4),
      annotations: labelMaps(r, 1, 8, 4),
    }),
  ],
  [
    'ged-identical-sets',
    'metrics.ged',
    (r) => {
      const maps = labelMaps(r, 3, 10, 3);
      return { classes: 3, pixels: 10, samples: maps, annotations: [...maps] };
    },
  ],
  [
    'dice-binary',
    'metrics.dice',
    (r) => ({
      classes: 2,
      prediction: labelMaps(r, 1, 16, 2),
      annotations: labelMaps(r, 4, 16, 2),
    }),
  ],
  [
    'dice-four-classes',
    'metrics.dice',
    (r) => ({
      classes: 4,
      prediction: labelMaps(r, 1, 20, 4),
      annotations: labelMaps(r, 3, 20, 4),
    }),
  ],
  [
    'dice-all-empty',
    'metrics.dice',
    () => ({ classes: 3, prediction: fill(6, 0), annotations: fill(12, 0) }),
  ],
  [
    'dice-all-full',
    'metrics.dice',
    (r) => ({
      classes: 2,
      prediction: fill(8, 1),
      annotations: [...fill(8, 1), ...fill(8, 0), ...labelMaps(r, 1, 8, 2)],
    }),
  ],
  [
    'dice-empty-prediction',
    'metrics.dice',
    (r) => ({ classes: 3, prediction: fill(10, 0), annotations: labelMaps(r, 2, 10, 3) }),
  ],
  // Added later, so last: case i draws from createRng(`${seed}/i`), and appending keeps every
  // earlier case's inputs. Classes 2 and 3 are rare, so many map pairs (a map with itself
  // included) have some but not all foreground classes empty in both maps: the one place where
  // IoU 1 for such a class (ssn-ts, the official SSN code) differs from dropping it as NaN.
  [
    'ged-sparse-classes',
    'metrics.ged',
    (r) => {
      const weights = [0.55, 0.3, 0.1, 0.05];
      return {
        classes: 4,
        pixels: 10,
        samples: labelMaps(r, 5, 10, 4, 0.3, weights),
        annotations: labelMaps(r, 4, 10, 4, 0.3, weights),
      };
    },
  ],
];

/**
 * The seeded vector set: the same seed gives the same file, bit for bit. Each case's `expected`
 * holds ssn-ts's values and its `tolerance` follows the rules in the module comment.
 * @param seed - any integer or string; case i draws from its own generator, createRng(`${seed}/${i}`)
 * @example generateVectors(1).cases.length // 47, every op represented
 */
export function generateVectors(seed: number | string): ConformanceFile {
  const cases = RECIPES.map(([id, op, make], i): ConformanceCase => {
    const inputs = make(createRng(`${seed}/${i}`));
    const expected = toJsonValue(computeCase({ id, op, inputs }));
    const tolerance = caseTolerance({ id, op, inputs }, expected);
    if (tolerance === undefined) throw new RangeError(`${id}: no float64 tolerance holds`);
    return { id, op, inputs, expected, tolerance };
  });
  return { format: CONFORMANCE_FORMAT, version: CONFORMANCE_VERSION, cases };
}
