/**
 * The conv net: a small low-rank SSN trained by `ssn train --save` (web/public/lowrank-weights.json),
 * run on a synthetic image generated here from a seed. The forward pass and the sampling run on
 * gpu.js kernels (WebGL) when the browser offers WebGL, else on the float64 reference; the page
 * says which ran, reading the mode from the compiled kernel's class.
 */
import {
  DEFAULT_ANNOTATOR_HABITS,
  classNoiseWeights,
  createRng,
  drawNoise,
  makeSyntheticDataset,
  parseWeights,
  referenceConvOps,
  rsample,
  ssnDistribution,
  ssnForward,
} from 'ssn-ts';
import type { ConvOps, HeadMaps, LowRankNormal, Noise, Rng, SsnNetwork } from 'ssn-ts';
import { createGpujsConv, createGpujsSampler } from 'ssn-ts/gpu';
import type { GpujsConv, GpujsSampler } from 'ssn-ts/gpu';
import { drawGrey, drawLabels, drawProbability } from './draw.js';
import { parseInteger } from './parse.js';

/** Samples in the grid. */
const SAMPLES = 16;
/** gpu.js kernel classes that run on the GPU in a browser. */
const WEBGL_MODES = new Set(['webgl2', 'webgl']);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The two ways the page can compute: gpu.js kernels on WebGL, or the float64 reference. */
export type ComputePath = 'webgl' | 'cpu';

interface Gpu {
  conv: GpujsConv;
  sampler: GpujsSampler;
}

/** gpu.js's conv and sampling kernels, or null with the reason when gpu.js cannot start. */
function startGpu(): { gpu: Gpu | null; why: string } {
  try {
    return { gpu: { conv: createGpujsConv('gpu'), sampler: createGpujsSampler('gpu') }, why: '' };
  } catch (e) {
    return { gpu: null, why: (e as Error).message };
  }
}

/** One labelled canvas per default annotator, after the image's figure. */
function addAnnotatorFigures(): void {
  const after = $('conv-image').closest('figure')!;
  const figures = DEFAULT_ANNOTATOR_HABITS.map(({ name }, k) => {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.id = `conv-annotation-${k}`;
    canvas.width = canvas.height = 80;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `annotator ${k + 1} (${name})`);
    const caption = document.createElement('figcaption');
    caption.textContent = `${k + 1}: ${name}`;
    figure.append(canvas, caption);
    return figure;
  });
  after.after(...figures);
}

