/**
 * The ops of the conformance format: for each, how its inputs are read and checked, the shape of
 * each output field, and how ssn-ts computes it. Field names and meanings are those of
 * spec/conformance.md (and of spec/torch/conformance.py, the independent implementation).
 *
 * Distribution fields shared by `lowrank.*` and `loss.mc`: `loc` [N], `covFactor` [N·R] with
 * entry (n, r) at n·R + r, `covDiag` [N], `rank` R. Noises: `epsFactor` [M·R], `epsDiag` [M·N],
 * M = len(epsDiag) / N.
 */
import { entropy } from '../distribution/entropy.js';
import { logProb } from '../distribution/logProb.js';
import { lowRankNormal } from '../distribution/lowRankNormal.js';
import { rsample } from '../distribution/rsample.js';
import { mcLoss } from '../loss/mcLoss.js';
import { diceAgainstAnnotations } from '../metrics/dice.js';
import { generalisedEnergyDistance } from '../metrics/generalisedEnergyDistance.js';
import {
  caseLabel,
  ConformanceError,
  describeValue,
  formatNumber,
  type ConformanceCase,
  type ConformanceOp,
} from './format.js';
import { OutOfRangeNumber } from './json.js';
import {
  DEFAULT_LIMITS,
  diceCost,
  overLimit,
  gedCost,
  lowRankCost,
  samplesCost,
  type CaseCost,
} from './caseCost.js';

/** An output field's shape: its array length, or 'scalar' for a single number. */
export type OutputShape = number | 'scalar';

/** A case whose inputs have been read and checked. */
export interface ReadCase {
  /** Output field name → shape, in the order the format lists them. */
  readonly outputs: Readonly<Record<string, OutputShape>>;
  /** What `compute` will cost, estimated from the sizes alone (see caseCost.ts). */
  readonly cost: CaseCost;
  /** Computes the outputs with ssn-ts (may throw ssn-ts's own RangeError, e.g. covDiag ≤ 0). */
  compute(): Record<string, number | Float64Array>;
}

/** The input fields a case reads, for wrapping ssn-ts errors as `inputs.FIELD`. */
const INPUT_FIELDS = new Set([
  'loc',
  'covFactor',
  'covDiag',
  'rank',
  'x',
  'epsFactor',
  'epsDiag',
  'temperature',
  'likelihood',
  'classes',
  'layout',
  'labels',
  'mask',
  'pixels',
  'samples',
  'annotations',
  'prediction',
]);

/** Reads typed, checked fields out of one case's `inputs`. */
class Fields {
  constructor(
    readonly id: string,
    readonly op: ConformanceOp,
    readonly inputs: Record<string, unknown>,
  ) {}

  fail(field: string, what: string): never {
    throw new ConformanceError(
      `${caseLabel(this.id, this.op)}: inputs.${field}: ${what}`,
      this.id,
      `inputs.${field}`,
    );
  }

  has(name: string): boolean {
    return this.inputs[name] !== undefined;
  }

  private array(name: string): unknown[] {
    const v = this.inputs[name];
    if (v === undefined) this.fail(name, 'missing');
    if (!Array.isArray(v)) this.fail(name, `expected an array, got ${describeValue(v)}`);
    return v;
  }

  /** A float array: numbers, "Infinity", "-Infinity", "NaN", and null read as NaN. */
  floats(name: string, length?: number): Float64Array {
    const v = this.array(name);
    const out = new Float64Array(v.length);
    v.forEach((x, i) => {
      const value = formatNumber(x);
      if (value !== undefined) out[i] = value;
      else if (x instanceof OutOfRangeNumber) {
        this.fail(name, `value ${x.text} at index ${i} is outside the float64 range`);
      } else this.fail(name, `value ${describeValue(x)} at index ${i} is not a number`);
    });
    if (length !== undefined && out.length !== length) {
      this.fail(name, `length ${out.length}, expected ${length}`);
    }
    return out;
  }

