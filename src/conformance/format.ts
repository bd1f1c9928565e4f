/**
 * The `ssn-conformance` file format, version 1 (pinned: other people's scripts read it).
 *
 *   { "format": "ssn-conformance", "version": 1, "cases": [
 *     { "id": string, "op": string, "inputs": {...}, "expected": {...},
 *       "tolerance"?: { "rtol": number, "atol": number } } ] }
 *
 * Arrays are flat and row-major; the non-finite numbers are written as the strings "Infinity",
 * "-Infinity" and "NaN" (`null` is read as NaN, as files written before this rule have it).
 * Keys the format does not know, at the top and in a case, are kept and written back unchanged.
 * This module checks the file's structure (tag, version, unique ids, known ops, objects where
 * objects belong) and writes files back; the fields of each op are checked in `caseOps.ts`.
 * @see spec/conformance.md
 */

import {
  jsonNumber,
  JsonSyntaxError,
  numberText,
  OutOfRangeNumber,
  parseJson,
  setOwn,
  writeJson,
} from './json.js';

/** The format tag every file carries. */
export const CONFORMANCE_FORMAT = 'ssn-conformance';
/** The one version this code reads and writes. */
export const CONFORMANCE_VERSION = 1;

/** The ops of version 1. */
export const CONFORMANCE_OPS = [
  'lowrank.logProb',
  'lowrank.entropy',
  'lowrank.rsample',
  'loss.mc',
  'metrics.ged',
  'metrics.dice',
] as const;
/** The name of an op a conformance case exercises (one of `CONFORMANCE_OPS`). */
export type ConformanceOp = (typeof CONFORMANCE_OPS)[number];

/** |actual − expected| ≤ atol + rtol |expected|, entry by entry. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

/**
 * A number as the format writes it: a JSON number, "Infinity", "-Infinity", "NaN", or null (NaN).
 * @returns the number, or undefined when `v` is none of these
 * @example formatNumber('-Infinity') // -Infinity
 */
export function formatNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

/** One case of a conformance file: an op, its inputs and (once computed) its expected outputs. */
export interface ConformanceCase {
  id: string;
  op: ConformanceOp;
  /** The op's inputs as read from JSON (checked per op by `readCaseInputs`). */
  inputs: Record<string, unknown>;
  /** Output fields; may be absent (or partial) in a file given to `ssn eval`. */
  expected?: Record<string, unknown>;
  tolerance?: Tolerance;
  /** Keys of the case the format does not know, in file order (written back unchanged). */
  extra?: Record<string, unknown>;
}

/** A conformance file as `parseConformance` returns it (spec/conformance.md). */
export interface ConformanceFile {
  format: typeof CONFORMANCE_FORMAT;
  version: typeof CONFORMANCE_VERSION;
  cases: ConformanceCase[];
  /** Top-level keys the format does not know, in file order (written back unchanged). */
  extra?: Record<string, unknown>;
}

/**
 * A malformed file or case. The message names the file or the case and the field, in the form
 * `case "ID" (OP): inputs.FIELD: what is wrong` (the same as spec/torch/conformance.py); the id
 * is JSON-quoted, so an id with a quote or a newline still makes one line.
 */
export class ConformanceError extends Error {
  /** The case id, when the fault is inside a case. */
  readonly caseId: string | undefined;
  /** The field, e.g. `inputs.labels` or `expected.gradLoc`, when known. */
  readonly field: string | undefined;

  constructor(message: string, caseId?: string, field?: string) {
    super(message);
    this.name = 'ConformanceError';
    this.caseId = caseId;
    this.field = field;
  }
}

/** `case "ID" (OP)`: how messages name a case (the id JSON-quoted: one line, unambiguous). */
export function caseLabel(id: string, op?: string): string {
  const quoted = JSON.stringify(id);
  return op === undefined ? `case ${quoted}` : `case ${quoted} (${op})`;
}

/** A value as a message shows it: as written in the file (`1e400`, `"abc"`, `null`). */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v instanceof OutOfRangeNumber) return v.text;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'number' ? numberText(v) : JSON.stringify(v);
}

const CASE_KEYS = new Set(['id', 'op', 'inputs', 'expected', 'tolerance']);
const FILE_KEYS = new Set(['format', 'version', 'cases']);

