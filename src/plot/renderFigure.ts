/**
 * Rendering: vega-lite → vega → SVG (vega's headless `View`) → PNG (resvg).
 * This module does file I/O; the spec builders beside it are pure.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { VegaLiteSpec } from './spec.js';

/** The font every figure asks for. Debian package fonts-dejavu-core provides it. */
export const FIGURE_FONT_FAMILY = 'DejaVu Sans';

/** Where fonts-dejavu-core installs DejaVu Sans (regular and bold: titles are bold). */
export const DEJAVU_FONT_FILES: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
];

/** The DejaVu font files present on this machine (empty when fonts-dejavu-core is missing). */
export function findFontFiles(): string[] {
  return DEJAVU_FONT_FILES.filter((f) => existsSync(f));
}

/** Figure-wide vega-lite config: the font, white background, no outer frame around views. */
const CONFIG = {
  font: FIGURE_FONT_FAMILY,
  background: '#ffffff',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 13, anchor: 'start' },
};

/**
 * A builder's spec made top-level: adds `$schema`, the figure config and the font.
 * @example toTopLevelSpec(heatmapSpec(...)).$schema // 'https://vega.github.io/schema/vega-lite/v6.json'
 */
export function toTopLevelSpec(spec: VegaLiteSpec): VegaLiteSpec {
  const config = { ...CONFIG, ...((spec.config as Record<string, unknown> | undefined) ?? {}) };
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', ...spec, config };
}

/**
 * Compiles a vega-lite spec and renders it to an SVG string with vega's headless View.
 * @throws Error from vega-lite when the spec does not compile
 */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(toTopLevelSpec(spec) as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * SVG → PNG at `zoom`× (default 2). Uses the DejaVu font files explicitly when present (the same
 * pixels on every machine with fonts-dejavu-core), otherwise the system fonts.
 */
export function svgToPng(svg: string, zoom = 2): Uint8Array {
  if (!(zoom > 0) || !Number.isFinite(zoom))
    throw new RangeError(`zoom: must be a positive number, got ${zoom}`);
  const fontFiles = findFontFiles();
  const font =
    fontFiles.length > 0
      ? { loadSystemFonts: false, fontFiles, defaultFontFamily: FIGURE_FONT_FAMILY }
      : { loadSystemFonts: true, defaultFontFamily: FIGURE_FONT_FAMILY };
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: zoom },
    font,
    background: '#ffffff',
  });
  return resvg.render().asPng();
}

/** Paths written by {@link renderFigure}. */
export interface RenderedFigure {
  svgPath: string;
  pngPath: string;
}

/**
 * Renders a vega-lite spec to `${basePath}.svg` and `${basePath}.png` (2× zoom), creating the
 * directory as needed.
 * @example await renderFigure(heatmapSpec({...}), 'out/figures/covariance') // { svgPath: 'out/figures/covariance.svg', pngPath: ... }
 */
export async function renderFigure(spec: VegaLiteSpec, basePath: string): Promise<RenderedFigure> {
  if (typeof basePath !== 'string' || basePath.length === 0) {
    throw new TypeError('basePath: must be a non-empty path without extension');
  }
  const svg = await specToSvg(spec);
  const png = svgToPng(svg);
  const svgPath = `${basePath}.svg`;
  const pngPath = `${basePath}.png`;
  await mkdir(dirname(svgPath), { recursive: true });
  await writeFile(svgPath, svg, 'utf8');
  await writeFile(pngPath, png);
  return { svgPath, pngPath };
}
