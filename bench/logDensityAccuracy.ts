/**
 * npx tsx bench/logDensityAccuracy.ts [--out cases.json] [--baseline DIR]
 *
 * The log-density's worst relative error per badly conditioned family (issue 13), against a
 * 60-digit dense reference: ssn-ts's stable form (`logProb`) and the textbook Woodbury form
 * (`logProbByWoodbury`, what torch runs). With --baseline DIR, an earlier `src/` tree's
 * `lowRankNormal` + `logProb` too, e.g. the implementation the stable form replaced:
 *   mkdir -p /tmp/base && git archive 51ac354 src | tar -x -C /tmp/base
 *   npx tsx bench/logDensityAccuracy.ts --baseline /tmp/base/src --out /tmp/ill.json
 * With --out, writes the cases, the reference and the values as JSON for
 * spec/torch/ill_conditioned.py, which adds torch's column. A refusal (an error thrown) counts
 * as NaN. The Gram column counts the cases where `logProb` ran the guarded Gram kernel
 * (kernels/gramForm.ts) rather than Householder. See spec/lowrank-normal.md#accuracy.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gramFactor } from '../src/distribution/kernels/gramForm.js';
import { logProb } from '../src/distribution/logProb.js';
import { logProbByWoodbury } from '../src/distribution/lowRankIdentities.js';
import { lowRankNormal } from '../src/distribution/lowRankNormal.js';
import {
  FAMILIES,
  illConditionedCases,
  referenceLogProb,
  relativeError,
} from '../test/distribution/illConditioned.js';

function attempt(f: () => number): number {
  try {
    return f();
  } catch {
    return NaN; // the textbook form refuses a capacitance that is not positive definite
  }
}

const { values: args } = parseArgs({
  options: { out: { type: 'string' }, baseline: { type: 'string' } },
});
type Build = typeof lowRankNormal;
type LogProb = (d: ReturnType<Build>, x: ArrayLike<number>) => number;
let baseline: { build: Build; logProb: LogProb } | null = null;
if (args.baseline !== undefined) {
  const dir = pathToFileURL(resolve(args.baseline)).href;
  const build = (await import(`${dir}/distribution/lowRankNormal.ts`)).lowRankNormal as Build;
  const lp = (await import(`${dir}/distribution/logProb.ts`)).logProb as LogProb;
  baseline = { build, logProb: lp };
}

const cases = illConditionedCases().map((c) => {
  const dist = lowRankNormal({ ...c });
  const reference = referenceLogProb(c);
  const gram = gramFactor(dist, null) !== null; // which path logProb takes
  const stable = logProb(dist, c.x);
  const woodbury = attempt(() => logProbByWoodbury(dist, c.x));
  const before =
    baseline === null ? undefined : attempt(() => baseline.logProb(baseline.build({ ...c }), c.x));
  return {
    ...c,
    reference,
    gram,
    stable,
    woodbury,
    ...(before === undefined ? {} : { baseline: before }),
  };
});

type Key = 'stable' | 'woodbury' | 'baseline';
const columns: [string, Key][] = [
  ['stable (now)', 'stable'],
  ['Woodbury', 'woodbury'],
  ...(baseline === null ? [] : ([['baseline', 'baseline']] as [string, Key][])),
];
console.log(`${'family'.padEnd(24)} cases  Gram${columns.map(([h]) => h.padStart(20)).join('')}`);
for (const family of FAMILIES) {
  const fc = cases.filter((c) => c.family === family);
  const cell = (key: Key) => {
    const errs = fc.map((c) => relativeError((c as Record<Key, number>)[key], c.reference));
    const refused = errs.filter((e) => e === Infinity).length;
    const finite = errs.filter((e) => e !== Infinity);
    const text = finite.length > 0 ? Math.max(...finite).toExponential(1) : '-';
    return (text + (refused > 0 ? ` (${refused} refused)` : '')).padStart(20);
  };
  console.log(
    `${family.padEnd(24)} ${String(fc.length).padStart(5)}` +
      `${String(fc.filter((c) => c.gram).length).padStart(6)}${columns.map(([, k]) => cell(k)).join('')}`,
  );
}
if (args.out !== undefined) writeFileSync(args.out, JSON.stringify({ cases }, null, 1));
