/**
 * npx tsx bench/logDensityAccuracy.ts [--out cases.json]
 *
 * The log-density's worst relative error per badly conditioned family (issue 13), against a
 * 60-digit dense reference: ssn-ts's stable form (`logProb`) and the textbook Woodbury form
 * (`logProbByWoodbury`, what ssn-ts ran before and torch runs). With --out, writes the cases,
 * the reference and both values as JSON for spec/torch/ill_conditioned.py, which adds torch's
 * column. See spec/lowrank-normal.md#accuracy.
 */
import { writeFileSync } from 'node:fs';
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

const cases = illConditionedCases().map((c) => {
  const dist = lowRankNormal({ ...c });
  const reference = referenceLogProb(c);
  const stable = logProb(dist, c.x);
  const woodbury = attempt(() => logProbByWoodbury(dist, c.x));
  return { ...c, reference, stable, woodbury };
});

const fmt = (v: number) => (v === Infinity ? 'refused/NaN' : v.toExponential(1));
console.log('family                   cases  Woodbury (before)  stable (now)');
for (const family of FAMILIES) {
  const fc = cases.filter((c) => c.family === family);
  const worst = (key: 'stable' | 'woodbury') =>
    Math.max(...fc.map((c) => relativeError(c[key], c.reference)));
  console.log(
    `${family.padEnd(24)} ${String(fc.length).padStart(5)}  ${fmt(worst('woodbury')).padStart(17)}  ${fmt(worst('stable')).padStart(12)}`,
  );
}
const out = process.argv.indexOf('--out');
if (out > 0) writeFileSync(process.argv[out + 1], JSON.stringify({ cases }, null, 1));
