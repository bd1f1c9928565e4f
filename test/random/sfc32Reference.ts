/**
 * sfc32 written from its published algorithm (Doty-Humphrey, PractRand src/RNGs/sfc.cpp) in
 * BigInt arithmetic mod 2³², independently of src/random's int32 stepping, and seeded as
 * src/random/rng.ts documents: a, b, c = the first three words of seedrandom's alea(seed),
 * counter = 1, 12 outputs discarded. The tests compare the library's words against it.
 */
import seedrandom from 'seedrandom';

const MASK = 0xffffffffn;

/** A stream of sfc32 output words (unsigned, as numbers in [0, 2³²)). */
export function referenceSfc32(seed: string): () => number {
  const alea = seedrandom.alea(seed);
  let a = BigInt(alea.int32() >>> 0);
  let b = BigInt(alea.int32() >>> 0);
  let c = BigInt(alea.int32() >>> 0);
  let counter = 1n;
  const next = (): number => {
    const out = (a + b + counter) & MASK;
    counter = (counter + 1n) & MASK;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & MASK;
    c = ((((c << 21n) | (c >> 11n)) & MASK) + out) & MASK;
    return Number(out);
  };
  for (let k = 0; k < 12; k++) next();
  return next;
}

/** uniform() from two reference words: the top 27 bits of the first, then the top 26 of the next. */
export function referenceUniform(next: () => number): number {
  const hi = BigInt(next()) >> 5n;
  const lo = BigInt(next()) >> 6n;
  return Number((hi << 26n) | lo) / 2 ** 53;
}
