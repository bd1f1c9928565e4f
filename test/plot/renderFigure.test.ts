import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { heatmapSpec } from '../../src/plot/heatmapSpec.js';
import { findFontFiles, renderFigure, specToSvg } from '../../src/plot/renderFigure.js';
import { pngSize } from './plotHelpers.js';

describe('renderFigure', () => {
  it('writes an SVG and a 2x PNG into a new directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssn-plot-'));
    try {
      const spec = heatmapSpec({
        values: Float64Array.of(1, -0.5, -0.5, 2),
        rows: 2,
        cols: 2,
        title: 'tiny',
        scheme: 'diverging-symmetric',
      });
      const base = join(dir, 'nested', 'fig');
      const out = await renderFigure(spec, base);
      expect(out).toEqual({ svgPath: `${base}.svg`, pngPath: `${base}.png` });
      const svg = readFileSync(out.svgPath, 'utf8');
      const m = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg);
      expect(m).not.toBeNull();
      const size = pngSize(readFileSync(out.pngPath));
      expect(size).toEqual({ width: 2 * Number(m![1]), height: 2 * Number(m![2]) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks for the DejaVu Sans font in the SVG', async () => {
    const svg = await specToSvg(
      heatmapSpec({
        values: Float64Array.of(0),
        rows: 1,
        cols: 1,
        title: 'font',
        scheme: 'sequential',
      }),
    );
    expect(svg).toContain('DejaVu Sans');
    // On machines with fonts-dejavu-core (CI installs it) the PNG uses those files explicitly.
    expect(Array.isArray(findFontFiles())).toBe(true);
  });

  it('rejects an empty base path', async () => {
    const spec = heatmapSpec({
      values: Float64Array.of(0),
      rows: 1,
      cols: 1,
      title: '',
      scheme: 'sequential',
    });
    await expect(renderFigure(spec, '')).rejects.toThrow(/^basePath:/);
  });
});
