/**
 * npm run bench:scaling [-- --quick] [--reps K] [--out DIR]
 *
 * How the MC loss with gradients (lowRankNormal + mcLossSampled, 2 classes, categorical) grows
 * as one size grows at a time: N = 2·side² logits (side 32 … 512, R = 10, M = 20), the rank R
 * (1 … 64, side 128, M = 20) and the sample count M (2 … 128, side 128, R = 10). Each point is
 * the median of at least K repetitions (more for small sizes, until 300 ms of work) after
 * at least 300 ms of warm-up; the exponent is the least-squares slope on
 * log–log axes (`powerLawExponent`). Writes DIR/scaling.json and DIR/scaling.{svg,png}
 * (default DIR = out/scaling). The loss is O(M N R); building the distribution adds the
 * capacitance factor, O(N R²), which the JSON keeps apart (constructMs, lossMs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createRng,
  logLogSpec,
  lowRankNormal,
  mcLossSampled,
  powerLawExponent,
} from '../../src/index.js';
import { renderFigure } from '../../src/node.js';
import { cpuModel, median } from '../compare/compare.js';
import { distributionFixture, labelFixture } from '../compare/fixtures.js';

const CLASSES = 2;

interface Point {
  side: number;
  size: number;
  rank: number;
  samples: number;
  /** Medians (ms) of the whole evaluation, of lowRankNormal alone and of mcLossSampled alone. */
  totalMs: number;
  constructMs: number;
  lossMs: number;
}

interface Series {
  name: string;
  variable: 'N' | 'R' | 'M';
  points: Point[];
  /** Fitted exponent of totalMs, and of lossMs alone. */
  exponent: number;
  lossExponent: number;
  /** Exponent of totalMs over the top of the range (x ≥ max x / 10): the asymptotic growth. */
  tailExponent: number;
  /** Relative least-squares line totalMs ≈ interceptMs + slopeMs·x, and its weighted R². */
  affine: { interceptMs: number; slopeMs: number; r2: number };
}

/** powerLawExponent over the points with x ≥ max x / 10 (at least the last two). */
function tailExponent(x: readonly number[], y: readonly number[]): number {
  const top = Math.max(...x) / 10;
  let from = x.findIndex((v) => v >= top);
  from = Math.min(from, x.length - 2);
  return powerLawExponent(x.slice(from), y.slice(from));
}

/**
 * Least-squares line y ≈ a + b x in relative terms (weights 1/y², so each point's relative
 * residual counts, as it shows on log axes; the points span decades) and its weighted R²
 * (1 − residual / total weighted sum of squares): a cost linear in x with a fixed part (work
 * that does not grow with x) is a line, whose log–log slope is below 1 where the fixed part
 * dominates.
 */
function affineFit(
  x: readonly number[],
  y: readonly number[],
): { interceptMs: number; slopeMs: number; r2: number } {
  const n = x.length;
  const w = y.map((v) => 1 / (v * v));
  const sw = w.reduce((a, b) => a + b, 0);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += (w[i] * x[i]) / sw;
    my += (w[i] * y[i]) / sw;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += w[i] * (x[i] - mx) * (y[i] - my);
    sxx += w[i] * (x[i] - mx) ** 2;
    syy += w[i] * (y[i] - my) ** 2;
  }
  const slopeMs = sxy / sxx;
  const interceptMs = my - slopeMs * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += w[i] * (y[i] - interceptMs - slopeMs * x[i]) ** 2;
  return { interceptMs, slopeMs, r2: syy > 0 ? 1 - sse / syy : 1 };
}

/**
 * The line a + b·x at 40 log-spaced x across the measured range, for drawing on log axes (points
 * where the line is not positive are left out: a log axis cannot show them).
 */
function lineOnLogGrid(x: readonly number[], a: number, b: number): { x: number[]; y: number[] } {
  const lo = Math.log(Math.min(...x));
  const hi = Math.log(Math.max(...x));
  const gx: number[] = [];
  const gy: number[] = [];
  for (let i = 0; i < 40; i++) {
    const v = Math.exp(lo + ((hi - lo) * i) / 39);
    if (a + b * v > 0) {
      gx.push(v);
      gy.push(a + b * v);
    }
  }
  return { x: gx, y: gy };
}

/**
 * Untimed repetitions before each point: at least WARMUP and at least WARMUP_MS of work, so V8
 * has compiled the loops (small sizes need many calls) and the buffers have been touched.
 */
const WARMUP = 2;
const WARMUP_MS = 300;
/** Timed repetitions: at least `reps`, more (up to MAX_REPS) until TIMED_MS of work is seen. */
const TIMED_MS = 300;
const MAX_REPS = 40;

