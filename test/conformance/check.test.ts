/**
 * `ssn check` and `ssn eval`: pass on identical files, fail (exit 1) on a perturbed value naming
 * the case and field, exit 2 with the case id and field on malformed files. Most tests run the
 * command functions in-process; two run the real CLI for its exit codes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCheck, runEval, runVectors } from '../../src/cli/conformance.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMMITTED = join(ROOT, 'spec', 'vectors', 'ssn-vectors-v1.json');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ssn-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

type Doc = {
  cases: {
    id: string;
    op: string;
    inputs: Record<string, unknown>;
    expected?: Record<string, unknown>;
  }[];
};

function committed(): Doc {
  return JSON.parse(readFileSync(COMMITTED, 'utf8')) as Doc;
}

function write(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

function check(results: string, vectors = COMMITTED) {
  const c = capture();
  const code = runCheck({ vectors, results }, c.io);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('ssn check', () => {
  it('passes the committed vectors against themselves', () => {
    const r = check(COMMITTED);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^PASS: \d+ of \d+ fields/m);
    expect(r.out).toMatch(/case +op +field +max abs err +max rel err/);
  });

  it('fails a copy with one value perturbed by 1e-6 relative, naming the case and field', () => {
    const doc = committed();
    const target = doc.cases.find((c) => c.id === 'loss-categorical-class-major')!;
    const grad = target.expected!.gradCovFactor as number[];
    grad[3] *= 1 + 1e-6;
    const r = check(write('perturbed.json', doc));
    expect(r.code).toBe(1);
    const failing = r.out.split('\n').filter((l) => l.includes('FAIL'));
    expect(failing[0]).toMatch(/^loss-categorical-class-major +loss\.mc +gradCovFactor .* FAIL/);
    expect(failing.filter((l) => !l.startsWith('FAIL:')).length).toBe(1);
    expect(r.out).toMatch(/^FAIL: /m);
  });

  it('fails a null where a number is expected, and a number where null is expected', () => {
    const doc = committed();
    (doc.cases.find((c) => c.id === 'dice-all-empty')!.expected!.dice as unknown[])[0] = 0.5;
    (doc.cases.find((c) => c.id === 'logprob-basic')!.expected as Record<string, unknown>).logProb =
      null;
    const r = check(write('nulls.json', doc));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/dice-all-empty .*FAIL \(entry 0: 0\.5 where "NaN" is expected\)/);
    expect(r.out).toMatch(/logprob-basic .*FAIL \(entry 0: "NaN" where/);
  });

  const malformed: [string, () => unknown, RegExp][] = [
    ['not JSON', () => '{"format": "ssn-conformance", ', /not valid JSON/],
    [
      'a wrong format tag',
      () => ({ ...committed(), format: 'ssn-vectors' }),
      /format: "ssn-vectors"/,
    ],
    [
      'an unknown op',
      () => {
        const d = committed();
        d.cases[2].op = 'lowrank.kl';
        return d;
      },
      /case "logprob-n1": op: unknown op "lowrank\.kl"/,
    ],
    [
      'a missing output field',
      () => {
        const d = committed();
        delete d.cases.find((c) => c.id === 'loss-bernoulli')!.expected!.gradLoc;
        return d;
      },
      /case "loss-bernoulli" \(loss\.mc\): expected\.gradLoc: missing/,
    ],
    [
      'a wrong array length',
      () => {
        const d = committed();
        (d.cases.find((c) => c.id === 'rsample-basic')!.expected!.samples as number[]).pop();
        return d;
      },
      /case "rsample-basic" \(lowrank\.rsample\): expected\.samples: length 17, expected 18/,
    ],
    [
      'a missing case',
      () => {
        const d = committed();
        d.cases = d.cases.filter((c) => c.id !== 'ged-binary');
        return d;
      },
      /case "ged-binary" \(metrics\.ged\): missing/,
    ],
    [
      'results computed from other inputs',
      () => {
        const d = committed();
        (d.cases[0].inputs.x as number[])[0] += 1;
        return d;
      },
      /case "logprob-basic" \(lowrank\.logProb\): inputs\.x: differs from the vectors/,
    ],
  ];

  it.each(malformed)(
    'exits 2 on results with %s, naming the case and field',
    (_w, make, pattern) => {
      const r = check(write('bad.json', make()));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^ssn: /);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(pattern);
    },
  );

  it('exits 2 on vectors with labels out of range, naming the case and field', () => {
    const d = committed();
    (d.cases.find((c) => c.id === 'loss-bernoulli')!.inputs.labels as number[])[4] = 2;
    const bad = write('bad-vectors.json', d);
    const r = check(bad, bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^ssn: case "loss-bernoulli" \(loss\.mc\): inputs\.labels: value 2 at index 4 is out of range \[0, 2\)$/,
    );
  });

  it('exits 3 on a file that does not exist', () => {
    expect(check(join(dir, 'nope.json')).code).toBe(3);
  });
});

describe('ssn eval and ssn vectors', () => {
  it('eval fills expected and the derived tolerance for a file without them', () => {
    const d = committed();
    for (const c of d.cases) {
      delete c.expected;
      delete (c as { tolerance?: unknown }).tolerance;
    }
    const input = write('inputs-only.json', {
      format: 'ssn-conformance',
      version: 1,
      cases: d.cases,
    });
    const out = join(dir, 'evaluated.json');
    const c = capture();
    expect(runEval(input, { out }, c.io)).toBe(0);
    expect(check(out).code).toBe(0);
    // Same values and the same derived tolerances as `ssn vectors`: the committed file, byte for byte.
    expect(readFileSync(out, 'utf8') === readFileSync(COMMITTED, 'utf8')).toBe(true);
  });

  it('eval keeps a tolerance a case carries', () => {
    const c = capture();
    const input = write(
      'own-tolerance.json',
      oneCase({ ...GED, tolerance: { rtol: 0.5, atol: 0.25 } }),
    );
    const out = join(dir, 'own-tolerance-out.json');
    expect(runEval(input, { out }, c.io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('"tolerance":{"rtol":0.5,"atol":0.25}');
  });

  it('eval exits 2 on a case ssn-ts rejects, naming it', () => {
    const d = committed();
    (d.cases.find((c) => c.id === 'entropy-basic')!.inputs.covDiag as number[])[1] = 0;
    const c = capture();
    expect(runEval(write('zero-diag.json', d), { out: join(dir, 'x.json') }, c.io)).toBe(2);
    expect(c.err[0]).toMatch(
      /^ssn: case "entropy-basic" \(lowrank\.entropy\): inputs\.covDiag: entry 1 is 0/,
    );
  });

  it('vectors writes a file check accepts', () => {
    const out = join(dir, 'v.json');
    expect(runVectors({ seed: '11', out }, capture().io)).toBe(0);
    const c = capture();
    expect(runCheck({ vectors: out, results: out }, c.io)).toBe(0);
  });
});

describe('the ssn CLI', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
      encoding: 'utf8',
      cwd: ROOT,
    });

  it('exits 1 on a failing check and 2 on a malformed file', () => {
    const doc = committed();
    (doc.cases[0].expected as Record<string, number>).logProb *= 1 + 1e-6;
    const perturbed = write('cli-perturbed.json', doc);
    const failing = cli('check', '--vectors', COMMITTED, '--results', perturbed, '--failures-only');
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/^logprob-basic +lowrank\.logProb +logProb .*FAIL/m);
    const bad = cli('check', '--vectors', COMMITTED, '--results', write('cli-bad.json', '[]'));
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^ssn: .*cli-bad\.json: expected a JSON object at the top$/);
  });

  it('exits 2 on usage errors (a missing option, a bad --rtol) and lists the exit codes in help', () => {
    expect(cli('check', '--vectors', COMMITTED).status).toBe(2);
    expect(cli('check', '--vectors', COMMITTED, '--results', COMMITTED, '--rtol', 'x').status).toBe(
      2,
    );
    const help = cli('eval', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(
      /Exit codes:\n {2}0 {2}success\n {2}1 .*\n(.*\n)* {2}2 .*\n(.*\n)* {2}3 /,
    );
  });
});

/** A one-case file with the given case fields. */
function oneCase(c: Record<string, unknown>, top = ''): string {
  return `{"format":"ssn-conformance","version":1,${top}"cases":[${JSON.stringify(c)}]}`;
}