  /** An integer array with every entry in [low, high). */
  ints(name: string, low: number, high: number, length?: number): Int32Array {
    const v = this.array(name);
    const out = new Int32Array(v.length);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isInteger(x)) {
        this.fail(name, `value ${describeValue(x)} at index ${i} is not an integer`);
      }
      if (x < low || x >= high) {
        this.fail(name, `value ${x} at index ${i} is out of range [${low}, ${high})`);
      }
      out[i] = x;
    });
    if (length !== undefined && out.length !== length) {
      this.fail(name, `length ${out.length}, expected ${length}`);
    }
    return out;
  }

  /** An integer in [min, 2^53) (larger sizes are refused later by the resource limits). */
  int(name: string, min: number): number {
    const x = this.inputs[name];
    if (x === undefined) this.fail(name, 'missing');
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
      this.fail(name, `${describeValue(x)} is not an integer in [${min}, 2^53)`);
    }
    return x;
  }

  /** A number (or "Infinity", "-Infinity", "NaN"). */
  number(name: string, fallback: number): number {
    const raw = this.inputs[name];
    const x = raw === undefined ? fallback : formatNumber(raw);
    if (x === undefined || raw === null) this.fail(name, `${describeValue(raw)} is not a number`);
    return x;
  }

  choice<T extends string>(name: string, options: readonly T[], fallback?: T): T {
    const x = this.inputs[name] === undefined ? fallback : this.inputs[name];
    if (x === undefined) this.fail(name, `missing (one of ${options.join(', ')})`);
    if (!(options as readonly unknown[]).includes(x)) {
      this.fail(name, `${describeValue(x)} is not one of ${options.join(', ')}`);
    }
    return x as T;
  }

  /** Count of items of size `per` in a flat array of length `total`. */
  count(name: string, total: number, per: number, what: string): number {
    if (per <= 0 || total % per !== 0) {
      this.fail(name, `length ${total} is not a multiple of ${what} ${per}`);
    }
    return total / per;
  }
}

interface DistributionInputs {
  loc: Float64Array;
  covFactor: Float64Array;
  covDiag: Float64Array;
  rank: number;
  size: number;
}

function readDistribution(f: Fields): DistributionInputs {
  const loc = f.floats('loc');
  if (loc.length === 0) f.fail('loc', 'must not be empty');
  const rank = f.int('rank', 1);
  const covFactor = f.floats('covFactor', loc.length * rank);
  const covDiag = f.floats('covDiag', loc.length);
  return { loc, covFactor, covDiag, rank, size: loc.length };
}

function readNoises(f: Fields, d: DistributionInputs) {
  const epsDiag = f.floats('epsDiag');
  const count = f.count('epsDiag', epsDiag.length, d.size, 'the event size N =');
  if (count < 1) f.fail('epsDiag', 'must hold at least one sample');
  const epsFactor = f.floats('epsFactor', count * d.rank);
  return { count, epsFactor, epsDiag };
}

function readLowRankLogProb(f: Fields): ReadCase {
  const d = readDistribution(f);
  const x = f.floats('x', d.size);
  return {
    outputs: { logProb: 'scalar' },
    cost: lowRankCost(d.size, d.rank),
    compute: () => ({ logProb: logProb(lowRankNormal(d), x) }),
  };
}

function readLowRankEntropy(f: Fields): ReadCase {
  const d = readDistribution(f);
  return {
    outputs: { entropy: 'scalar' },
    cost: lowRankCost(d.size, d.rank),
    compute: () => ({ entropy: entropy(lowRankNormal(d)) }),
  };
}

function readLowRankRsample(f: Fields): ReadCase {
  const d = readDistribution(f);
  const noise = readNoises(f, d);
  const temperature = f.number('temperature', 1);
  return {
    outputs: { samples: noise.count * d.size },
    cost: samplesCost(d.size, d.rank, noise.count, noise.count * d.size),
    compute: () => ({ samples: rsample(lowRankNormal(d), noise, { temperature }) }),
  };
}

