#!/usr/bin/env node
/* global console, process */
/**
 * The package as a consumer meets it (run by .ci/run after the unit tests; `npm run test:package`):
 * npm pack, install the tarball into a fresh project without tsx, then
 * (a) plain Node ESM imports ssn-ts and ssn-ts/node and gets a hand-computed log-density, and
 *     require('ssn-ts') fails with Node's own ERR_REQUIRE_ESM;
 * (b) a TypeScript consumer type-checks against the shipped .d.ts with strict,
 *     noUncheckedIndexedAccess, exactOptionalPropertyTypes and skipLibCheck false;
 * (c) esbuild bundles the core with --platform=browser (any Node built-in fails the build);
 * (d) `npx ssn --version` and `npx ssn toy --quick` run.
 * Prints one line per check and a closing count; exits 1 when a check fails.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleCore, CONSUMER_TSCONFIG, packAndInstall, repoRoot, sh, tscBin } from './project.mjs';

/** log N((1, 1); 0, P Pᵀ + I) with P = (1, 0)ᵀ, i.e. Σ = diag(2, 1), by hand. */
const HAND_LOG_DENSITY = -Math.log(2 * Math.PI) - 0.5 * Math.log(2) - 0.5 * (1 / 2 + 1);

const checks = [];
function check(name, body) {
  try {
    body();
    checks.push([name, null]);
    console.log(`ok    ${name}`);
  } catch (err) {
    checks.push([name, err]);
    console.log(`FAIL  ${name}\n${String(err.message ?? err).replace(/^/gm, '      ')}`);
  }
}