const GED = {
  id: 'g',
  op: 'metrics.ged',
  inputs: { classes: 2, pixels: 2, samples: [0, 1], annotations: [1, 1] },
};

describe('ssn eval: files, messages and limits', () => {
  function evalText(text: string, out = join(dir, 'eval-out.json'), options = {}) {
    try {
      if (out !== dir) rmSync(out, { force: true });
    } catch {
      // a path under a plain file: there is nothing to remove
    }
    const c = capture();
    const code = runEval(write('eval-in.json', text), { out, ...options }, c.io);
    return { code, err: c.err, out };
  }

  it('exits 3 for --out onto a folder or under a file, before reading or computing', () => {
    // The input is malformed too: the output is checked first.
    const file = write('plain-file.txt', 'x');
    for (const out of [join(file, 'o.json'), dir]) {
      const r = evalText('not json', out);
      expect(r.code).toBe(3);
      expect(r.err).toHaveLength(1);
      expect(r.err[0]).toMatch(/^ssn: --out: /);
      expect(r.err[0]).toContain(out);
    }
  });

  it('creates a missing --out folder, as the other commands do', () => {
    const out = join(dir, 'new-folder', 'deeper', 'o.json');
    rmSync(join(dir, 'new-folder'), { recursive: true, force: true });
    const r = evalText(oneCase(GED), out);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('"expected"');
  });

  it('accepts a UTF-8 BOM and keeps unknown keys, __proto__ and 1e400 included', () => {
    const text = oneCase(GED, '"note":{"__proto__":[1e400]},').replace(
      '"inputs":{',
      '"__proto__":{"x":1},"inputs":{"__proto__":[[[]]],',
    );
    const r = evalText(`\uFEFF${text}`);
    expect(r.code, r.err.join('\n')).toBe(0);
    const written = readFileSync(r.out, 'utf8');
    expect(written).toContain('"note":{"__proto__":[1e400]}');
    expect(written).toContain('"inputs":{"__proto__":[[[]]],"classes":2');
    expect(written).toContain('"__proto__":{"x":1}}');
  });

  it('writes arrays nested 3000 deep back unchanged', () => {
    const deep = `${'['.repeat(3000)}1${']'.repeat(3000)}`;
    const r = evalText(oneCase(GED).replace('"inputs":{', `"inputs":{"deep":${deep},`));
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(readFileSync(r.out, 'utf8')).toContain(`"deep":${deep}`);
  });

  it('shows a number as written (1e400), ids JSON-quoted on one line', () => {
    const r = evalText(
      oneCase({
        id: 'two\nlines',
        op: 'lowrank.entropy',
        inputs: { loc: [0], covFactor: [0], covDiag: [1], rank: 1 },
      }).replace('"rank":1', '"rank":1e400'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'ssn: case "two\\nlines" (lowrank.entropy): inputs.rank: 1e400 is not an integer in [1, 2^53)',
    ]);
  });

  it('reads and writes non-finite numbers as "Infinity", "-Infinity", "NaN"; null reads as NaN', () => {
    const c = {
      id: 's',
      op: 'lowrank.rsample',
      inputs: { loc: [0], covFactor: [1], covDiag: [1], rank: 1, epsFactor: [1], epsDiag: [0] },
    };
    // loc "Infinity" is refused by ssn-ts (a non-finite input), naming the field.
    const inf = evalText(oneCase({ ...c, inputs: { ...c.inputs, loc: ['Infinity'] } }));
    expect(inf.code).toBe(2);
    expect(inf.err[0]).toMatch(/^ssn: case "s" \(lowrank\.rsample\): inputs\.loc/);
    const nul = evalText(oneCase({ ...c, inputs: { ...c.inputs, loc: [null] } }));
    expect(nul.code).toBe(2);
    expect(nul.err[0]).toMatch(/inputs\.loc/);
    // A sample that overflows is written "Infinity".
    const big = evalText(
      oneCase({ ...c, inputs: { ...c.inputs, temperature: 1e308, epsFactor: [10] } }),
    );
    expect(big.code, big.err.join('\n')).toBe(0);
    expect(readFileSync(big.out, 'utf8')).toContain('"expected":{"samples":["Infinity"]}');
  });

  it('refuses, before allocating, a case too large for the limits, naming the field', () => {
    const huge = evalText(oneCase({ ...GED, inputs: { ...GED.inputs, classes: 1e8 } }));
    expect(huge.code).toBe(2);
    expect(huge.err).toHaveLength(1);
    expect(huge.err[0]).toMatch(
      /^ssn: case "g" \(metrics\.ged\): inputs\.classes: 100000000 needs about .* of memory, over the limit of 2\.00 GiB \(--max-memory raises it\)$/,
    );
    expect(existsSync(huge.out)).toBe(false);
    const rank = evalText(
      oneCase({
        id: 'r',
        op: 'lowrank.logProb',
        inputs: {
          loc: [0],
          covFactor: new Array(10000).fill(0),
          covDiag: [1],
          rank: 10000,
          x: [0],
        },
      }),
    );
    expect(rank.code).toBe(2);
    expect(rank.err[0]).toMatch(/inputs\.rank: 10000 needs about .* operations/);
    // --max-memory moves the limit both ways.
    const dice = {
      id: 'd',
      op: 'metrics.dice',
      inputs: { classes: 100000, prediction: [0], annotations: [1] },
    };
    expect(evalText(oneCase(dice)).code).toBe(0);
    expect(evalText(oneCase(dice), undefined, { maxMemory: 1e6 }).code).toBe(2);
  });
});
