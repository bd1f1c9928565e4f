/**
 * Standard normal draws: the ziggurat over sfc32 words (src/random/rng.ts) against Box–Muller over
 * seedrandom's alea double() (the library's first sampler and generator), at the MC loss's size
 * for a 256² x 2 image, rank 10, 20 samples (2.6M normals). The generators compared one by one,
 * and alea before against sfc32 now: bench/randomGenerators.ts.
 * Run: npx vitest bench --run bench/random.bench.ts
 */
import seedrandom from 'seedrandom';
import { bench, describe } from 'vitest';
import { createRng, standardNormalInto } from '../src/random/rng.js';

const COUNT = 20 * 2 * 256 * 256;
const out = new Float64Array(COUNT);

function boxMullerInto(next: () => number, o: Float64Array): Float64Array {
  for (let i = 0; i < o.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    o[i] = radius * Math.cos(angle);
    if (i + 1 < o.length) o[i + 1] = radius * Math.sin(angle);
  }
  return o;
}

describe(`${COUNT} standard normals`, () => {
  const rng = createRng('bench/random');
  const alea = seedrandom.alea('bench/random');
  bench('ziggurat (standardNormalInto)', () => void standardNormalInto(rng, out), {
    time: 1000,
    warmupTime: 200,
  });
  bench('Box–Muller over alea double()', () => void boxMullerInto(alea.double, out), {
    time: 1000,
    warmupTime: 200,
  });
});
