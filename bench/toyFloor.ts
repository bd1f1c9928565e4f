/**
 * How fast a paper-protocol toy step could be in this library's arithmetic, bit for bit, on this
 * machine, against the performance issue's budget (ratio 0.1 to PyTorch's step). A lower bound,
 * built from parts measured here and counts read from the kernel:
 *
 *   normals  `drawNoiseInto` of a step's two noises: 2 x 200 x (21 + 2) = 9,200 normals
 *   exps     `expNonPositive` over a step's 8,400 sampled logits (2 targets x 200 x 21), alone in
 *            a tight loop
 *   weights  `lossAndWeights` of the two targets' 200 log-likelihoods (a Math.exp each)
 *   rest     the floating-point adds, multiplies, divisions, compares and conversions the step
 *            does per logit besides its exp, counted in src/toy/kernels/fusedStep.ts (`REST_OPS`
 *            below), at the best rate V8's scalar code reaches here: `peak`, measured as 12
 *            independent multiply-add chains (V8 emits scalar SSE/AVX, no FMA, no vectors)
 *
 *   floor = normals + exps + weights + 8,400 x REST_OPS / peak
 *
 * The floor leaves out everything else a step does (loads, stores, index arithmetic, bounds
 * checks, Adam, the checks of `trainToy`), so a step cannot be faster than it; it is not a
 * measurement of a faster kernel. The budget is a tenth of PyTorch's paper-protocol step in a
 * bench:compare report (its `toy` row with `officialParams`: torch ms / 20,000 steps, the
 * diagonal and the rank-2 model 10,000 steps each).
 * Run: npx tsx bench/toyFloor.ts [--report docs/compare/compare.json] [--reps 7]
 */
import { readFileSync } from 'node:fs';
import { drawNoiseInto, emptyNoise } from '../src/distribution/noise.js';
import { expNonPositive } from '../src/loss/kernels/expNonPositive.js';
import { lossAndWeights } from '../src/loss/mcLossReference.js';
import { createRng } from '../src/random/rng.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const reportPath = option('report', 'docs/compare/compare.json');
const reps = Number(option('reps', '7'));

const PIXELS = 21;
const SAMPLES = 200;
const TARGETS = 2;
const LOGITS = TARGETS * SAMPLES * PIXELS;
const STEPS = 20_000;

/**
 * Per logit, besides the exp (forwardLone and loneSums in src/toy/kernels/fusedStep.ts), averaged
 * over the two models (diagonal, rank 2) and the two phases (mean only, everything):
 * forward, rank 2: 4 for P_s · eps_R (0 + p0 e0 + p1 e1), 3 for loc + √d eps_N + that, then
 * 1 + e, 1/(1 + e), e · inv, the product, z = ±t, z < 0 and its conversion to 0/1, the finite
 * test, n · z, the sum, inv − h, n · (inv − h), h + that and the sign: 14; 21 in all (17 for the
 * diagonal model, which has no factor term): 19 on average. Backward: mean-only steps 2 (w · a and
 * the sum), full steps 8 (rank 2: loc, diagonal and two factor sums, a multiply and an add each)
 * or 4 (diagonal): 4 on average. The negation and absolute value (bitwise) are not counted.
 */
const REST_OPS = 19 + 4;

/**
 * Floating-point operations per ns at V8's best scalar rate: 12 independent multiply-add chains
 * (latency hidden), the fastest of 5 rounds of 200 calls after 50 warm-up calls (so that the loop
 * runs optimised, its doubles unboxed).
 */
function peakOpsPerNs(): number {
  const loops = 10_000;
  const rounds: number[] = [];
  let sink = 0;
  for (let i = 0; i < 50; i++) sink += chains(loops, 0.999999, 1e-6);
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) sink += chains(loops, 0.999999, 1e-6);
    rounds.push((200 * loops * 24) / ((performance.now() - t0) * 1e6));
  }
  if (!Number.isFinite(sink)) throw new Error('non-finite sink');
  return Math.max(...rounds);
}

