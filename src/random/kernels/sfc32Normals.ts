/**
 * Kernel: the core of the ziggurat over the library's sfc32 generator (src/random/rng.ts), its
 * steps inlined.
 *
 * Computes: with `standardNormalInto`'s loop around it (which finishes each rare draw through
 * `finishDraw`), exactly what `standardNormalInto` computes for any `Rng` through `uint32()`,
 * bit for bit: the same words, the same ziggurat decisions and the same values; tied by
 * test/random/ziggurat.test.ts ("any Rng gives the same bits as the fast path").
 *
 * Why: the state lives in four local int32 variables (sfc32's step is a few adds, shifts and a
 * rotate, with no float carry chain as alea had), and the core needs no float compare. The
 * word's low 9 bits j (layer i = j & 255 and the sign bit 8) index two 512-entry tables, and with
 * m = w >>> 9:
 *   m < KN[j],  KN[j] = ⌈2²³ X[i+1]/X[i]⌉   ⇔   m 2⁻²³ < X[i+1]/X[i]   (m an integer)
 *   m · WN[j],  WN[j] = ±X[i] 2⁻²³          =   ±(m 2⁻²³) X[i]          (scaling by 2⁻²³ is exact)
 * so the decision and the value are the reference's. The rare draws stay out of this loop, which
 * keeps it small. Timings: bench/randomGenerators.ts.
 */
import { ZIG_X } from '../zigguratTables.js';

/** Accept threshold on m = w >>> 9 for low bits j: ⌈2²³ X[i+1]/X[i]⌉ with i = j & 255. */
const KN = Int32Array.from({ length: 512 }, (_, j) =>
  Math.ceil((ZIG_X[(j & 255) + 1] / ZIG_X[j & 255]) * 8388608),
);

/** The draw per unit of m for low bits j: ±X[i] 2⁻²³, negative when bit 8 is set. */
const WN = Float64Array.from(
  { length: 512 },
  (_, j) => (j & 256 ? -1 : 1) * ZIG_X[j & 255] * 1.1920928955078125e-7,
);

/**
 * Fills out[start], out[start + 1], … with normals from sfc32 words, stepping `state` ([a, b, c, d]
 * of the generator) in place, and stops at the first attempt outside its layer's core (≈ 1.5%):
 * it returns that draw's index k with the attempt word w (as a signed int32) in out[k], for the
 * caller to finish through the generator's `uniform()`/`uint32()` as the reference does, then
 * call again from k + 1. Returns out.length when every draw was a core one. (The rare path is
 * kept out of this loop so that the loop stays small.)
 */
export function sfc32NormalCores(state: Int32Array, out: Float64Array, start: number): number {
  const kn = KN;
  const wn = WN;
  const n = out.length; // read once: about 8% faster than k < out.length in the loop test
  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let k = start;
  for (; k < n; k++) {
    const w = (a + b + d) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + w) | 0;
    d = (d + 1) | 0;
    const j = w & 511;
    const m = w >>> 9;
    if (m >= kn[j]) {
      out[k] = w;
      break;
    }
    out[k] = m * wn[j];
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return k;
}
