/** Test helpers: count the rect items vega drew, read a PNG header. */

/** Number of items in `<g class="mark-rect ...">` groups of a vega SVG (one `<path>` per rect). */
export function countRectItems(svg: string): number {
  return countMarkItems(svg, 'rect');
}

/** Number of items (`<path>` elements) in a vega SVG's groups of the given mark type. */
export function countMarkItems(svg: string, mark: 'rect' | 'symbol'): number {
  let count = 0;
  const re = new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>`, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg)) !== null) {
    // Items are the <path> elements up to the group's closing tag (these groups hold no nested <g>).
    const end = svg.indexOf('</g>', m.index + m[0].length);
    const body = svg.slice(m.index + m[0].length, end);
    count += (body.match(/<path /g) ?? []).length;
  }
  return count;
}

/** Width and height from a PNG's IHDR chunk; throws when the signature or IHDR is wrong. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  sig.forEach((b, i) => {
    if (png[i] !== b) throw new Error(`png: byte ${i} is ${png[i]}, signature wants ${b}`);
  });
  const tag = String.fromCharCode(png[12], png[13], png[14], png[15]);
  if (tag !== 'IHDR') throw new Error(`png: first chunk is ${tag}, not IHDR`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
