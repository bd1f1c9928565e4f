/**
 * The generator behind createRng, by measurement: ns per standard normal, per uniform() and per
 * uint32(), timed interleaved (A, B, C, A, B, C, …) in one process, medians over the rounds.
 *
 * Part 1, before and after: seedrandom's alea stepped inline under the 128-layer ziggurat (the
 * library's sampler until sfc32 and 256 layers replaced it, kept here as `AleaBefore` and its
 * normal loop as they were, with the old tables) against the library now (`createRng`,
 * `standardNormalInto`).
 * Part 2, the candidates, each stepped in local variables under the same table-driven 256-layer
 * ziggurat core as src/random/kernels/sfc32Normals.ts (sfc32 is that kernel itself), with the same
 * stand-in for the rare draws, so only the generator differs: sfc32 (Doty-Humphrey, PractRand),
 * xoshiro128** (Blackman & Vigna 2021), JSF32 (Jenkins), seedrandom's Tyche-i and xor4096
 * (Brent's xorgens), and alea.
 *
 * Sizes: 9,200 normals per call (the toy problem's paper protocol draws that many per step),
 * 10,000 uniform()/uint32() calls per timing. The ns per normal depend on how V8 compiles the
 * caller (a loop that calls standardNormalInto with the same array every time, inlined and
 * specialised to it, ran the new sampler about a quarter faster than this harness does); the
 * before/after ratio is the figure to compare.
 * Run: npx tsx bench/randomGenerators.ts [rounds] [only the rows whose name contains this]
 */
import seedrandom from 'seedrandom';
import { sfc32NormalCores } from '../src/random/kernels/sfc32Normals.js';
import { createRng, standardNormalInto, type Rng } from '../src/random/rng.js';
import * as tables from '../src/random/zigguratTables.js';
import { median } from './compare/compare.js';

const rounds = Number(process.argv[2] ?? 300);
const only = process.argv[3] ?? '';
const NORMALS = 9200;
const CALLS = 10000;

const TWO_M24 = 5.960464477539063e-8;
const TWO_M32 = 2.3283064365386963e-10;
const TWO_M53 = 1.1102230246251565e-16;
const TWO_M23 = 1.1920928955078125e-7;

/** The 128-layer tables the old loop used (Doornik's ZIGNOR: r = 3.442619855899, v = 9.91256303526217e-3). */
function zignor128(): [Float64Array, Float64Array] {
  const [r, v] = [3.442619855899, 9.91256303526217e-3];
  const f = (x: number) => Math.exp(-0.5 * x * x);
  const x = new Float64Array(129);
  x[0] = v / f(r);
  x[1] = r;
  for (let i = 1; i < 127; i++) x[i + 1] = Math.sqrt(-2 * Math.log(v / x[i] + f(x[i])));
  return [x, x.map((xi, i) => (i === 0 ? 0 : f(xi)))];
}
const [ZIG_X, ZIG_F] = zignor128();
const ZIG_RATIO = Float64Array.from({ length: 128 }, (_, i) => ZIG_X[i + 1] / ZIG_X[i]);

/** The library's generator before sfc32: seedrandom's alea, stepped as rng.ts stepped it. */
class AleaBefore implements Rng {
  readonly seed: string;
  readonly state: Float64Array;
  constructor(seed: string) {
    this.seed = seed;
    const s = seedrandom.alea(seed, { state: true }).state() as Record<string, number>;
    this.state = Float64Array.of(s.c, s.s0, s.s1, s.s2);
  }
  next(): number {
    const st = this.state;
    const t = 2091639 * st[1] + st[0] * TWO_M32;
    const c = t | 0;
    st[0] = c;
    st[1] = st[2];
    st[2] = st[3];
    return (st[3] = t - c);
  }
  uint32(): number {
    return this.next() * 4294967296;
  }
  uniform(): number {
    const hi = this.next();
    return hi + ((this.next() * 0x200000) | 0) * TWO_M53;
  }
}

