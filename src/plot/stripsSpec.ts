import { checkInteger } from '../util/validate.js';
import {
  colorScale,
  DEFAULT_CELL_SIZE,
  sparseTicks,
  type ColorScheme,
  type VegaLiteSpec,
} from './spec.js';

/** Options of {@link stripsSpec}. */
export interface StripsOptions {
  /**
   * K strips of S cells: an array of K arrays of equal length S, or one flat array of K·S values
   * (strip k = values[k·S .. k·S + S − 1]) together with `stripLength` = S.
   */
  strips: readonly ArrayLike<number>[] | ArrayLike<number>;
  /** S when `strips` is flat. */
  stripLength?: number;
  /** One label per strip (default "1", "2", …). */
  labels?: readonly string[];
  title: string;
  /** `binary` for 0/1 samples, `sequential` or `diverging-symmetric` for a mean strip. */
  scheme: ColorScheme;
  domain?: readonly [number, number];
  /** Side of one cell (default 12). */
  cellSize?: number;
  /** Legend title (default "value"); `null` hides the legend. */
  legendTitle?: string | null;
}

/**
 * K horizontal strips of S cells stacked top to bottom (e.g. 14 binary samples of the 21-pixel
 * toy problem, or a single mean strip), one `rect` per cell, white grid lines between cells.
 * @throws RangeError when strips have unequal lengths, a flat array's length is not a multiple
 *   of `stripLength`, `labels` has the wrong length or duplicates, or a value is not finite
 * @example stripsSpec({ strips: samples, title: '14 samples', scheme: 'binary' })
 */
export function stripsSpec(options: StripsOptions): VegaLiteSpec {
  const rows = toRows(options.strips, options.stripLength);
  const k = rows.length;
  const s = rows[0].length;
  const labels = options.labels ?? rows.map((_, i) => String(i + 1));
  if (labels.length !== k) {
    throw new RangeError(`labels: has ${labels.length} entries for ${k} strips`);
  }
  if (new Set(labels).size !== k) {
    throw new RangeError('labels: must be distinct (they name the rows)');
  }
  const flat: number[] = [];
  const data: { strip: string; order: number; cell: number; value: number }[] = [];
  rows.forEach((row, i) => {
    for (let c = 0; c < s; c++) {
      flat.push(row[c]);
      data.push({ strip: labels[i], order: i, cell: c, value: row[c] });
    }
  });
  const scale = colorScale('strips', flat, options.scheme, options.domain);
  const cell = options.cellSize ?? DEFAULT_CELL_SIZE;
  const legend =
    options.legendTitle === null
      ? null
      : { title: options.legendTitle ?? 'value', gradientLength: 60 };
  return {
    title: options.title,
    width: s * cell,
    height: k * cell,
    data: { values: data },
    mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 0.5 },
    encoding: {
      x: {
        field: 'cell',
        type: 'ordinal',
        title: null,
        axis: { values: sparseTicks(s), labelAngle: 0 },
      },
      y: {
        field: 'strip',
        type: 'ordinal',
        title: null,
        sort: labels.slice(),
        axis: k === 1 && options.labels === undefined ? null : {},
      },
      color: { field: 'value', type: 'quantitative', scale, legend },
      tooltip: [{ field: 'strip' }, { field: 'cell' }, { field: 'value', format: '.4g' }],
    },
  };
}

function toRows(
  strips: readonly ArrayLike<number>[] | ArrayLike<number>,
  stripLength: number | undefined,
): ArrayLike<number>[] {
  const first = (strips as ArrayLike<unknown>)[0];
  if (strips.length === 0) throw new RangeError('strips: must hold at least one strip');
  if (typeof first === 'number') {
    const flat = strips as ArrayLike<number>;
    if (stripLength === undefined) {
      throw new RangeError('stripLength: is required when strips is one flat array');
    }
    checkInteger('stripLength', stripLength, 1);
    if (flat.length % stripLength !== 0) {
      throw new RangeError(
        `strips: flat length ${flat.length} is not a multiple of stripLength ${stripLength}`,
      );
    }
    const out: ArrayLike<number>[] = [];
    for (let i = 0; i < flat.length; i += stripLength) {
      out.push(Array.prototype.slice.call(flat, i, i + stripLength) as number[]);
    }
    return out;
  }
  const rows = strips as readonly ArrayLike<number>[];
  const s = rows[0].length;
  if (s === 0) throw new RangeError('strips: strip 0 is empty');
  rows.forEach((row, i) => {
    if (row.length !== s)
      throw new RangeError(`strips: strip ${i} has length ${row.length}, strip 0 has ${s}`);
  });
  if (stripLength !== undefined && stripLength !== s) {
    throw new RangeError(`stripLength: ${stripLength} disagrees with the strips' length ${s}`);
  }
  return rows.slice();
}
