/**
 * A figure that cannot be written fails the same way whether it is drawn in this thread (run from
 * the sources) or in the figure worker (the compiled CLI): as a file system error, exit 3 with the
 * path, never as an unexpected error (exit 4). The worker's error crosses postMessage as plain
 * data (`workerError`) and is rebuilt (`rebuildError`) with its code and path.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebuildError, workerError } from '../../src/cli/figureRenderer.js';
import { errorReport } from '../../src/cli/flags.js';
import { heatmapSpec } from '../../src/plot/heatmapSpec.js';
import { renderFigure } from '../../src/plot/renderFigure.js';

describe("the figure worker's errors", () => {
  it('a figure path that is a folder: exit 3 naming it, as in this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-figerr-'));
    mkdirSync(join(dir, 'fig.svg')); // the SVG's path is taken by a folder
    const spec = heatmapSpec({
      values: Float64Array.of(1, 2),
      rows: 1,
      cols: 2,
      title: 't',
      scheme: 'sequential',
    });
    const err = await renderFigure(spec, join(dir, 'fig')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    const here = errorReport(err);
    expect(here.exitCode).toBe(3);
    expect(here.line).toMatch(/fig\.svg: cannot read or write \(EISDIR\)$/);
    // Through the worker's message (structuredClone is what postMessage does).
    const rebuilt = rebuildError(structuredClone(workerError(err)));
    expect(errorReport(rebuilt)).toEqual(here);
  });

  it('keeps the kind of a library error and marks anything else as unexpected', () => {
    const range = rebuildError(structuredClone(workerError(new RangeError('basePath: empty'))));
    expect(range).toBeInstanceOf(RangeError);
    expect(errorReport(range)).toEqual({ line: 'basePath: empty', exitCode: 2 });
    const other = rebuildError(structuredClone(workerError('a string')));
    expect(errorReport(other).exitCode).toBe(4);
  });
});
