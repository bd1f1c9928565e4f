import { describe, it, expect } from 'vitest';
import * as vl from 'vega-lite';
import { heatmapSpec } from '../../src/plot/heatmapSpec.js';
import { stripsSpec } from '../../src/plot/stripsSpec.js';
import { labelMapGridSpec } from '../../src/plot/labelMapGridSpec.js';
import { logLogSpec, powerLawExponent } from '../../src/plot/logLogSpec.js';
import { hconcatSpec, vconcatSpec } from '../../src/plot/concatSpec.js';
import { specToSvg, toTopLevelSpec } from '../../src/plot/renderFigure.js';
import type { VegaLiteSpec } from '../../src/plot/spec.js';
import { countMarkItems, countRectItems } from './plotHelpers.js';

function compiles(spec: VegaLiteSpec): void {
  // vega-lite logs (not throws) some problems; treat any warning as a failure too.
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    warn: (...a: unknown[]) => (warnings.push(a.join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  vl.compile(toTopLevelSpec(spec) as unknown as vl.TopLevelSpec, { logger: logger as never });
  expect(warnings).toEqual([]);
}

const cov = Float64Array.from({ length: 9 }, (_, i) => [2, -1, 0, -1, 2, -1, 0, -1, 3][i]);

describe('the compile check', () => {
  it('fails on a spec vega-lite warns about', () => {
    expect(() =>
      compiles({
        mark: 'rect',
        data: { values: [] },
        encoding: { x: { field: 'a', type: 'bogus' } },
      }),
    ).toThrow();
  });
});

describe('heatmapSpec', () => {
  it('compiles and draws rows·cols rects', async () => {
    const spec = heatmapSpec({
      values: cov,
      rows: 3,
      cols: 3,
      title: 'cov',
      scheme: 'diverging-symmetric',
    });
    compiles(spec);
    expect(countRectItems(await specToSvg(spec))).toBe(9);
  });

  it('centres the diverging scale at 0 with domain ±max|v|', () => {
    const spec = heatmapSpec({
      values: cov,
      rows: 3,
      cols: 3,
      title: 'cov',
      scheme: 'diverging-symmetric',
    });
    const color = (spec.encoding as Record<string, { scale: { domain: number[] } }>).color;
    expect(color.scale.domain).toEqual([-3, 3]);
  });

  it('draws a non-square matrix with row 0 on top', async () => {
    const values = Float64Array.from({ length: 10 }, (_, i) => i);
    const spec = heatmapSpec({ values, rows: 2, cols: 5, title: 'seq', scheme: 'sequential' });
    compiles(spec);
    expect(countRectItems(await specToSvg(spec))).toBe(10);
  });

  it('rejects a wrong length and non-finite values by name', () => {
    expect(() =>
      heatmapSpec({ values: cov, rows: 2, cols: 3, title: '', scheme: 'sequential' }),
    ).toThrow(/^values: length 9/);
    const bad = Float64Array.of(0, NaN, 1, 2);
    expect(() =>
      heatmapSpec({ values: bad, rows: 2, cols: 2, title: '', scheme: 'sequential' }),
    ).toThrow(/^values: value NaN at index 1/);
    expect(() =>
      heatmapSpec({
        values: cov,
        rows: 3,
        cols: 3,
        title: '',
        scheme: 'sequential',
        domain: [1, 1],
      }),
    ).toThrow(/^domain:/);
  });
});

describe('stripsSpec', () => {
  const samples = Array.from({ length: 14 }, (_, k) =>
    Float64Array.from({ length: 21 }, (_unused, i) => (i + k) % 2),
  );

  it('draws K·S cells from an array of strips', async () => {
    const spec = stripsSpec({ strips: samples, title: '14 samples', scheme: 'binary' });
    compiles(spec);
    expect(countRectItems(await specToSvg(spec))).toBe(14 * 21);
  });

  it('accepts one flat K·S array with stripLength and labels', async () => {
    const flat = new Float64Array(2 * 21).map((_, i) => (i < 28 ? 1 : 0));
    const spec = stripsSpec({
      strips: flat,
      stripLength: 21,
      labels: ['t0', 't1'],
      title: 'targets',
      scheme: 'binary',
    });
    compiles(spec);
    const svg = await specToSvg(spec);
    expect(countRectItems(svg)).toBe(42);
    expect(svg).toContain('t0');
  });

  it('rejects ragged strips and mismatched labels', () => {
    expect(() =>
      stripsSpec({
        strips: [new Float64Array(3), new Float64Array(4)],
        title: '',
        scheme: 'binary',
      }),
    ).toThrow(/^strips: strip 1 has length 4/);
    expect(() =>
      stripsSpec({ strips: new Float64Array(5), stripLength: 2, title: '', scheme: 'binary' }),
    ).toThrow(/^strips: flat length 5/);
    expect(() =>
      stripsSpec({ strips: samples, labels: ['a'], title: '', scheme: 'binary' }),
    ).toThrow(/^labels:/);
  });
});

describe('labelMapGridSpec', () => {
  const image = Float64Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: 6 * 5 }, (_, i) => (i % 7 === 0 ? 1 : 0));
  const prob = Float64Array.from({ length: 6 * 5 }, (_, i) => i / 29);

  it('draws one rect per pixel of every panel', async () => {
    const spec = labelMapGridSpec({
      maps: [
        { title: 'image', values: image, height: 6, width: 5, kind: 'image' },
        { title: 'labels', values: labels, height: 6, width: 5, kind: 'labels' },
        { title: 'p', values: prob, height: 6, width: 5, kind: 'probability', legend: true },
      ],
      columns: 2,
      title: 'grid',
    });
    compiles(spec);
    expect(countRectItems(await specToSvg(spec))).toBe(3 * 30);
  });

  it('rejects non-integer labels and probabilities outside [0, 1]', () => {
    const badLabels = Float64Array.of(0, 1, 0.5, 0);
    expect(() =>
      labelMapGridSpec({
        maps: [{ title: '', values: badLabels, height: 2, width: 2, kind: 'labels' }],
      }),
    ).toThrow(new TypeError('maps[0].values: value 0.5 at index 2 is not an integer label'));
    const badP = Float64Array.of(0, 1.5, 0, 0);
    expect(() =>
      labelMapGridSpec({
        maps: [{ title: '', values: badP, height: 2, width: 2, kind: 'probability' }],
      }),
    ).toThrow(/^maps\[0\]\.values: probability 1.5 at index 1/);
    expect(() =>
      labelMapGridSpec({ maps: [{ title: '', values: badP, height: 3, width: 2, kind: 'image' }] }),
    ).toThrow(/^maps\[0\]\.values: length 4/);
  });
});

