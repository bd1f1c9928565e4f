/**
 * The toy problem of the paper's section 5.1 (spec/toy-problem.md): one constant input, a line of
 * S = 21 pixels, and two equiprobable binary label maps
 *   target 0: pixels 0..6 on, 7..13 off, 14..20 off
 *   target 1: pixels 0..6 on, 7..13 on,  14..20 off
 * The middle third is uncertain, but its seven pixels are either all on or all off together.
 * A model of independent pixels cannot say "all or nothing"; a model with a correlated
 * (low-rank) covariance can.
 */

/** Pixels on the line (S = N = 21: one logit per pixel). */
export const TOY_PIXELS = 21;

/** Pixels per third of the line. */
export const TOY_BLOCK = 7;

/**
 * The two targets, each a fresh Uint8Array of 21 labels in {0, 1}.
 * @example toyTargets()[1].join('') // '111111111111110000000'
 */
export function toyTargets(): [Uint8Array, Uint8Array] {
  const t0 = new Uint8Array(TOY_PIXELS);
  const t1 = new Uint8Array(TOY_PIXELS);
  for (let s = 0; s < TOY_BLOCK; s++) {
    t0[s] = 1;
    t1[s] = 1;
  }
  for (let s = TOY_BLOCK; s < 2 * TOY_BLOCK; s++) t1[s] = 1;
  return [t0, t1];
}

/**
 * The best average log-likelihood any model of independent pixels can reach on equiprobable
 * targets, in closed form. An independent model assigns p(y) = Π_s q_s^{y_s} (1 − q_s)^{1−y_s};
 * the average over the T targets, (1/T) Σ_t Σ_s log p_s(y_ts), separates over pixels and each
 * pixel's term, f_s log q + (1 − f_s) log(1 − q), is maximised by q_s = f_s, the fraction of
 * targets with pixel s on. So the optimum is
 *   Σ_s [f_s log f_s + (1 − f_s) log(1 − f_s)]   (0 log 0 = 0),
 * minus the summed binary entropies of the pixels. For the toy problem: seven pixels with
 * f = ½ give 7 ln ½ ≈ −4.852, the fourteen others give 0.
 * @param targets - T ≥ 1 label maps in {0, 1}, all of one length
 * @throws RangeError when there are no targets, lengths differ, or a label is not 0/1
 * @example independentPixelOptimum(toyTargets()) // = 7 ln ½ ≈ −4.8520
 */
export function independentPixelOptimum(targets: readonly ArrayLike<number>[]): number {
  const t = targets.length;
  if (t === 0) throw new RangeError('targets: need at least one label map');
  const s = targets[0].length;
  let total = 0;
  for (let px = 0; px < s; px++) {
    let on = 0;
    targets.forEach((y, i) => {
      if (y.length !== s) {
        throw new RangeError(`targets: map ${i} has ${y.length} pixels, map 0 has ${s}`);
      }
      if (y[px] !== 0 && y[px] !== 1) {
        throw new RangeError(`targets: map ${i} has label ${y[px]} at pixel ${px} (expected 0/1)`);
      }
      on += y[px];
    });
    const f = on / t;
    if (f > 0 && f < 1) total += f * Math.log(f) + (1 - f) * Math.log(1 - f);
  }
  return total;
}

/**
 * The best average log-likelihood of a model that can represent any distribution over label
 * maps: put mass 1/T on each of T distinct equiprobable targets, so every target scores
 * log(1/T). For the toy problem: ln ½ ≈ −0.693. A rank-2 (even rank-1) low-rank model reaches
 * it in the limit of an infinitely large, fully shared variance on the middle block and an
 * infinitely confident mean elsewhere.
 * @throws RangeError when the targets are not distinct or not all of one length
 */
export function fullModelOptimum(targets: readonly ArrayLike<number>[]): number {
  if (targets.length === 0) throw new RangeError('targets: need at least one label map');
  const keys = new Set(targets.map((y) => Array.from(y).join(',')));
  if (keys.size !== targets.length) {
    throw new RangeError('targets: must be distinct label maps (equal maps add up their mass)');
  }
  return Math.log(1 / targets.length);
}

/** The optima the CLI prints: 7 ln ½ for the diagonal model, ln ½ for the low-rank one. */
export const TOY_OPTIMUM = {
  diagonal: 7 * Math.log(0.5),
  lowrank: Math.log(0.5),
} as const;
