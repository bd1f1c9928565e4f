/**
 * A seeded synthetic lesion-segmentation data set with several disagreeing annotators, a small
 * stand-in for LIDC (4 radiologists per nodule). The generative process is written out in
 * spec/synthetic-data.md; the defaults below are the numbers it names.
 */
import { checkInteger, checkNumber } from '../util/validate.js';
import { splitRng, standardNormal, type Rng } from '../random/rng.js';

/** How one simulated annotator draws (see spec/synthetic-data.md#annotators). */
export interface AnnotatorHabit {
  /** Short name for reports, e.g. "generous". */
  name: string;
  /** Mean relative change of the drawn boundary: +0.25 draws 25 % wider, −0.2 tighter. */
  boundaryBias: number;
  /** Contrast at which this annotator marks a lesion with probability ½·(1 − missRate). */
  contrastThreshold: number;
  /** Probability of missing a lesion regardless of its contrast. */
  missRate: number;
}

/**
 * The four default annotators: one draws large, one tight, one average, one conservative
 * (marks only clear lesions).
 */
export const DEFAULT_ANNOTATOR_HABITS: readonly AnnotatorHabit[] = [
  { name: 'generous', boundaryBias: 0.25, contrastThreshold: 0.22, missRate: 0.02 },
  { name: 'tight', boundaryBias: -0.2, contrastThreshold: 0.3, missRate: 0.03 },
  { name: 'average', boundaryBias: 0.0, contrastThreshold: 0.28, missRate: 0.05 },
  { name: 'conservative', boundaryBias: 0.05, contrastThreshold: 0.4, missRate: 0.03 },
];

/** Options of {@link makeSyntheticDataset}; every field but `seed` and `count` has a default. */
export interface SyntheticDatasetOptions {
  seed: number | string;
  /** Number of images. */
  count: number;
  /**
   * Side of the square images, H = W = size (default 32; at least 16 and at least 4 × the upper
   * bound of `radiusRange`, so at least 24 with the default radiusRange [2.5, 6]).
   */
  size?: number;
  /** Number of annotators (default 4); habit i is habits[i % habits.length]. */
  annotators?: number;
  habits?: readonly AnnotatorHabit[];
  /** Probability that an image holds no lesion (default 0.2). */
  emptyProbability?: number;
  /** Probability that a non-empty image holds a second lesion (default 0.3). */
  secondLesionProbability?: number;
  /** Lesion contrast ~ U(contrastRange) (default [0.08, 1.0]). */
  contrastRange?: readonly [number, number];
  /** Lesion base radius in pixels ~ U(radiusRange) (default [2.5, 6]; upper bound ≤ size/4). */
  radiusRange?: readonly [number, number];
  /** Standard deviation of the white noise (default 0.1). */
  noiseStd?: number;
  /** Amplitude bound of each of the 3 background sinusoids (default 0.12). */
  backgroundAmplitude?: number;
  /** Slope (in contrast units) of the logistic marking probability (default 0.06). */
  detectionSlope?: number;
  /** Per-drawing standard deviation of the boundary change around the habit (default 0.07). */
  boundaryJitterStd?: number;
  /** Per-drawing standard deviation of the centre shift, pixels (default 0.4). */
  centerJitterStd?: number;
}

/** One lesion of one image and what each annotator did with it. */
export interface LesionMeta {
  /** Centre in pixel coordinates (pixel (r, c) has its centre at (r, c)). */
  centerRow: number;
  centerCol: number;
  /** Semi-axes in pixels along the lesion's own axes (before the boundary harmonics). */
  semiAxes: [number, number];
  /** Orientation of the first semi-axis, radians from the column axis. */
  angle: number;
  /** Peak intensity above the background. */
  contrast: number;
  /** Relative boundary harmonics r(φ) = 1 + Σ amplitude·cos(order·φ + phase). */
  harmonics: { order: number; amplitude: number; phase: number }[];
  /** markedBy[a]: whether annotator a drew this lesion. */
  markedBy: boolean[];
}

/** Per-image ground truth the annotators saw through their habits. */
export interface ImageMeta {
  lesions: LesionMeta[];
  /** The true lesion extent (ρ ≤ 1, union over lesions), H·W labels 0/1. */
  truth: Int32Array;
}

/** A data set of single-channel images with per-annotator binary label maps. */
export interface SyntheticDataset {
  height: number;
  width: number;
  /** Number of annotators per image. */
  annotators: number;
  /** images[i]: H·W float64 intensities, row-major. */
  images: Float64Array[];
  /** annotations[i][a]: annotator a's H·W labels (0 background, 1 lesion), row-major. */
  annotations: Int32Array[][];
  meta: ImageMeta[];
}

/** The sigmoid edge width of a lesion's intensity profile, in units of ρ. */
const EDGE_WIDTH = 0.15;
const BACKGROUND_WAVES = 3;
/** Background spatial frequencies (fx, fy) ~ U(−1.5, 1.5) cycles per image. */
const MAX_FREQUENCY = 1.5;

