/**
 * Compares another implementation's results with the reference values of a vectors file, case by
 * case and output field by output field:
 *
 *   entry ok  ⇔  |a − e| ≤ atol + rtol |e|     (e from the vectors, a from the results)
 *
 * A NaN expected value is matched only by NaN, and ±Infinity only by the same infinity.
 * The tolerance is the case's own `tolerance`, else the default.
 * @see spec/conformance.md#checking-another-implementation
 */
import { readCase, type OutputShape } from './caseOps.js';
import {
  caseLabel,
  ConformanceError,
  describeValue,
  formatNumber,
  type ConformanceCase,
  type ConformanceFile,
  type Tolerance,
} from './format.js';
import { numberText, OutOfRangeNumber } from './json.js';

/** Used for cases without their own `tolerance`. */
export const DEFAULT_TOLERANCE: Readonly<Tolerance> = { rtol: 1e-9, atol: 1e-12 };

/** One output field of one case. */
export interface ComparisonRow {
  id: string;
  op: string;
  field: string;
  /** Number of entries (1 for a scalar). */
  entries: number;
  /** max |a − e| over entries where e is a number (∞ when a is null there; 0 if none). */
  maxAbsError: number;
  /** max |a − e| / |e| over entries with e ≠ 0 (NaN when there is none). */
  maxRelError: number;
  /** max |a − e| / (atol + rtol |e|): ≤ 1 passes (∞ for a zero tolerance and any error). */
  worstRatio: number;
  tolerance: Tolerance;
  ok: boolean;
  /** Why it failed when the numbers alone do not say (a null mismatch). */
  note?: string;
}

/** What `compareResults` found: one row per output field, and how many fail. */
export interface Comparison {
  rows: ComparisonRow[];
  /** Number of failing rows. */
  failed: number;
}

/** Options of `compareResults`. */
export interface CompareOptions {
  /** Tolerance for cases that carry none; default DEFAULT_TOLERANCE. */
  defaultTolerance?: Tolerance;
}

/**
 * Reads a case's output values: every field of the op must be there with the right shape;
 * numbers, "Infinity", "-Infinity", "NaN" or null (NaN). Extra fields are ignored.
 * @throws ConformanceError naming the case and `expected.FIELD` (`which` says which file)
 */
export function readOutputs(
  c: ConformanceCase,
  outputs: Readonly<Record<string, OutputShape>>,
  which: string,
): Record<string, Float64Array> {
  const label = `${which}: ${caseLabel(c.id, c.op)}`;
  const fail = (field: string, what: string): never => {
    throw new ConformanceError(`${label}: ${field}: ${what}`, c.id, field);
  };
  if (c.expected === undefined) fail('expected', 'missing');
  const expected = c.expected as Record<string, unknown>;
  const out: Record<string, Float64Array> = {};
  for (const [name, shape] of Object.entries(outputs)) {
    const field = `expected.${name}`;
    const v = expected[name];
    if (v === undefined) fail(field, 'missing');
    const values = shape === 'scalar' ? [v] : v;
    if (shape !== 'scalar' && !Array.isArray(v)) fail(field, 'expected an array');
    if (shape === 'scalar' && Array.isArray(v)) fail(field, 'expected a number, got an array');
    const arr = values as unknown[];
    if (shape !== 'scalar' && arr.length !== shape) {
      fail(field, `length ${arr.length}, expected ${shape}`);
    }
    out[name] = Float64Array.from(arr, (x, i) => {
      const value = formatNumber(x);
      if (value === undefined) {
        return fail(
          field,
          `${shape === 'scalar' ? 'value' : `entry ${i}`} ${describeValue(x)} is not a number`,
        );
      }
      return value;
    });
  }
  return out;
}

/**
 * Deep equality of JSON inputs, iteratively (any nesting depth): numbers compared by value with
 * null, "NaN", "Infinity" and "-Infinity" read as the numbers they stand for.
 */
