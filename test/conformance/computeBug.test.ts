/**
 * An error inside ssn-ts while computing a case is a bug (exit 4), not malformed input (exit 2),
 * unless it is one of the library's argument checks: a RangeError or TypeError whose message
 * starts with the argument's name. The GED compute is replaced by a stub that throws what the
 * test plants.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ConformanceCase } from '../../src/conformance/format.js';

const planted = vi.hoisted(() => ({ error: undefined as unknown }));

vi.mock('../../src/metrics/generalisedEnergyDistance.js', async (importOriginal) => {
  const real =
    await importOriginal<typeof import('../../src/metrics/generalisedEnergyDistance.js')>();
  return {
    ...real,
    generalisedEnergyDistance: () => {
      throw planted.error;
    },
  };
});

const { runEval } = await import('../../src/cli/conformance.js');
const { CaseBugError, computeCase } = await import('../../src/conformance/caseOps.js');
const { ConformanceError } = await import('../../src/conformance/format.js');

const dir = mkdtempSync(join(tmpdir(), 'ssn-compute-bug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A valid file: the committed vectors' ged-binary case, its expected values dropped.
const vectors = JSON.parse(readFileSync('spec/vectors/ssn-vectors-v1.json', 'utf8')) as {
  cases: ConformanceCase[];
};
const gedCase = vectors.cases.find((c) => c.id === 'ged-binary')!;
const input = join(dir, 'in.json');
writeFileSync(
  input,
  JSON.stringify({
    ...vectors,
    cases: [{ id: gedCase.id, op: gedCase.op, inputs: gedCase.inputs }],
  }),
);

function evalWith(error: unknown) {
  planted.error = error;
  const errs: string[] = [];
  const code = runEval(
    input,
    { out: join(dir, 'out.json') },
    { out: () => undefined, err: (l) => errs.push(l) },
  );
  return { code, errs };
}

describe('an error while computing a case', () => {
  it.each([
    ['a TypeError from code', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a RangeError from the engine', new RangeError('Invalid typed array length: -1')],
    ['a plain Error', new Error('mcLoss: NaN from finite sampled logits')],
    ['a thrown string', 'boom'],
  ])('%s is a bug: exit 4, naming the case', (_what, error) => {
    const { code, errs } = evalWith(error);
    expect(code).toBe(4);
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(
      /^ssn: case "ged-binary" \(metrics\.ged\): unexpected error in ssn-ts: /,
    );
    expect(errs[0]).toContain(error instanceof Error ? error.message : error);
    planted.error = error;
    expect(() => computeCase(gedCase)).toThrow(CaseBugError);
  });

  it.each([
    ['a TypeError', new TypeError('samples: must be an array of label maps'), 'inputs.samples'],
    [
      'a RangeError',
      new RangeError('covFactor, covDiag: not positive definite'),
      'inputs.covFactor',
    ],
    ['an argument of the library', new RangeError('count: too many samples'), undefined],
  ])("%s from the library's argument checks is malformed input: exit 2", (_what, error, field) => {
    const { code, errs } = evalWith(error);
    expect(code).toBe(2);
    expect(errs).toEqual([
      `ssn: case "ged-binary" (metrics.ged): ${field === undefined ? '' : 'inputs.'}${error.message}`,
    ]);
    planted.error = error;
    try {
      computeCase(gedCase);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConformanceError);
      expect((err as InstanceType<typeof ConformanceError>).field).toBe(field);
    }
  });
});
