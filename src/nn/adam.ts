/**
 * Adam (Kingma & Ba 2015) with PyTorch's `torch.optim.Adam` semantics, as a stateful optimiser
 * that owns and updates its parameter arrays in place.
 */
import { checkNumber } from '../util/validate.js';

/** Adam hyper-parameters (PyTorch defaults: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0). */
export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (g ← g + λθ), as in `torch.optim.Adam`, not AdamW */
  weightDecay?: number;
}

/** A stateful Adam optimiser over a fixed list of parameter arrays. */
export interface Adam {
  /** The parameter arrays this optimiser updates in place (the very arrays passed to `createAdam`). */
  readonly params: readonly Float64Array[];
  /** Number of steps taken so far. */
  readonly stepCount: number;
  /**
   * One Adam step, updating every `params[j]` IN PLACE from `grads[j]` (same lengths):
   *   g ← g + λθ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
   *   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
   * @throws RangeError when the gradient list or a length disagrees, or a gradient is not finite
   */
  step(grads: readonly Float64Array[]): void;
}

/**
 * An Adam optimiser owning `params` (updated in place by `step`); moments start at zero.
 * @throws RangeError when a hyper-parameter is out of range (lr ≤ 0, β ∉ [0, 1), ε ≤ 0, λ < 0)
 * @example
 *   const theta = Float64Array.of(1); const opt = createAdam([theta], { lr: 0.1 });
 *   opt.step([Float64Array.of(2)]); // theta[0] ≈ 0.9 (the first step moves by ≈ lr·sign(g))
 */
export function createAdam(params: readonly Float64Array[], options: AdamOptions = {}): Adam {
  const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = options;
  checkNumber('lr', lr, 0, true);
  if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`beta1: must lie in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`beta2: must lie in [0, 1), got ${beta2}`);
  checkNumber('eps', eps, 0, true);
  checkNumber('weightDecay', weightDecay, 0);
  params.forEach((p, j) => {
    if (!(p instanceof Float64Array))
      throw new TypeError(`params: entry ${j} is not a Float64Array`);
  });
  const owned = params.slice();
  const m = owned.map((p) => new Float64Array(p.length));
  const v = owned.map((p) => new Float64Array(p.length));
  let t = 0;

  return {
    params: owned,
    get stepCount() {
      return t;
    },
    step(grads: readonly Float64Array[]): void {
      if (grads.length !== owned.length) {
        throw new RangeError(
          `grads: expected ${owned.length} arrays (one per parameter), got ${grads.length}`,
        );
      }
      for (let j = 0; j < owned.length; j++) {
        const g = grads[j];
        if (!(g instanceof Float64Array) || g.length !== owned[j].length) {
          throw new RangeError(
            `grads: entry ${j} must be a Float64Array of length ${owned[j].length}, got ${g?.length}`,
          );
        }
        for (let n = 0; n < g.length; n++) {
          if (!Number.isFinite(g[n]))
            throw new RangeError(`grads: entry ${j} has non-finite value ${g[n]} at index ${n}`);
        }
      }
      t++;
      const c1 = 1 - beta1 ** t;
      const c2 = 1 - beta2 ** t;
      for (let j = 0; j < owned.length; j++) {
        const p = owned[j];
        const g = grads[j];
        const mj = m[j];
        const vj = v[j];
        for (let n = 0; n < p.length; n++) {
          const gn = g[n] + weightDecay * p[n];
          mj[n] = beta1 * mj[n] + (1 - beta1) * gn;
          vj[n] = beta2 * vj[n] + (1 - beta2) * gn * gn;
          p[n] -= (lr * (mj[n] / c1)) / (Math.sqrt(vj[n] / c2) + eps);
        }
      }
    },
  };
}