/** Head maps of the network on the image, on the chosen path. */
function forward(
  path: ComputePath,
  gpu: Gpu | null,
  net: SsnNetwork,
  image: Float64Array,
  side: number,
): HeadMaps {
  const ops: ConvOps = path === 'webgl' && gpu ? gpu.conv : referenceConvOps;
  return ssnForward(ops, net, { data: image, channels: 1, height: side, width: side }).maps;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function setupConvView(): Promise<void> {
  const error = $('conv-error');
  const modeEl = $('gpu-mode');
  const seedInput = $<HTMLInputElement>('conv-seed');
  const temperature = $<HTMLInputElement>('conv-temperature');
  const classWeight = $<HTMLInputElement>('conv-class-weight');
  const resample = $<HTMLButtonElement>('conv-resample');
  const pathSelect = $<HTMLSelectElement>('conv-path');
  const grid = $('conv-samples');
  addAnnotatorFigures();

  const response = await fetch(new URL('lowrank-weights.json', document.baseURI));
  if (!response.ok)
    throw new Error(`weights: cannot load lowrank-weights.json (HTTP ${response.status})`);
  const { network: net, meta } = parseWeights(await response.text());
  const side = Number((meta.config as { size?: number } | undefined)?.size ?? 24);
  $('conv-weights-command').textContent = String(meta.command ?? '(unknown)');

  const started = startGpu();
  let gpu = started.gpu;
  function useCpu(reason: string): void {
    gpu?.conv.dispose();
    gpu?.sampler.dispose();
    gpu = null;
    pathSelect.value = 'cpu';
    pathSelect.querySelector<HTMLOptionElement>('option[value="webgl"]')!.disabled = true;
    $('conv-path-note').textContent =
      `WebGL not available (${reason}); computing on the float64 CPU path.`;
  }
  if (gpu === null) useCpu(started.why);

  // Sample canvases, made once.
  const canvases: HTMLCanvasElement[] = [];
  for (let m = 0; m < SAMPLES; m++) {
    const c = document.createElement('canvas');
    c.width = c.height = 68;
    c.setAttribute('aria-label', `sample ${m + 1}`);
    c.setAttribute('role', 'img');
    grid.append(c);
    canvases.push(c);
  }

  let image: Float64Array = new Float64Array(0);
  let dist: LowRankNormal | null = null;
  let noiseRng: Rng = createRng(0);
  let noise: Noise | null = null;

  function path(): ComputePath {
    return pathSelect.value === 'webgl' && gpu ? 'webgl' : 'cpu';
  }

  function drawSamples(): void {
    if (dist === null || noise === null) return;
    const S = side * side;
    const T = Number(temperature.value);
    const w = Number(classWeight.value);
    // The number beside each slider, and the same for a screen reader (web/index.html).
    for (const [input, v] of [
      [temperature, T],
      [classWeight, w],
    ] as const) {
      $(`${input.id}-value`).textContent = v.toFixed(1);
      input.setAttribute('aria-valuetext', v.toFixed(1));
    }
    const rowWeights = classNoiseWeights({
      classes: 2,
      pixels: S,
      layout: 'class-major',
      weights: [1, w],
    });
    const eta =
      path() === 'webgl'
        ? gpu!.sampler.rsample(dist, noise, { temperature: T, rowWeights })
        : rsample(dist, noise, { temperature: T, rowWeights });
    const labels = new Int32Array(S);
    for (let m = 0; m < SAMPLES; m++) {
      const o = m * 2 * S;
      for (let s = 0; s < S; s++) labels[s] = eta[o + S + s] > eta[o + s] ? 1 : 0;
      drawLabels(canvases[m], labels, side, side);
    }
    modeEl.textContent = path() === 'webgl' ? gpu!.sampler.mode : 'cpu';
    grid.dataset.version = String(Number(grid.dataset.version ?? 0) + 1);
  }

  function newNoise(): void {
    if (dist === null) return;
    noise = drawNoise(noiseRng, { count: SAMPLES, rank: dist.rank, size: dist.size });
  }

  function showImage(): void {
    error.textContent = '';
    let seed: number;
    try {
      seed = parseInteger('image seed', seedInput.value, 0);
    } catch (e) {
      error.textContent = (e as Error).message;
      return;
    }
    const data = makeSyntheticDataset({ seed, count: 1, size: side });
    image = data.images[0];
    drawGrey($('conv-image'), image, side, side);
    data.annotations[0].forEach((a, k) => drawLabels($(`conv-annotation-${k}`), a, side, side));
    let maps = forward(path(), gpu, net, image, side);
    if (path() === 'webgl' && !WEBGL_MODES.has(gpu!.conv.mode)) {
      // gpu.js compiled its kernels for something other than WebGL: use the float64 path.
      useCpu(`gpu.js ran its kernels on '${gpu!.conv.mode}'`);
      maps = forward('cpu', gpu, net, image, side);
    }
    const S = side * side;
    const mean = new Int32Array(S);
    const p = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      const d = maps.mean.data[S + s] - maps.mean.data[s];
      mean[s] = d > 0 ? 1 : 0;
      p[s] = 1 / (1 + Math.exp(-d));
    }
    drawLabels($('conv-mean'), mean, side, side);
    drawProbability($('conv-plesion'), p, side, side);
    dist = ssnDistribution(net, maps);
    noiseRng = createRng(`page/${seed}`);
    newNoise();
    drawSamples();
  }

  seedInput.addEventListener('change', showImage);
  pathSelect.addEventListener('change', showImage);
  temperature.addEventListener('input', drawSamples);
  classWeight.addEventListener('input', drawSamples);
  resample.addEventListener('click', () => {
    newNoise();
    drawSamples();
  });
  showImage();

  // For the browser tests and the measurements (test/web): the head maps on either path, and
  // median timings of the forward pass and of sampling, WebGL kernels against the CPU path.
  Object.assign(window, {
    ssnPage: {
      forward(seed: number, p: ComputePath) {
        const img = makeSyntheticDataset({ seed, count: 1, size: side }).images[0];
        const maps = forward(p, gpu, net, img, side);
        return {
          mode: p === 'webgl' && gpu ? gpu.conv.mode : 'cpu',
          mean: Array.from(maps.mean.data),
          logDiag: Array.from(maps.logDiag!.data),
          factor: Array.from(maps.factor!.data),
        };
      },
      measure(reps: number) {
        const time = (f: () => void) => {
          f(); // warm-up: compiles the kernels
          const ts: number[] = [];
          for (let i = 0; i < reps; i++) {
            const t0 = performance.now();
            f();
            ts.push(performance.now() - t0);
          }
          return median(ts);
        };
        const d = dist!;
        const n = noise!;
        const out: Record<string, number | string> = { reps, side, samples: SAMPLES, rank: d.rank };
        out.forwardCpuMs = time(() => forward('cpu', gpu, net, image, side));
        out.samplingCpuMs = time(() => rsample(d, n, { temperature: 1 }));
        const g = gpu;
        if (g) {
          out.mode = g.conv.mode;
          out.forwardWebglMs = time(() => forward('webgl', g, net, image, side));
          out.samplingWebglMs = time(() => g.sampler.rsample(d, n, { temperature: 1 }));
        }
        return out;
      },
    },
  });
  document.body.dataset.readyMs = performance.now().toFixed(0);
  document.body.dataset.convReady = 'true';
}
