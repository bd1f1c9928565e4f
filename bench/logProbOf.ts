/**
 * npx tsx bench/logProbOf.ts [reps]
 *
 * `logProbOf(params, x)` against the two calls it stands for, `logProb(lowRankNormal({ …params,
 * copy: false }), x)`, at N = 10⁵ and R 10 and 50 (bench:compare's `logProb` fixture),
 * interleaved call by call in one process; medians in ms, and a check that both give the same
 * bits each time.
 */
import { logProb, logProbOf, lowRankNormal } from '../src/index.js';
import { median } from './compare/compare.js';
import { distributionFixture } from './compare/fixtures.js';

const reps = Number(process.argv[2] ?? 21);
if (!Number.isInteger(reps) || reps < 1) throw new RangeError('reps: expected an integer ≥ 1');

for (const rank of [10, 50]) {
  const f = distributionFixture(100_000, rank);
  const params = { loc: f.loc, covFactor: f.covFactor, covDiag: f.covDiag, rank };
  const twoCalls: number[] = [];
  const fused: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    const t0 = performance.now();
    const a = logProb(lowRankNormal({ ...params, copy: false }), f.x);
    const t1 = performance.now();
    const b = logProbOf(params, f.x);
    const t2 = performance.now();
    if (!Object.is(a, b)) throw new Error(`R ${rank}: the two differ (${a} against ${b})`);
    if (i < 2) continue; // warm-up
    twoCalls.push(t1 - t0);
    fused.push(t2 - t1);
  }
  const m2 = median(twoCalls);
  const m1 = median(fused);
  console.log(
    `N 1e5, R ${rank}: lowRankNormal (copy: false) + logProb ${m2.toFixed(2)} ms, ` +
      `logProbOf ${m1.toFixed(2)} ms (${(m1 / m2).toFixed(2)}x), same bits`,
  );
}
