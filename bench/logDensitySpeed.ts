/**
 * npx tsx bench/logDensitySpeed.ts [--baseline DIR] [--reps 11] [--only now,baseline] [--first-only]
 *
 * Times the log-density: `lowRankNormal` + one `logProb` (construction and factorisation
 * included, as bench/compare times it) and `logProb` alone on a distribution already used once
 * (the per-point cost), at N = 100 000 with R = 10 and 50 (bench/compare's fixture; there
 * ‖D^{-1/2} P‖_F² ≈ 4500, so `logProb` runs the guarded Gram kernel), plus the stable form with
 * the blocked Householder kernel (what runs past the Gram kernel's guard) and with the plain
 * thin QR, and the textbook `logProbByWoodbury`, for reference. With --baseline DIR, DIR being an earlier `src/`
 * tree, e.g. the Woodbury implementation this replaced:
 *   mkdir -p /tmp/base && git archive 51ac354 src | tar -x -C /tmp/base
 *   npx tsx bench/logDensitySpeed.ts --baseline /tmp/base/src
 * the same two timings run for it too. Variants are interleaved round by round in one process
 * and the median of the rounds is printed, so load from other processes hits all alike; beside
 * the wall-clock median, the median of the process's CPU time (user + system, page faults
 * included) over the same rounds, which a machine shared with other jobs disturbs less. --only
 * keeps the named variants (now, blocked, plain, woodbury, baseline), e.g. the quick
 * before/after: --baseline /tmp/base/src --only now,baseline --reps 31. --first-only drops the
 * second logProb, so that a round is exactly bench/compare's repetition (construct + one point).
 * The variants' order turns round every round.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './compare/compare.js';
import { logProb } from '../src/distribution/logProb.js';
import { logProbByWoodbury } from '../src/distribution/lowRankIdentities.js';
import { sumLogPlain } from '../src/distribution/kernels/sumLog.js';
import { LOG_2PI, lowRankNormal, type LowRankNormal } from '../src/distribution/lowRankNormal.js';
import {
  mahalanobis,
  whitenedFactor,
  whitenedFactorPlain,
  type WhitenedFactor,
} from '../src/distribution/whitenedFactor.js';
import { distributionFixture } from './compare/fixtures.js';

interface Impl {
  name: string;
  /** The name --only knows it by. */
  key: string;
  build: (p: {
    loc: Float64Array;
    covFactor: Float64Array;
    covDiag: Float64Array;
    rank: number;
  }) => LowRankNormal;
  logProb: (d: LowRankNormal, x: Float64Array) => number;
}

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    reps: { type: 'string', default: '11' },
    only: { type: 'string' },
    'first-only': { type: 'boolean', default: false },
  },
});
/** Without the second logProb per round: each round is then bench/compare's repetition. */
const firstOnly = values['first-only'];
const reps = Number(values.reps);
/** The stable form with a given Householder factorisation, cached per distribution. */
function logProbWith(factorise: (d: LowRankNormal) => WhitenedFactor) {
  const factors = new WeakMap<LowRankNormal, WhitenedFactor>();
  return (dist: LowRankNormal, x: Float64Array): number => {
    let f = factors.get(dist);
    if (f === undefined) factors.set(dist, (f = factorise(dist)));
    const logDet = sumLogPlain(dist.covDiag) + f.logDetCapacitance;
    return -0.5 * (dist.size * LOG_2PI + logDet + mahalanobis(dist, x, f));
  };
}

let impls: Impl[] = [
  { name: 'logProb (now)', key: 'now', build: lowRankNormal, logProb },
  {
    name: 'blocked Householder',
    key: 'blocked',
    build: lowRankNormal,
    logProb: logProbWith(whitenedFactor),
  },
  {
    name: 'plain Householder',
    key: 'plain',
    build: lowRankNormal,
    logProb: logProbWith(whitenedFactorPlain),
  },
  { name: 'textbook Woodbury', key: 'woodbury', build: lowRankNormal, logProb: logProbByWoodbury },
];
if (values.baseline !== undefined) {
  const dir = pathToFileURL(resolve(values.baseline)).href;
  const base = await import(`${dir}/distribution/lowRankNormal.ts`);
  const baseLogProb = await import(`${dir}/distribution/logProb.ts`);
  impls.push({
    name: 'baseline',
    key: 'baseline',
    build: base.lowRankNormal,
    logProb: baseLogProb.logProb,
  });
}
if (values.only !== undefined) {
  const keep = values.only.split(',');
  impls = impls.filter((impl) => keep.includes(impl.key));
}

for (const rank of [10, 50]) {
  const f = distributionFixture(100_000, rank);
  const params = { loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank };
  const cold = impls.map(() => [] as number[]);
  const coldCpu = impls.map(() => [] as number[]);
  const warm = impls.map(() => [] as number[]);
  const value = impls.map(() => 0);
  for (let round = 0; round < reps + 2; round++) {
    // The order turns round each round, so that neither variant always follows the other (and
    // the collection of its garbage).
    const order = impls.map((_, k) => (round % 2 === 0 ? k : impls.length - 1 - k));
    order.forEach((k) => {
      const impl = impls[k];
      const cpu = process.cpuUsage();
      let t = performance.now();
      const dist = impl.build(params);
      value[k] = impl.logProb(dist, f.x);
      const tCold = performance.now() - t;
      const used = process.cpuUsage(cpu);
      t = performance.now();
      if (!firstOnly) impl.logProb(dist, f.x);
      const tWarm = performance.now() - t;
      if (round >= 2) {
        cold[k].push(tCold);
        coldCpu[k].push((used.user + used.system) / 1000);
        warm[k].push(tWarm);
      }
    });
  }
  console.log(`N 100000, R ${rank}: median of ${reps} interleaved rounds (ms)`);
  impls.forEach((impl, k) =>
    console.log(
      `  ${impl.name.padEnd(18)} construct + logProb ${median(cold[k]).toFixed(1).padStart(7)}` +
        ` (CPU ${median(coldCpu[k]).toFixed(1).padStart(6)})` +
        (firstOnly ? '' : `   logProb again ${median(warm[k]).toFixed(2).padStart(7)}`) +
        `   value ${value[k]}`,
    ),
  );
}
