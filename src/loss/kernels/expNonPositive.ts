/**
 * exp(x) for x ≤ 0, the binary loss kernels' exponential. Within 2 ulp of Math.exp on
 * [−708, 0] (test/loss/mcLossBinary.test.ts, "expNonPositive"), and the same bits on every engine:
 * only exactly rounded IEEE operations and fixed tables, and several times faster than Math.exp
 * in V8 (whose Math.round, too, is a call).
 */
/** 1.5 · 2⁵²: adding and subtracting it rounds a double of magnitude < 2⁵¹ to an integer. */
const ROUNDER = 6755399441055744;
/** ln 2 / 64 split for Cody–Waite reduction (fdlibm's ln2_hi has 32 trailing zero bits). */
const LN2_64_HI = 6.9314718036912382e-1 / 64;
const LN2_64_LO = 1.9082149292705877e-10 / 64;
/** 2^(j/64) for j = 0 … 63, correctly rounded (computed with 60-digit decimals). */
const EXP2_64THS = Float64Array.from([
  1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284, 1.0442737824274138,
  1.0556451783605572, 1.0671404006768237, 1.0787607977571199, 1.0905077326652577, 1.102382583307841,
  1.1143867425958924, 1.1265216186082418, 1.1387886347566916, 1.1511892299529827,
  1.1637248587775775, 1.1763969916502812, 1.189207115002721, 1.202156731452703, 1.215247359980469,
  1.22848053610687, 1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
  1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303, 1.3542555469368927,
  1.3690024229745905, 1.383909881963832, 1.3989796725383112, 1.4142135623730951, 1.42961333839197,
  1.4451808069770467, 1.460917794180647, 1.4768261459394993, 1.4929077282912648, 1.5091644275934228,
  1.5255981507445384, 1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
  1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364, 1.681792830507429,
  1.7001063537185235, 1.718619298122478, 1.7373338352737062, 1.7562521603732995, 1.7753764925265212,
  1.7947090750031072, 1.8142521755003989, 1.8340080864093424, 1.8539791250833855, 1.8741676341103,
  1.8945759815869656, 1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
]);
/** 2^−m for m = 0 … 1022, each exact (built by halving). */
const POW2_NEG = new Float64Array(1023);
POW2_NEG[0] = 1;
for (let m = 1; m < 1023; m++) POW2_NEG[m] = POW2_NEG[m - 1] * 0.5;

/**
 * exp(x) for x ≤ 0, within 2 ulp for x ≥ −708. Below, where exp(x) is subnormal, it is the
 * product exp(x + 354) · exp(−354) (rounded once into the subnormal range), and 0 below −746
 * and at −∞, so that an overflowed logit (|t| = ∞) gets a probability of exactly 0 or 1.
 * x = (64 m + j) ln2/64 + r with |r| ≤ ln2/128 (Cody–Waite), so
 *   exp(x) = 2^m · (2^(j/64) + 2^(j/64) (r + r²/2 + r³/6 + r⁴/24 + r⁵/120))
 * (truncation < 4e−17). Only exactly rounded IEEE operations and fixed tables: the same bits on
 * every engine, and several times faster than Math.exp in V8 (whose Math.round, too, is a call).
 * @example expNonPositive(-1) // ≈ 0.36787944117144233
 */
export function expNonPositive(x: number): number {
  if (x < -708) return x < -746 ? 0 : expNonPositive(x + 354) * EXP_MINUS_354;
  const k = x * (64 * Math.LOG2E) + ROUNDER - ROUNDER; // nearest integer, ties to even
  const r = x - k * LN2_64_HI - k * LN2_64_LO;
  // exp(r) − 1, added to 1 only after scaling by 2^(j/64), so most of the error is one rounding.
  const q =
    r *
    (1 +
      r *
        (0.5 + r * (0.16666666666666666 + r * (0.041666666666666664 + r * 0.008333333333333333))));
  const t = EXP2_64THS[k & 63];
  return POW2_NEG[-(k >> 6)] * (t + t * q);
}

/** exp(−354), for the subnormal range of `expNonPositive`. */
const EXP_MINUS_354 = expNonPositive(-354);