const { project, cleanup } = packAndInstall();
const run = (args) => sh('node', args, { cwd: project });
try {
  check('(a) Node ESM: ssn-ts log-density matches the hand value; ssn-ts/node renders SVG', () => {
    writeFileSync(
      join(project, 'a.mjs'),
      `import { lowRankNormal, logProb, heatmapSpec } from 'ssn-ts';
import { specToSvg } from 'ssn-ts/node';
const d = lowRankNormal({ loc: [0, 0], covFactor: [1, 0], covDiag: [1, 1], rank: 1 });
const svg = await specToSvg(heatmapSpec({ values: [1, 2, 3, 4], rows: 2, cols: 2, scheme: 'diverging-symmetric' }));
console.log(JSON.stringify({ logp: logProb(d, [1, 1]), svg: svg.slice(0, 4) }));
`,
    );
    const got = JSON.parse(run(['a.mjs']));
    if (!(Math.abs(got.logp - HAND_LOG_DENSITY) <= 1e-12 * Math.abs(HAND_LOG_DENSITY))) {
      throw new Error(`logProb = ${got.logp}, by hand ${HAND_LOG_DENSITY}`);
    }
    if (got.svg !== '<svg') throw new Error(`specToSvg gave ${JSON.stringify(got.svg)}…`);
  });

  check(
    "(a) require('ssn-ts'): Node's ERR_REQUIRE_ESM, or on Node ≥ 20.19 (require of ESM) the module",
    () => {
      // ESM only. Node 20.19+ and 22.12+ load an ES module through require() when it has no
      // top-level await; older Node refuses with ERR_REQUIRE_ESM. Never a syntax error inside.
      const r = spawnSync('node', ['-e', "console.log(typeof require('ssn-ts').lowRankNormal)"], {
        cwd: project,
        encoding: 'utf8',
      });
      const loaded = r.status === 0 && r.stdout.trim() === 'function';
      const refused = r.status !== 0 && r.stderr.includes('ERR_REQUIRE_ESM');
      if (!loaded && !refused)
        throw new Error(`status ${r.status}, stderr:\n${r.stderr.slice(0, 600)}`);
    },
  );

  check(
    '(b) TypeScript consumer: strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, skipLibCheck false',
    () => {
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
      writeFileSync(
        join(project, 'consumer.ts'),
        `import { createRng, lowRankNormal, logProb, sample, generalisedEnergyDistance, type LowRankNormal } from 'ssn-ts';
import { specToSvg, type RenderedFigure } from 'ssn-ts/node';
import type { ConvBackend } from 'ssn-ts';
const d: LowRankNormal = lowRankNormal({ loc: [0, 0], covFactor: [1, 0], covDiag: [1, 1], rank: 1 });
const lp: number = logProb(d, [1, 1]);
const s: Float64Array = sample(d, createRng('x'), { count: 2 }).samples;
export const out: [number, Float64Array, typeof generalisedEnergyDistance, typeof specToSvg] = [lp, s, generalisedEnergyDistance, specToSvg];
export type T = [RenderedFigure, ConvBackend];
`,
      );
      const files = sh('node', [tscBin, '-p', project, '--listFilesOnly'], { cwd: project });
      const ours = files.split('\n').filter((f) => f.includes('/node_modules/ssn-ts/'));
      if (ours.some((f) => !f.endsWith('.d.ts'))) {
        throw new Error(`the check reached sources, not the shipped .d.ts:\n${ours.join('\n')}`);
      }
      if (ours.length === 0) throw new Error('the check never reached ssn-ts');
      sh('node', [tscBin, '-p', project], { cwd: project });
    },
  );

  check(
    '(c) esbuild bundles the core for the browser (no Node built-in, no native module, no gpu.js)',
    () => {
      bundleCore(project, ['--metafile=web/meta.json']);
      const meta = JSON.parse(readFileSync(join(project, 'web/meta.json'), 'utf8'));
      const bad = Object.keys(meta.inputs).filter((f) => /^node:|gpu\.js|@resvg|\/vega/.test(f));
      if (bad.length > 0) throw new Error(`the browser bundle includes ${bad.join(', ')}`);
    },
  );

  check('(d) npx ssn --version and npx ssn toy --quick', () => {
    const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version;
    const v = sh('npx', ['--no-install', 'ssn', '--version'], { cwd: project }).trim();
    if (v !== version)
      throw new Error(`ssn --version printed ${JSON.stringify(v)}, want ${version}`);
    const out = sh(
      'npx',
      ['--no-install', 'ssn', 'toy', '--quick', '--quiet', '--out', 'out/toy'],
      { cwd: project },
    );
    if (!/^rank 2 /m.test(out)) throw new Error(`ssn toy --quick printed:\n${out}`);
    const png = readFileSync(join(project, 'out/toy/figure2.png'));
    if (png.subarray(1, 4).toString() !== 'PNG')
      throw new Error('out/toy/figure2.png is not a PNG');
  });

  check(
    '(e) without the optional peer gpu.js: ssn-ts/gpu and --backend gpujs name it; auto falls back',
    () => {
      const g = spawnSync('node', ['--input-type=module', '-e', "await import('ssn-ts/gpu')"], {
        cwd: project,
        encoding: 'utf8',
      });
      if (g.status === 0 || !g.stderr.includes("Cannot find package 'gpu.js'")) {
        throw new Error(
          `import('ssn-ts/gpu'): status ${g.status}, stderr:\n${g.stderr.slice(0, 400)}`,
        );
      }
      const quick = [
        '--no-install',
        'ssn',
        'train',
        '--model',
        'lowrank',
        '--quick',
        '--quiet',
        '--no-figures',
      ];
      const t = spawnSync('npx', [...quick, '--backend', 'gpujs'], {
        cwd: project,
        encoding: 'utf8',
      });
      if (t.status !== 2 || !/^ssn: --backend: gpujs: .*npm install gpu\.js\n$/.test(t.stderr)) {
        throw new Error(`--backend gpujs: status ${t.status}, stderr:\n${t.stderr}`);
      }
      const a = spawnSync('npx', quick, { cwd: project, encoding: 'utf8' });
      if (
        a.status !== 0 ||
        !/^backend: auto: reference \(gpu\.js could not be loaded/m.test(a.stdout)
      ) {
        throw new Error(`--backend auto: status ${a.status}, stdout:\n${a.stdout}${a.stderr}`);
      }
    },
  );
} finally {
  cleanup();
}

const failed = checks.filter(([, e]) => e !== null).length;
console.log(`package checks: ${checks.length - failed} ok, ${failed} failing`);
process.exitCode = failed === 0 ? 0 : 1;
