/**
 * The fused toy step. Equals `toyLossAndGradsReference` (src/toy/stepReference.ts) bit for bit:
 * the same floating-point operations in the same order as `mcLoss` (its binary kernel, bernoulli)
 * per target, the mean over targets, and `toyDistributionVjp` (test/toy/step.test.ts, "equals
 * toyLossAndGradsReference bit for bit").
 *
 * What it leaves out is the cost of generality at N = 21, where a step is a few microseconds of
 * arithmetic: the capacitance Cholesky (the loss does not use it), the copies and checks of the
 * distribution and the noises, the per-call allocation, and, when targets share one noise (the
 * `best` protocol's common random numbers), the second exp, division and log of every sampled
 * logit, since exp(−|z|) depends on the logit t only (z = ±t):
 *   t_m(s) = loc_s + √d_s eps_N^(m)_s + P_s · eps_R^(m),   e = exp(−|t|)
 *   ℓ_t,m = Σ_s min(z, 0) − log Π_s (1 + e),   ∂ℓ_t,m/∂t = ±(1 − sigmoid(z))
 * A mean-only step (`wanted` = 'mean', the first phase of training) skips the sums behind the
 * frozen parameters' gradients; its loss and ∂/∂mean are the bits of a full step (test/toy/
 * step.test.ts, "a mean-only step"). Rank 2, the paper's model, runs unrolled.
 * Naming: targets are `target0`/`target1` (indices into `targets`, −1 for none) and their
 * arrays carry the suffixes 0 and 1; the two samples of a forward pass are A and B.
 */
import { expNonPositive } from '../../loss/kernels/expNonPositive.js';
import { lossAndWeights } from '../../loss/mcLossReference.js';
import type { Noise } from '../../distribution/noise.js';
import { checkFinite } from '../../util/validate.js';
import {
  logScaleLength,
  toyDistributionVjp,
  toyFactors,
  type ToyGrads,
  type ToyParameterisation,
  type ToyParams,
} from '../model.js';

/**
 * Scratch and result arrays of a step, reused from step to step (see `createToyStepWorkspace`).
 * The gradients a step returns live here until the next step with the same workspace.
 */
export interface ToyStepWorkspace {
  readonly size: number;
  readonly rank: number;
  readonly count: number;
  /** Per target: ∂ℓ_t,m/∂t_m(s), M x N sample-major. */
  readonly slopes: Float64Array[];
  /** Per target: ℓ_t,m, length M. */
  readonly logLikelihoods: Float64Array[];
  /** Per target: the sample weights softmax(ℓ_t), length M. */
  readonly weights: Float64Array[];
  /** Per target: its loss −logsumexp(ℓ_t) + log M. */
  readonly losses: Float64Array;
  /** Per target: its label signs ±1, length N. */
  readonly signs: Float64Array[];
  /**
   * Per target: Σ_m w_m slope_m(s), Σ_m w_m slope_m(s) eps_N^(m)_s (N each) and Σ_m slope_m(s) w_m eps_R^(m)
   * (N x R), with a the slopes.
   */
  readonly sumLoc: Float64Array[];
  readonly sumDiag: Float64Array[];
  readonly sumFactor: Float64Array[];
  /** w_m eps_R^(m) for the two targets of a pass, M x R each. */
  readonly factorScratch: Float64Array[];
  /** Which targets have been computed in this step (by the pass that took them). */
  readonly done: Uint8Array;
  /** The distribution: exp(logDiag) + ε, its square root, and the factor (N x R). */
  readonly covDiag: Float64Array;
  readonly sqrtD: Float64Array;
  readonly covFactor: Float64Array;
  /** ∂loss/∂(loc, covDiag, covFactor) and the gradients of the free parameters. */
  readonly gradLoc: Float64Array;
  readonly gradCovDiag: Float64Array;
  readonly gradCovFactor: Float64Array;
  readonly grads: ToyGrads;
}

/**
 * Scratch for steps of `targets` label maps of `size` pixels, `count` samples and rank `rank`
 * (0 for the diagonal model), under the model's `parameterisation` (it sizes ∂/∂logScale).
 */