/**
 * `count` images with lesion-like blobs (faint ones included) and `annotators` label maps each,
 * drawn from the process in spec/synthetic-data.md. Image i uses its own stream
 * `splitRng(seed, count)[i]`, so the same seed gives the same bytes and image i does not depend
 * on later images' draws.
 * @throws TypeError when count/size/annotators are not integers or seed is neither a number nor a
 *   string
 * @throws RangeError when count/size/annotators are below 1 (size below 16, or below 24 with the
 *   default radiusRange), a probability lies outside [0, 1], a range is not increasing and
 *   positive, radiusRange's upper bound exceeds size/4, or habits is empty
 * @example makeSyntheticDataset({ seed: 1, count: 100 }).annotations[0].length // 4
 */
export function makeSyntheticDataset(options: SyntheticDatasetOptions): SyntheticDataset {
  const o = resolveOptions(options);
  const streams = splitRng(`synthetic-lesions/${String(options.seed)}`, o.count);
  const images: Float64Array[] = [];
  const annotations: Int32Array[][] = [];
  const meta: ImageMeta[] = [];
  for (let i = 0; i < o.count; i++) {
    const sample = makeImage(streams[i], o);
    images.push(sample.image);
    annotations.push(sample.annotations);
    meta.push(sample.meta);
  }
  return { height: o.size, width: o.size, annotators: o.annotators, images, annotations, meta };
}

type Resolved = Required<Omit<SyntheticDatasetOptions, 'seed'>>;

