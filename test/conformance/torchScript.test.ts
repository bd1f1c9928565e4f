/**
 * Checks spec/torch/conformance.py (the independent PyTorch implementation of the conformance
 * format) against dense formulas written here in plain TypeScript: a dense Cholesky for the
 * log-density and entropy, direct enumeration of paper eq. 7 with the given noises for the loss,
 * central finite differences of that loss for the gradients, and the metric definitions.
 * Nothing here uses ssn-ts code, so the test is meaningful before the core exists.
 * Skipped when Debian's PyTorch is not importable by /usr/bin/python3.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'spec', 'torch');
const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

type Inputs = Record<string, unknown>;
interface Case {
  id: string;
  op: string;
  inputs: Inputs;
  expected?: Record<string, unknown>;
  tolerance?: { rtol: number; atol: number };
}
interface Doc {
  format: string;
  version: number;
  cases: Case[];
}

const LOG_2PI = Math.log(2 * Math.PI);

function nums(inputs: Inputs, name: string): number[] {
  const v = inputs[name];
  if (!Array.isArray(v)) throw new TypeError(`${name}: expected an array`);
  return v.map((x) => (x === null ? NaN : Number(x)));
}

function num(inputs: Inputs, name: string): number {
  return Number(inputs[name]);
}

/** |a - e| <= atol + rtol |e|; NaN only matches "NaN". */
function expectClose(actual: unknown, expected: number, rtol: number, atol: number, what: string) {
  if (Number.isNaN(expected)) {
    expect(actual, what).toBe('NaN');
    return;
  }
  expect(typeof actual, what).toBe('number');
  const err = Math.abs((actual as number) - expected);
  expect(err, `${what}: torch ${String(actual)} vs dense ${expected}`).toBeLessThanOrEqual(
    atol + rtol * Math.abs(expected),
  );
}

function expectAllClose(
  actual: unknown,
  expected: number[],
  rtol: number,
  atol: number,
  what: string,
) {
  expect(Array.isArray(actual), what).toBe(true);
  const a = actual as unknown[];
  expect(a.length, `${what}: length`).toBe(expected.length);
  expected.forEach((e, i) => expectClose(a[i], e, rtol, atol, `${what}[${i}]`));
}

// ---- dense Gaussian ---------------------------------------------------------------------------

/** Sigma = P Pᵀ + diag(d) as a dense row-major N x N matrix; P is N x R row-major. */
function denseCov(P: number[], d: number[], n: number, r: number): Float64Array {
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let acc = i === j ? d[i] : 0;
      for (let k = 0; k < r; k++) acc += P[i * r + k] * P[j * r + k];
      S[i * n + j] = acc;
    }
  }
  return S;
}

/** Lower Cholesky factor of a dense SPD matrix. */
function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let acc = A[i * n + j];
      for (let k = 0; k < j; k++) acc -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(acc > 0)) throw new RangeError('A: not positive definite');
        L[i * n + i] = Math.sqrt(acc);
      } else {
        L[i * n + j] = acc / L[j * n + j];
      }
    }
  }
  return L;
}

function denseLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += 2 * Math.log(L[i * n + i]);
  return s;
}

function denseLogProb(inputs: Inputs): number {
  const loc = nums(inputs, 'loc');
  const n = loc.length;
  const L = cholesky(
    denseCov(nums(inputs, 'covFactor'), nums(inputs, 'covDiag'), n, num(inputs, 'rank')),
    n,
  );
  const x = nums(inputs, 'x');
  // forward substitution L y = x - loc; Mahalanobis = |y|²
  const y = new Float64Array(n);
  let maha = 0;
  for (let i = 0; i < n; i++) {
    let acc = x[i] - loc[i];
    for (let k = 0; k < i; k++) acc -= L[i * n + k] * y[k];
    y[i] = acc / L[i * n + i];
    maha += y[i] * y[i];
  }
  return -0.5 * (n * LOG_2PI + denseLogDet(L, n) + maha);
}

function denseEntropy(inputs: Inputs): number {
  const n = nums(inputs, 'loc').length;
  const L = cholesky(
    denseCov(nums(inputs, 'covFactor'), nums(inputs, 'covDiag'), n, num(inputs, 'rank')),
    n,
  );
  return 0.5 * (n * (1 + LOG_2PI) + denseLogDet(L, n));
}

