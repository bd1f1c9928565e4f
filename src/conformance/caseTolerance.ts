/**
 * The tolerance of a conformance case (|a − e| ≤ atol + rtol |e|), derived from its inputs so
 * that a correct float64 implementation cannot fail it. Used by `ssn vectors` for every case and
 * by `ssn eval` for cases that carry no tolerance of their own.
 *
 *   logProb, entropy: rtol 0, atol = 2 × the larger of two forward error bounds, one for the
 *             textbook low-rank form (torch's Woodbury and determinant lemma) and one for the
 *             dense Cholesky form (logDensityErrorBound.ts derives both; the dense one, O(N³),
 *             only for N ≤ DENSE_BOUND_MAX_N — larger N are beyond a dense implementation anyway;
 *             a form whose first-order bound fails on the case, able to lose every digit there,
 *             is left out).
 *             Any correct float64 implementation of either form is within its bound of the exact
 *             value, and so is ssn-ts (test/conformance/tolerances.test.ts checks it against
 *             60-digit values), so two of them differ by at most twice the bound.
 *   rsample:  rtol 1e-9, atol = 1e-12 · max over entries of |loc_n| + T (Σ_r |P_nr ε_r| + √d_n |ε_n|):
 *             each entry is a sum of R + 2 rounded products, off by at most γ(R + 3) times that
 *             scale, about 1e-15 for ranks below 100.
 *   loss.mc:  rtol 1e-9, atol = 1e-12 · max(1, |loss|, max |η|, S (2 max |η| + log C)): each ℓ_m is a
 *             sum of S log-probabilities of size ≤ 2|η| + log C, so its rounding error is about
 *             (S + 4) u times that; the weights and gradients inherit it.
 *   metrics:  rtol 1e-12, atol 1e-12 (ratios of integer counts and their means).
 * @see spec/conformance.md#tolerances
 */
import { formatNumber, type ConformanceCase, type Tolerance } from './format.js';
import { entropyErrorBounds, logProbErrorBounds } from './logDensityErrorBound.js';

const RTOL = 1e-9;
const METRIC_RTOL = 1e-12;
const ATOL_PER_SCALE = 1e-12;
/** The dense form's bound costs O(N³): computed up to this N. */
const DENSE_BOUND_MAX_N = 500;

type Inputs = Record<string, unknown>;

/** A numeric input array, with "Infinity", "-Infinity", "NaN" and null read as numbers. */
function num(inputs: Inputs, name: string): ArrayLike<number> {
  const v = inputs[name];
  if (!Array.isArray(v)) return [];
  return Float64Array.from(v, (x) => formatNumber(x) ?? NaN);
}

function scalar(v: unknown, fallback: number): number {
  return v === undefined ? fallback : (formatNumber(v) ?? NaN);
}

function lowRankInputs(inputs: Inputs) {
  return {
    loc: num(inputs, 'loc'),
    covFactor: num(inputs, 'covFactor'),
    covDiag: num(inputs, 'covDiag'),
    rank: inputs.rank as number,
  };
}

/**
 * Twice the larger bound (the dense one only up to DENSE_BOUND_MAX_N). A form whose first-order
 * bound does not hold (NaN: it can lose every digit on this case) is left out, so the tolerance
 * promises nothing to implementations of that form; NaN when neither bound holds.
 */
function logDensityAtol(bounds: { textbook: number; dense: number }, n: number): number {
  const usable = [bounds.textbook, n <= DENSE_BOUND_MAX_N ? bounds.dense : NaN].filter(
    Number.isFinite,
  );
  return usable.length === 0 ? NaN : 2 * Math.max(...usable);
}

/**
 * The samples' scale, max over entries of |loc| + T (Σ_r |P ε_R| + √d |ε_N|), and the largest
 * |η| over the samples.
 */
function sampleTerms(inputs: Inputs): { scale: number; maxAbsEta: number } {
  const loc = num(inputs, 'loc');
  const p = num(inputs, 'covFactor');
  const d = num(inputs, 'covDiag');
  const eR = num(inputs, 'epsFactor');
  const eN = num(inputs, 'epsDiag');
  const rank = inputs.rank as number;
  const t = scalar(inputs.temperature, 1);
  const n = loc.length;
  const m = eN.length / n;
  let scale = 0;
  let maxAbsEta = 0;
  for (let k = 0; k < m; k++) {
    for (let i = 0; i < n; i++) {
      let abs = Math.sqrt(d[i]) * Math.abs(eN[k * n + i]);
      let v = Math.sqrt(d[i]) * eN[k * n + i];
      for (let r = 0; r < rank; r++) {
        abs += Math.abs(p[i * rank + r] * eR[k * rank + r]);
        v += p[i * rank + r] * eR[k * rank + r];
      }
      scale = Math.max(scale, Math.abs(loc[i]) + t * abs);
      maxAbsEta = Math.max(maxAbsEta, Math.abs(loc[i] + t * v));
    }
  }
  return { scale, maxAbsEta };
}

function lossScale(inputs: Inputs, expected: Record<string, unknown>): number {
  const { maxAbsEta } = sampleTerms(inputs);
  const classes = inputs.classes as number;
  const pixels = Array.isArray(inputs.labels) ? inputs.labels.length : 0;
  const loss = Math.abs(scalar(expected.loss, 0));
  // Σ_s |log p| bounds every |ℓ_m|: with logits of size |η|, each pixel adds at most 2|η| + log C.
  return Math.max(1, loss, maxAbsEta, pixels * (2 * maxAbsEta + Math.log(classes)));
}

/**
 * The derived tolerance of a case whose inputs are valid and whose outputs are `expected`.
 * @returns the tolerance, or undefined where none holds in float64 (a log-density beyond the
 *   first-order error analysis, or non-finite values)
 * @example caseTolerance({ id: 'g', op: 'metrics.ged', inputs: {} }, {}) // { rtol: 1e-12, atol: 1e-12 }
 */
export function caseTolerance(
  c: Pick<ConformanceCase, 'id' | 'op' | 'inputs'>,
  expected: Record<string, unknown>,
): Tolerance | undefined {
  const { op, inputs } = c;
  let t: Tolerance;
  switch (op) {
    case 'lowrank.logProb': {
      const d = lowRankInputs(inputs);
      const bounds = logProbErrorBounds(d, num(inputs, 'x'), {
        dense: d.loc.length <= DENSE_BOUND_MAX_N,
      });
      t = { rtol: 0, atol: logDensityAtol(bounds, d.loc.length) };
      break;
    }
    case 'lowrank.entropy': {
      const d = lowRankInputs(inputs);
      const bounds = entropyErrorBounds(d, { dense: d.loc.length <= DENSE_BOUND_MAX_N });
      t = { rtol: 0, atol: logDensityAtol(bounds, d.loc.length) };
      break;
    }
    case 'lowrank.rsample':
      t = { rtol: RTOL, atol: ATOL_PER_SCALE * Math.max(1, sampleTerms(inputs).scale) };
      break;
    case 'loss.mc':
      t = { rtol: RTOL, atol: ATOL_PER_SCALE * lossScale(inputs, expected) };
      break;
    default:
      t = { rtol: METRIC_RTOL, atol: ATOL_PER_SCALE };
  }
  return Number.isFinite(t.atol) && t.atol > 0 ? t : undefined;
}
