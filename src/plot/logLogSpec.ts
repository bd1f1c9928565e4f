import type { VegaLiteSpec } from './spec.js';

/** One curve of {@link logLogSpec}. */
export interface LogLogSeries {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** A fitted power-law exponent, shown in the legend as "name (slope 1.98)". */
  fitExponent?: number;
  /**
   * A fitted curve drawn dashed in the series' colour, without points (e.g. a + b·x evaluated
   * on a fine grid of x, to show that timings follow a straight line plus a constant).
   */
  fitted?: { x: readonly number[]; y: readonly number[] };
}

/** Options of {@link logLogSpec}. */
export interface LogLogOptions {
  series: readonly LogLogSeries[];
  xTitle: string;
  yTitle: string;
  title: string;
  width?: number;
  height?: number;
}

/**
 * Least-squares slope of log y on log x: the exponent b of y ≈ a·x^b.
 * @throws RangeError when lengths differ, fewer than 2 points, a value is not positive and
 *   finite, or all x are equal
 * @example powerLawExponent([1, 2, 4], [1, 4, 16]) // 2
 */
export function powerLawExponent(x: readonly number[], y: readonly number[]): number {
  checkPositiveSeries('x', x);
  checkPositiveSeries('y', y);
  if (x.length !== y.length)
    throw new RangeError(`y: length ${y.length} differs from x's ${x.length}`);
  if (x.length < 2) throw new RangeError(`x: needs at least 2 points, got ${x.length}`);
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  if (sxx === 0) throw new RangeError('x: all values are equal, the slope is undefined');
  return sxy / sxx;
}

function checkPositiveSeries(name: string, v: readonly number[]): void {
  v.forEach((value, i) => {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(
        `${name}: value ${value} at index ${i} is not positive and finite (log axis)`,
      );
    }
  });
}

/**
 * Points joined by lines on log–log axes, one colour per series, the legend naming each series
 * with its fitted exponent when given (e.g. timings against problem size); a series' `fitted`
 * curve is drawn dashed in its colour.
 * @throws RangeError when a series has x/y of different lengths, no points, or a value that is
 *   not positive and finite; when two series share a name
 * @example logLogSpec({ series: [{ name: 'rank 10', x: [64, 128], y: [1, 4], fitExponent: 2 }], xTitle: 'N', yTitle: 's', title: 'time' })
 */
export function logLogSpec(options: LogLogOptions): VegaLiteSpec {
  const { series } = options;
  if (series.length === 0) throw new RangeError('series: must hold at least one series');
  const labels: string[] = [];
  const data: { series: string; curve: 'measured' | 'fitted'; x: number; y: number }[] = [];
  series.forEach((s, k) => {
    if (s.x.length !== s.y.length) {
      throw new RangeError(`series[${k}].y: length ${s.y.length} differs from x's ${s.x.length}`);
    }
    if (s.x.length === 0) throw new RangeError(`series[${k}].x: is empty`);
    checkPositiveSeries(`series[${k}].x`, s.x);
    checkPositiveSeries(`series[${k}].y`, s.y);
    if (s.fitExponent !== undefined && !Number.isFinite(s.fitExponent)) {
      throw new RangeError(`series[${k}].fitExponent: ${s.fitExponent} is not finite`);
    }
    const label =
      s.fitExponent === undefined ? s.name : `${s.name} (slope ${s.fitExponent.toFixed(2)})`;
    if (labels.includes(label))
      throw new RangeError(`series[${k}].name: "${s.name}" is used twice`);
    labels.push(label);
    for (let i = 0; i < s.x.length; i++) {
      data.push({ series: label, curve: 'measured', x: s.x[i], y: s.y[i] });
    }
    if (s.fitted !== undefined) {
      if (s.fitted.x.length !== s.fitted.y.length || s.fitted.x.length < 2) {
        throw new RangeError(
          `series[${k}].fitted: needs x and y of one length ≥ 2, got ${s.fitted.x.length} and ${s.fitted.y.length}`,
        );
      }
      checkPositiveSeries(`series[${k}].fitted.x`, s.fitted.x);
      checkPositiveSeries(`series[${k}].fitted.y`, s.fitted.y);
      // The fitted curve is its own line (detail), in the series' colour.
      for (let i = 0; i < s.fitted.x.length; i++) {
        data.push({ series: label, curve: 'fitted', x: s.fitted.x[i], y: s.fitted.y[i] });
      }
    }
  });
  const anyFit = series.some((s) => s.fitted !== undefined);
  const encoding = {
    x: {
      field: 'x',
      type: 'quantitative',
      scale: { type: 'log', nice: false, padding: 12 },
      title: options.xTitle,
    },
    y: {
      field: 'y',
      type: 'quantitative',
      scale: { type: 'log', nice: false, padding: 12 },
      title: options.yTitle,
    },
    color: {
      field: 'series',
      type: 'nominal',
      sort: labels,
      title: null,
      legend: { orient: 'bottom', columns: 1, labelLimit: 0 },
    },
  };
  return {
    title: options.title,
    width: options.width ?? 320,
    height: options.height ?? 240,
    data: { values: data },
    encoding,
    layer: [
      {
        transform: [{ filter: "datum.curve === 'measured'" }],
        mark: { type: 'line' },
      },
      {
        transform: [{ filter: "datum.curve === 'measured'" }],
        mark: { type: 'point', filled: true, size: 40 },
      },
      ...(anyFit
        ? [
            {
              transform: [{ filter: "datum.curve === 'fitted'" }],
              mark: { type: 'line', strokeDash: [4, 3], strokeWidth: 1.5, opacity: 0.8 },
            },
          ]
        : []),
    ],
  };
}
