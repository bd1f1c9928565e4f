import { checkInteger, checkLabels } from '../util/validate.js';
import { finiteExtent, type VegaLiteSpec } from './spec.js';

/** What one panel of {@link labelMapGridSpec} shows, which decides its colour scale. */
export type MapKind = 'image' | 'labels' | 'probability';

/** One panel: an H×W map, row-major (values[r·W + c] at row r from the top, column c). */
export interface MapPanel {
  title: string;
  values: ArrayLike<number>;
  height: number;
  width: number;
  /**
   * `image`: grey scale over the map's own [min, max] (or `domain`);
   * `labels`: integer class labels 0..C−1, categorical palette (0 dark background);
   * `probability`: viridis over [0, 1].
   */
  kind: MapKind;
  domain?: readonly [number, number];
  /** Show this panel's colour legend (default false). */
  legend?: boolean;
}

/** Options of {@link labelMapGridSpec}. */
export interface LabelMapGridOptions {
  maps: readonly MapPanel[];
  /** Panels per row (default: all in one row). */
  columns?: number;
  title?: string;
  /** Side of one map pixel in screen units (default 4: a 32×32 map is 128 units wide). */
  pixelSize?: number;
}

/**
 * Categorical colours for label maps: 0 (background) near black, then colour-blind-safe hues.
 * Labels beyond the palette are an error, not a silent wrap-around.
 */
export const LABEL_PALETTE: readonly string[] = [
  '#1b1b1b',
  '#ffd92f',
  '#e7298a',
  '#66c2a5',
  '#8da0cb',
  '#fc8d62',
  '#a6d854',
  '#e5c494',
];

/**
 * A grid of small images (a vega-lite `concat` with `columns`): grey scale for images, a
 * categorical palette for label maps, viridis for probabilities, one `rect` per pixel, each panel
 * with its own (independent) colour scale and no axes.
 * @throws TypeError when a label is not an integer, or height, width or columns is not an integer
 * @throws RangeError when a panel's values.length ≠ height·width, a value is not finite, a label
 *   lies outside [0, LABEL_PALETTE.length), or a probability lies outside [0, 1]
 * @example labelMapGridSpec({ maps: [{ title: 'image', values: img, height: 32, width: 32, kind: 'image' }], columns: 5 })
 */
export function labelMapGridSpec(options: LabelMapGridOptions): VegaLiteSpec {
  const { maps } = options;
  if (maps.length === 0) throw new RangeError('maps: must hold at least one panel');
  const columns = options.columns ?? maps.length;
  checkInteger('columns', columns, 1);
  const px = options.pixelSize ?? 4;
  const panels = maps.map((m, i) => panelSpec(m, i, px));
  const spec: VegaLiteSpec = {
    columns,
    spacing: 10,
    concat: panels,
    resolve: { scale: { color: 'independent', x: 'independent', y: 'independent' } },
  };
  if (options.title !== undefined) spec.title = options.title;
  return spec;
}

function panelSpec(m: MapPanel, index: number, px: number): VegaLiteSpec {
  const name = `maps[${index}].values`;
  checkInteger(`maps[${index}].height`, m.height, 1);
  checkInteger(`maps[${index}].width`, m.width, 1);
  if (m.values.length !== m.height * m.width) {
    throw new RangeError(
      `${name}: length ${m.values.length} does not equal height·width = ${m.height * m.width}`,
    );
  }
  const extent = finiteExtent(name, m.values);
  const data: { row: number; col: number; value: number }[] = [];
  for (let r = 0; r < m.height; r++) {
    for (let c = 0; c < m.width; c++)
      data.push({ row: r, col: c, value: m.values[r * m.width + c] });
  }
  let color: Record<string, unknown>;
  if (m.kind === 'image') {
    const d = m.domain ?? extent;
    color = {
      field: 'value',
      type: 'quantitative',
      scale: { range: ['#000000', '#ffffff'], domain: [d[0], d[1]] },
    };
  } else if (m.kind === 'labels') {
    checkLabels(name, m.values, LABEL_PALETTE.length);
    let maxLabel = 0;
    for (let i = 0; i < m.values.length; i++) maxLabel = Math.max(maxLabel, m.values[i]);
    const count = Math.max(2, maxLabel + 1);
    const domain = Array.from({ length: count }, (_, k) => k);
    color = {
      field: 'value',
      type: 'ordinal',
      scale: { domain, range: LABEL_PALETTE.slice(0, count) },
    };
  } else if (m.kind === 'probability') {
    if (extent[0] < 0 || extent[1] > 1) {
      for (let i = 0; i < m.values.length; i++) {
        const v = m.values[i];
        if (v < 0 || v > 1)
          throw new RangeError(`${name}: probability ${v} at index ${i} is outside [0, 1]`);
      }
    }
    const d = m.domain ?? [0, 1];
    color = {
      field: 'value',
      type: 'quantitative',
      scale: { scheme: 'viridis', domain: [d[0], d[1]] },
    };
  } else {
    throw new RangeError(`maps[${index}].kind: unknown kind ${String(m.kind)}`);
  }
  color.legend = m.legend === true ? { title: null, gradientLength: m.height * px } : null;
  return {
    title: { text: m.title, fontSize: 11 },
    width: m.width * px,
    height: m.height * px,
    data: { values: data },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'col', type: 'ordinal', axis: null },
      y: { field: 'row', type: 'ordinal', axis: null },
      color,
    },
  };
}