function resolveOptions(options: SyntheticDatasetOptions): Resolved {
  const o: Resolved = {
    count: options.count,
    size: options.size ?? 32,
    annotators: options.annotators ?? 4,
    habits: options.habits ?? DEFAULT_ANNOTATOR_HABITS,
    emptyProbability: options.emptyProbability ?? 0.2,
    secondLesionProbability: options.secondLesionProbability ?? 0.3,
    contrastRange: options.contrastRange ?? [0.08, 1.0],
    radiusRange: options.radiusRange ?? [2.5, 6],
    noiseStd: options.noiseStd ?? 0.1,
    backgroundAmplitude: options.backgroundAmplitude ?? 0.12,
    detectionSlope: options.detectionSlope ?? 0.06,
    boundaryJitterStd: options.boundaryJitterStd ?? 0.07,
    centerJitterStd: options.centerJitterStd ?? 0.4,
  };
  if (typeof options.seed !== 'string') checkNumber('seed', options.seed);
  for (const key of ['count', 'size', 'annotators'] as const) checkInteger(key, o[key], 1);
  if (o.size < 16) throw new RangeError(`size: must be at least 16, got ${o.size}`);
  if (o.habits.length === 0) throw new RangeError('habits: must hold at least one annotator habit');
  o.habits.forEach((h, i) => {
    if (!Number.isFinite(h.boundaryBias) || h.boundaryBias <= -0.5) {
      throw new RangeError(
        `habits[${i}].boundaryBias: must be finite and > −0.5, got ${h.boundaryBias}`,
      );
    }
    if (!Number.isFinite(h.contrastThreshold)) {
      throw new RangeError(
        `habits[${i}].contrastThreshold: must be finite, got ${h.contrastThreshold}`,
      );
    }
    checkProbability(`habits[${i}].missRate`, h.missRate);
  });
  checkProbability('emptyProbability', o.emptyProbability);
  checkProbability('secondLesionProbability', o.secondLesionProbability);
  checkRange('contrastRange', o.contrastRange);
  checkRange('radiusRange', o.radiusRange);
  if (o.radiusRange[1] > o.size / 4) {
    // Blame the option the caller set: size when radiusRange is the default.
    throw new RangeError(
      options.radiusRange === undefined
        ? `size: must be at least ${4 * o.radiusRange[1]} with the default radiusRange [${o.radiusRange.join(', ')}] (its upper bound must be ≤ size/4), got ${o.size}`
        : `radiusRange: upper bound ${o.radiusRange[1]} exceeds size/4 = ${o.size / 4}`,
    );
  }
  for (const key of [
    'noiseStd',
    'backgroundAmplitude',
    'boundaryJitterStd',
    'centerJitterStd',
  ] as const) {
    if (!Number.isFinite(o[key]) || o[key] < 0) {
      throw new RangeError(`${key}: must be finite and ≥ 0, got ${o[key]}`);
    }
  }
  if (!Number.isFinite(o.detectionSlope) || o.detectionSlope <= 0) {
    throw new RangeError(`detectionSlope: must be finite and > 0, got ${o.detectionSlope}`);
  }
  return o;
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: must lie in [0, 1], got ${p}`);
}

function checkRange(name: string, r: readonly [number, number]): void {
  if (
    r.length !== 2 ||
    !Number.isFinite(r[0]) ||
    !Number.isFinite(r[1]) ||
    !(r[0] > 0) ||
    !(r[0] <= r[1])
  ) {
    throw new RangeError(
      `${name}: must be two positive finite numbers, low ≤ high, got [${r.join(', ')}]`,
    );
  }
}

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.uniform();
}

/** The normalised radius ρ of pixel (r, c) for a lesion with centre (cr, cc) (ρ ≤ 1 inside). */
function normalisedRadius(
  lesion: LesionMeta,
  cr: number,
  cc: number,
  extra: { order: number; amplitude: number; phase: number } | null,
  r: number,
  c: number,
): number {
  const dy = r - cr;
  const dx = c - cc;
  const cos = Math.cos(lesion.angle);
  const sin = Math.sin(lesion.angle);
  const u = (dx * cos + dy * sin) / lesion.semiAxes[0];
  const v = (-dx * sin + dy * cos) / lesion.semiAxes[1];
  const phi = Math.atan2(v, u);
  let boundary = 1;
  for (const h of lesion.harmonics) boundary += h.amplitude * Math.cos(h.order * phi + h.phase);
  if (extra !== null) boundary += extra.amplitude * Math.cos(extra.order * phi + extra.phase);
  return Math.hypot(u, v) / boundary;
}

function makeImage(
  rng: Rng,
  o: Resolved,
): { image: Float64Array; annotations: Int32Array[]; meta: ImageMeta } {
  const n = o.size;
  const image = new Float64Array(n * n);

  // 1. Smooth background: a sum of low-frequency plane waves.
  for (let k = 0; k < BACKGROUND_WAVES; k++) {
    const amp = uniform(rng, 0, o.backgroundAmplitude);
    const fx = uniform(rng, -MAX_FREQUENCY, MAX_FREQUENCY);
    const fy = uniform(rng, -MAX_FREQUENCY, MAX_FREQUENCY);
    const phase = uniform(rng, 0, 2 * Math.PI);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        image[r * n + c] += amp * Math.sin((2 * Math.PI * (fx * c + fy * r)) / n + phase);
      }
    }
  }

  // 2. Lesions: 0, 1 or 2 irregular ellipses.
  const lesionCount =
    rng.uniform() < o.emptyProbability ? 0 : rng.uniform() < o.secondLesionProbability ? 2 : 1;
  const lesions: LesionMeta[] = [];
  for (let l = 0; l < lesionCount; l++) {
    const r0 = uniform(rng, o.radiusRange[0], o.radiusRange[1]);
    const aspect = uniform(rng, 0.7, 1);
    const margin = r0 + 1.5;
    lesions.push({
      centerRow: uniform(rng, margin, n - 1 - margin),
      centerCol: uniform(rng, margin, n - 1 - margin),
      semiAxes: [r0, r0 * aspect],
      angle: uniform(rng, 0, Math.PI),
      contrast: uniform(rng, o.contrastRange[0], o.contrastRange[1]),
      harmonics: [2, 3].map((order) => ({
        order,
        amplitude: uniform(rng, 0, 0.12),
        phase: uniform(rng, 0, 2 * Math.PI),
      })),
      markedBy: [],
    });
  }
  const truth = new Int32Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let intensity = 0;
      for (const lesion of lesions) {
        const rho = normalisedRadius(lesion, lesion.centerRow, lesion.centerCol, null, r, c);
        // Overlapping lesions take the brighter one, not the sum.
        intensity = Math.max(intensity, lesion.contrast / (1 + Math.exp(-(1 - rho) / EDGE_WIDTH)));
        if (rho <= 1) truth[r * n + c] = 1;
      }
      image[r * n + c] += intensity;
    }
  }

  // 3. White noise.
  const noise = standardNormal(rng, n * n);
  for (let i = 0; i < n * n; i++) image[i] += o.noiseStd * noise[i];

  // 4. Annotators, lesion by lesion.
  const annotations = Array.from({ length: o.annotators }, () => new Int32Array(n * n));
  for (const lesion of lesions) {
    for (let a = 0; a < o.annotators; a++) {
      const habit = o.habits[a % o.habits.length];
      const pMark =
        (1 - habit.missRate) /
        (1 + Math.exp(-(lesion.contrast - habit.contrastThreshold) / o.detectionSlope));
      // The draws below happen whether or not the lesion is marked, so one annotator's decision
      // never shifts another's random numbers.
      const marked = rng.uniform() < pMark;
      const [jitter, dr, dc] = standardNormal(rng, 3);
      const wobble = {
        order: 2,
        amplitude: uniform(rng, 0, 0.08),
        phase: uniform(rng, 0, 2 * Math.PI),
      };
      lesion.markedBy.push(marked);
      if (!marked) continue;
      const extent = Math.max(0.5, 1 + habit.boundaryBias + o.boundaryJitterStd * jitter);
      const cr = lesion.centerRow + o.centerJitterStd * dr;
      const cc = lesion.centerCol + o.centerJitterStd * dc;
      const map = annotations[a];
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) {
          if (normalisedRadius(lesion, cr, cc, wobble, r, c) <= extent) map[r * n + c] = 1;
        }
      }
      // A marked lesion is at least its centre pixel.
      const pr = Math.min(n - 1, Math.max(0, Math.round(cr)));
      const pc = Math.min(n - 1, Math.max(0, Math.round(cc)));
      map[pr * n + pc] = 1;
    }
  }
  return { image, annotations, meta: { lesions, truth } };
}
