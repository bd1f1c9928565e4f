/**
 * Microseconds per training step of the toy problem under the paper protocol (200 fresh samples
 * per target, 2 targets, 'official' parameterisation), diagonal model then rank 2, split into:
 *   train    `trainToy` per step (noise drawing, the fused step, Adam, checks), over a shortened
 *            protocol of `pretrain` mean-only steps then `steps` steps on everything
 *   noise    `drawNoiseInto` of the step's two noises alone
 *   mean     `fusedToyStep` on fixed noises in the mean-only phase (only ∂/∂mean is needed)
 *   all      `fusedToyStep` on fixed noises with every gradient
 * Medians over `reps` rounds, each round timed in a fresh process after a warm-up round in it,
 * both models in one process (as `runToyModel` and bench/compare train them one after the other).
 * With `--baseline DIR` (DIR holding another checkout's src/, e.g. `git archive <commit> src |
 * tar -x -C DIR`, with node_modules linked in) the rounds alternate between that checkout and
 * this one, so both see the same machine load. Separate processes, because two copies of the
 * kernels in one process disturb each other's compiled code.
 * Run: npx tsx bench/toyStepTimes.ts [--reps 7] [--pretrain 1000] [--steps 1000] [--baseline DIR]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median } from './compare/compare.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const reps = Number(option('reps', '7'));
const pretrain = Number(option('pretrain', '1000'));
const steps = Number(option('steps', '1000'));
const baseline = option('baseline', '');
const one = option('one', '');
const STEP_REPS = 2000;
const FIGURES = ['train', 'noise', 'mean', 'all'] as const;

type Figures = Record<(typeof FIGURES)[number], number>;

/** One round for the checkout at `root` (holding src/): a warm-up, then the timed figures. */
async function round(root: string): Promise<Figures[]> {
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
  const once = (rank: number): Figures => {
    const out = {} as Figures;
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
    for (const phase of ['mean', 'all'] as const) {
      t0 = performance.now();
      for (let i = 0; i < STEP_REPS; i++) {
        // A checkout without the mean-only mode ignores the fifth argument.
        sink += fusedToyStep(params, targets, noises, ws, phase).loss;
      }
      out[phase] = ((performance.now() - t0) * 1000) / STEP_REPS;
    }
    if (!Number.isFinite(sink)) throw new Error('non-finite loss');
    return out;
  };
  [0, 2].forEach(once);
  return [0, 2].map(once);
}

const here = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
if (one !== '') {
  console.log(JSON.stringify(await round(one)));
} else {
  const variants: [string, string][] = [['this', here]];
  if (baseline !== '') variants.unshift(['baseline', baseline]);
  const times = new Map<string, number[]>();
  const script = fileURLToPath(import.meta.url);
  for (let k = 0; k < reps; k++) {
    for (const [name, root] of variants) {
      const args = ['--import', 'tsx', script, '--one', root];
      args.push('--pretrain', String(pretrain), '--steps', String(steps));
      const out = execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' });
      const figures = JSON.parse(out.trim().split('\n').pop() as string) as Figures[];
      [0, 2].forEach((rank, i) => {
        for (const what of FIGURES) {
          const key = `${name}|${rank}|${what}`;
          times.set(key, [...(times.get(key) ?? []), figures[i][what]]);
        }
      });
    }
  }
  console.log(
    `toy step, paper protocol (${pretrain} + ${steps} steps), µs per step, median of ${reps} rounds`,
  );
  console.log('variant   model      train   noise    mean     all');
  for (const [name] of variants) {
    for (const rank of [0, 2]) {
      const cells = FIGURES.map((what) =>
        median(times.get(`${name}|${rank}|${what}`) ?? [NaN])
          .toFixed(1)
          .padStart(7),
      );
      const model = rank === 0 ? 'diagonal' : 'rank 2';
      console.log(`${name.padEnd(9)} ${model.padEnd(8)} ${cells.join(' ')}`);
    }
  }
}
