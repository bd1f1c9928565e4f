/**
 * A consumer's project: `npm pack` this repository, then install the tarball into a fresh
 * temporary folder outside it (no tsx, no dev dependencies, optional peers left out). Shared by
 * the consumer test (test/package/consumer.mjs) and the package targets (bench/package/targets.mjs).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');
/** Tools the consumer does not install: this repository's TypeScript and esbuild. */
export const tscBin = join(repoRoot, 'node_modules/typescript/bin/tsc');
export const esbuildBin = join(repoRoot, 'node_modules/.bin/esbuild');

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
  const packDir = join(dir, 'pack');
  sh('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: repoRoot });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${dir}`);
  const project = join(dir, 'project');
  sh('mkdir', ['-p', project, packDir]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'ssn-consumer', private: true, type: 'module' }, null, 2),
  );
  sh('npm', ['install', join(dir, tarball), '--no-audit', '--no-fund', '--silent'], {
    cwd: project,
  });
  return {
    dir,
    project,
    tarball: join(dir, tarball),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
