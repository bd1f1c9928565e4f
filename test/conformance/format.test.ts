import { describe, it, expect } from 'vitest';
import { compareResults, formatComparison } from '../../src/conformance/compareResults.js';
import {
  ConformanceError,
  parseConformance,
  serializeConformance,
  toJsonValue,
} from '../../src/conformance/format.js';

const head = '{"format":"ssn-conformance","version":1,"cases":';

function parseError(text: string): ConformanceError {
  try {
    parseConformance(text, 'f.json');
  } catch (err) {
    expect(err).toBeInstanceOf(ConformanceError);
    return err as ConformanceError;
  }
  throw new Error('expected a ConformanceError');
}

describe('parseConformance', () => {
  it('reads a well-formed file', () => {
    const doc = parseConformance(
      `${head}[{"id":"a","op":"lowrank.entropy","inputs":{},"tolerance":{"rtol":1e-9,"atol":0}}]}`,
      'f.json',
    );
    expect(doc.cases).toEqual([
      { id: 'a', op: 'lowrank.entropy', inputs: {}, tolerance: { rtol: 1e-9, atol: 0 } },
    ]);
  });

  it('rejects text that is not JSON, naming the file', () => {
    expect(parseError('{"format": ').message).toMatch(/^f\.json: not valid JSON/);
  });

  it('rejects a wrong format tag or version', () => {
    expect(parseError('{"format":"other","version":1,"cases":[]}').message).toMatch(
      /^f\.json: format: "other", expected "ssn-conformance"/,
    );
    expect(parseError('{"format":"ssn-conformance","version":2,"cases":[]}').message).toMatch(
      /version: 2, expected 1/,
    );
    expect(parseError('{"format":"ssn-conformance","version":1}').message).toMatch(
      /cases: expected an array/,
    );
  });

  it('rejects an unknown op, naming the case and the op', () => {
    const err = parseError(`${head}[{"id":"c7","op":"lowrank.kl","inputs":{}}]}`);
    expect(err.message).toMatch(/^case "c7": op: unknown op "lowrank\.kl"/);
    expect(err.caseId).toBe('c7');
    expect(err.field).toBe('op');
  });

  it('rejects repeated ids, a missing id, non-object inputs and bad tolerances', () => {
    const c = '{"id":"a","op":"lowrank.entropy","inputs":{}}';
    expect(parseError(`${head}[${c},${c}]}`).message).toMatch(/case "a": id: repeated/);
    expect(parseError(`${head}[{"op":"lowrank.entropy","inputs":{}}]}`).message).toMatch(
      /cases\[0\]: id: expected a non-empty string/,
    );
    expect(parseError(`${head}[{"id":"a","op":"lowrank.entropy","inputs":[]}]}`).message).toMatch(
      /case "a" \(lowrank\.entropy\): inputs: expected an object/,
    );
    expect(
      parseError(
        `${head}[{"id":"a","op":"lowrank.entropy","inputs":{},"tolerance":{"rtol":-1,"atol":0}}]}`,
      ).message,
    ).toMatch(/case "a" \(lowrank\.entropy\): tolerance\.rtol/);
  });
});

describe('serializeConformance', () => {
  it('writes NaN as "NaN", typed arrays as arrays, one case per line, and reads back', () => {
    const file = {
      format: 'ssn-conformance' as const,
      version: 1 as const,
      cases: [
        {
          id: 'd',
          op: 'metrics.dice' as const,
          inputs: { classes: 2, prediction: [0], annotations: [0] },
          expected: toJsonValue({ dice: Float64Array.of(NaN) }) as Record<string, unknown>,
        },
        {
          id: 'e',
          op: 'lowrank.entropy' as const,
          inputs: { loc: [0.1], covFactor: [1 / 3], covDiag: [2], rank: 1 },
          expected: { entropy: 1.2345678901234567 },
        },
      ],
    };
    const text = serializeConformance(file);
    expect(text.split('\n')[1]).toBe(
      '{"id":"d","op":"metrics.dice","inputs":{"classes":2,"prediction":[0],"annotations":[0]},"expected":{"dice":["NaN"]}},',
    );
    const back = parseConformance(text, 'x');
    expect(back.cases[1]).toEqual(file.cases[1]);
    expect(back.cases[0].expected).toEqual({ dice: ['NaN'] });
  });
});

describe('non-finite values in check', () => {
  const file = (id: string, logProb: unknown) =>
    parseConformance(
      JSON.stringify({
        format: 'ssn-conformance',
        version: 1,
        cases: [
          {
            id,
            op: 'lowrank.logProb',
            inputs: { loc: [0], covFactor: [1], covDiag: [1], rank: 1, x: [1e200] },
            expected: { logProb },
          },
        ],
      }),
      'f',
    );

  it('matches an infinity only by the same infinity, NaN only by NaN (null read as NaN)', () => {
    const ok = (e: unknown, a: unknown) => compareResults(file('c', e), file('c', a)).rows[0].ok;
    expect(ok('-Infinity', '-Infinity')).toBe(true);
    expect(ok('-Infinity', 'Infinity')).toBe(false);
    expect(ok('-Infinity', -1.7976931348623157e308)).toBe(false);
    expect(ok(-1e308, '-Infinity')).toBe(false);
    expect(ok('NaN', null)).toBe(true);
    expect(ok('NaN', 'NaN')).toBe(true);
    expect(ok('NaN', 0)).toBe(false);
    expect(ok(1, 'NaN')).toBe(false);
  });

  it('shows an id with a newline or a quote JSON-quoted in the table', () => {
    const { rows } = compareResults(file('a\nb', 1), file('a\nb', 1));
    expect(formatComparison(rows).split('\n')[2]).toMatch(/^"a\\nb" +lowrank\.logProb/);
  });
});
