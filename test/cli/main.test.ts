/**
 * The `ssn` entry as a process (through tsx, on the sources): --version, help, one-line errors
 * with their exit codes, and a closed stdout pipe.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const ssn = (shellArgs: string) =>
  spawnSync('bash', ['-c', `npx tsx src/cli/main.ts ${shellArgs}`], { encoding: 'utf8' });

describe('ssn', () => {
  it("--version prints package.json's version", () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string })
      .version;
    const r = ssn('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it("a closed stdout pipe ends quietly with the work's exit code", () => {
    // `true` exits before ssn writes: every write meets EPIPE.
    const v = 'spec/vectors/ssn-vectors-v1.json';
    const r = ssn(`check --vectors ${v} --results ${v} | true; echo "rc=\${PIPESTATUS[0]}" >&2`);
    expect(r.stderr).toBe('rc=0\n');
  });

  it('usage errors: one line, exit 2, no help dump', async () => {
    for (const [args, line] of [
      [['nope'], 'ssn: nope: unknown command (ssn --help lists them)'],
      [['train', '--quick'], 'ssn: --model: required'],
      [['toy', '--quiet', '--rank'], 'ssn: --rank: needs a value'],
      [['experiment', '--bogus'], 'ssn: --bogus: unknown option'],
      [
        ['eval', 'x.json', '--out', 'y.json', '--max-memory', '-5'],
        'ssn: --max-memory: expected a size such as 8GiB, 500MB or 2e9 (bytes), got "-5"',
      ],
    ] as const) {
      const errs: string[] = [];
      expect(await runCli(args, (l) => errs.push(l)), args.join(' ')).toBe(2);
      expect(errs).toEqual([line]);
    }
  });

  it('help marks required options and offers --quiet on the long-running commands', () => {
    const help = (cmd: string) => ssn(`${cmd} --help`).stdout;
    expect(help('train')).toMatch(/--model <kind>.*\(required\)/);
    expect(help('check')).toMatch(/--vectors <file>.*\(required\)/);
    for (const cmd of ['toy', 'train', 'experiment']) expect(help(cmd)).toMatch(/--quiet/);
  });
});
