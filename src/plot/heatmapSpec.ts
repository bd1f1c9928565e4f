import { checkInteger } from '../util/validate.js';
import {
  colorScale,
  DEFAULT_CELL_SIZE,
  sparseTicks,
  type ColorScheme,
  type VegaLiteSpec,
} from './spec.js';

/** Options of {@link heatmapSpec}. */
export interface HeatmapOptions {
  /** rows·cols values, row-major: values[r·cols + c] is drawn at row r (top = 0), column c. */
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  title: string;
  /** `diverging-symmetric` (e.g. a covariance matrix), `sequential` or `binary`. */
  scheme: ColorScheme;
  /** Colour domain replacing the computed one (see `colorScale`). */
  domain?: readonly [number, number];
  /** Side of one cell in screen units (default 12). */
  cellSize?: number;
  /** Legend title (default "value"). */
  legendTitle?: string;
}

/**
 * A vega-lite heatmap: one `rect` per matrix entry, x = column index, y = row index (row 0 on
 * top), colour by value. For a covariance matrix use `scheme: 'diverging-symmetric'`: the scale
 * is centred at 0 with domain [−max|v|, max|v|].
 * @throws TypeError when rows or cols is not an integer
 * @throws RangeError when values.length ≠ rows·cols, a value is not finite, or rows/cols are
 *   below 1
 * @example heatmapSpec({ values: cov, rows: 21, cols: 21, title: 'covariance', scheme: 'diverging-symmetric' })
 */
export function heatmapSpec(options: HeatmapOptions): VegaLiteSpec {
  const { values, rows, cols, title, scheme, domain } = options;
  checkInteger('rows', rows, 1);
  checkInteger('cols', cols, 1);
  if (values.length !== rows * cols) {
    throw new RangeError(
      `values: length ${values.length} does not equal rows·cols = ${rows * cols}`,
    );
  }
  const cell = options.cellSize ?? DEFAULT_CELL_SIZE;
  const scale = colorScale('values', values, scheme, domain);
  const data: { row: number; col: number; value: number }[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) data.push({ row: r, col: c, value: values[r * cols + c] });
  }
  return {
    title,
    width: cols * cell,
    height: rows * cell,
    data: { values: data },
    mark: { type: 'rect' },
    encoding: {
      x: {
        field: 'col',
        type: 'ordinal',
        title: null,
        axis: { values: sparseTicks(cols), labelAngle: 0 },
      },
      y: { field: 'row', type: 'ordinal', title: null, axis: { values: sparseTicks(rows) } },
      color: {
        field: 'value',
        type: 'quantitative',
        scale,
        legend: {
          title: options.legendTitle ?? 'value',
          gradientLength: Math.max(60, rows * cell),
        },
      },
      tooltip: [{ field: 'row' }, { field: 'col' }, { field: 'value', format: '.4g' }],
    },
  };
}
