/**
 * Canvas drawing for the page: heatmaps on a symmetric diverging scale (white = 0), strips,
 * label maps, grey images and line curves. Every function fills the whole canvas it is given.
 */

/** Blue (−) – white (0) – red (+), v in [−1, 1]. */
function diverging(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, v));
  if (t >= 0) return [255, Math.round(255 * (1 - 0.8 * t)), Math.round(255 * (1 - 0.85 * t))];
  return [Math.round(255 * (1 + 0.85 * t)), Math.round(255 * (1 + 0.55 * t)), 255];
}

function paint(
  canvas: HTMLCanvasElement,
  rows: number,
  cols: number,
  colour: (r: number, c: number) => [number, number, number],
): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const img = ctx.createImageData(cols, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [R, G, B] = colour(r, c);
      const j = 4 * (r * cols + c);
      img.data[j] = R;
      img.data[j + 1] = G;
      img.data[j + 2] = B;
      img.data[j + 3] = 255;
    }
  }
  // Draw at 1 px per cell on a scratch canvas, then scale up without smoothing.
  const scratch = document.createElement('canvas');
  scratch.width = cols;
  scratch.height = rows;
  scratch.getContext('2d')?.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
}

/** A rows × cols row-major matrix on the diverging scale, ±max|v| at the ends. */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  scale?: number,
): number {
  let m = scale ?? 0;
  if (scale === undefined)
    for (let j = 0; j < values.length; j++) m = Math.max(m, Math.abs(values[j]));
  const s = m > 0 ? m : 1;
  paint(canvas, rows, cols, (r, c) => diverging(values[r * cols + c] / s));
  return s;
}

/** 0/1 strips (one per row): on = black, off = light grey. */
export function drawBinary(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  rows: number,
  cols: number,
): void {
  paint(canvas, rows, cols, (r, c) => (values[r * cols + c] > 0 ? [20, 20, 20] : [222, 222, 222]));
}

/** A label map: lesion (1) in orange on dark blue background (0). */
export function drawLabels(
  canvas: HTMLCanvasElement,
  labels: ArrayLike<number>,
  h: number,
  w: number,
): void {
  paint(canvas, h, w, (r, c) => (labels[r * w + c] === 1 ? [250, 170, 40] : [25, 35, 70]));
}

/** Grey levels from min (black) to max (white). */
export function drawGrey(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  h: number,
  w: number,
): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < values.length; j++) {
    lo = Math.min(lo, values[j]);
    hi = Math.max(hi, values[j]);
  }
  const span = hi > lo ? hi - lo : 1;
  paint(canvas, h, w, (r, c) => {
    const g = Math.round((255 * (values[r * w + c] - lo)) / span);
    return [g, g, g];
  });
}

/** A probability map in [0, 1], black to white. */
export function drawProbability(
  canvas: HTMLCanvasElement,
  p: ArrayLike<number>,
  h: number,
  w: number,
): void {
  paint(canvas, h, w, (r, c) => {
    const g = Math.round(255 * Math.max(0, Math.min(1, p[r * w + c])));
    return [g, g, g];
  });
}

export interface Curve {
  values: ArrayLike<number>;
  colour: string;
  label: string;
}

/** Line curves over x = 0 … total − 1 with y clipped to [yMin, yMax], and dashed reference lines. */
export function drawCurves(
  canvas: HTMLCanvasElement,
  curves: Curve[],
  total: number,
  yMin: number,
  yMax: number,
  references: { y: number; label: string }[] = [],
): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const W = canvas.width;
  const H = canvas.height;
  const left = 40;
  const bottom = 18;
  const x = (i: number) => left + ((W - left - 6) * i) / Math.max(1, total - 1);
  const y = (v: number) =>
    6 + ((H - bottom - 6) * (yMax - Math.max(yMin, Math.min(yMax, v)))) / (yMax - yMin);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  for (let v = Math.ceil(yMin); v <= yMax; v++) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(W - 6, y(v));
    ctx.stroke();
    ctx.fillText(String(v), 4, y(v) + 4);
  }
  ctx.fillText(`step (of ${total})`, W - 90, H - 4);
  ctx.setLineDash([4, 3]);
  for (const r of references) {
    ctx.strokeStyle = '#888';
    ctx.beginPath();
    ctx.moveTo(left, y(r.y));
    ctx.lineTo(W - 6, y(r.y));
    ctx.stroke();
    ctx.fillText(r.label, left + 4, y(r.y) - 3);
  }
  ctx.setLineDash([]);
  for (const c of curves) {
    ctx.strokeStyle = c.colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < c.values.length; i++) {
      if (i === 0) ctx.moveTo(x(i), y(c.values[i]));
      else ctx.lineTo(x(i), y(c.values[i]));
    }
    ctx.stroke();
  }
}
