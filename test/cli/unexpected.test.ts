/**
 * Exit code 4: a failure ssn-ts did not foresee (a bug, or `eval` computing NaN from inputs it
 * accepted) is one line marked as such, never exit 1, which only `check` gives (a value out of
 * tolerance), so that a caller's script cannot read a crash as a verdict on its values.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// eval's NaN check fires only on a bug; the mock plants one.
vi.mock('../../src/conformance/caseOps.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/conformance/caseOps.js')>();
  return {
    ...real,
    computeCase: () => {
      throw new real.NanResultError(
        'case "a" (metrics.iou): expected.iou: ssn-ts computed NaN from valid inputs (a bug in ssn-ts: please report it with this case)',
        'a',
        'expected.iou',
      );
    },
  };
});

const { runEval } = await import('../../src/cli/conformance.js');
const { errorReport } = await import('../../src/cli/flags.js');
const { EXIT_INTERNAL, EXIT_VALUE_OFF } = await import('../../src/cli/errors.js');

describe('unexpected failures', () => {
  it('an unforeseen error is exit 4 with one line that says so', () => {
    expect(EXIT_INTERNAL).toBe(4);
    expect(EXIT_VALUE_OFF).toBe(1);
    expect(errorReport(new Error('boom'))).toEqual({
      line: 'unexpected error: boom (please report it)',
      exitCode: 4,
    });
    expect(errorReport('a thrown string')).toEqual({
      line: 'unexpected error: a thrown string (please report it)',
      exitCode: 4,
    });
    // The foreseen kinds keep their codes.
    expect(errorReport(new RangeError('x: bad')).exitCode).toBe(2);
    const io = Object.assign(new Error('denied'), { code: 'EACCES', path: '/x' });
    expect(errorReport(io)).toEqual({ line: '/x: cannot read or write (EACCES)', exitCode: 3 });
  });

  it("eval's NaN from valid inputs is exit 4, naming the case and field, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-unexpected-'));
    const input = join(dir, 'in.json');
    // A valid file: the committed vectors' first case, its expected values dropped.
    const vectors = JSON.parse(readFileSync('spec/vectors/ssn-vectors-v1.json', 'utf8'));
    const { id, op, inputs } = vectors.cases[0];
    writeFileSync(input, JSON.stringify({ ...vectors, cases: [{ id, op, inputs }] }));
    const errs: string[] = [];
    const io = { out: () => undefined, err: (l: string) => errs.push(l) };
    const out = join(dir, 'out.json');
    expect(runEval(input, { out }, io)).toBe(4);
    expect(errs).toEqual([
      expect.stringMatching(/^ssn: case "a" .*expected\.iou: ssn-ts computed NaN/),
    ]);
    expect(existsSync(out)).toBe(false);
  });
});
