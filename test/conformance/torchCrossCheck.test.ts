/**
 * The PyTorch cross-check: spec/torch/conformance.py (an independent implementation) computes
 * the committed vectors and a freshly generated set, and `ssn check` compares its values with
 * ssn-ts's. Skipped when Debian's PyTorch is not importable by /usr/bin/python3 (.ci/run installs
 * it, so CI always runs this).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck, runVectors } from '../../src/cli/conformance.js';

const PYTHON = '/usr/bin/python3';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = join(ROOT, 'spec', 'torch', 'conformance.py');
const COMMITTED = join(ROOT, 'spec', 'vectors', 'ssn-vectors-v1.json');
const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssn-torch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the torch script on `vectors`, then `ssn check`; returns check's exit code and output. */
function crossCheck(vectors: string, name: string) {
  const results = join(dir, `${name}-torch.json`);
  const py = spawnSync(PYTHON, [SCRIPT, vectors, results], { encoding: 'utf8' });
  expect(py.status, py.stderr).toBe(0);
  const out: string[] = [];
  const err: string[] = [];
  const code = runCheck({ vectors, results }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('PyTorch cross-check', () => {
  it.skipIf(!torchAvailable)('torch agrees with ssn-ts on the committed vectors', () => {
    const r = crossCheck(COMMITTED, 'committed');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^PASS: /m);
  });

  it.skipIf(!torchAvailable)('torch agrees with ssn-ts on a freshly generated set', () => {
    const vectors = join(dir, 'fresh.json');
    const quiet = { out: () => {}, err: () => {} };
    expect(runVectors({ seed: '20260', out: vectors }, quiet)).toBe(0);
    const r = crossCheck(vectors, 'fresh');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
  });
});