function timePoint(side: number, rank: number, samples: number, reps: number): Point {
  const pixels = side * side;
  const size = CLASSES * pixels;
  const f = distributionFixture(size, rank);
  const labels = labelFixture(side, CLASSES);
  const rng = createRng(`bench/scaling/${side}/${rank}/${samples}`);
  const total: number[] = [];
  const construct: number[] = [];
  const loss: number[] = [];
  let sink = 0;
  let warmupMs = 0;
  let timedMs = 0;
  for (let k = 0; ; k++) {
    const warming = k < WARMUP || warmupMs < WARMUP_MS;
    if (!warming && total.length >= reps && (timedMs >= TIMED_MS || total.length >= MAX_REPS)) {
      break;
    }
    const t0 = performance.now();
    const dist = lowRankNormal({ loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank });
    const t1 = performance.now();
    sink += mcLossSampled(dist, labels, rng, {
      likelihood: 'categorical',
      classes: CLASSES,
      samples,
    }).loss;
    const t2 = performance.now();
    if (warming) {
      warmupMs += t2 - t0;
      continue;
    }
    timedMs += t2 - t0;
    total.push(t2 - t0);
    construct.push(t1 - t0);
    loss.push(t2 - t1);
  }
  if (!Number.isFinite(sink)) throw new Error('non-finite loss');
  return {
    side,
    size,
    rank,
    samples,
    totalMs: median(total),
    constructMs: median(construct),
    lossMs: median(loss),
  };
}

function series(name: string, variable: Series['variable'], points: Point[]): Series {
  const x = points.map((p) => (variable === 'N' ? p.size : variable === 'R' ? p.rank : p.samples));
  return {
    name,
    variable,
    points,
    exponent: powerLawExponent(
      x,
      points.map((p) => p.totalMs),
    ),
    lossExponent: powerLawExponent(
      x,
      points.map((p) => p.lossMs),
    ),
    tailExponent: tailExponent(
      x,
      points.map((p) => p.totalMs),
    ),
    affine: affineFit(
      x,
      points.map((p) => p.totalMs),
    ),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      out: { type: 'string', default: 'out/scaling' },
    },
    strict: true,
  });
  const quick = values.quick;
  const reps = values.reps === undefined ? (quick ? 1 : 3) : Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1)
    throw new RangeError(`--reps: expected an integer ≥ 1, got ${values.reps}`);
  const sides = quick ? [8, 16, 32] : [32, 64, 128, 256, 512];
  const ranks = quick ? [1, 4, 16] : [1, 2, 4, 8, 16, 32, 64];
  const sampleCounts = quick ? [2, 8, 32] : [2, 4, 8, 16, 32, 64, 128];
  const fixedSide = quick ? 16 : 128;
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const run = (side: number, rank: number, samples: number): Point => {
    const p = timePoint(side, rank, samples, reps);
    log(
      `N=${p.size} R=${rank} M=${samples}: ${p.totalMs.toFixed(2)} ms (construct ${p.constructMs.toFixed(2)}, loss ${p.lossMs.toFixed(2)})`,
    );
    return p;
  };
  const all = [
    series(
      `N (R = 10, M = 20)`,
      'N',
      sides.map((s) => run(s, 10, 20)),
    ),
    series(
      `R (N = ${CLASSES * fixedSide ** 2}, M = 20)`,
      'R',
      ranks.map((r) => run(fixedSide, r, 20)),
    ),
    series(
      `M (N = ${CLASSES * fixedSide ** 2}, R = 10)`,
      'M',
      sampleCounts.map((m) => run(fixedSide, 10, m)),
    ),
  ];
  const spec = logLogSpec({
    title: 'MC loss with gradients: time as N, R or M grows alone (dashed: the line a + b·x)',
    width: 480,
    height: 300,
    xTitle: 'N (logits), R (rank) or M (samples)',
    yTitle: 'median time (ms)',
    series: all.map((s) => {
      const x = s.points.map((p) =>
        s.variable === 'N' ? p.size : s.variable === 'R' ? p.rank : p.samples,
      );
      const { interceptMs: a, slopeMs: b, r2 } = s.affine;
      return {
        name: `time vs ${s.name}: ${a.toFixed(1)} + ${b.toPrecision(3)}·${s.variable} ms, R² ${r2.toFixed(3)}`,
        x,
        y: s.points.map((p) => p.totalMs),
        fitExponent: s.exponent,
        fitted: lineOnLogGrid(x, a, b),
      };
    }),
  });
  mkdirSync(values.out, { recursive: true });
  const report = {
    description:
      'lowRankNormal + mcLossSampled (categorical, 2 classes), median of at least reps repetitions (until 300 ms of work, at most 40) after at least 300 ms of warm-up; exponent = log-log least-squares slope of totalMs, lossExponent of lossMs',
    reps,
    machine: { cpu: cpuModel(), node: process.version, date: new Date().toISOString() },
    series: all,
  };
  const jsonPath = join(values.out, 'scaling.json');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const figure = await renderFigure(spec, join(values.out, 'scaling'));
  for (const s of all) {
    console.log(
      `${s.variable}: exponent ${s.exponent.toFixed(2)} (loss alone ${s.lossExponent.toFixed(2)}, ` +
        `top decade ${s.tailExponent.toFixed(2)}); ` +
        `line ${s.affine.interceptMs.toFixed(2)} + ${s.affine.slopeMs.toPrecision(3)}·${s.variable} ms, ` +
        `R² ${s.affine.r2.toFixed(3)}  ${s.name}`,
    );
  }
  console.log(`wrote ${jsonPath}, ${figure.pngPath}`);
}

main().catch((e: unknown) => {
  console.error(`bench:scaling: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
