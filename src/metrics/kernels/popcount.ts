/**
 * Kernel: population counts. `popcount32` counts the set bits of one word; `andPopcount` counts
 * the set bits in the word-wise AND of two bitset ranges,
 *   andPopcount(a, oa, b, ob, lo, hi) = Σ_{w = lo}^{hi − 1} popcount32(a[oa + w] & b[ob + w])
 * exactly (an integer), by Harley–Seal carry-save adders: eight ANDed words at a time are
 * added bit-wise into running words of ones, twos and fours (each carry-save adder takes three
 * words of one weight and gives a sum word of that weight and a carry word of twice it), so
 * one popcount per eight words suffices, that of the weight-8 carry word; at the end the
 * running ones, twos and fours are popcounted with weights 1, 2 and 4, and the last
 * (hi − lo) mod 8 words one by one. Tied to the plain sum by test/metrics/kernels.test.ts
 * (lengths 0 to 44, any sub-range, words of all ones, random words).
 * Measured against one popcount per word: bench/gedLevers.ts and spec/performance.md#ged.
 */

/**
 * Σ_{w ∈ [lo, hi)} popcount32(a[oa + w] & b[ob + w]); 0 when hi ≤ lo.
 * @example andPopcount(Uint32Array.of(0b1011), 0, Uint32Array.of(0b0110), 0, 0, 1) // 1
 */
export function andPopcount(
  a: Uint32Array,
  oa: number,
  b: Uint32Array,
  ob: number,
  lo: number,
  hi: number,
): number {
  let eights = 0; // popcount of the weight-8 carries so far
  let ones = 0;
  let twos = 0;
  let fours = 0;
  let w = lo;
  for (; w + 8 <= hi; w += 8) {
    // ones + x0 + x1 → ones, twosA; ones + x2 + x3 → ones, twosB; twos + twosA + twosB → twos,
    // foursA; the same for x4..x7 → foursB; fours + foursA + foursB → fours, eight. The same
    // carry-save adder is written out four times on purpose: a call per adder costs here.
    let x = a[oa + w] & b[ob + w];
    let y = a[oa + w + 1] & b[ob + w + 1];
    let u = ones ^ x;
    const twosA = (ones & x) | (u & y);
    ones = u ^ y;
    x = a[oa + w + 2] & b[ob + w + 2];
    y = a[oa + w + 3] & b[ob + w + 3];
    u = ones ^ x;
    const twosB = (ones & x) | (u & y);
    ones = u ^ y;
    u = twos ^ twosA;
    const foursA = (twos & twosA) | (u & twosB);
    twos = u ^ twosB;
    x = a[oa + w + 4] & b[ob + w + 4];
    y = a[oa + w + 5] & b[ob + w + 5];
    u = ones ^ x;
    const twosC = (ones & x) | (u & y);
    ones = u ^ y;
    x = a[oa + w + 6] & b[ob + w + 6];
    y = a[oa + w + 7] & b[ob + w + 7];
    u = ones ^ x;
    const twosD = (ones & x) | (u & y);
    ones = u ^ y;
    u = twos ^ twosC;
    const foursB = (twos & twosC) | (u & twosD);
    twos = u ^ twosD;
    u = fours ^ foursA;
    eights += popcount32((fours & foursA) | (u & foursB));
    fours = u ^ foursB;
  }
  let count = 8 * eights + 4 * popcount32(fours) + 2 * popcount32(twos) + popcount32(ones);
  for (; w < hi; w++) count += popcount32(a[oa + w] & b[ob + w]);
  return count;
}

/** Number of set bits of a 32-bit integer (Hacker's Delight 5-2, SWAR). */
export function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
