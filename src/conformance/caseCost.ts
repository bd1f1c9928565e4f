/**
 * What computing one conformance case costs, estimated from its sizes before anything is
 * allocated, so that `ssn eval` can refuse a 600-byte case that asks for 1e8 classes or a rank of
 * 1e4 instead of running for minutes and gigabytes.
 *
 * The estimates count what ssn-ts allocates for the op (the typed arrays of its outputs and
 * work space, and the output's JSON text at 25 bytes per number) and its floating-point
 * operations (the leading terms of its loops: O(N R² + R³) for the low-rank factorisation,
 * O(M N R) for samples and the loss, O(Ns Na (C−1) S / 32) for GED's bitset intersections).
 * They are upper estimates within a small factor, not measurements.
 */

/** Estimated cost of one case, and the input field whose value drives it. */
export interface CaseCost {
  bytes: number;
  operations: number;
  /** The field to name when the case is refused, e.g. `classes`. */
  field: string;
  /** That field's value, as the message shows it. */
  value: number;
}

/** Default limits of `ssn eval`: 2 GiB and 1e10 operations (tens of seconds on one core). */
export const DEFAULT_LIMITS: Readonly<{ bytes: number; operations: number }> = {
  bytes: 2 * 1024 ** 3,
  operations: 1e10,
};

/** Bytes of JSON text per written number (digits, comma, and the string's two bytes per char). */
const TEXT_BYTES_PER_NUMBER = 50;

/** The low-rank normal N(loc, P Pᵀ + D) with event size N and rank R: factor, capacitance. */
export function lowRankCost(n: number, rank: number): CaseCost {
  return {
    bytes: 8 * (3 * n * rank + 2 * rank * rank + 6 * n + 4 * rank),
    operations: 2 * n * rank * rank + (rank * rank * rank) / 3 + 4 * n * rank,
    field: rank > n ? 'rank' : 'loc',
    value: rank > n ? rank : n,
  };
}

/** M samples of size N (rsample, loss): the normal's cost plus M·N outputs of R terms each. */
export function samplesCost(n: number, rank: number, count: number, outputs: number): CaseCost {
  const base = lowRankCost(n, rank);
  const sampled = {
    bytes: 8 * (3 * count * n + count * rank) + TEXT_BYTES_PER_NUMBER * outputs,
    operations: 4 * count * n * (rank + 2),
  };
  const dominant = sampled.bytes > base.bytes || sampled.operations > base.operations;
  return {
    bytes: base.bytes + sampled.bytes,
    operations: base.operations + sampled.operations,
    field: dominant ? 'epsDiag' : base.field,
    value: dominant ? count * n : base.value,
  };
}

/** GED of Ns samples and Na annotations of S pixels and C classes (bitsets per foreground class). */
export function gedCost(classes: number, pixels: number, ns: number, na: number): CaseCost {
  const words = Math.ceil(pixels / 32);
  const foreground = classes - 1;
  const maps = ns + na;
  const byClasses = classes > 2;
  return {
    bytes: maps * foreground * (4 * words + 12) + 8 * (ns * ns + na * na + ns * na) + 4 * classes,
    operations: (ns * ns + na * na + ns * na) * foreground * (words + 4) + maps * pixels,
    field: byClasses ? 'classes' : 'samples',
    value: byClasses ? classes : ns * pixels,
  };
}

/** Dice of one prediction against Na annotations of S pixels: Na·(C−1) outputs. */
export function diceCost(classes: number, pixels: number, na: number): CaseCost {
  const outputs = na * (classes - 1);
  return {
    bytes: 12 * classes + (8 + TEXT_BYTES_PER_NUMBER) * outputs,
    operations: na * (pixels + 4 * classes),
    field: 'classes',
    value: classes,
  };
}

/**
 * Whether a cost is within limits; the reason when it is not.
 * @returns undefined when within both limits, else what is over (for the message)
 */
export function overLimit(
  cost: CaseCost,
  limits: Readonly<{ bytes: number; operations: number }>,
): string | undefined {
  if (cost.bytes > limits.bytes) {
    return `needs about ${formatBytes(cost.bytes)} of memory, over the limit of ${formatBytes(limits.bytes)} (--max-memory raises it)`;
  }
  if (cost.operations > limits.operations) {
    return `needs about ${cost.operations.toExponential(1)} operations, over the limit of ${limits.operations.toExponential(1)} (--max-operations raises it)`;
  }
  return undefined;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let x = bytes;
  let k = 0;
  while (x >= 1024 && k < units.length - 1) {
    x /= 1024;
    k++;
  }
  return `${k === 0 ? x : x.toPrecision(3)} ${units[k]}`;
}

/**
 * Reads a size such as `4GiB`, `500MB`, `2e9` (bytes when no unit is given).
 * @returns the number of bytes, or undefined when the text is not a size
 * @example parseBytes('1.5GiB') // 1610612736
 */
export function parseBytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 'B').toUpperCase();
  const powers: Record<string, number> = {
    B: 1,
    KB: 1e3,
    MB: 1e6,
    GB: 1e9,
    TB: 1e12,
    KIB: 1024,
    MIB: 1024 ** 2,
    GIB: 1024 ** 3,
    TIB: 1024 ** 4,
  };
  const bytes = Number(m[1]) * powers[unit];
  return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}
