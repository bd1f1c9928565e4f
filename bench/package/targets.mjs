#!/usr/bin/env node
/* global console, process */
/**
 * The package's targets (issue "A package people can install"), measured on an installed
 * tarball: `npm run bench:package`. Packs and installs like test/package/consumer.mjs, then
 * measures in interleaved rounds (each round runs every timing once; medians are reported):
 *   - `import('ssn-ts')` inside Node (≤ 100 ms) and the whole `node -e "import('ssn-ts')"` process;
 *   - `ssn --help` wall time (≤ 0.3 s), through node_modules/.bin/ssn;
 *   - `npm start` in the installed package: `ssn toy` with figures (≤ 1.2 s);
 *   - a 5-line consumer file type-checked by tsc with strict settings (≤ 2 s);
 * and once: node_modules size with optional peers left out (≤ 40 MB), native modules loaded by
 * `import 'ssn-ts'` (none), the minified browser bundle of lowRankNormal, logProb, sample,
 * mcLossSampled and generalisedEnergyDistance (≤ 60 KB). Writes out/package-targets.json.
 * Options: --rounds N (default 5).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bundleCore,
  CONSUMER_TSCONFIG,
  packAndInstall,
  repoRoot,
  sh,
  tscBin,
} from '../../test/package/project.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

/** Wall time of one command in seconds; throws when it fails. */
function wall(cmd, args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return { s, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function duBytes(path) {
  return Number(sh('du', ['-sb', path]).split('\t')[0]);
}

const { project, cleanup } = packAndInstall();
const pkgDir = join(project, 'node_modules/ssn-ts');
try {
  // The consumer's strict settings with a Node consumer's lib (ES2022, no DOM: the .d.ts need
  // none), then TypeScript's default lib for that target (DOM included) with and without ssn-ts.
  const tsconfig = (lib, files) => ({
    ...CONSUMER_TSCONFIG,
    compilerOptions: { ...CONSUMER_TSCONFIG.compilerOptions, ...(lib ? { lib } : {}) },
    include: undefined,
    files,
  });
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig(['ES2022'], ['five.ts'])));
  writeFileSync(join(project, 'tsconfig.dom.json'), JSON.stringify(tsconfig(null, ['five.ts'])));
  writeFileSync(join(project, 'tsconfig.empty.json'), JSON.stringify(tsconfig(null, ['empty.ts'])));
  writeFileSync(join(project, 'empty.ts'), 'export const x: number = 1;\n');
  writeFileSync(
    join(project, 'five.ts'),
    `import { lowRankNormal, logProb } from 'ssn-ts';
const d = lowRankNormal({ loc: [0, 0], covFactor: [1, 0], covDiag: [1, 1], rank: 1 });
const x: number = logProb(d, [1, 1]);
const y: number | undefined = d.loc[0];
export const z = [x, y];
`,
  );
  const importScript =
    "const t = performance.now(); await import('ssn-ts'); console.log(performance.now() - t);";
  const series = {
    nodeStartS: [],
    importMs: [],
    importProcessS: [],
    helpS: [],
    npmStartS: [],
    toyS: [],
    npmVersionS: [],
    typecheckS: [],
    typecheckDomS: [],
    typecheckEmptyDomS: [],
  };
  const loadBefore = loadavg()[0];
  for (let r = 0; r < rounds; r++) {
    series.nodeStartS.push(wall('node', ['-e', '0'], project).s);
    series.importMs.push(
      Number(wall('node', ['--input-type=module', '-e', importScript], project).stdout),
    );
    series.importProcessS.push(wall('node', ['-e', "import('ssn-ts')"], project).s);
    series.helpS.push(wall(join(project, 'node_modules/.bin/ssn'), ['--help'], project).s);
    series.npmStartS.push(wall('npm', ['start', '--silent'], pkgDir).s);
    series.toyS.push(wall('node', ['bin/ssn.js', 'toy'], pkgDir).s);
    series.npmVersionS.push(wall('npm', ['--version'], pkgDir).s);
    series.typecheckS.push(wall('node', [tscBin, '-p', project], project).s);
    series.typecheckDomS.push(wall('node', [tscBin, '-p', 'tsconfig.dom.json'], project).s);
    series.typecheckEmptyDomS.push(wall('node', [tscBin, '-p', 'tsconfig.empty.json'], project).s);
  }

  // Native modules (process.dlopen) and gpu.js loaded by `import 'ssn-ts'`.
  const native = JSON.parse(
    wall(
      'node',
      [
        '--input-type=module',
        '-e',
        `const d = process.dlopen; const loaded = [];
process.dlopen = function (m, f, ...rest) { loaded.push(f); return d.call(this, m, f, ...rest); };
await import('ssn-ts');
console.log(JSON.stringify(loaded));`,
      ],
      project,
    ).stdout,
  );

  const bundleBytes = statSync(bundleCore(project)).size;
  const footprintBytes = duBytes(join(project, 'node_modules'));
  const packages =
    sh('npm', ['ls', '--all', '--parseable'], { cwd: project }).trim().split('\n').length - 1;

  const m = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, median(v)]));
  const loadAfter = loadavg()[0];
  const rows = [
    [
      '(machine load: `node -e 0`, load average before → after)',
      `${m.nodeStartS.toFixed(3)} s, ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
      '(for reference)',
      null,
    ],
    ["`import('ssn-ts')` in Node", `${m.importMs.toFixed(0)} ms`, '≤ 100 ms', m.importMs <= 100],
    [
      '`node -e "import(\'ssn-ts\')"`, whole process',
      `${m.importProcessS.toFixed(2)} s`,
      '(for reference)',
      null,
    ],
    ['`ssn --help`', `${m.helpS.toFixed(2)} s`, '≤ 0.3 s', m.helpS <= 0.3],
    [
      '`npm start` (toy problem with figures)',
      `${m.npmStartS.toFixed(2)} s`,
      '≤ 1.2 s',
      m.npmStartS <= 1.2,
    ],
    [
      'its parts: `ssn toy` without npm; `npm --version`',
      `${m.toyS.toFixed(2)} s; ${m.npmVersionS.toFixed(2)} s`,
      '(for reference)',
      null,
    ],
    [
      'node_modules, optional peers left out',
      `${(footprintBytes / 1e6).toFixed(1)} MB, ${packages} packages`,
      '≤ 40 MB',
      footprintBytes <= 40e6,
    ],
    ["native modules loaded by `import 'ssn-ts'`", `${native.length}`, 'none', native.length === 0],
    [
      'core browser bundle, minified',
      `${(bundleBytes / 1000).toFixed(1)} KB`,
      '≤ 60 KB',
      bundleBytes <= 60e3,
    ],
    [
      '5-line consumer type-check (strict, skipLibCheck false, lib ES2022)',
      `${m.typecheckS.toFixed(2)} s`,
      '≤ 2 s',
      m.typecheckS <= 2,
    ],
    [
      'the same with the default lib (DOM included)',
      `${m.typecheckDomS.toFixed(2)} s (${m.typecheckEmptyDomS.toFixed(2)} s without ssn-ts)`,
      '(for reference)',
      null,
    ],
  ];
  console.log(
    `| measure | value (median of ${rounds}) | target | met |\n| --- | --- | --- | --- |`,
  );
  for (const [what, value, target, met] of rows) {
    console.log(`| ${what} | ${value} | ${target} | ${met === null ? '—' : met ? 'yes' : 'NO'} |`);
  }
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  writeFileSync(
    join(repoRoot, 'out/package-targets.json'),
    JSON.stringify(
      { rounds, series, medians: m, footprintBytes, packages, native, bundleBytes },
      null,
      2,
    ),
  );
} finally {
  cleanup();
}
