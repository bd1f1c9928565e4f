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
 *
 * `andPopcountTwo` counts two pairs that share their first bitset in one pass, each load of the
 * shared word serving both: with x_w = a[oa + w],
 *   out[at] = Σ_{w ∈ [lo, hi)} popcount32(x_w & b[ob0 + w]),  out[at + 1] = the same with ob1,
 * exactly, by carry-save adders over 4 words (ones, twos, one popcount per block of 4 for each
 * pair: two pairs' state of 8 words still fits in registers, where 8-word blocks would not).
 * Tied to the plain sums by test/metrics/kernels.test.ts, as `andPopcount`.
 *
 * `gatherAndPopcountTwo` is the same two counts over a gathered list of words of the first
 * bitset (its non-zero words, say, with their indices): with words v and indices x,
 *   out[at] = Σ_{k ∈ [k0, k1)} popcount32(v[k] & b[ob0 + x[k]]),  out[at + 1] the same with ob1,
 * so that a pair costs the first bitset's listed words only; tied to the plain sums likewise.
 * `gatherAndPopcountFour` is the same over four second bitsets (out[at .. at + 3]), each listed
 * word and index loaded once for the four (each pair with its own adders, as in
 * `andPopcountTwo`); tied to the plain sums likewise.
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

/**
 * The two sums Σ_{w ∈ [lo, hi)} popcount32(a[oa + w] & b[ob + w]) for ob = ob0 and ob1, into
 * out[at] and out[at + 1]; 0 when hi ≤ lo.
 * @example
 * const out = new Int32Array(2);
 * andPopcountTwo(Uint32Array.of(0b1011), 0, Uint32Array.of(0b0110, 0b0011), 0, 1, 0, 1, out, 0);
 * // out = [1, 2]
 */
export function andPopcountTwo(
  a: Uint32Array,
  oa: number,
  b: Uint32Array,
  ob0: number,
  ob1: number,
  lo: number,
  hi: number,
  out: Int32Array,
  at: number,
): void {
  // Per pair: ones + x0 + x1 → ones, twosA; ones + x2 + x3 → ones, twosB; twos + twosA + twosB →
  // twos, four (popcounted at once). Written out for both pairs, as in `andPopcount`.
  let fours0 = 0;
  let ones0 = 0;
  let twos0 = 0;
  let fours1 = 0;
  let ones1 = 0;
  let twos1 = 0;
  let w = lo;
  for (; w + 4 <= hi; w += 4) {
    const p = (oa + w) | 0;
    const q = (ob0 + w) | 0;
    const r = (ob1 + w) | 0;
    const a0 = a[p];
    const a1 = a[(p + 1) | 0];
    const a2 = a[(p + 2) | 0];
    const a3 = a[(p + 3) | 0];
    let x = a0 & b[q];
    let y = a1 & b[(q + 1) | 0];
    let u = ones0 ^ x;
    let twosA = (ones0 & x) | (u & y);
    ones0 = u ^ y;
    x = a2 & b[(q + 2) | 0];
    y = a3 & b[(q + 3) | 0];
    u = ones0 ^ x;
    let twosB = (ones0 & x) | (u & y);
    ones0 = u ^ y;
    u = twos0 ^ twosA;
    fours0 += popcount32((twos0 & twosA) | (u & twosB));
    twos0 = u ^ twosB;
    x = a0 & b[r];
    y = a1 & b[(r + 1) | 0];
    u = ones1 ^ x;
    twosA = (ones1 & x) | (u & y);
    ones1 = u ^ y;
    x = a2 & b[(r + 2) | 0];
    y = a3 & b[(r + 3) | 0];
    u = ones1 ^ x;
    twosB = (ones1 & x) | (u & y);
    ones1 = u ^ y;
    u = twos1 ^ twosA;
    fours1 += popcount32((twos1 & twosA) | (u & twosB));
    twos1 = u ^ twosB;
  }
  let count0 = 4 * fours0 + 2 * popcount32(twos0) + popcount32(ones0);
  let count1 = 4 * fours1 + 2 * popcount32(twos1) + popcount32(ones1);
  for (; w < hi; w++) {
    const x = a[oa + w];
    count0 += popcount32(x & b[ob0 + w]);
    count1 += popcount32(x & b[ob1 + w]);
  }
  out[at] = count0;
  out[at + 1] = count1;
}

/**
 * The two sums Σ_{k ∈ [k0, k1)} popcount32(v[k] & b[ob + x[k]]) for ob = ob0 and ob1, into
 * out[at] and out[at + 1]; 0 when k1 ≤ k0. The same adders as `andPopcountTwo`.
 * @example
 * const out = new Int32Array(2);
 * // the word 0b1011 of some bitset, at index 1:
 * gatherAndPopcountTwo(Uint32Array.of(0b1011), Int32Array.of(1), 0, 1,
 *   Uint32Array.of(0, 0b0110, 0, 0b0011), 0, 2, out, 0); // out = [1, 2]
 */
export function gatherAndPopcountTwo(
  v: Uint32Array,
  x: Int32Array,
  k0: number,
  k1: number,
  b: Uint32Array,
  ob0: number,
  ob1: number,
  out: Int32Array,
  at: number,
): void {
  let fours0 = 0;
  let ones0 = 0;
  let twos0 = 0;
  let fours1 = 0;
  let ones1 = 0;
  let twos1 = 0;
  let k = k0;
  for (; k + 4 <= k1; k += 4) {
    const w0 = x[k];
    const w1 = x[(k + 1) | 0];
    const w2 = x[(k + 2) | 0];
    const w3 = x[(k + 3) | 0];
    const a0 = v[k];
    const a1 = v[(k + 1) | 0];
    const a2 = v[(k + 2) | 0];
    const a3 = v[(k + 3) | 0];
    let p = a0 & b[(ob0 + w0) | 0];
    let q = a1 & b[(ob0 + w1) | 0];
    let u = ones0 ^ p;
    let twosA = (ones0 & p) | (u & q);
    ones0 = u ^ q;
    p = a2 & b[(ob0 + w2) | 0];
    q = a3 & b[(ob0 + w3) | 0];
    u = ones0 ^ p;
    let twosB = (ones0 & p) | (u & q);
    ones0 = u ^ q;
    u = twos0 ^ twosA;
    fours0 += popcount32((twos0 & twosA) | (u & twosB));
    twos0 = u ^ twosB;
    p = a0 & b[(ob1 + w0) | 0];
    q = a1 & b[(ob1 + w1) | 0];
    u = ones1 ^ p;
    twosA = (ones1 & p) | (u & q);
    ones1 = u ^ q;
    p = a2 & b[(ob1 + w2) | 0];
    q = a3 & b[(ob1 + w3) | 0];
    u = ones1 ^ p;
    twosB = (ones1 & p) | (u & q);
    ones1 = u ^ q;
    u = twos1 ^ twosA;
    fours1 += popcount32((twos1 & twosA) | (u & twosB));
    twos1 = u ^ twosB;
  }
  let count0 = 4 * fours0 + 2 * popcount32(twos0) + popcount32(ones0);
  let count1 = 4 * fours1 + 2 * popcount32(twos1) + popcount32(ones1);
  for (; k < k1; k++) {
    const a = v[k];
    count0 += popcount32(a & b[ob0 + x[k]]);
    count1 += popcount32(a & b[ob1 + x[k]]);
  }
  out[at] = count0;
  out[at + 1] = count1;
}

/**
 * The four sums Σ_{k ∈ [k0, k1)} popcount32(v[k] & b[ob + x[k]]) for ob = ob0, ob1, ob2 and ob3,
 * into out[at .. at + 3]; 0 when k1 ≤ k0. The same adders as `andPopcountTwo`, each load of a
 * listed word and its index serving four pairs.
 * @example
 * const out = new Int32Array(4);
 * // the word 0b1011 of some bitset, at index 0, against the words 0b0110, 0b0011, 0, 0b1111:
 * gatherAndPopcountFour(Uint32Array.of(0b1011), Int32Array.of(0), 0, 1,
 *   Uint32Array.of(0b0110, 0b0011, 0, 0b1111), 0, 1, 2, 3, out, 0); // out = [1, 2, 0, 3]
 */
export function gatherAndPopcountFour(
  v: Uint32Array,
  x: Int32Array,
  k0: number,
  k1: number,
  b: Uint32Array,
  ob0: number,
  ob1: number,
  ob2: number,
  ob3: number,
  out: Int32Array,
  at: number,
): void {
  let fours0 = 0;
  let ones0 = 0;
  let twos0 = 0;
  let fours1 = 0;
  let ones1 = 0;
  let twos1 = 0;
  let fours2 = 0;
  let ones2 = 0;
  let twos2 = 0;
  let fours3 = 0;
  let ones3 = 0;
  let twos3 = 0;
  let k = k0;
  for (; k + 4 <= k1; k += 4) {
    const w0 = x[k];
    const w1 = x[(k + 1) | 0];
    const w2 = x[(k + 2) | 0];
    const w3 = x[(k + 3) | 0];
    const a0 = v[k];
    const a1 = v[(k + 1) | 0];
    const a2 = v[(k + 2) | 0];
    const a3 = v[(k + 3) | 0];
    let p = 0;
    let r = 0;
    let u = 0;
    let twosA = 0;
    let twosB = 0;
    p = a0 & b[(ob0 + w0) | 0];
    r = a1 & b[(ob0 + w1) | 0];
    u = ones0 ^ p;
    twosA = (ones0 & p) | (u & r);
    ones0 = u ^ r;
    p = a2 & b[(ob0 + w2) | 0];
    r = a3 & b[(ob0 + w3) | 0];
    u = ones0 ^ p;
    twosB = (ones0 & p) | (u & r);
    ones0 = u ^ r;
    u = twos0 ^ twosA;
    fours0 += popcount32((twos0 & twosA) | (u & twosB));
    twos0 = u ^ twosB;
    p = a0 & b[(ob1 + w0) | 0];
    r = a1 & b[(ob1 + w1) | 0];
    u = ones1 ^ p;
    twosA = (ones1 & p) | (u & r);
    ones1 = u ^ r;
    p = a2 & b[(ob1 + w2) | 0];
    r = a3 & b[(ob1 + w3) | 0];
    u = ones1 ^ p;
    twosB = (ones1 & p) | (u & r);
    ones1 = u ^ r;
    u = twos1 ^ twosA;
    fours1 += popcount32((twos1 & twosA) | (u & twosB));
    twos1 = u ^ twosB;
    p = a0 & b[(ob2 + w0) | 0];
    r = a1 & b[(ob2 + w1) | 0];
    u = ones2 ^ p;
    twosA = (ones2 & p) | (u & r);
    ones2 = u ^ r;
    p = a2 & b[(ob2 + w2) | 0];
    r = a3 & b[(ob2 + w3) | 0];
    u = ones2 ^ p;
    twosB = (ones2 & p) | (u & r);
    ones2 = u ^ r;
    u = twos2 ^ twosA;
    fours2 += popcount32((twos2 & twosA) | (u & twosB));
    twos2 = u ^ twosB;
    p = a0 & b[(ob3 + w0) | 0];
    r = a1 & b[(ob3 + w1) | 0];
    u = ones3 ^ p;
    twosA = (ones3 & p) | (u & r);
    ones3 = u ^ r;
    p = a2 & b[(ob3 + w2) | 0];
    r = a3 & b[(ob3 + w3) | 0];
    u = ones3 ^ p;
    twosB = (ones3 & p) | (u & r);
    ones3 = u ^ r;
    u = twos3 ^ twosA;
    fours3 += popcount32((twos3 & twosA) | (u & twosB));
    twos3 = u ^ twosB;
  }
  let count0 = 4 * fours0 + 2 * popcount32(twos0) + popcount32(ones0);
  let count1 = 4 * fours1 + 2 * popcount32(twos1) + popcount32(ones1);
  let count2 = 4 * fours2 + 2 * popcount32(twos2) + popcount32(ones2);
  let count3 = 4 * fours3 + 2 * popcount32(twos3) + popcount32(ones3);
  for (; k < k1; k++) {
    const a = v[k];
    const w = x[k];
    count0 += popcount32(a & b[ob0 + w]);
    count1 += popcount32(a & b[ob1 + w]);
    count2 += popcount32(a & b[ob2 + w]);
    count3 += popcount32(a & b[ob3 + w]);
  }
  out[at] = count0;
  out[at + 1] = count1;
  out[at + 2] = count2;
  out[at + 3] = count3;
}

/**
 * The four sums Σ_{w ∈ [lo, hi)} popcount32(a[oa + w] & b[ob + w]) for ob = ob0, ob1, ob2 and
 * ob3, into out[at .. at + 3]; 0 when hi ≤ lo. `andPopcountTwo` for four pairs, each load of
 * a[oa + w] serving four (the adders of `gatherAndPopcountFour`).
 * @example
 * const out = new Int32Array(4);
 * andPopcountFour(Uint32Array.of(0b1011), 0, Uint32Array.of(0b0110, 0b0011, 0, 0b1111),
 *   0, 1, 2, 3, 0, 1, out, 0); // out = [1, 2, 0, 3]
 */
export function andPopcountFour(
  a: Uint32Array,
  oa: number,
  b: Uint32Array,
  ob0: number,
  ob1: number,
  ob2: number,
  ob3: number,
  lo: number,
  hi: number,
  out: Int32Array,
  at: number,
): void {
  let fours0 = 0;
  let ones0 = 0;
  let twos0 = 0;
  let fours1 = 0;
  let ones1 = 0;
  let twos1 = 0;
  let fours2 = 0;
  let ones2 = 0;
  let twos2 = 0;
  let fours3 = 0;
  let ones3 = 0;
  let twos3 = 0;
  let w = lo;
  for (; w + 4 <= hi; w += 4) {
    const p = (oa + w) | 0;
    const a0 = a[p];
    const a1 = a[(p + 1) | 0];
    const a2 = a[(p + 2) | 0];
    const a3 = a[(p + 3) | 0];
    let q = (ob0 + w) | 0;
    let x = a0 & b[q];
    let y = a1 & b[(q + 1) | 0];
    let u = ones0 ^ x;
    let twosA = (ones0 & x) | (u & y);
    ones0 = u ^ y;
    x = a2 & b[(q + 2) | 0];
    y = a3 & b[(q + 3) | 0];
    u = ones0 ^ x;
    let twosB = (ones0 & x) | (u & y);
    ones0 = u ^ y;
    u = twos0 ^ twosA;
    fours0 += popcount32((twos0 & twosA) | (u & twosB));
    twos0 = u ^ twosB;
    q = (ob1 + w) | 0;
    x = a0 & b[q];
    y = a1 & b[(q + 1) | 0];
    u = ones1 ^ x;
    twosA = (ones1 & x) | (u & y);
    ones1 = u ^ y;
    x = a2 & b[(q + 2) | 0];
    y = a3 & b[(q + 3) | 0];
    u = ones1 ^ x;
    twosB = (ones1 & x) | (u & y);
    ones1 = u ^ y;
    u = twos1 ^ twosA;
    fours1 += popcount32((twos1 & twosA) | (u & twosB));
    twos1 = u ^ twosB;
    q = (ob2 + w) | 0;
    x = a0 & b[q];
    y = a1 & b[(q + 1) | 0];
    u = ones2 ^ x;
    twosA = (ones2 & x) | (u & y);
    ones2 = u ^ y;
    x = a2 & b[(q + 2) | 0];
    y = a3 & b[(q + 3) | 0];
    u = ones2 ^ x;
    twosB = (ones2 & x) | (u & y);
    ones2 = u ^ y;
    u = twos2 ^ twosA;
    fours2 += popcount32((twos2 & twosA) | (u & twosB));
    twos2 = u ^ twosB;
    q = (ob3 + w) | 0;
    x = a0 & b[q];
    y = a1 & b[(q + 1) | 0];
    u = ones3 ^ x;
    twosA = (ones3 & x) | (u & y);
    ones3 = u ^ y;
    x = a2 & b[(q + 2) | 0];
    y = a3 & b[(q + 3) | 0];
    u = ones3 ^ x;
    twosB = (ones3 & x) | (u & y);
    ones3 = u ^ y;
    u = twos3 ^ twosA;
    fours3 += popcount32((twos3 & twosA) | (u & twosB));
    twos3 = u ^ twosB;
  }
  let count0 = 4 * fours0 + 2 * popcount32(twos0) + popcount32(ones0);
  let count1 = 4 * fours1 + 2 * popcount32(twos1) + popcount32(ones1);
  let count2 = 4 * fours2 + 2 * popcount32(twos2) + popcount32(ones2);
  let count3 = 4 * fours3 + 2 * popcount32(twos3) + popcount32(ones3);
  for (; w < hi; w++) {
    const x = a[oa + w];
    count0 += popcount32(x & b[ob0 + w]);
    count1 += popcount32(x & b[ob1 + w]);
    count2 += popcount32(x & b[ob2 + w]);
    count3 += popcount32(x & b[ob3 + w]);
  }
  out[at] = count0;
  out[at + 1] = count1;
  out[at + 2] = count2;
  out[at + 3] = count3;
}

/** Number of set bits of a 32-bit integer (Hacker's Delight 5-2, SWAR). */
export function popcount32(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
