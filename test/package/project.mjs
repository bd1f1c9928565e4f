/**
 * A consumer's project: `npm pack` this repository, then install the tarball into a fresh
 * temporary folder outside it (no tsx, no dev dependencies, optional peers left out). Shared by
 * the consumer test (test/package/consumer.mjs) and the package targets (bench/package/targets.mjs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');
/** Tools the consumer does not install: this repository's TypeScript and esbuild. */
export const tscBin = join(repoRoot, 'node_modules/typescript/bin/tsc');
const esbuildBin = join(repoRoot, 'node_modules/.bin/esbuild');

/** The consumer's tsconfig: the strictest settings a user may have. */
export const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
    types: [],
  },
  include: ['*.ts'],
};

/** Runs a command, returning stdout; on failure throws with its stderr. */
export function sh(cmd, args, options = {}) {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/**
 * Packs the repository (npm pack runs `prepare`, i.e. the build) and installs the tarball into a
 * new temporary project. Returns its folder and a cleanup function.
 */
export function packAndInstall() {
  const dir = mkdtempSync(join(tmpdir(), 'ssn-consumer-'));
  sh('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: repoRoot });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'ssn-consumer', private: true, type: 'module' }, null, 2),
  );
  sh('npm', ['install', join(dir, tarball), '--no-audit', '--no-fund', '--silent'], {
    cwd: project,
  });
  return { project, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Bundles the core's lowRankNormal, logProb, sample, mcLossSampled and generalisedEnergyDistance
 * from the installed ssn-ts with esbuild (--platform=browser, minified) into web/bundle.js of
 * the consumer's project; extra esbuild flags (e.g. --metafile) go in `extraArgs`. Returns the
 * bundle's path.
 */
export function bundleCore(project, extraArgs = []) {
  mkdirSync(join(project, 'web'), { recursive: true });
  writeFileSync(
    join(project, 'web/entry.mjs'),
    `export { lowRankNormal, logProb, sample, mcLossSampled, generalisedEnergyDistance } from 'ssn-ts';\n`,
  );
  sh(
    esbuildBin,
    [
      'web/entry.mjs',
      '--bundle',
      '--platform=browser',
      '--format=esm',
      '--minify',
      ...extraArgs,
      '--outfile=web/bundle.js',
      '--log-level=warning',
    ],
    { cwd: project },
  );
  return join(project, 'web/bundle.js');
}
