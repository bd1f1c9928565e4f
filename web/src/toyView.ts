/**
 * The toy problem, live: the diagonal and a rank-R model trained side by side, each in its own
 * worker, with the log-likelihood curves, the covariance P Pᵀ + D, the mean strip and 14 samples
 * (the paper's Figure 2) redrawn as they train.
 */
import {
  TOY_PIXELS,
  denseCovariance,
  drawNoise,
  fullModelOptimum,
  independentPixelOptimum,
  rsample,
  splitRng,
  toyDistribution,
  toyProtocol,
  toyTargets,
} from 'ssn-ts';
import type { Noise } from 'ssn-ts';
import { drawBinary, drawCurves, drawHeatmap } from './draw.js';
import { parseInteger, parsePositive } from './parse.js';
import { fromSnapshot, pageProtocol, toyCommand } from './toyRun.js';
import type { ToyParamsSnapshot, ToyProgress, ToyRunResult, ToyRunSettings } from './toyRun.js';

const FIGURE_SAMPLES = 14;
/** Steps averaged into one point of the curves (the per-step estimate is noisy). */
const SMOOTH = 20;
/** The best log-likelihoods per image (src/toy/problem.ts): 7 ln ½ for the diagonal, ln ½ overall. */
const OPTIMUM = {
  diagonal: independentPixelOptimum(toyTargets()),
  lowrank: fullModelOptimum(toyTargets()),
};
/** Each protocol's own learning rate (its last phase's) and samples, as the controls show them. */
const PRESETS = Object.fromEntries(
  (['best', 'paper'] as const).map((name) => {
    const p = toyProtocol(name);
    return [name, { lr: String(p.phases[p.phases.length - 1].lr), samples: String(p.samples) }];
  }),
) as Record<'best' | 'paper', { lr: string; samples: string }>;

type Kind = 'diagonal' | 'lowrank';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface ModelState {
  worker: Worker | null;
  losses: number[];
  total: number;
  noise: Noise | null;
  result: ToyRunResult | null;
}

/** Figure 2's panels of one model: its mean, covariance and samples, each with a caption. */
function modelFigure(kind: Kind, name: string): string {
  const canvas = (what: string, w: number, h: number, label: string) =>
    `<canvas id="toy-${what}-${kind}" width="${w}" height="${h}" role="img" aria-label="${name}: ${label}"></canvas>`;
  const side = 7 * TOY_PIXELS;
  return `<figure>
  <figcaption>${name}</figcaption>
  <div class="row">
    <div>${canvas('mean', 10 * TOY_PIXELS, 14, 'mean')}<div class="small">mean <span id="toy-mean-scale-${kind}"></span></div></div>
  </div>
  <div class="row">
    <div>${canvas('cov', side, side, 'covariance')}<div class="small">covariance <span id="toy-cov-scale-${kind}"></span></div></div>
    <div>${canvas('samples', side, side, `${FIGURE_SAMPLES} samples`)}<div class="small">${FIGURE_SAMPLES} samples (η &gt; 0)</div></div>
  </div>
</figure>`;
}

/** Running mean of −loss over the last SMOOTH steps: the curve's points. */
function smoothed(losses: number[]): Float64Array {
  const out = new Float64Array(losses.length);
  let s = 0;
  for (let i = 0; i < losses.length; i++) {
    s += losses[i];
    if (i >= SMOOTH) s -= losses[i - SMOOTH];
    out[i] = -s / Math.min(i + 1, SMOOTH);
  }
  return out;
}

