/**
 * `ssn eval` under mutated input: valid conformance files (cases of the committed vectors)
 * with one to three mutations each — wrong types, wrong lengths, out-of-range and non-finite
 * numbers, numbers past float64 (`1e400`), deep nesting, unknown keys (`__proto__` among them),
 * awkward ids. Whatever the file, `ssn eval`:
 *
 * - exits 0 or 2 (never a crash, never 1: NaN from inputs it accepted would be a bug);
 * - on 2, prints exactly one stderr line naming the case (or `cases[i]`) and the field, and
 *   writes nothing;
 * - on 0, writes every case with the same inputs and unknown keys, and no NaN in any output but
 *   Dice's defined 0/0.
 *
 * In-process, fixed seed, 300 runs (a few seconds).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEval } from '../../src/cli/conformance.js';
import { OutOfRangeNumber, parseJson, setOwn, writeJson } from '../../src/conformance/json.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMITTED = join(ROOT, 'spec', 'vectors', 'ssn-vectors-v1.json');

type Json = Record<string, unknown>;
const base = (parseJson(readFileSync(COMMITTED, 'utf8')) as { cases: Json[] }).cases.map(
  ({ id, op, inputs }) => ({ id, op, inputs }),
);

/** Fixed for the suite; SSN_FUZZ_SEED and SSN_FUZZ_RUNS explore further by hand. */
const SEED = Number(process.env.SSN_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.SSN_FUZZ_RUNS ?? 300);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssn-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A value of another kind, or a number that is out of range, non-finite, huge or fractional. */
const replacement = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    'abc',
    '',
    'Infinity',
    '-Infinity',
    'NaN',
    {},
    [],
    [null],
    ['1'],
    0,
    -1,
    1.5,
    2 ** 53,
    1e9,
    1e308,
    -1e308,
    5e-324,
    new OutOfRangeNumber('1e400'),
    new OutOfRangeNumber('-1e999'),
  ),
  fc.integer({ min: -3, max: 12 }),
);

function deepArray(depth: number): unknown {
  let v: unknown = [1];
  for (let k = 0; k < depth; k++) v = [v];
  return v;
}

type Mutation =
  | { kind: 'field'; key: number; value: unknown }
  | { kind: 'entry'; key: number; at: number; value: unknown }
  | { kind: 'length'; key: number; delta: number }
  | { kind: 'unknown'; where: 'inputs' | 'case' | 'top'; key: string; depth: number }
  | { kind: 'id'; id: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('field' as const), key: fc.nat(), value: replacement }),
  fc.record({
    kind: fc.constant('entry' as const),
    key: fc.nat(),
    at: fc.nat(),
    value: replacement,
  }),
  fc.record({
    kind: fc.constant('length' as const),
    key: fc.nat(),
    delta: fc.integer({ min: -3, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    where: fc.constantFrom('inputs' as const, 'case' as const, 'top' as const),
    key: fc.constantFrom('__proto__', 'note', 'constructor', 'x-extra'),
    depth: fc.constantFrom(0, 3, 3000),
  }),
  fc.record({
    kind: fc.constant('id' as const),
    id: fc.constantFrom('a\nb', 'quote"d', 'tab\there', 'ünï', ' '),
  }),
);

function apply(doc: Json, cases: Json[], m: Mutation, target: number): void {
  const c = cases[target % cases.length];
  const inputs = c.inputs as Json;
  const keys = Object.keys(inputs);
  const key = keys[(m as { key?: number }).key! % keys.length];
  switch (m.kind) {
    case 'field':
      setOwn(inputs, key, m.value);
      break;
    case 'entry': {
      const v = inputs[key];
      if (Array.isArray(v) && v.length > 0) v[m.at % v.length] = m.value;
      else setOwn(inputs, key, m.value);
      break;
    }
    case 'length': {
      const v = inputs[key];
      if (!Array.isArray(v)) break;
      if (m.delta < 0) v.splice(0, -m.delta);
      else for (let k = 0; k < m.delta; k++) v.push(v[0] ?? 0);
      break;
    }
    case 'unknown': {
      const value = m.depth === 0 ? { nested: [1, 'two', null] } : deepArray(m.depth);
      setOwn(m.where === 'inputs' ? inputs : m.where === 'case' ? c : doc, m.key, value);
      break;
    }
    case 'id':
      c.id = `${String(c.id)}${m.id}`;
      break;
  }
}

/** Whether an output field may hold NaN: only Dice's 0/0. */
const nanAllowed = (op: unknown, field: string) => op === 'metrics.dice' && field === 'dice';

describe('ssn eval on mutated conformance files', () => {
  it('exits 0 or 2, one line naming case and field, nothing written on failure, no NaN', () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: base.length - 1 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(mutation, fc.nat()), { minLength: 1, maxLength: 3 }),
        (picked, mutations) => {
          // A fresh copy of the picked cases (parse ∘ write keeps __proto__ and 1e400 intact).
          const cases = parseJson(writeJson(picked.map((k) => base[k]))) as Json[];
          const doc: Json = { format: 'ssn-conformance', version: 1, cases };
          for (const [m, target] of mutations) apply(doc, cases, m, target);
          const text = writeJson(doc);
          const input = join(dir, `in-${run}.json`);
          const out = join(dir, `out-${run++}.json`);
          writeFileSync(input, text);
          const err: string[] = [];
          const code = runEval(input, { out }, { out: () => {}, err: (l) => err.push(l) });

          expect([0, 2], err.join('\n')).toContain(code);
          if (code === 2) {
            expect(err, text.slice(0, 300)).toHaveLength(1);
            expect(err[0]).not.toContain('\n');
            // The case (JSON-quoted id, or its index) and the field.
            expect(err[0]).toMatch(
              /^ssn: (?:case "(?:[^"\\]|\\.)*"(?: \([\w.]+\))?|\S+: cases\[\d+\]): [\w.]+(?:\[\d+\])?(?:, [\w.]+)*:/,
            );
            expect(existsSync(out)).toBe(false);
            return;
          }
          expect(err).toEqual([]);
          const written = parseJson(readFileSync(out, 'utf8')) as Json;
          // Everything but `expected` (and the derived `tolerance`) comes back unchanged, unknown
          // keys included (top-level
          // keys compared in sorted order: the writer puts `cases` last).
          const strip = (d: Json) => {
            const top: Json = {};
            for (const k of Object.keys(d).sort()) setOwn(top, k, d[k]);
            top.cases = (d.cases as Json[]).map((c) => {
              const copy: Json = {};
              for (const k of Object.keys(c)) {
                if (k !== 'expected' && k !== 'tolerance') setOwn(copy, k, c[k]);
              }
              return copy;
            });
            return writeJson(top);
          };
          expect(strip(written)).toBe(strip(doc));
          for (const c of written.cases as Json[]) {
            for (const [field, v] of Object.entries(c.expected as Json)) {
              if (nanAllowed(c.op, field)) continue;
              expect(([] as unknown[]).concat(v), `${String(c.id)} ${field}`).not.toContain('NaN');
            }
          }
          rmSync(out);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