export function createToyStepWorkspace(
  size: number,
  rank: number,
  count: number,
  targets: number,
  parameterisation: ToyParameterisation = 'column',
): ToyStepWorkspace {
  const r = Math.max(rank, 1);
  const each = (len: number) => Array.from({ length: targets }, () => new Float64Array(len));
  return {
    size,
    rank,
    count,
    slopes: each(count * size),
    logLikelihoods: each(count),
    weights: each(count),
    losses: new Float64Array(targets),
    signs: each(size),
    sumLoc: each(size),
    sumDiag: each(size),
    sumFactor: each(size * r),
    factorScratch: [new Float64Array(count * r), new Float64Array(count * r)],
    done: new Uint8Array(targets),
    covDiag: new Float64Array(size),
    sqrtD: new Float64Array(size),
    covFactor: new Float64Array(size * rank),
    gradLoc: new Float64Array(size),
    gradCovDiag: new Float64Array(size),
    gradCovFactor: new Float64Array(size * r),
    grads: {
      gradMean: new Float64Array(size),
      gradLogDiag: new Float64Array(size),
      gradLogScale: new Float64Array(logScaleLength(parameterisation, size, rank)),
      gradDirection: new Float64Array(size * rank),
    },
  };
}

/**
 * Which gradients a step computes: 'all', or 'mean' alone (a mean-only phase of training, whose
 * other parameters are frozen). With 'mean' the sums behind ∂/∂(logDiag, logScale, direction)
 * are skipped and those three gradients are left as they were in the workspace; ∂/∂mean and the
 * loss are the same bits as with 'all'.
 */
export type ToyGradsWanted = 'mean' | 'all';

/**
 * `toyLossAndGrads` after validation (for `trainToy`, whose noises are drawn to size and whose
 * targets are checked once). The gradients returned live in `ws`.
 */
export function fusedToyStep(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  noises: readonly Noise[],
  ws: ToyStepWorkspace,
  wanted: ToyGradsWanted = 'all',
): { loss: number; grads: ToyGrads } {
  const n = params.mean.length;
  const lowRank = params.rank > 0;
  const rank = Math.max(params.rank, 1);
  const all = wanted === 'all';
  const { covDiag, covFactor, sqrtD, gradLoc, gradCovDiag, gradCovFactor, done } = ws;
  toyFactors(params, ws);
  checkFinite('mean', params.mean);
  checkFinite('exp(logDiag)', covDiag);
  checkFinite('covFactor (exp(logScale))', covFactor);
  for (let i = 0; i < n; i++) sqrtD[i] = Math.sqrt(covDiag[i]);
  const p = lowRank ? covFactor : null;
  // Targets given one Noise object are computed together, two per pass.
  done.fill(0);
  for (let t = 0; t < targets.length; t++) {
    if (done[t] === 1) continue;
    let pending = -1;
    for (let u = t; u < targets.length; u++) {
      if (noises[u] !== noises[t]) continue;
      done[u] = 1;
      if (pending < 0) {
        pending = u;
        continue;
      }
      forward(params.mean, sqrtD, p, rank, targets, pending, u, noises[t], ws);
      backward(rank, lowRank, all, noises[t], ws, pending, u);
      pending = -1;
    }
    if (pending >= 0) {
      forward(params.mean, sqrtD, p, rank, targets, pending, -1, noises[t], ws);
      backward(rank, lowRank, all, noises[t], ws, pending, -1);
    }
  }
  // The mean over the T targets, each result weighted by 1/T and summed in target order (as the
  // reference sums mcLoss's results).
  const perTarget = 1 / targets.length;
  let loss = 0;
  for (let t = 0; t < targets.length; t++) loss += perTarget * ws.losses[t];
  // ∂/∂mean = ∂/∂loc: summed straight into the result (the VJP copies it unchanged).
  const gradMean = all ? gradLoc : ws.grads.gradMean;
  gradMean.fill(0);
  for (let t = 0; t < targets.length; t++) {
    const gl = ws.sumLoc[t];
    for (let s = 0; s < n; s++) gradMean[s] += perTarget * -gl[s];
  }
  if (!all) return { loss, grads: ws.grads };
  gradCovDiag.fill(0);
  gradCovFactor.fill(0);
  for (let t = 0; t < targets.length; t++) {
    const gd = ws.sumDiag[t];
    for (let s = 0; s < n; s++) gradCovDiag[s] += perTarget * (-gd[s] / (2 * sqrtD[s]));
    if (lowRank) {
      const cf = ws.sumFactor[t];
      for (let j = 0; j < n * rank; j++) gradCovFactor[j] += perTarget * -cf[j];
    }
  }
  const grads = toyDistributionVjp(params, { gradLoc, gradCovFactor, gradCovDiag }, ws.grads);
  return { loss, grads };
}

/**
 * ℓ_t,m and the slopes ∂ℓ_t,m/∂t of targets target0 and target1 (−1: none), both driven by
 * `noise`, two samples (A and B) per pass: their exps, divisions and running sums are independent chains the
 * processor overlaps (each sample's arithmetic is unchanged).
 */
