/**
 * Microseconds per training step of the toy problem under the paper protocol (200 fresh samples
 * per target, 2 targets, 'official' parameterisation), diagonal model then rank 2, split into:
 *   train    `trainToy` per step (noise drawing, the fused step, Adam, checks), over a shortened
 *            protocol of `pretrain` mean-only steps then `steps` steps on everything
 *   noise    `drawNoiseInto` of the step's two noises alone
 *   mean     `fusedToyStep` on fixed noises in the mean-only phase (only ∂/∂mean is needed)
 *   all      `fusedToyStep` on fixed noises with every gradient
 * Medians over `reps` interleaved rounds. With `--baseline DIR` (DIR holding another checkout's
 * src/, e.g. `git archive <commit> src | tar -x -C DIR`) the same figures are timed for it in
 * the same rounds, alternating with this checkout's, so both see the same machine load.
 * Run: npx tsx bench/toyStepTimes.ts [--reps 7] [--pretrain 1000] [--steps 1000] [--baseline DIR]
 */
import { pathToFileURL } from 'node:url';
import { median } from './compare/compare.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const reps = Number(option('reps', '7'));
const pretrain = Number(option('pretrain', '1000'));
const steps = Number(option('steps', '1000'));
const baseline = option('baseline', '');
const STEP_REPS = 2000;

type Figures = Record<string, number>;

/** The timed figures of one checkout (`root` holds its src/), as a function of one round. */
async function variant(root: string): Promise<(rank: number) => Figures> {
  const load = (path: string) => import(pathToFileURL(`${root}/src/${path}`).href);
  const { createRng } = await load('random/rng.ts');
  const { drawNoiseInto, emptyNoise } = await load('distribution/noise.ts');
  const { initToyParams } = await load('toy/model.ts');
  const { toyTargets } = await load('toy/problem.ts');
  const { toyProtocol } = await load('toy/protocol.ts');
  const { trainToy } = await load('toy/train.ts');
  const { createToyStepWorkspace, fusedToyStep } = await load('toy/kernels/fusedStep.ts');
  const targets = toyTargets();
  const protocol = toyProtocol('paper', { pretrainSteps: pretrain, steps });
  const m = protocol.samples;
  return (rank: number) => {
    const out: Figures = {};
    const rng = createRng(`toyStepTimes/${rank}`);
    const params = initToyParams(21, rank, rng, protocol.init, protocol.parameterisation);
    let t0 = performance.now();
    const result = trainToy(params, targets, protocol, rng);
    out.train = ((performance.now() - t0) * 1000) / result.steps;
    const noises = [0, 1].map(() => emptyNoise(m, Math.max(rank, 1), 21));
    t0 = performance.now();
    for (let i = 0; i < STEP_REPS / 4; i++) for (const nz of noises) drawNoiseInto(rng, nz);
    out.noise = ((performance.now() - t0) * 1000) / (STEP_REPS / 4);
    const ws = createToyStepWorkspace(21, rank, m, 2, params.parameterisation);
    let sink = 0;
    for (const phase of ['mean', 'all']) {
      t0 = performance.now();
      for (let i = 0; i < STEP_REPS; i++) {
        sink += fusedToyStep(params, targets, noises, ws, phase).loss;
      }
      out[phase] = ((performance.now() - t0) * 1000) / STEP_REPS;
    }
    if (!Number.isFinite(sink)) throw new Error('non-finite loss');
    return out;
  };
}

const here = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const variants: [string, (rank: number) => Figures][] = [['this', await variant(here)]];
if (baseline !== '') variants.unshift(['baseline', await variant(baseline)]);
const times = new Map<string, number[]>();
for (let k = 0; k < reps + 1; k++) {
  for (const rank of [0, 2]) {
    for (const [name, run] of variants) {
      const figures = run(rank);
      if (k === 0) continue; // warm-up
      for (const [what, us] of Object.entries(figures)) {
        const key = `${name}|${rank}|${what}`;
        times.set(key, [...(times.get(key) ?? []), us]);
      }
    }
  }
}
console.log(
  `toy step, paper protocol (${pretrain} + ${steps} steps), µs per step, median of ${reps} interleaved rounds`,
);
console.log('variant   model     train   noise    mean     all');
for (const [name] of variants) {
  for (const rank of [0, 2]) {
    const cells = ['train', 'noise', 'mean', 'all'].map((what) =>
      median(times.get(`${name}|${rank}|${what}`) ?? [NaN])
        .toFixed(1)
        .padStart(7),
    );
    console.log(
      `${name.padEnd(9)} ${(rank === 0 ? 'diagonal' : 'rank 2').padEnd(8)} ${cells.join(' ')}`,
    );
  }
}
