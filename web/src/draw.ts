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

export interface CurveAxes {
  /** What the plot shows: the start of the canvas's accessible name, which then names the axes. */
  description: string;
  yLabel: string;
  /** Steps of the run, x = 0 … total − 1 (0 before a run: the x axis then names no count). */
  total: number;
}

/** A tick spacing of 1, 2 or 5 × 10^k giving at most 8 intervals over span. */
function tickStep(span: number): number {
  for (let step = 1; ; step *= 10)
    for (const m of [1, 2, 5]) if (span / (m * step) <= 8) return m * step;
}

/**
 * Line curves over x = 0 … total − 1 and dashed reference lines. The y range holds every finite
 * value of the curves and the references (nothing is clipped), rounded out to whole ticks; it is
 * written into the canvas's aria-label with the axes' names.
 */
export function drawCurves(
  canvas: HTMLCanvasElement,
  curves: Curve[],
  axes: CurveAxes,
  references: { y: number; label: string }[] = [],
): void {
  let lo = Math.min(0, ...references.map((r) => r.y));
  let hi = Math.max(0, ...references.map((r) => r.y));
  for (const c of curves)
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  const step = tickStep(hi - lo || 1);
  const yMin = Math.floor(lo / step) * step;
  const yMax = Math.ceil(hi / step) * step;
  const xLabel = axes.total > 1 ? `step (of ${axes.total})` : 'step';
  canvas.setAttribute(
    'aria-label',
    `${axes.description}; y axis: ${axes.yLabel} from ${yMin} to ${yMax}; x axis: ${xLabel}`,
  );
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  const W = canvas.width;
  const H = canvas.height;
  const left = 56;
  const bottom = 18;
  const x = (i: number) => left + ((W - left - 6) * i) / Math.max(1, axes.total - 1);
  const y = (v: number) => 6 + ((H - bottom - 6) * (yMax - v)) / (yMax - yMin || 1);
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, W, H);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#ccc';
  ctx.lineWidth = 1;
  ctx.textAlign = 'right';
  for (let v = yMin; v <= yMax; v += step) {
    ctx.beginPath();
    ctx.moveTo(left, y(v));
    ctx.lineTo(W - 6, y(v));
    ctx.stroke();
    ctx.fillText(String(v), left - 4, y(v) + 4);
  }
  ctx.fillText(xLabel, W - 8, H - 4);
  // The y axis's name, turned to read upwards along the left edge.
  ctx.save();
  ctx.translate(12, 6 + (H - bottom - 6) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(axes.yLabel, 0, 0);
  ctx.restore();
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = '#888';
  for (const r of references) {
    ctx.beginPath();
    ctx.moveTo(left, y(r.y));
    ctx.lineTo(W - 6, y(r.y));
    ctx.stroke();
  }
  ctx.setLineDash([]);
  for (const c of curves) {
    ctx.strokeStyle = c.colour;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false; // a non-finite value breaks the line
    for (let i = 0; i < c.values.length; i++) {
      const v = c.values[i];
      if (!Number.isFinite(v)) drawing = false;
      else if (drawing) ctx.lineTo(x(i), y(v));
      else {
        ctx.moveTo(x(i), y(v));
        drawing = true;
      }
    }
    ctx.stroke();
  }
  // Reference labels last, at the right end above their lines (where the curves have settled
  // below them), each on a white backing so a curve passing under it cannot cross the text.
  for (const r of references) {
    const w = ctx.measureText(r.label).width;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(W - 10 - w, y(r.y) - 14, w + 4, 12);
    ctx.fillStyle = '#444';
    ctx.fillText(r.label, W - 8, y(r.y) - 4);
  }
  ctx.textAlign = 'start';
}