function denseRsample(inputs: Inputs): number[] {
  const loc = nums(inputs, 'loc');
  const P = nums(inputs, 'covFactor');
  const d = nums(inputs, 'covDiag');
  const r = num(inputs, 'rank');
  const ef = nums(inputs, 'epsFactor');
  const ed = nums(inputs, 'epsDiag');
  const t = inputs.temperature === undefined ? 1 : num(inputs, 'temperature');
  const n = loc.length;
  const m = ed.length / n;
  const out: number[] = [];
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      let noise = Math.sqrt(d[i]) * ed[j * n + i];
      for (let k = 0; k < r; k++) noise += P[i * r + k] * ef[j * r + k];
      out.push(loc[i] + t * noise);
    }
  }
  return out;
}

// ---- loss by enumeration ----------------------------------------------------------------------

function logSigmoid(x: number): number {
  return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
}

function logSumExp(xs: number[]): number {
  const mx = Math.max(...xs);
  return mx + Math.log(xs.reduce((a, x) => a + Math.exp(x - mx), 0));
}

/** Paper eq. 7 for one image, with the given noises, by direct enumeration. */
function lossValue(
  inputs: Inputs,
  loc: number[],
  P: number[],
  d: number[],
  layout = String(inputs.layout ?? 'class-major'),
): number {
  const r = num(inputs, 'rank');
  const ef = nums(inputs, 'epsFactor');
  const ed = nums(inputs, 'epsDiag');
  const labels = nums(inputs, 'labels');
  const c = num(inputs, 'classes');
  const bernoulli = inputs.likelihood === 'bernoulli';
  const n = loc.length;
  const s = labels.length;
  const mask = inputs.mask === undefined ? labels.map(() => 1) : nums(inputs, 'mask');
  const m = ed.length / n;
  const perSample: number[] = [];
  for (let j = 0; j < m; j++) {
    const eta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let v = loc[i] + Math.sqrt(d[i]) * ed[j * n + i];
      for (let k = 0; k < r; k++) v += P[i * r + k] * ef[j * r + k];
      eta[i] = v;
    }
    let ll = 0;
    for (let p = 0; p < s; p++) {
      if (mask[p] === 0) continue;
      if (bernoulli) {
        ll += logSigmoid(labels[p] === 1 ? eta[p] : -eta[p]);
      } else {
        const at = (k: number) => (layout === 'class-major' ? k * s + p : p * c + k);
        const logits = Array.from({ length: c }, (_, k) => eta[at(k)]);
        ll += eta[at(labels[p])] - logSumExp(logits);
      }
    }
    perSample.push(ll);
  }
  return -logSumExp(perSample) + Math.log(m);
}

/** Central finite differences of lossValue with respect to every entry of one parameter. */
function finiteDiffGrad(inputs: Inputs, which: 'loc' | 'covFactor' | 'covDiag'): number[] {
  const base = {
    loc: nums(inputs, 'loc'),
    covFactor: nums(inputs, 'covFactor'),
    covDiag: nums(inputs, 'covDiag'),
  };
  const h = 1e-6;
  return base[which].map((v, i) => {
    const at = (x: number) => {
      const p = { ...base, [which]: base[which].slice() };
      p[which][i] = x;
      return lossValue(inputs, p.loc, p.covFactor, p.covDiag);
    };
    return (at(v + h) - at(v - h)) / (2 * h);
  });
}

// ---- metrics ----------------------------------------------------------------------------------

function distance(a: number[], b: number[], c: number): number {
  let iouSum = 0;
  for (let k = 1; k < c; k++) {
    let inter = 0;
    let union = 0;
    for (let p = 0; p < a.length; p++) {
      if (a[p] === k && b[p] === k) inter++;
      if (a[p] === k || b[p] === k) union++;
    }
    iouSum += union === 0 ? 1 : inter / union;
  }
  return 1 - iouSum / (c - 1);
}

function rows(flat: number[], s: number): number[][] {
  return Array.from({ length: flat.length / s }, (_, i) => flat.slice(i * s, (i + 1) * s));
}

function meanPairs(xs: number[][], ys: number[][], c: number): number {
  let acc = 0;
  for (const x of xs) for (const y of ys) acc += distance(x, y, c);
  return acc / (xs.length * ys.length);
}

function denseGed(inputs: Inputs) {
  const c = num(inputs, 'classes');
  const s = num(inputs, 'pixels');
  const xs = rows(nums(inputs, 'samples'), s);
  const ys = rows(nums(inputs, 'annotations'), s);
  const crossDistance = meanPairs(xs, ys, c);
  const diversity = meanPairs(xs, xs, c);
  const annotatorDiversity = meanPairs(ys, ys, c);
  return {
    ged: 2 * crossDistance - diversity - annotatorDiversity,
    diversity,
    annotatorDiversity,
    crossDistance,
  };
}