/** The normal loop as it was: alea stepped in locals, float compare against X[i+1]/X[i]. */
function aleaNormalsBefore(rng: AleaBefore, out: Float64Array): Float64Array {
  const n = out.length;
  const xs = ZIG_X;
  const ratio = ZIG_RATIO;
  const st = rng.state;
  // cs = c 2⁻³² (exact): the step's critical path is then add, floor, multiply, shorter than
  // with t | 0 and the conversion back to double; the bits are the same.
  let cs = st[0] * TWO_M32;
  let s0 = st[1];
  let s1 = st[2];
  let s2 = st[3];
  for (let k = 0; k < n; k++) {
    // One alea step, as in AleaRng.next.
    const t = 2091639 * s0 + cs;
    s0 = s1;
    s1 = s2;
    const c = Math.floor(t);
    cs = c * TWO_M32;
    s2 = t - c;
    const w = s2 * 4294967296;
    const u = (w >>> 8) * TWO_M24;
    const i = w & 127;
    if (u < ratio[i]) {
      out[k] = u * xs[i] * (1 - ((w >>> 6) & 2));
    } else {
      // Rare: hand the state back and finish this draw through the generic path.
      st[0] = c;
      st[1] = s0;
      st[2] = s1;
      st[3] = s2;
      out[k] = finishBefore(rng, w);
      cs = st[0] * TWO_M32;
      s0 = st[1];
      s1 = st[2];
      s2 = st[3];
    }
  }
  st[0] = cs * 4294967296;
  st[1] = s0;
  st[2] = s1;
  st[3] = s2;
  return out;
}

/**
 * One normal draw from the attempt word w and, when needed, further words of `rng`: the core
 * test, then the tail for layer 0 or the wedge test otherwise, and fresh attempts until one is
 * accepted. Gives the same bits as the fast path. (A copy of rng.ts's finishDraw as it was, so
 * that each loop here calls its own, monomorphic, as the library did.)
 */
function finishBefore(rng: Rng, w: number): number {
  for (;;) {
    const u = (w >>> 8) * TWO_M24;
    const i = w & 127;
    const sign = 1 - ((w >>> 6) & 2);
    if (u < ZIG_RATIO[i]) return u * ZIG_X[i] * sign;
    if (i === 0) {
      // Tail beyond r (Marsaglia 1964): x = −log(U1)/r, accept when −2 log(U2) ≥ x².
      let x: number;
      let y: number;
      do {
        x = -Math.log(1 - rng.uniform()) / ZIG_X[1];
        y = -Math.log(1 - rng.uniform());
      } while (y + y < x * x);
      return (ZIG_X[1] + x) * sign;
    }
    const x = u * ZIG_X[i];
    const fLow = ZIG_F[i];
    if (fLow + rng.uniform() * (ZIG_F[i + 1] - fLow) < Math.exp(-0.5 * x * x)) return x * sign;
    w = rng.uint32();
  }
}

// Part 2: the kernel's core (integer compare, signed value table) over each candidate.
const ZX = tables.ZIG_X;
const KN = Int32Array.from({ length: 512 }, (_, j) =>
  Math.ceil((ZX[(j & 255) + 1] / ZX[j & 255]) * 8388608),
);
const WN = Float64Array.from({ length: 512 }, (_, j) => (j & 256 ? -1 : 1) * ZX[j & 255] * TWO_M23);

/** The core draw from word w into out[k], as the kernel makes it; false (w left in out[k]) if rare. */
function core(out: Float64Array, k: number, w: number, kn: Int32Array, wn: Float64Array): boolean {
  const j = w & 511;
  const m = w >>> 9;
  out[k] = m < kn[j] ? m * wn[j] : w;
  return m < kn[j];
}

/** A candidate's core loop, with the kernel's contract: returns the index of the first rare draw. */
type Cores<S> = (s: S, out: Float64Array, start: number) => number;