export function setupToyView(): void {
  $('toy-figure2').innerHTML =
    modelFigure('diagonal', 'diagonal model') + modelFigure('lowrank', 'low-rank model');
  const protocol = $<HTMLSelectElement>('toy-protocol');
  const rank = $<HTMLSelectElement>('toy-rank');
  const lr = $<HTMLInputElement>('toy-lr');
  const samples = $<HTMLInputElement>('toy-samples');
  const seed = $<HTMLInputElement>('toy-seed');
  const train = $<HTMLButtonElement>('toy-train');
  const stop = $<HTMLButtonElement>('toy-stop');
  const error = $('toy-error');
  const command = $('toy-command');
  // The live region says only what a listener needs (training, stopped, done); the step counter
  // beside it changes at every progress report and stays out of it.
  const status = $('toy-status');
  const stepCounter = $('toy-step');
  const result = $('toy-result');
  const states: Record<Kind, ModelState> = {
    diagonal: { worker: null, losses: [], total: 0, noise: null, result: null },
    lowrank: { worker: null, losses: [], total: 0, noise: null, result: null },
  };
  let settings: ToyRunSettings | null = null;

  lr.value = PRESETS.best.lr;
  samples.value = PRESETS.best.samples;
  protocol.addEventListener('change', () => {
    const p = PRESETS[protocol.value as keyof typeof PRESETS];
    lr.value = p.lr;
    samples.value = p.samples;
  });

  /** The settings from the controls; throws RangeError naming the control. */
  function readSettings(): ToyRunSettings {
    const name = protocol.value === 'paper' ? 'paper' : 'best';
    const preset = PRESETS[name];
    const lrValue = parsePositive('learning rate', lr.value);
    const samplesValue = parseInteger('samples per step', samples.value, 1, 10_000);
    const s: ToyRunSettings = {
      protocol: name,
      rank: parseInteger('rank', rank.value, 1, 4),
      seed: parseInteger('seed', seed.value, 0),
      lr: lrValue === Number(preset.lr) ? undefined : lrValue,
      samples: samplesValue === Number(preset.samples) ? undefined : samplesValue,
      evalSamples: 100_000,
    };
    try {
      pageProtocol(s);
    } catch (e) {
      // The library names its own option ("samples: …"); say which control that is.
      throw new RangeError((e as Error).message.replace(/^samples:/, 'samples per step:'));
    }
    return s;
  }

  function drawModel(kind: Kind, snap: ToyParamsSnapshot): void {
    const st = states[kind];
    let dist;
    try {
      dist = toyDistribution(fromSnapshot(snap));
    } catch {
      return; // parameters momentarily unusable (training will stop and restore them)
    }
    st.noise ??= drawNoise(splitRng(`${settings!.seed}/${kind}`, 3)[2], {
      count: FIGURE_SAMPLES,
      rank: dist.rank,
      size: dist.size,
    });
    const scaleMean = drawHeatmap($(`toy-mean-${kind}`), dist.loc, 1, TOY_PIXELS);
    $(`toy-mean-scale-${kind}`).textContent = `±${scaleMean.toFixed(2)}`;
    const scaleCov = drawHeatmap(
      $(`toy-cov-${kind}`),
      denseCovariance(dist),
      TOY_PIXELS,
      TOY_PIXELS,
    );
    $(`toy-cov-scale-${kind}`).textContent = `±${scaleCov.toFixed(2)}`;
    const eta = rsample(dist, st.noise);
    drawBinary(
      $(`toy-samples-${kind}`),
      eta.map((v) => (v > 0 ? 1 : 0)),
      FIGURE_SAMPLES,
      TOY_PIXELS,
    );
  }

  function redrawCurves(): void {
    const total = Math.max(states.diagonal.total, states.lowrank.total);
    drawCurves(
      $('toy-curves'),
      [
        { values: smoothed(states.diagonal.losses), colour: '#1f77b4', label: 'diagonal' },
        { values: smoothed(states.lowrank.losses), colour: '#d62728', label: 'low-rank' },
      ],
      {
        description: `log-likelihood per step of both models (running mean over ${SMOOTH} steps)`,
        yLabel: 'log-likelihood',
        total,
      },
      [
        { y: OPTIMUM.lowrank, label: 'best possible: ln ½' },
        { y: OPTIMUM.diagonal, label: 'best diagonal: 7 ln ½' },
      ],
    );
  }

  function showLoglik(kind: Kind, value: number): void {
    const el = $(kind === 'lowrank' ? 'toy-loglik' : 'toy-loglik-diagonal');
    el.textContent = Number.isFinite(value) ? value.toFixed(3) : '—';
  }

  function finish(): void {
    const done = (['diagonal', 'lowrank'] as Kind[]).map((k) => states[k].result);
    if (done.some((r) => r === null)) return;
    train.disabled = false;
    stop.disabled = true;
    status.textContent = 'done';
    const rows = done as ToyRunResult[];
    result.dataset.result = JSON.stringify({ command: toyCommand(settings!), models: rows });
    result.innerHTML =
      "<tr><th>model</th><th>log-likelihood (100,000 samples)</th><th>paper's 1000-sample estimate</th><th>steps</th></tr>" +
      rows
        .map(
          (r) =>
            `<tr><td>${r.kind === 'diagonal' ? 'diagonal' : `low-rank, R = ${r.rank}`}</td><td>${r.estimate.toFixed(3)} ± ${r.standardError.toFixed(3)}</td><td>${r.paper1000.toFixed(3)}</td><td>${r.steps}${r.stoppedEarly ? ` (stopped early, kept step ${r.restoredStep})` : ''}</td></tr>`,
        )
        .join('');
  }

  function stopAll(): void {
    for (const st of Object.values(states)) {
      st.worker?.terminate();
      st.worker = null;
    }
    train.disabled = false;
    stop.disabled = true;
  }

  function start(): void {
    error.textContent = '';
    try {
      settings = readSettings();
    } catch (e) {
      error.textContent = (e as Error).message;
      return;
    }
    stopAll();
    train.disabled = true;
    stop.disabled = false;
    status.textContent = 'training…';
    stepCounter.textContent = '';
    // The legend names the run's rank, not whatever the rank control is changed to later.
    $('toy-rank-label').textContent = String(settings.rank);
    command.textContent = toyCommand(settings);
    result.innerHTML = '';
    delete result.dataset.result;
    for (const kind of ['diagonal', 'lowrank'] as Kind[]) {
      const st = states[kind];
      Object.assign(st, { losses: [], total: 0, noise: null, result: null });
      showLoglik(kind, NaN);
      const worker = new Worker(new URL('./toyWorker.ts', import.meta.url), { type: 'module' });
      st.worker = worker;
      worker.onmessage = (e: MessageEvent) => {
        const msg = e.data as
          | ({ type: 'progress' } & ToyProgress)
          | { type: 'done'; result: ToyRunResult }
          | { type: 'error'; message: string };
        if (msg.type === 'error') {
          error.textContent = `${kind} model: ${msg.message}`;
          stopAll();
          status.textContent = 'stopped';
        } else if (msg.type === 'progress') {
          st.losses.push(...msg.losses);
          st.total = msg.total;
          const recent = st.losses.slice(-SMOOTH);
          showLoglik(kind, -recent.reduce((a, b) => a + b, 0) / recent.length);
          drawModel(kind, msg.params);
          redrawCurves();
          stepCounter.textContent = ` (step ${msg.step} of ${msg.total})`;
        } else {
          st.result = msg.result;
          st.worker = null;
          worker.terminate();
          showLoglik(kind, msg.result.estimate);
          drawModel(kind, msg.result.params);
          finish();
        }
      };
      worker.postMessage({ kind, settings });
    }
  }

  // The train button submits the form: a click, or Enter in any field, starts training.
  $('toy-controls').addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });
  stop.addEventListener('click', () => {
    stopAll();
    status.textContent = 'stopped';
  });
  redrawCurves();
}
