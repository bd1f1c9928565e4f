/**
 * ssn-ts/node: what needs Node. Rendering the core's vega-lite figure specs to SVG and PNG
 * (vega, vega-lite and resvg are loaded only from here) and reading and writing files.
 * @module ssn-ts/node
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseConformance, serializeConformance } from './conformance/format.js';
import type { ConformanceFile } from './conformance/format.js';

export {
  renderFigure,
  specToSvg,
  svgToPng,
  toTopLevelSpec,
  findFontFiles,
  FIGURE_FONT_FAMILY,
  DEJAVU_FONT_FILES,
} from './plot/renderFigure.js';
export type { RenderedFigure } from './plot/renderFigure.js';

/**
 * Reads and checks a conformance file (`parseConformance` on the file's text).
 * @throws ConformanceError naming the file and, for a malformed case, the case id and field
 * @throws Error (Node's, with `code` ENOENT, EACCES, …) when the file cannot be read
 */
export async function readConformanceFile(path: string): Promise<ConformanceFile> {
  return parseConformance(await readFile(path, 'utf8'), path);
}

/** Writes a conformance file as `serializeConformance` formats it. */
export async function writeConformanceFile(path: string, file: ConformanceFile): Promise<void> {
  await writeFile(path, serializeConformance(file), 'utf8');
}