function denseDice(inputs: Inputs): number[] {
  const c = num(inputs, 'classes');
  const pred = nums(inputs, 'prediction');
  const out: number[] = [];
  for (const ann of rows(nums(inputs, 'annotations'), pred.length)) {
    for (let k = 1; k < c; k++) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let p = 0; p < pred.length; p++) {
        if (pred[p] === k && ann[p] === k) tp++;
        else if (pred[p] === k) fp++;
        else if (ann[p] === k) fn++;
      }
      out.push(2 * tp + fp + fn === 0 ? NaN : (2 * tp) / (2 * tp + fp + fn));
    }
  }
  return out;
}

// ---- the test ---------------------------------------------------------------------------------

describe('spec/torch/conformance.py', () => {
  let dir = '';
  let vectors: Doc;
  let results: Doc;

  function runPython(script: string, ...args: string[]) {
    return spawnSync(PYTHON, [join(SCRIPTS, script), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  beforeAll(() => {
    if (!torchAvailable) return;
    dir = mkdtempSync(join(tmpdir(), 'ssn-torch-'));
    const v = join(dir, 'vectors.json');
    const r = join(dir, 'results.json');
    const made = runPython('make_sample_vectors.py', v);
    expect(made.status, made.stderr).toBe(0);
    const ran = runPython('conformance.py', v, r);
    expect(ran.status, ran.stderr).toBe(0);
    vectors = JSON.parse(readFileSync(v, 'utf8')) as Doc;
    results = JSON.parse(readFileSync(r, 'utf8')) as Doc;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const byOp = (op: string) => results.cases.filter((c) => c.op === op);

  it.skipIf(!torchAvailable)(
    'writes every case back with id, op, inputs and tolerance kept',
    () => {
      expect(results.format).toBe('ssn-conformance');
      expect(results.version).toBe(1);
      expect(results.cases.map((c) => c.id)).toEqual(vectors.cases.map((c) => c.id));
      results.cases.forEach((c, i) => {
        expect(c.op).toBe(vectors.cases[i].op);
        expect(c.inputs).toEqual(vectors.cases[i].inputs);
        expect(c.tolerance).toEqual(vectors.cases[i].tolerance);
        expect(c.expected, c.id).toBeTypeOf('object');
      });
      const ops = new Set(results.cases.map((c) => c.op));
      for (const op of [
        'lowrank.logProb',
        'lowrank.entropy',
        'lowrank.rsample',
        'loss.mc',
        'metrics.ged',
        'metrics.dice',
      ]) {
        expect(ops.has(op), op).toBe(true);
      }
    },
  );

  it.skipIf(!torchAvailable)('lowrank.logProb and entropy match a dense Cholesky', () => {
    for (const c of byOp('lowrank.logProb')) {
      expectClose(c.expected?.logProb, denseLogProb(c.inputs), 1e-10, 1e-12, c.id);
    }
    for (const c of byOp('lowrank.entropy')) {
      expectClose(c.expected?.entropy, denseEntropy(c.inputs), 1e-10, 1e-12, c.id);
    }
  });

  it.skipIf(!torchAvailable)(
    'lowrank.rsample matches the explicit formula, temperature included',
    () => {
      for (const c of byOp('lowrank.rsample')) {
        expectAllClose(c.expected?.samples, denseRsample(c.inputs), 1e-12, 1e-14, c.id);
      }
    },
  );

  it.skipIf(!torchAvailable)(
    'loss.mc value matches enumeration, gradients match finite differences',
    () => {
      const cases = byOp('loss.mc');
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const c of cases) {
        const loc = nums(c.inputs, 'loc');
        const P = nums(c.inputs, 'covFactor');
        const d = nums(c.inputs, 'covDiag');
        expectClose(c.expected?.loss, lossValue(c.inputs, loc, P, d), 1e-10, 1e-12, `${c.id} loss`);
        expectAllClose(
          c.expected?.gradLoc,
          finiteDiffGrad(c.inputs, 'loc'),
          1e-6,
          1e-8,
          `${c.id} gradLoc`,
        );
        expectAllClose(
          c.expected?.gradCovFactor,
          finiteDiffGrad(c.inputs, 'covFactor'),
          1e-6,
          1e-8,
          `${c.id} gradCovFactor`,
        );
        expectAllClose(
          c.expected?.gradCovDiag,
          finiteDiffGrad(c.inputs, 'covDiag'),
          1e-6,
          1e-8,
          `${c.id} gradCovDiag`,
        );
      }
    },
  );

  it.skipIf(!torchAvailable)(
    'loss.mc cases discriminate: the other layout and no mask give other values',
    () => {
      for (const c of byOp('loss.mc')) {
        const loc = nums(c.inputs, 'loc');
        const P = nums(c.inputs, 'covFactor');
        const d = nums(c.inputs, 'covDiag');
        const value = c.expected?.loss as number;
        if (c.inputs.likelihood === 'categorical') {
          const other = c.inputs.layout === 'class-major' ? 'pixel-major' : 'class-major';
          expect(Math.abs(lossValue(c.inputs, loc, P, d, other) - value), c.id).toBeGreaterThan(
            1e-6,
          );
        }
        if (c.inputs.mask !== undefined) {
          const unmasked = { ...c.inputs, mask: undefined };
          expect(Math.abs(lossValue(unmasked, loc, P, d) - value), c.id).toBeGreaterThan(1e-6);
        }
      }
    },
  );

  it.skipIf(!torchAvailable)('metrics.ged and metrics.dice match the definitions', () => {
    for (const c of byOp('metrics.ged')) {
      const want = denseGed(c.inputs);
      for (const key of ['ged', 'diversity', 'annotatorDiversity', 'crossDistance'] as const) {
        expectClose(c.expected?.[key], want[key], 1e-12, 1e-14, `${c.id} ${key}`);
      }
    }
    const dice = byOp('metrics.dice');
    for (const c of dice) expectAllClose(c.expected?.dice, denseDice(c.inputs), 1e-12, 1e-14, c.id);
    // the sample vectors include a class empty in both maps: it must come back as "NaN"
    expect(dice.some((c) => (c.expected?.dice as unknown[]).includes('NaN'))).toBe(true);
  });

  it.skipIf(!torchAvailable)(
    'an unknown op fails with exit code 2 naming the case and the op',
    () => {
      const v = join(dir, 'bad.json');
      const doc = {
        format: 'ssn-conformance',
        version: 1,
        cases: [{ id: 'odd-1', op: 'lowrank.cdf', inputs: {} }],
      };
      writeFileSync(v, JSON.stringify(doc));
      const ran = runPython('conformance.py', v, join(dir, 'bad-out.json'));
      expect(ran.status).toBe(2);
      expect(ran.stderr).toContain('odd-1');
      expect(ran.stderr).toContain('lowrank.cdf');
    },
  );

  it.skipIf(!torchAvailable)('a label out of range fails with exit code 1 naming the field', () => {
    const v = join(dir, 'bad-labels.json');
    const lossCase = vectors.cases.find((c) => c.op === 'loss.mc') as Case;
    const labels = (lossCase.inputs.labels as number[]).slice();
    labels[0] = 99;
    const doc = { ...vectors, cases: [{ ...lossCase, inputs: { ...lossCase.inputs, labels } }] };
    writeFileSync(v, JSON.stringify(doc));
    const ran = runPython('conformance.py', v, join(dir, 'bad-labels-out.json'));
    expect(ran.status).toBe(1);
    expect(ran.stderr).toContain('inputs.labels: value 99 at index 0');
  });

  // 1e400 is read by Python's json as inf, NaN as nan: int() of either raises, which must not
  // escape as a traceback.
  it.skipIf(!torchAvailable).each([
    ['labels', '1e400', 'inputs.labels: value inf at index 0 is not an integer'],
    ['labels', '-1e400', 'inputs.labels: value -inf at index 0 is not an integer'],
    ['labels', 'NaN', 'inputs.labels: value nan at index 0 is not an integer'],
    ['classes', '1e400', 'inputs.classes: inf is not an integer'],
  ])('a non-finite %s entry (%s) fails with exit code 1 naming the field', (field, text, line) => {
    const v = join(dir, 'bad-nonfinite.json');
    const lossCase = vectors.cases.find((c) => c.op === 'loss.mc') as Case;
    const inputs = { ...lossCase.inputs };
    if (field === 'labels')
      inputs.labels = ['PLACEHOLDER', ...(inputs.labels as number[]).slice(1)];
    else inputs.classes = 'PLACEHOLDER';
    const doc = { ...vectors, cases: [{ ...lossCase, inputs }] };
    writeFileSync(v, JSON.stringify(doc).replace('"PLACEHOLDER"', text));
    const ran = runPython('conformance.py', v, join(dir, 'bad-nonfinite-out.json'));
    expect(ran.stderr).not.toContain('Traceback');
    expect(ran.status).toBe(1);
    expect(ran.stderr.trim()).toBe(
      `conformance.py: case ${JSON.stringify(lossCase.id)} (loss.mc): ${line}`,
    );
  });
});