function sameJson(a: unknown, b: unknown): boolean {
  const work: [unknown, unknown][] = [[a, b]];
  while (work.length > 0) {
    const [x, y] = work.pop()!;
    if (x === y) continue;
    const nx = formatNumber(x);
    const ny = formatNumber(y);
    if (nx !== undefined || ny !== undefined) {
      if (nx === undefined || ny === undefined || !Object.is(nx, ny)) return false;
      continue;
    }
    if (x instanceof OutOfRangeNumber || y instanceof OutOfRangeNumber) {
      if (String(x) !== String(y)) return false;
      continue;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return false;
      x.forEach((v, k) => work.push([v, y[k]]));
      continue;
    }
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) || Array.isArray(y)) return false;
    const kx = Object.keys(x);
    const ry = y as Record<string, unknown>;
    if (kx.length !== Object.keys(y).length) return false;
    for (const k of kx) {
      if (!Object.hasOwn(ry, k)) return false;
      work.push([(x as Record<string, unknown>)[k], ry[k]]);
    }
  }
  return true;
}

/** A number as a note shows it: the format's text for the non-finite ones. */
function shown(x: number): string {
  return Number.isFinite(x) ? String(x) : numberText(x);
}

/** Compares one field's entries. */
function compareField(
  expected: Float64Array,
  actual: Float64Array,
  tol: Tolerance,
): Pick<ComparisonRow, 'maxAbsError' | 'maxRelError' | 'worstRatio' | 'ok' | 'note'> {
  let maxAbsError = 0;
  let maxRelError = NaN;
  let worstRatio = 0;
  let note: string | undefined;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      // NaN matches only NaN, an infinity only itself.
      if (Object.is(a, e)) continue;
      note ??= `entry ${i}: ${shown(a)} where ${shown(e)} is expected`;
      if (Number.isFinite(e)) maxAbsError = Infinity;
      worstRatio = Infinity;
      continue;
    }
    const abs = Math.abs(a - e);
    maxAbsError = Math.max(maxAbsError, abs);
    if (e !== 0)
      maxRelError = Math.max(Number.isNaN(maxRelError) ? 0 : maxRelError, abs / Math.abs(e));
    const bound = tol.atol + tol.rtol * Math.abs(e);
    const ratio = abs === 0 ? 0 : bound === 0 ? Infinity : abs / bound;
    worstRatio = Math.max(worstRatio, ratio);
  }
  return { maxAbsError, maxRelError, worstRatio, ok: worstRatio <= 1, note };
}

/**
 * Compares `results` (another implementation's values in `expected`) with the reference values
 * in `vectors`. Every vectors case must appear in the results (same id and op; `inputs`, when
 * the results carry them, identical) and the results may hold no other case.
 * @returns one row per case and output field, in the vectors' order, and the failure count
 * @throws ConformanceError naming the case and field when either file is malformed: bad inputs,
 *   a missing case or field, a wrong array length, a non-number
 */
export function compareResults(
  vectors: ConformanceFile,
  results: ConformanceFile,
  options: CompareOptions = {},
): Comparison {
  const fallback = options.defaultTolerance ?? DEFAULT_TOLERANCE;
  const byId = new Map(results.cases.map((c) => [c.id, c]));
  const known = new Set(vectors.cases.map((c) => c.id));
  for (const c of results.cases) {
    if (!known.has(c.id)) {
      throw new ConformanceError(
        `results: ${caseLabel(c.id, c.op)}: not in the vectors`,
        c.id,
        'id',
      );
    }
  }
  const rows: ComparisonRow[] = [];
  for (const ref of vectors.cases) {
    const { outputs } = readCase(ref);
    const res = byId.get(ref.id);
    if (res === undefined) {
      throw new ConformanceError(`results: ${caseLabel(ref.id, ref.op)}: missing`, ref.id, 'id');
    }
    if (res.op !== ref.op) {
      throw new ConformanceError(
        `results: ${caseLabel(ref.id, res.op)}: op: differs from the vectors' ${ref.op}`,
        ref.id,
        'op',
      );
    }
    for (const [k, v] of Object.entries(res.inputs)) {
      if (!sameJson(v, ref.inputs[k])) {
        throw new ConformanceError(
          `results: ${caseLabel(ref.id, ref.op)}: inputs.${k}: differs from the vectors (results computed from other inputs?)`,
          ref.id,
          `inputs.${k}`,
        );
      }
    }
    const expected = readOutputs(ref, outputs, 'vectors');
    const actual = readOutputs(res, outputs, 'results');
    const tolerance = ref.tolerance ?? fallback;
    for (const field of Object.keys(outputs)) {
      rows.push({
        id: ref.id,
        op: ref.op,
        field,
        entries: expected[field].length,
        tolerance,
        ...compareField(expected[field], actual[field], tolerance),
      });
    }
  }
  return { rows, failed: rows.filter((r) => !r.ok).length };
}