function forward(
  loc: Float64Array,
  sqrtD: Float64Array,
  p: Float64Array | null,
  rank: number,
  targets: readonly ArrayLike<number>[],
  target0: number,
  target1: number,
  noise: Noise,
  ws: ToyStepWorkspace,
): void {
  const n = loc.length;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const two = target1 >= 0;
  const t1 = two ? target1 : target0; // a lone target fills the second slot's names too
  for (let k = 0; k < (two ? 2 : 1); k++) {
    const t = k === 0 ? target0 : target1;
    const y = targets[t];
    const sg = ws.signs[t];
    for (let s = 0; s < n; s++) sg[s] = y[s] === 1 ? 1 : -1;
  }
  const sg0 = ws.signs[target0];
  const sg1 = ws.signs[t1];
  const a0 = ws.slopes[target0];
  const a1 = ws.slopes[t1];
  const ll0 = ws.logLikelihoods[target0];
  const ll1 = ws.logLikelihoods[t1];
  const m2 = count - (count % 2);
  const rank2 = p !== null && rank === 2;
  for (let m = 0; m < count; m += 2) {
    const single = m === m2; // the last sample of an odd count: B repeats A, and is dropped
    const mB = single ? m : m + 1;
    const offRA = m * rank;
    const offRB = mB * rank;
    const offNA = m * n;
    const offNB = mB * n;
    let sumA0 = 0;
    let sumA1 = 0;
    let prodA = 1;
    let sumB0 = 0;
    let sumB1 = 0;
    let prodB = 1;
    // Rank 2 (the paper's model) unrolled, with the samples' eps_R read once: the same sums,
    // 0 + P_s0 eps_0 + P_s1 eps_1 in this order.
    const epsA0 = rank2 ? eF[offRA] : 0;
    const epsA1 = rank2 ? eF[offRA + 1] : 0;
    const epsB0 = rank2 ? eF[offRB] : 0;
    const epsB1 = rank2 ? eF[offRB + 1] : 0;
    for (let s = 0; s < n; s++) {
      let afA = 0;
      let afB = 0;
      if (rank2) {
        const p0 = (p as Float64Array)[2 * s];
        const p1 = (p as Float64Array)[2 * s + 1];
        afA = afA + p0 * epsA0 + p1 * epsA1;
        afB = afB + p0 * epsB0 + p1 * epsB1;
      } else if (p !== null) {
        for (let r = 0; r < rank; r++) {
          const pr = p[s * rank + r];
          afA += pr * eF[offRA + r];
          afB += pr * eF[offRB + r];
        }
      }
      const logitA = loc[s] + sqrtD[s] * eD[offNA + s] + afA;
      const logitB = loc[s] + sqrtD[s] * eD[offNB + s] + afB;
      // e = exp(−|t|) = exp(−|z|) for both signs; 1 − sigmoid(z) is e/(1 + e) for z ≥ 0 and
      // 1/(1 + e) for z < 0 (as in binaryMcLoss, branch-free).
      const eA = expNonPositive(-Math.abs(logitA));
      const eB = expNonPositive(-Math.abs(logitB));
      const invA = 1 / (1 + eA);
      const invB = 1 / (1 + eB);
      const hA = eA * invA;
      const hB = eB * invB;
      prodA *= 1 + eA;
      prodB *= 1 + eB;
      const s0 = sg0[s];
      const zA0 = s0 * logitA;
      const zB0 = s0 * logitB;
      const nA0 = +(zA0 < 0);
      const nB0 = +(zB0 < 0);
      sumA0 += Math.min(zA0, 0); // as binaryMcLoss: z = +∞ adds 0, not 0 · ∞
      sumB0 += Math.min(zB0, 0);
      a0[offNA + s] = s0 * (hA + nA0 * (invA - hA));
      a0[offNB + s] = s0 * (hB + nB0 * (invB - hB));
      if (two) {
        const s1 = sg1[s];
        const zA1 = s1 * logitA;
        const zB1 = s1 * logitB;
        const nA1 = +(zA1 < 0);
        const nB1 = +(zB1 < 0);
        sumA1 += Math.min(zA1, 0);
        sumB1 += Math.min(zB1, 0);
        a1[offNA + s] = s1 * (hA + nA1 * (invA - hA));
        a1[offNB + s] = s1 * (hB + nB1 * (invB - hB));
      }
    }
    const logA = Math.log(prodA);
    ll0[m] = sumA0 - logA;
    if (two) ll1[m] = sumA1 - logA;
    if (!single) {
      const logB = Math.log(prodB);
      ll0[mB] = sumB0 - logB;
      if (two) ll1[mB] = sumB1 - logB;
    }
  }
}

