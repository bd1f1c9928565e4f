/**
 * npx tsx bench/gramTiles.ts [--reps K]
 *
 * The Gram kernel's register tiles (src/distribution/kernels/gramForm.ts `gramTiles`) by shape:
 * the off-diagonal part of one L1 block's Gram, Sᵀ S for S of 78 rows x 51 columns (R 50 and the
 * point's column, as at N 1e5), repeated over the 1,283 blocks of N = 10⁵ rows. Each shape J x K
 * keeps J·K running sums and loads J + K entries a row; the loops are generated from one template
 * (the kernel's: plain array of doubles, `| 0` indices, the b entries loaded one at a time), so
 * that only the shape differs. Shapes run interleaved, repetition by repetition; the report is
 * each shape's median rate in multiply-adds a second (a shape covers the columns its steps reach,
 * so the rate, not the time, compares them). The kernel uses 3 x 2 since this measurement (3 x 3
 * before; see spec/performance.md#the-log-density).
 */
import { parseArgs } from 'node:util';
import { median } from './compare/compare.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '11' } } });
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new RangeError('--reps: expected an integer ≥ 1');

const WIDTH = 51;
const ROWS = 78;
const BLOCKS = Math.ceil(100_000 / ROWS);

type Tiles = (s: number[], len: number, width: number, gram: Float64Array) => number;

/**
 * The off-diagonal tiles of shape J x K over one block (rows j … j+J−1 against columns
 * k … k+K−1, k from j + J in steps of K while a whole tile fits); returns the entries covered.
 */
function tilesOf(J: number, K: number): Tiles {
  const sums: string[] = [];
  for (let x = 0; x < J; x++) for (let y = 0; y < K; y++) sums.push(`g${x}${y}`);
  let row = '';
  for (let x = 0; x < J; x++) row += `const a${x} = s[(p + ${x}) | 0];\n`;
  for (let y = 0; y < K; y++) {
    row += `const b${y} = s[(q + ${y}) | 0];\n`;
    for (let x = 0; x < J; x++) row += `g${x}${y} += a${x} * b${y};\n`;
  }
  let store = '';
  for (let x = 0; x < J; x++) {
    for (let y = 0; y < K; y++) store += `gram[r0 + ${x} * width + ${y}] += g${x}${y};\n`;
  }
  const body = `
    const end = (len * width) | 0;
    let covered = 0;
    for (let j = 0; j + ${J} <= width; j += ${J}) {
      for (let k = j + ${J}; k + ${K} <= width; k += ${K}) {
        let ${sums.map((g) => `${g} = 0`).join(', ')};
        for (let o = 0; o < end; o = (o + width) | 0) {
          const p = (o + j) | 0;
          const q = (o + k) | 0;
          ${row}
        }
        covered += ${J * K};
        const r0 = j * width + k;
        ${store}
      }
    }
    return covered;`;
  return new Function('s', 'len', 'width', 'gram', body) as Tiles;
}

/** A plain array of doubles (elements kind PACKED_DOUBLE), as the kernel's scratch. */
function doubleArray(n: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0.5);
  for (let i = 0; i < n; i++) a[i] = Math.sin(0.37 * i);
  return a;
}

const shapes: [number, number][] = [
  [3, 3],
  [3, 2],
  [2, 3],
  [2, 2],
  [2, 4],
  [3, 4],
  [4, 2],
  [4, 4],
];
const scratch = doubleArray(ROWS * WIDTH);
const gram = new Float64Array(WIDTH * WIDTH);
const runs = shapes.map(([J, K]) => ({
  name: `${J} x ${K}`,
  tiles: tilesOf(J, K),
  rates: [] as number[],
}));
for (let r = 0; r < reps + 1; r++) {
  for (const run of runs) {
    const t0 = performance.now();
    let covered = 0;
    for (let b = 0; b < BLOCKS; b++) covered = run.tiles(scratch, ROWS, WIDTH, gram);
    const ms = performance.now() - t0;
    if (r > 0) run.rates.push((covered * ROWS * BLOCKS) / ms / 1e6); // (first round: warm-up)
  }
}
console.log(`Gram tiles, ${ROWS} x ${WIDTH} blocks x ${BLOCKS}, ${reps} reps (median rates)`);
for (const run of runs) {
  console.log(`  ${run.name}: ${median(run.rates).toFixed(2)} G multiply-adds/s`);
}