/** The entries of `raw` whose keys are not in `known`, or undefined when there are none. */
function extraKeys(
  raw: Record<string, unknown>,
  known: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  const keys = Object.keys(raw).filter((k) => !known.has(k));
  if (keys.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of keys) setOwn(out, k, raw[k]);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOp(v: unknown): v is ConformanceOp {
  return typeof v === 'string' && (CONFORMANCE_OPS as readonly string[]).includes(v);
}

/**
 * Parses and checks the structure of a conformance file (not each op's fields).
 * @param text - the file's contents
 * @param source - the file's name, for messages
 * @throws ConformanceError when the text is not JSON, the tag or version is wrong, `cases` is
 *   not an array, a case is not an object, an id is missing or repeated, an op is unknown, or
 *   `inputs`, `expected` or `tolerance` is not an object (a tolerance needs finite rtol, atol ≥ 0)
 * @example parseConformance('{"format":"ssn-conformance","version":1,"cases":[]}', 'f.json').cases // []
 */
export function parseConformance(text: string, source: string): ConformanceFile {
  let doc: unknown;
  try {
    doc = parseJson(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new ConformanceError(`${source}: not valid JSON (${err.message})`);
  }
  if (!isObject(doc)) throw new ConformanceError(`${source}: expected a JSON object at the top`);
  if (doc.format !== CONFORMANCE_FORMAT) {
    throw new ConformanceError(
      `${source}: format: ${describeValue(doc.format)}, expected "${CONFORMANCE_FORMAT}"`,
    );
  }
  if (doc.version !== CONFORMANCE_VERSION) {
    throw new ConformanceError(
      `${source}: version: ${describeValue(doc.version)}, expected ${CONFORMANCE_VERSION}`,
    );
  }
  if (!Array.isArray(doc.cases)) throw new ConformanceError(`${source}: cases: expected an array`);
  const seen = new Set<string>();
  const cases = doc.cases.map((raw: unknown, index: number): ConformanceCase => {
    if (!isObject(raw)) {
      throw new ConformanceError(`${source}: cases[${index}]: expected an object`);
    }
    const { id, op, inputs, expected, tolerance } = raw;
    if (typeof id !== 'string' || id === '') {
      throw new ConformanceError(`${source}: cases[${index}]: id: expected a non-empty string`);
    }
    if (seen.has(id)) throw new ConformanceError(`${caseLabel(id)}: id: repeated`, id, 'id');
    seen.add(id);
    if (!isOp(op)) {
      throw new ConformanceError(
        `${caseLabel(id)}: op: unknown op ${describeValue(op)} (known: ${CONFORMANCE_OPS.join(', ')})`,
        id,
        'op',
      );
    }
    const label = caseLabel(id, op);
    if (!isObject(inputs)) {
      throw new ConformanceError(`${label}: inputs: expected an object`, id, 'inputs');
    }
    const out: ConformanceCase = { id, op, inputs };
    if (expected !== undefined) {
      if (!isObject(expected)) {
        throw new ConformanceError(`${label}: expected: expected an object`, id, 'expected');
      }
      out.expected = expected;
    }
    if (tolerance !== undefined) out.tolerance = readTolerance(tolerance, label, id);
    const extra = extraKeys(raw, CASE_KEYS);
    if (extra !== undefined) out.extra = extra;
    return out;
  });
  const file: ConformanceFile = { format: CONFORMANCE_FORMAT, version: CONFORMANCE_VERSION, cases };
  const extra = extraKeys(doc, FILE_KEYS);
  if (extra !== undefined) file.extra = extra;
  return file;
}

function readTolerance(raw: unknown, label: string, id: string): Tolerance {
  if (!isObject(raw)) {
    throw new ConformanceError(`${label}: tolerance: expected an object`, id, 'tolerance');
  }
  const t: Partial<Tolerance> = {};
  for (const key of ['rtol', 'atol'] as const) {
    const v = raw[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ConformanceError(
        `${label}: tolerance.${key}: ${describeValue(v)}, expected a finite number ≥ 0`,
        id,
        `tolerance.${key}`,
      );
    }
    t[key] = v;
  }
  return t as Tolerance;
}

/**
 * A case's computed outputs as JSON values: typed arrays become arrays, and the non-finite
 * numbers the strings "Infinity", "-Infinity", "NaN".
 */
export function toJsonValue(
  outputs: Readonly<Record<string, number | ArrayLike<number>>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) {
    setOwn(out, k, typeof v === 'number' ? jsonNumber(v) : Array.from(v, jsonNumber));
  }
  return out;
}

/**
 * Writes a conformance file as JSON text, one case per line (small diffs, still one JSON value).
 * Numbers are written with the shortest text that reads back to the same double; the non-finite
 * ones as "Infinity", "-Infinity", "NaN". Unknown keys are written after the known ones.
 */
export function serializeConformance(file: ConformanceFile): string {
  const lines = file.cases.map((c) => {
    const ordered: Record<string, unknown> = { id: c.id, op: c.op, inputs: c.inputs };
    if (c.expected !== undefined) ordered.expected = c.expected;
    if (c.tolerance !== undefined) ordered.tolerance = c.tolerance;
    for (const [k, v] of Object.entries(c.extra ?? {})) setOwn(ordered, k, v);
    return writeJson(ordered);
  });
  const extra = writeJson(file.extra ?? {}).slice(1, -1);
  const head = `{"format":${JSON.stringify(file.format)},"version":${file.version},${extra === '' ? '' : `${extra},`}"cases":[`;
  return lines.length === 0 ? `${head}]}\n` : `${head}\n${lines.join(',\n')}\n]}\n`;
}