/**
 * For targets target0 and target1 (−1: none) from their slopes and weights, the sums over
 * samples m (in order, as binaryMcLoss's backward pass sums) behind the gradients of target t's
 * loss:
 *   sumLoc_s = Σ_m w_m slope_m(s),   sumDiag_s = Σ_m w_m slope_m(s) eps_N^(m)_s,
 *   sumFactor_s = Σ_m slope_m(s) (w_m eps_R^(m))
 * so ∂/∂loc_s = −sumLoc_s, ∂/∂d_s = −sumDiag_s / (2√d_s), ∂/∂P_s = −sumFactor_s. Samples in the
 * outer loop: every row of the slopes and of eps_N is read in order. Suffixes 0 and 1 name the
 * two targets.
 */
function backward(
  rank: number,
  lowRank: boolean,
  all: boolean,
  noise: Noise,
  ws: ToyStepWorkspace,
  target0: number,
  target1: number,
): void {
  // The preamble and the per-sample offsets mirror `forward`'s: both passes are unrolled over the
  // two targets in binaryMcLoss's operation order (bit for bit), so no helper sits in the loop.
  const n = ws.size;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const two = target1 >= 0;
  const t1 = two ? target1 : target0;
  const res0 = lossAndWeights(ws.logLikelihoods[target0], ws.weights[target0]);
  const res1 = two ? lossAndWeights(ws.logLikelihoods[t1], ws.weights[t1]) : res0;
  ws.losses[target0] = res0.loss;
  ws.losses[t1] = res1.loss;
  const w0 = res0.weights;
  const w1 = res1.weights;
  const a0 = ws.slopes[target0];
  const a1 = ws.slopes[t1];
  const gl0 = ws.sumLoc[target0];
  const gd0 = ws.sumDiag[target0];
  const cf0 = ws.sumFactor[target0];
  const gl1 = ws.sumLoc[t1];
  const gd1 = ws.sumDiag[t1];
  const cf1 = ws.sumFactor[t1];
  // Pixels outside, samples inside: every sum stays in a register (strided reads of M x N rows
  // that fit in L1 at the toy's sizes). A lone target takes the same loops without target 1.
  if (!all) {
    // A mean-only step: Σ_m w_m slope_m(s) alone.
    for (let s = 0; s < n; s++) {
      let l0 = 0;
      let l1 = 0;
      if (two) {
        for (let m = 0, j = s; m < count; m++, j += n) {
          l0 += w0[m] * a0[j];
          l1 += w1[m] * a1[j];
        }
        gl1[s] = l1;
      } else {
        for (let m = 0, j = s; m < count; m++, j += n) l0 += w0[m] * a0[j];
      }
      gl0[s] = l0;
    }
    return;
  }
  const f0 = ws.factorScratch[0];
  const f1 = ws.factorScratch[1];
  if (lowRank) {
    for (let m = 0, k = 0; m < count; m++) {
      for (let r = 0; r < rank; r++, k++) {
        f0[k] = w0[m] * eF[k];
        if (two) f1[k] = w1[m] * eF[k];
      }
    }
  }
  if (lowRank && rank === 2 && !two) {
    // The paper protocol's rank-2 model: every sum of a pixel in one pass over the samples.
    for (let s = 0; s < n; s++) {
      let l0 = 0;
      let d0 = 0;
      let c0 = 0;
      let c1 = 0;
      for (let m = 0, j = s, k = 0; m < count; m++, j += n, k += 2) {
        const a = a0[j];
        const b0 = w0[m] * a;
        l0 += b0;
        d0 += b0 * eD[j];
        c0 += a * f0[k];
        c1 += a * f0[k + 1];
      }
      gl0[s] = l0;
      gd0[s] = d0;
      cf0[2 * s] = c0;
      cf0[2 * s + 1] = c1;
    }
    return;
  }
  for (let s = 0; s < n; s++) {
    let l0 = 0;
    let d0 = 0;
    let l1 = 0;
    let d1 = 0;
    if (two) {
      for (let m = 0, j = s; m < count; m++, j += n) {
        const e = eD[j];
        const b0 = w0[m] * a0[j];
        const b1 = w1[m] * a1[j];
        l0 += b0;
        d0 += b0 * e;
        l1 += b1;
        d1 += b1 * e;
      }
    } else {
      for (let m = 0, j = s; m < count; m++, j += n) {
        const b0 = w0[m] * a0[j];
        l0 += b0;
        d0 += b0 * eD[j];
      }
    }
    gl0[s] = l0;
    gd0[s] = d0;
    if (two) {
      gl1[s] = l1;
      gd1[s] = d1;
    }
  }
  if (!lowRank) return;
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < rank; r++) {
      let c0 = 0;
      let c1 = 0;
      if (two) {
        for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) {
          c0 += a0[j] * f0[k];
          c1 += a1[j] * f1[k];
        }
        cf1[s * rank + r] = c1;
      } else {
        for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) c0 += a0[j] * f0[k];
      }
      cf0[s * rank + r] = c0;
    }
  }
}
