/**
 * Output folders are checked before any work, by making (and at once removing) the first
 * missing one: a file system that passes the access test but refuses new folders (/proc, as
 * root) is refused by name with exit 3, instead of Node's recursive mkdir looping for ever after
 * the training.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorReport, checkWritableDir } from '../../src/cli/flags.js';

describe('checkWritableDir', () => {
  it.skipIf(!existsSync('/proc/self'))('refuses a folder under /proc, whoever runs it', () => {
    let caught: unknown = null;
    try {
      checkWritableDir('--out', '/proc/ssn-nope/figures');
    } catch (e) {
      caught = e;
    }
    const r = errorReport(caught);
    expect(r.exitCode).toBe(3);
    // As root the access test passes and the trial mkdir fails; otherwise access is refused.
    expect(r.line).toMatch(
      /^--out: \/proc\/ssn-nope\/figures: cannot (create \/proc\/ssn-nope|write into \/proc)/,
    );
  });

  it('accepts a new nested folder and leaves nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-paths-'));
    checkWritableDir('--out', join(dir, 'a', 'b'));
    expect(existsSync(join(dir, 'a'))).toBe(false);
  });
});