function readLossMc(f: Fields): ReadCase {
  const d = readDistribution(f);
  const likelihood = f.choice('likelihood', ['categorical', 'bernoulli'] as const);
  const classes = f.int('classes', 2);
  const layout = f.choice('layout', ['class-major', 'pixel-major'] as const, 'class-major');
  let pixels: number;
  if (likelihood === 'bernoulli') {
    if (classes !== 2) f.fail('classes', `${classes}, a bernoulli likelihood needs 2`);
    pixels = d.size;
  } else {
    pixels = f.count('loc', d.size, classes, 'classes C =');
  }
  const labels = f.ints('labels', 0, classes, pixels);
  const mask = f.has('mask') ? f.ints('mask', 0, 2, pixels) : undefined;
  const noise = readNoises(f, d);
  return {
    outputs: {
      loss: 'scalar',
      gradLoc: d.size,
      gradCovFactor: d.size * d.rank,
      gradCovDiag: d.size,
    },
    cost: samplesCost(d.size, d.rank, noise.count, d.size * (d.rank + 2) + 1),
    compute: () => {
      const { loss, gradLoc, gradCovFactor, gradCovDiag } = mcLoss(
        lowRankNormal(d),
        labels,
        noise,
        {
          likelihood,
          classes,
          layout,
          mask,
        },
      );
      return { loss, gradLoc, gradCovFactor, gradCovDiag };
    },
  };
}

function readMetricsGed(f: Fields): ReadCase {
  const classes = f.int('classes', 2);
  const samples = f.ints('samples', 0, classes);
  const annotations = f.ints('annotations', 0, classes);
  let pixels: number;
  let ns: number;
  let na: number;
  if (f.has('pixels')) {
    pixels = f.int('pixels', 1);
    ns = f.count('samples', samples.length, pixels, 'pixels S =');
    na = f.count('annotations', annotations.length, pixels, 'pixels S =');
    if (f.has('numSamples') && f.int('numSamples', 1) !== ns) {
      f.fail('numSamples', `disagrees with len(samples) / pixels = ${ns}`);
    }
    if (f.has('numAnnotations') && f.int('numAnnotations', 1) !== na) {
      f.fail('numAnnotations', `disagrees with len(annotations) / pixels = ${na}`);
    }
  } else {
    ns = f.int('numSamples', 1);
    na = f.int('numAnnotations', 1);
    pixels = f.count('samples', samples.length, ns, 'numSamples');
    if (annotations.length !== na * pixels) {
      f.fail('annotations', `length ${annotations.length}, expected ${na * pixels}`);
    }
  }
  if (samples.length === 0) f.fail('samples', 'must hold at least one map');
  if (annotations.length === 0) f.fail('annotations', 'must hold at least one map');
  return {
    outputs: {
      ged: 'scalar',
      diversity: 'scalar',
      annotatorDiversity: 'scalar',
      crossDistance: 'scalar',
    },
    cost: gedCost(classes, pixels, ns, na),
    compute: () => {
      const { ged, diversity, annotatorDiversity, crossDistance } = generalisedEnergyDistance(
        samples,
        annotations,
        { pixels, classes },
      );
      return { ged, diversity, annotatorDiversity, crossDistance };
    },
  };
}

function readMetricsDice(f: Fields): ReadCase {
  const classes = f.int('classes', 2);
  const prediction = f.ints('prediction', 0, classes);
  if (prediction.length === 0) f.fail('prediction', 'must not be empty');
  const annotations = f.ints('annotations', 0, classes);
  const na = f.count('annotations', annotations.length, prediction.length, 'pixels S =');
  if (na < 1) f.fail('annotations', 'must hold at least one map');
  return {
    outputs: { dice: na * (classes - 1) },
    cost: diceCost(classes, prediction.length, na),
    compute: () => ({ dice: diceAgainstAnnotations(prediction, annotations, { classes }) }),
  };
}

const READERS: Record<ConformanceOp, (f: Fields) => ReadCase> = {
  'lowrank.logProb': readLowRankLogProb,
  'lowrank.entropy': readLowRankEntropy,
  'lowrank.rsample': readLowRankRsample,
  'loss.mc': readLossMc,
  'metrics.ged': readMetricsGed,
  'metrics.dice': readMetricsDice,
};

/**
 * Reads and checks one case's inputs: presence, types, lengths (against N, R, S, M), integer
 * labels in range, 0/1 masks. Values that only ssn-ts's constructors judge (covDiag > 0,
 * finiteness) are left to `computeCase`.
 * @throws ConformanceError naming the case and the field, e.g.
 *   `case 'loss-3' (loss.mc): inputs.labels: value 3 at index 17 is out of range [0, 3)`
 */
export function readCase(c: ConformanceCase): ReadCase {
  return READERS[c.op](new Fields(c.id, c.op, c.inputs));
}