const xoshiro128ss: Cores<Int32Array> = (s, out, start) => {
  let s0 = s[0];
  let s1 = s[1];
  let s2 = s[2];
  let s3 = s[3];
  let k = start;
  const kn = KN;
  const wn = WN;
  for (; k < out.length; k++) {
    const r = Math.imul(s1, 5);
    const w = Math.imul((r << 7) | (r >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    if (!core(out, k, w, kn, wn)) break;
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
  return k;
};

const jsf32: Cores<Int32Array> = (s, out, start) => {
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  let k = start;
  const kn = KN;
  const wn = WN;
  for (; k < out.length; k++) {
    const e = (a - ((b << 27) | (b >>> 5))) | 0;
    a = b ^ ((c << 17) | (c >>> 15));
    b = (c + d) | 0;
    c = (d + e) | 0;
    d = (e + a) | 0;
    if (!core(out, k, d, kn, wn)) break;
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  return k;
};

/** seedrandom's tychei step (its d update reads c >>> 16 where the paper rotates d). */
const tychei: Cores<Int32Array> = (s, out, start) => {
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  let k = start;
  const kn = KN;
  const wn = WN;
  for (; k < out.length; k++) {
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    if (!core(out, k, a, kn, wn)) break;
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  return k;
};

/** seedrandom's xor4096: Brent's xorgens (r = 128, s = 95) plus a Weyl sequence; s = [weyl, i, X…]. */
const xor4096: Cores<Int32Array> = (s, out, start) => {
  let weyl = s[0];
  let i = s[1];
  const X = s.subarray(2);
  let k = start;
  const kn = KN;
  const wn = WN;
  for (; k < out.length; k++) {
    weyl = (weyl + 0x61c88647) | 0;
    let v = X[(i + 34) & 127];
    i = (i + 1) & 127;
    let t = X[i];
    v ^= v << 13;
    t ^= t << 17;
    v ^= v >>> 15;
    t ^= t >>> 12;
    v = X[i] = v ^ t;
    if (!core(out, k, (v + (weyl ^ (weyl >>> 16))) | 0, kn, wn)) break;
  }
  s[0] = weyl;
  s[1] = i;
  return k;
};

/** alea with c kept as c 2⁻³², as the old loop did. */
const alea: Cores<Float64Array> = (s, out, start) => {
  let cs = s[0];
  let s0 = s[1];
  let s1 = s[2];
  let s2 = s[3];
  let k = start;
  const kn = KN;
  const wn = WN;
  for (; k < out.length; k++) {
    const t = 2091639 * s0 + cs;
    s0 = s1;
    s1 = s2;
    const c = Math.floor(t);
    cs = c * TWO_M32;
    s2 = t - c;
    if (!core(out, k, (s2 * 4294967296) | 0, kn, wn)) break;
  }
  s[0] = cs;
  s[1] = s0;
  s[2] = s1;
  s[3] = s2;
  return k;
};

/** Runs a candidate over `out`; each rare draw gets a stand-in for the wedge (an exp). */
function run<S>(cores: Cores<S>, s: S, out: Float64Array): void {
  for (let k = cores(s, out, 0); k < out.length; k = cores(s, out, k + 1)) {
    out[k] = Math.exp(-0.5 * (out[k] >>> 9) * TWO_M23);
  }
}

let sink = 0;
function uniforms(rng: Rng): void {
  let acc = 0;
  for (let k = 0; k < CALLS; k++) acc += rng.uniform();
  sink += acc;
}
function uint32s(rng: Rng): void {
  let acc = 0;
  for (let k = 0; k < CALLS; k++) acc += rng.uint32();
  sink += acc;
}

/** Seed words for the candidates (any state with a nonzero word serves for timing). */
function words(n: number): Int32Array {
  const a = seedrandom.alea('bench/randomGenerators');
  return Int32Array.from({ length: n }, () => a.int32() | 1);
}

const out = new Float64Array(NORMALS);
const before = new AleaBefore('bench/random');
const now = createRng('bench/random');
const st = { sfc: words(4), xo: words(4), jsf: words(4), ty: words(4), x4096: words(130) };
st.x4096[1] = 0;
const aleaState = Float64Array.from(new AleaBefore('candidates').state, (v, k) =>
  k === 0 ? v * TWO_M32 : v,
);
const timed: [string, () => void, number][] = [
  ['before: normal (alea, float ziggurat)', () => aleaNormalsBefore(before, out), NORMALS],
  ['after:  normal (sfc32 kernel)', () => standardNormalInto(now, out), NORMALS],
  ['before: uniform()', () => uniforms(before), CALLS],
  ['after:  uniform()', () => uniforms(now), CALLS],
  ['before: uint32()', () => uint32s(before), CALLS],
  ['after:  uint32()', () => uint32s(now), CALLS],
  ['candidate sfc32 (the kernel)', () => run(sfc32NormalCores, st.sfc, out), NORMALS],
  ['candidate xoshiro128**', () => run(xoshiro128ss, st.xo, out), NORMALS],
  ['candidate jsf32', () => run(jsf32, st.jsf, out), NORMALS],
  ['candidate tychei (seedrandom)', () => run(tychei, st.ty, out), NORMALS],
  ['candidate xor4096 (seedrandom)', () => run(xor4096, st.x4096, out), NORMALS],
  ['candidate alea', () => run(alea, aleaState, out), NORMALS],
];

const rows = timed.filter(([name]) => name.includes(only));
const REPS = 5;
const times = rows.map(() => [] as number[]);
for (let r = 0; r < rounds + 20; r++) {
  rows.forEach(([, f, items], i) => {
    const t0 = process.hrtime.bigint();
    for (let rep = 0; rep < REPS; rep++) f();
    if (r >= 20) times[i].push(Number(process.hrtime.bigint() - t0) / (REPS * items));
  });
}
console.log(
  `ns per item, median of ${rounds} interleaved rounds (${NORMALS} normals, ${CALLS} calls)`,
);
rows.forEach(([name], i) => console.log(`${name.padEnd(40)} ${median(times[i]).toFixed(2)}`));
if (sink === 0.5) console.log('');
