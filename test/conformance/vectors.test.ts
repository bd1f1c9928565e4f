/**
 * The seeded vector set and the committed one in spec/vectors/: determinism, coverage of every
 * op, and that ssn-ts (`ssn eval`) reproduces the committed expected values.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runVectors } from '../../src/cli/conformance.js';
import { computeCase } from '../../src/conformance/caseOps.js';
import { compareResults } from '../../src/conformance/compareResults.js';
import {
  CONFORMANCE_OPS,
  parseConformance,
  serializeConformance,
  toJsonValue,
} from '../../src/conformance/format.js';
import { generateVectors } from '../../src/conformance/generateVectors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMITTED = join(ROOT, 'spec', 'vectors', 'ssn-vectors-v1.json');
const COMMITTED_SEED = 1; // spec/vectors/README.md: ssn vectors --seed 1

describe('generateVectors', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = serializeConformance(generateVectors(5));
    expect(serializeConformance(generateVectors(5))).toBe(a);
    expect(serializeConformance(generateVectors(6))).not.toBe(a);
  });

  it('covers every op with the awkward cases, every case with a tolerance', () => {
    const file = generateVectors(3);
    for (const op of CONFORMANCE_OPS)
      expect(
        file.cases.some((c) => c.op === op),
        op,
      ).toBe(true);
    const ids = file.cases.map((c) => c.id);
    for (const id of [
      'logprob-n1',
      'loss-all-masked',
      'loss-logits-near-1e3-saturated',
      'dice-all-empty',
    ]) {
      expect(ids).toContain(id);
    }
    for (const c of file.cases) {
      expect(c.tolerance!.rtol, c.id).toBeLessThanOrEqual(1e-9);
      expect(c.tolerance!.atol, c.id).toBeGreaterThan(0);
    }
    // Dice of two empty maps is NaN, written "NaN".
    expect(file.cases.find((c) => c.id === 'dice-all-empty')!.expected!.dice).toEqual([
      'NaN',
      'NaN',
      'NaN',
      'NaN',
    ]);
  });
});

describe('spec/vectors/ssn-vectors-v1.json', () => {
  const text = readFileSync(COMMITTED, 'utf8');
  const committed = parseConformance(text, COMMITTED);

  it('is small and has the inputs `ssn vectors --seed 1` makes', () => {
    expect(text.length).toBeLessThan(1_000_000);
    const fresh = generateVectors(COMMITTED_SEED);
    expect(committed.cases.map((c) => c.id)).toEqual(fresh.cases.map((c) => c.id));
    committed.cases.forEach((c, i) => expect(c.inputs, c.id).toEqual(fresh.cases[i].inputs));
  });

  it('is byte for byte what its command (`npm run vectors`) writes today', () => {
    const script = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.vectors;
    expect(script).toBe(
      `tsx src/cli/main.ts vectors --seed ${COMMITTED_SEED} --out spec/vectors/ssn-vectors-v1.json`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'ssn-vectors-'));
    try {
      const out = join(dir, 'v.json');
      const quiet = { out: () => {}, err: () => {} };
      expect(runVectors({ seed: String(COMMITTED_SEED), out }, quiet)).toBe(0);
      // On a mismatch: the library's values moved; rerun `npm run vectors`, commit the file and
      // say in the commit why the values changed.
      expect(readFileSync(out, 'utf8') === text, 'regenerate with npm run vectors').toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ssn eval reproduces its expected values within each case tolerance', () => {
    const evaluated = {
      ...committed,
      cases: committed.cases.map((c) => ({
        ...c,
        expected: toJsonValue(computeCase(c)),
      })),
    };
    const { rows, failed } = compareResults(committed, evaluated);
    expect(failed).toBe(0);
    expect(rows.length).toBeGreaterThan(committed.cases.length);
  });
});