/**
 * ssn-ts failed on a case in a way no input should cause: a bug to report, never a verdict on the
 * case (the CLI exits 4, not 2). Thrown for an error during compute that is not one of the
 * library's argument checks; `cause` holds the original error.
 */
export class CaseBugError extends Error {
  constructor(
    message: string,
    readonly caseId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CaseBugError';
  }
}

/**
 * NaN where the inputs were valid: a bug in ssn-ts, never a value to write down. (The one NaN the
 * format defines, Dice of a class empty in both maps, is not one.)
 */
export class NanResultError extends CaseBugError {
  constructor(
    message: string,
    caseId: string,
    readonly field: string,
  ) {
    super(message, caseId);
    this.name = 'NanResultError';
  }
}

/**
 * The argument names an ssn-ts argument check starts its message with: `covDiag: …` or
 * `covFactor, covDiag: …` (the library's convention), or undefined for any other error.
 */
function checkedArgument(err: unknown): string | undefined {
  if (!(err instanceof RangeError || err instanceof TypeError)) return undefined;
  return /^([A-Za-z]+)(?:, [A-Za-z]+)*: /.exec(err.message)?.[1];
}

/** Output fields in which NaN is a defined value (0/0), per op. */
const NAN_ALLOWED: Partial<Record<ConformanceOp, string>> = { 'metrics.dice': 'dice' };

/** Options of `computeCase`. */
export interface ComputeOptions {
  /** Refuse a case whose estimated cost is over these; default DEFAULT_LIMITS. */
  limits?: Readonly<{ bytes: number; operations: number }>;
}

/**
 * Computes one case with ssn-ts: the values its `expected` should hold. Before computing, the
 * case's cost is estimated from its sizes and refused when over the limits.
 * @returns output field → number or Float64Array (±Infinity where the exact value overflows; NaN
 *   only where the op defines it, Dice of a class empty in both maps)
 * @throws ConformanceError naming the case and field for malformed inputs, for inputs ssn-ts
 *   rejects (its argument checks: a RangeError or TypeError whose message starts with the
 *   argument's name, e.g. a non-positive covDiag, a non-finite value, a negative temperature) and
 *   for a case over the limits
 * @throws CaseBugError naming the case for any other error during compute (a bug in ssn-ts)
 * @throws NanResultError naming the case and output field when ssn-ts computes NaN from valid
 *   inputs (a bug)
 * @example
 * computeCase({ id: 'a', op: 'lowrank.entropy',
 *   inputs: { loc: [0], covFactor: [0], covDiag: [1], rank: 1 } }).entropy // ½(1 + log 2π) ≈ 1.4189
 */
export function computeCase(
  c: ConformanceCase,
  options: ComputeOptions = {},
): Record<string, number | Float64Array> {
  const read = readCase(c);
  const label = caseLabel(c.id, c.op);
  const over = overLimit(read.cost, options.limits ?? DEFAULT_LIMITS);
  if (over !== undefined) {
    const { field, value } = read.cost;
    throw new ConformanceError(
      `${label}: inputs.${field}: ${value} ${over}`,
      c.id,
      `inputs.${field}`,
    );
  }
  let outputs: Record<string, number | Float64Array>;
  try {
    outputs = read.compute();
  } catch (err) {
    const field = checkedArgument(err);
    if (field === undefined) {
      const what = err instanceof Error ? err.message : String(err);
      throw new CaseBugError(
        `${label}: unexpected error in ssn-ts: ${what} (please report it with this case)`,
        c.id,
        { cause: err },
      );
    }
    const named = INPUT_FIELDS.has(field);
    throw new ConformanceError(
      `${label}: ${named ? 'inputs.' : ''}${(err as Error).message}`,
      c.id,
      named ? `inputs.${field}` : undefined,
    );
  }
  for (const [field, v] of Object.entries(outputs)) {
    if (NAN_ALLOWED[c.op] === field) continue;
    const values = typeof v === 'number' ? [v] : v;
    const at = values.findIndex(Number.isNaN);
    if (at >= 0) {
      const where = typeof v === 'number' ? '' : ` at index ${at}`;
      throw new NanResultError(
        `${label}: expected.${field}: ssn-ts computed NaN${where} from valid inputs (a bug in ssn-ts: please report it with this case)`,
        c.id,
        `expected.${field}`,
      );
    }
  }
  return outputs;
}
