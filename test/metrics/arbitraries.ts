/**
 * fast-check arbitraries for label-map sets: dimensions first, then values. Each map is drawn
 * either empty or from labels biased towards the background, so empty and sparse maps (the
 * cases the conventions differ on) come up often. S up to 70 crosses the 32-bit word boundary.
 */
import fc from 'fast-check';

/** One map of S labels in [0, C): a quarter of draws empty, the rest background-heavy. */
export function labelMap(S: number, C: number): fc.Arbitrary<number[]> {
  const label = fc.integer({ min: 0, max: C + 1 }).map((v) => (v >= C ? 0 : v));
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(new Array<number>(S).fill(0)) },
    { weight: 3, arbitrary: fc.array(label, { minLength: S, maxLength: S }) },
  );
}

/** A flat set of K maps as an Int32Array of K·S labels. */
export function labelSet(K: number, S: number, C: number): fc.Arbitrary<Int32Array> {
  return fc
    .array(labelMap(S, C), { minLength: K, maxLength: K })
    .map((maps) => Int32Array.from(maps.flat()));
}

/** Dimensions: classes C ∈ {2, 3}, pixels S ∈ [1, 70], convention. */
export const dims = fc.record({
  C: fc.constantFrom(2, 3),
  S: fc.integer({ min: 1, max: 70 }),
  convention: fc.constantFrom('ssn' as const, 'lidc' as const),
});

/** Two sets (samples, annotations) with Ns ∈ [1, 6], Na ∈ [1, 4] maps of the same S and C. */
export const twoSets = dims.chain(({ C, S, convention }) =>
  fc
    .record({ Ns: fc.integer({ min: 1, max: 6 }), Na: fc.integer({ min: 1, max: 4 }) })
    .chain(({ Ns, Na }) =>
      fc.record({
        C: fc.constant(C),
        S: fc.constant(S),
        convention: fc.constant(convention),
        Ns: fc.constant(Ns),
        Na: fc.constant(Na),
        samples: labelSet(Ns, S, C),
        annotations: labelSet(Na, S, C),
      }),
    ),
);

/** Reorders the maps of a flat set by `order` (a permutation of 0..K−1). */
export function permuteMaps(maps: Int32Array, S: number, order: number[]): Int32Array {
  const out = new Int32Array(maps.length);
  order.forEach((from, to) => out.set(maps.subarray(from * S, (from + 1) * S), to * S));
  return out;
}

/** A permutation of 0..K−1 drawn from a list of random keys (argsort). */
export function permutationFromKeys(keys: number[]): number[] {
  return keys
    .map((key, i) => [key, i] as const)
    .sort((x, y) => x[0] - y[0] || x[1] - y[1])
    .map(([, i]) => i);
}
