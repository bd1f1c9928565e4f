/**
 * npx tsx bench/gramTiles.ts [--reps K] [--asm]
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
 *
 * With --asm, the same tiles also run as asm.js modules (the same arithmetic, same order, on a
 * Float64Array heap), which V8 validates and compiles through its WebAssembly pipeline: no map,
 * elements or length reloads per row, and a schedule that interleaves each multiply with its add.
 * That measures what V8's code for plain JavaScript costs this kernel. asm.js is not used in the
 * library (its rule is plain TypeScript; and esbuild, which tsx, vitest and Vite use, drops the
 * 'use asm' directive, so a bundled copy would silently run as plain typed-array code, slower
 * than the plain array); the report says whether V8 accepted each module.
 */
import { parseArgs } from 'node:util';
import { median } from './compare/compare.js';

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '11' }, asm: { type: 'boolean', default: false } },
});
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

/** Bytes from the heap's start to the Gram (after the scratch block) in the asm.js runs. */
const GRAM_OFFSET = 4096 * 8;

/**
 * `tilesOf(J, K)` as an asm.js module over `heap` (scratch block at byte 0, Gram at
 * GRAM_OFFSET): the same loops with the same sums in the same order, in asm.js's typed form.
 */
function asmTilesOf(J: number, K: number, heap: ArrayBuffer): Tiles {
  const sums: string[] = [];
  for (let x = 0; x < J; x++) for (let y = 0; y < K; y++) sums.push(`g${x}${y}`);
  const held = [...sums, ...Array.from({ length: J }, (_, x) => `a${x}`)];
  held.push(...Array.from({ length: K }, (_, y) => `b${y}`));
  let row = '';
  for (let x = 0; x < J; x++) row += `a${x} = +f64[p + ${8 * x} >> 3];\n`;
  for (let y = 0; y < K; y++) {
    row += `b${y} = +f64[q + ${8 * y} >> 3];\n`;
    for (let x = 0; x < J; x++) row += `g${x}${y} = g${x}${y} + a${x} * b${y};\n`;
  }
  let store = '';
  for (let x = 0; x < J; x++) {
    for (let y = 0; y < K; y++) {
      store += `t = r0 + (imul(${x}, rowBytes) | 0) + ${8 * y} | 0; f64[t >> 3] = +f64[t >> 3] + g${x}${y};\n`;
    }
  }
  const source = `
    'use asm';
    var f64 = new stdlib.Float64Array(heap);
    var imul = stdlib.Math.imul;
    function tiles(len, width) {
      len = len | 0;
      width = width | 0;
      var end = 0, j = 0, k = 0, o = 0, p = 0, q = 0, r0 = 0, rowBytes = 0, t = 0, covered = 0;
      var ${held.map((v) => `${v} = 0.0`).join(', ')};
      rowBytes = width << 3;
      end = (imul(len, width) | 0) << 3;
      for (j = 0; (j + ${J} | 0) <= (width | 0); j = j + ${J} | 0) {
        for (k = j + ${J} | 0; (k + ${K} | 0) <= (width | 0); k = k + ${K} | 0) {
          ${sums.map((g) => `${g} = 0.0;`).join(' ')}
          for (o = 0; (o | 0) < (end | 0); o = o + rowBytes | 0) {
            p = o + (j << 3) | 0;
            q = o + (k << 3) | 0;
            ${row}
          }
          covered = covered + ${J * K} | 0;
          r0 = ${GRAM_OFFSET} + ((imul(j, width) | 0) + k << 3) | 0;
          ${store}
        }
      }
      return covered | 0;
    }
    return { tiles: tiles };`;
  const module = new Function('stdlib', 'foreign', 'heap', source) as (
    stdlib: typeof globalThis,
    foreign: object,
    heap: ArrayBuffer,
  ) => { tiles: (len: number, width: number) => number };
  const { tiles } = module(globalThis, {}, heap);
  return (_s, len, width) => tiles(len, width);
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
// V8 reports a module it did not accept as a process warning ("Invalid asm.js: …").
const rejected: string[] = [];
process.on('warning', (w) => {
  if (/asm\.js/.test(w.message)) rejected.push(w.message);
});
if (values.asm) {
  const heap = new ArrayBuffer(1 << 16);
  new Float64Array(heap).set(scratch);
  for (const [J, K] of [
    [3, 2],
    [2, 3],
    [2, 4],
    [4, 2],
    [3, 3],
  ]) {
    runs.push({ name: `${J} x ${K} asm.js`, tiles: asmTilesOf(J, K, heap), rates: [] });
  }
}
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
if (values.asm) {
  // Warnings are emitted on a later tick: wait for one before saying none came.
  await new Promise((resolve) => setTimeout(resolve, 10));
  console.log(
    rejected.length === 0
      ? 'asm.js: V8 accepted every module (no "Invalid asm.js" warning)'
      : `asm.js: V8 rejected modules, which then ran as plain JavaScript: ${rejected.join('; ')}`,
  );
}