describe('logLogSpec', () => {
  it('compiles with log scales and names the fitted exponent in the legend', async () => {
    const x = [16, 32, 64, 128];
    const spec = logLogSpec({
      series: [
        { name: 'low-rank', x, y: x.map((v) => 0.01 * v), fitExponent: 1 },
        { name: 'dense', x, y: x.map((v) => 1e-4 * v ** 3), fitExponent: 3 },
      ],
      xTitle: 'pixels',
      yTitle: 'seconds',
      title: 'scaling',
    });
    compiles(spec);
    const svg = await specToSvg(spec);
    expect(svg).toContain('low-rank (slope 1.00)');
    expect(svg).toContain('dense (slope 3.00)');
    // 4 points per series (legend symbols are role-legend-symbol groups, not counted).
    expect(countMarkItems(svg, 'symbol')).toBe(8);
  });

  it('draws a fitted curve dashed in its series colour, without points', async () => {
    const x = [1, 2, 4, 8, 16];
    const grid = Array.from({ length: 20 }, (_, i) => 2 ** ((4 * i) / 19));
    const spec = logLogSpec({
      series: [
        {
          name: 'affine',
          x,
          y: x.map((v) => 10 + 2 * v),
          fitExponent: powerLawExponent(
            x,
            x.map((v) => 10 + 2 * v),
          ),
          fitted: { x: grid, y: grid.map((v) => 10 + 2 * v) },
        },
      ],
      xTitle: 'R',
      yTitle: 'ms',
      title: 'fit',
    });
    compiles(spec);
    const svg = await specToSvg(spec);
    expect(countMarkItems(svg, 'symbol')).toBe(5);
    expect(svg).toContain('stroke-dasharray="4,3"');
    expect(() =>
      logLogSpec({
        series: [{ name: 'a', x: [1, 2], y: [1, 2], fitted: { x: [1, 2], y: [1] } }],
        xTitle: '',
        yTitle: '',
        title: '',
      }),
    ).toThrow(/^series\[0\]\.fitted: /);
  });

  it('rejects non-positive values (a log axis cannot show them)', () => {
    expect(() =>
      logLogSpec({
        series: [{ name: 'a', x: [1, 0], y: [1, 2] }],
        xTitle: '',
        yTitle: '',
        title: '',
      }),
    ).toThrow(/^series\[0\]\.x: value 0 at index 1/);
  });

  it('powerLawExponent recovers the exponent of an exact power law', () => {
    const x = [2, 3, 5, 8, 13];
    expect(
      powerLawExponent(
        x,
        x.map((v) => 7 * v ** 2.5),
      ),
    ).toBeCloseTo(2.5, 12);
    expect(() => powerLawExponent([2, 2], [1, 3])).toThrow(/^x: all values are equal/);
  });
});

describe('vconcatSpec / hconcatSpec', () => {
  it('composes builders into one figure whose rect count is the sum of the parts', async () => {
    const mean = Float64Array.from({ length: 21 }, (_, i) => i - 10);
    const s21 = new Float64Array(21 * 21).map((_, i) => (i % 22 === 0 ? 1 : 0));
    const samples = Array.from({ length: 14 }, () => new Float64Array(21));
    const model = vconcatSpec([
      stripsSpec({ strips: [mean], title: 'mean', scheme: 'diverging-symmetric' }),
      heatmapSpec({ values: s21, rows: 21, cols: 21, title: 'cov', scheme: 'diverging-symmetric' }),
      stripsSpec({ strips: samples, title: 'samples', scheme: 'binary' }),
    ]);
    const fig = hconcatSpec([model, model], { title: 'Figure 2' });
    compiles(fig);
    expect(countRectItems(await specToSvg(fig))).toBe(2 * (21 + 441 + 14 * 21));
    expect(() => vconcatSpec([])).toThrow(/^specs:/);
  });
});