/** Per op and field: the largest errors over all cases, and how many rows failed. */
export interface ComparisonSummary {
  op: string;
  field: string;
  cases: number;
  maxAbsError: number;
  maxRelError: number;
  worstRatio: number;
  failed: number;
}

/** Summarises rows by (op, field), in first-seen order. */
export function summarizeComparison(rows: readonly ComparisonRow[]): ComparisonSummary[] {
  const byKey = new Map<string, ComparisonSummary>();
  for (const r of rows) {
    const key = `${r.op}\u0000${r.field}`;
    let s = byKey.get(key);
    if (s === undefined) {
      s = {
        op: r.op,
        field: r.field,
        cases: 0,
        maxAbsError: 0,
        maxRelError: NaN,
        worstRatio: 0,
        failed: 0,
      };
      byKey.set(key, s);
    }
    s.cases++;
    s.maxAbsError = Math.max(s.maxAbsError, r.maxAbsError);
    if (!Number.isNaN(r.maxRelError)) {
      s.maxRelError = Number.isNaN(s.maxRelError)
        ? r.maxRelError
        : Math.max(s.maxRelError, r.maxRelError);
    }
    s.worstRatio = Math.max(s.worstRatio, r.worstRatio);
    if (!r.ok) s.failed++;
  }
  return [...byKey.values()];
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return 'inf';
  return x.toExponential(2);
}

/** Left-aligned text columns with a header and a rule. */
export function formatTable(
  header: readonly string[],
  body: readonly (readonly string[])[],
): string {
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => c.padEnd(widths[j]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** An id as the table shows it: as is, or JSON-quoted when it holds a quote or a control character. */
function shownId(id: string): string {
  const plain = [...id].every((ch) => ch !== '"' && ch !== '\\' && ch >= ' ' && ch !== '\u007f');
  return plain ? id : JSON.stringify(id);
}

/** The per-field table `ssn check` prints: case, op, field, errors, err/tol, ok. */
export function formatComparison(rows: readonly ComparisonRow[]): string {
  return formatTable(
    ['case', 'op', 'field', 'max abs err', 'max rel err', 'err/tol', 'ok'],
    rows.map((r) => [
      shownId(r.id),
      r.op,
      r.field,
      fmt(r.maxAbsError),
      fmt(r.maxRelError),
      fmt(r.worstRatio),
      r.ok ? 'ok' : `FAIL${r.note === undefined ? '' : ` (${r.note})`}`,
    ]),
  );
}

/** The per-op summary table printed after the per-field table. */
export function formatSummary(summary: readonly ComparisonSummary[]): string {
  return formatTable(
    ['op', 'field', 'cases', 'max abs err', 'max rel err', 'err/tol', 'failed'],
    summary.map((s) => [
      s.op,
      s.field,
      String(s.cases),
      fmt(s.maxAbsError),
      fmt(s.maxRelError),
      fmt(s.worstRatio),
      String(s.failed),
    ]),
  );
}