/** 12 chains a ← a c + d, `loops` times: 24 floating-point operations a pass. */
function chains(loops: number, c: number, d: number): number {
  let a0 = 1,
    a1 = 2,
    a2 = 3,
    a3 = 4,
    a4 = 5,
    a5 = 6,
    a6 = 7,
    a7 = 8,
    a8 = 9,
    a9 = 10,
    aa = 11,
    ab = 12;
  for (let i = 0; i < loops; i++) {
    a0 = a0 * c + d;
    a1 = a1 * c + d;
    a2 = a2 * c + d;
    a3 = a3 * c + d;
    a4 = a4 * c + d;
    a5 = a5 * c + d;
    a6 = a6 * c + d;
    a7 = a7 * c + d;
    a8 = a8 * c + d;
    a9 = a9 * c + d;
    aa = aa * c + d;
    ab = ab * c + d;
  }
  return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + aa + ab;
}

/** µs per call of `f`: the fastest of 5 rounds of `calls` calls, after a warm-up round. */
function timeUs(f: () => number, calls: number): number {
  let sink = 0;
  for (let i = 0; i < calls; i++) sink += f();
  const rounds: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += f();
    rounds.push(((performance.now() - t0) * 1000) / calls);
  }
  if (Number.isNaN(sink)) throw new Error('NaN sink');
  return Math.min(...rounds);
}

/** expNonPositive over xs into ys (a function of its own, its arrays in locals). */
function expPass(xs: Float64Array, ys: Float64Array): number {
  for (let i = 0; i < xs.length; i++) ys[i] = expNonPositive(xs[i]);
  return ys[7];
}

interface Parts {
  peak: number;
  normals: number;
  exps: number;
  weights: number;
}

function measure(): Parts {
  const rng = createRng('bench/toyFloor');
  const noises = [0, 1].map(() => emptyNoise(SAMPLES, 2, PIXELS));
  const normals = timeUs(() => {
    for (const nz of noises) drawNoiseInto(rng, nz);
    return noises[0].epsDiag[0];
  }, 2000);
  // Logits of the size the toy's start and end see: the noises themselves, scaled.
  const xs = Float64Array.from({ length: LOGITS }, (_, i) => {
    const nz = noises[i % 2];
    return -Math.abs(2 * nz.epsDiag[(i >> 1) % nz.epsDiag.length]);
  });
  const ys = new Float64Array(LOGITS);
  const exps = timeUs(() => expPass(xs, ys), 2000);
  const ll = [0, 1].map((t) =>
    Float64Array.from({ length: SAMPLES }, (_, m) => xs[t * SAMPLES + m] * 10),
  );
  const w = new Float64Array(SAMPLES);
  const weights = timeUs(() => lossAndWeights(ll[0], w).loss + lossAndWeights(ll[1], w).loss, 4000);
  return { peak: peakOpsPerNs(), normals, exps, weights };
}

const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
  workloads: {
    name: string;
    params: Record<string, number>;
    ssnMs: number;
    torchMs: number | null;
  }[];
  machine: { cpu?: string };
};
const paper = report.workloads.find((r) => r.name === 'toy' && r.params.officialParams === 1);
if (!paper || paper.torchMs === null) {
  throw new Error(`--report: ${reportPath} has no paper-protocol toy row with a torch time`);
}
const runs = Array.from({ length: reps }, measure);
// A bound: each part at its best over every round.
const best = (key: keyof Parts) => Math.min(...runs.map((r) => r[key]));
const peak = Math.max(...runs.map((r) => r.peak));
const normals = best('normals');
const exps = best('exps');
const weights = best('weights');
const rest = (LOGITS * REST_OPS) / peak / 1000;
const floor = normals + exps + weights + rest;
const torchStep = (paper.torchMs * 1000) / STEPS;
const ssnStep = (paper.ssnMs * 1000) / STEPS;
const f = (x: number) => x.toFixed(1).padStart(6);
console.log(
  `paper-protocol toy step, µs (each part its best of ${reps} x 5 rounds; report ${reportPath})`,
);
console.log(`peak scalar rate              ${peak.toFixed(2)} floating-point ops per ns`);
console.log(`normals (9,200)             ${f(normals)}`);
console.log(`exps (8,400)                ${f(exps)}`);
console.log(`lossAndWeights (2 x 200)    ${f(weights)}`);
console.log(`rest (8,400 x ${REST_OPS} ops at peak) ${f(rest)}`);
console.log(
  `floor                       ${f(floor)}   -> ratio ≥ ${(floor / torchStep).toFixed(3)}`,
);
console.log(
  `ssn-ts step in the report   ${f(ssnStep)}   -> ratio ${(ssnStep / torchStep).toFixed(3)}`,
);
console.log(
  `budget at ratio 0.1         ${f(torchStep / 10)}   (PyTorch's step ${torchStep.toFixed(0)} µs)`,
);
