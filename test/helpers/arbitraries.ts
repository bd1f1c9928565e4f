import fc from 'fast-check';

/** Float64Array of `n` doubles in [min, max] (finite by construction). */
export function floats(n: number, min: number, max: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), {
      minLength: n,
      maxLength: n,
    })
    .map((a) => Float64Array.from(a));
}

export interface DistParams {
  n: number;
  rank: number;
  loc: Float64Array;
  covFactor: Float64Array;
  covDiag: Float64Array;
}

/** Dimensions first (N in [1, maxN], R in [1, maxRank]), then values: a valid distribution. */
export function distParams(maxN = 42, maxRank = 6, minN = 1): fc.Arbitrary<DistParams> {
  return fc
    .record({ n: fc.integer({ min: minN, max: maxN }), rank: fc.integer({ min: 1, max: maxRank }) })
    .chain(({ n, rank }) =>
      fc.record({
        n: fc.constant(n),
        rank: fc.constant(rank),
        loc: floats(n, -3, 3),
        covFactor: floats(n * rank, -1.5, 1.5),
        covDiag: floats(n, 0.05, 2),
      }),
    );
}
