/**
 * One training step of the toy problem, fused: the mean over the targets of the MC loss (paper
 * eq. 7, bernoulli likelihood) and its gradients with respect to the free parameters, in one
 * pass per noise and without building the distribution.
 *
 * It computes exactly what `trainToy` computed from the general pieces, operation for operation
 * (test/toy/step.test.ts checks the bits):
 *   for each target t:  res_t = mcLoss(toyDistribution(p), y_t, noise_t, bernoulli)
 *   loss = Σ_t ½ res_t.loss,   grads = toyDistributionVjp(p, Σ_t ½ res_t.grad…)
 * What it leaves out is the cost of generality at N = 21, where a step is a few microseconds of
 * arithmetic: the capacitance Cholesky (the loss does not use it), the copies and checks of the
 * distribution and the noises, the per-call allocation, and, when targets share one noise (the
 * `best` protocol's common random numbers), the second exp, division and log of every sampled
 * logit, since exp(−|z|) depends on the logit t only (z = ±t):
 *   t_m(s) = loc_s + √d_s eps_N^(m)_s + P_s · eps_R^(m),   e = exp(−|t|)
 *   ℓ_t,m = Σ_s min(z, 0) − log Π_s (1 + e),   ∂ℓ_t,m/∂t = ±(1 − sigmoid(z))
 * @see src/loss/mcLoss.ts (binaryMcLoss) for the general path and the derivation
 */
import type { Noise } from '../distribution/noise.js';
import { expNonPositive, lossAndWeights } from '../loss/mcLoss.js';
import { checkBinary, checkFinite, checkLength } from '../util/validate.js';
import {
  checkToyParams,
  toyDistributionVjp,
  toyFactors,
  type ToyGrads,
  type ToyParams,
} from './model.js';

/** Scratch arrays of a step, reused from step to step (see `createToyStepWorkspace`). */
export interface ToyStepWorkspace {
  readonly size: number;
  readonly count: number;
  /** Per target: ∂ℓ_t,m/∂t_m(s), M x N sample-major. */
  readonly slopes: Float64Array[];
  /** Per target: ℓ_t,m, length M. */
  readonly logLikelihoods: Float64Array[];
  /** Per target: the sample weights softmax(ℓ_t), length M. */
  readonly weights: Float64Array[];
  /** Per target: its label signs ±1, length N. */
  readonly signs: Float64Array[];
  /** w_m eps_R^(m), M x R. */
  readonly weightedFactorNoise: Float64Array;
}

/**
 * Scratch for steps of `targets` label maps of `size` pixels, `count` samples and rank `rank`.
 */
export function createToyStepWorkspace(
  size: number,
  rank: number,
  count: number,
  targets: number,
): ToyStepWorkspace {
  const each = (len: number) => Array.from({ length: targets }, () => new Float64Array(len));
  return {
    size,
    count,
    slopes: each(count * size),
    logLikelihoods: each(count),
    weights: each(count),
    signs: each(size),
    weightedFactorNoise: new Float64Array(count * Math.max(rank, 1)),
  };
}

/**
 * The toy's training loss and its gradients with respect to the free parameters, for given
 * noises: `noises[t]` drives target t, and targets given the same Noise object share its
 * samples (and their exps). Each noise holds M x max(R, 1) factor noises and M x N diagonal
 * ones; the diagonal model's factor noises are drawn but unused, as in `trainToy`.
 * @throws RangeError naming the argument when the targets or noises have the wrong lengths, a
 *   label is not 0/1, a noise is not finite, a direction column is zero, or exp(logDiag) or
 *   exp(logScale) overflows
 */
export function toyLossAndGrads(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  noises: readonly Noise[],
  workspace?: ToyStepWorkspace,
): { loss: number; grads: ToyGrads } {
  const n = checkToyParams(params);
  const rank = Math.max(params.rank, 1);
  if (targets.length === 0) throw new RangeError('targets: need at least one label map');
  if (noises.length !== targets.length) {
    throw new RangeError(`noises: need one per target (${targets.length}), got ${noises.length}`);
  }
  targets.forEach((y, t) => {
    checkLength(`targets[${t}]`, y, n, `N = ${n}`);
    checkBinary(`targets[${t}]`, y);
  });
  const count = noises[0].count;
  noises.forEach((nz, t) => {
    if (nz.count !== count) {
      throw new RangeError(`noises[${t}]: holds ${nz.count} samples, noises[0] holds ${count}`);
    }
    checkLength(`noises[${t}].epsFactor`, nz.epsFactor, count * rank, `M x R`);
    checkLength(`noises[${t}].epsDiag`, nz.epsDiag, count * n, `M x N`);
    checkFinite(`noises[${t}].epsFactor`, nz.epsFactor);
    checkFinite(`noises[${t}].epsDiag`, nz.epsDiag);
  });
  const ws =
    workspace !== undefined && workspace.size === n && workspace.count === count
      ? workspace
      : createToyStepWorkspace(n, rank, count, targets.length);
  if (ws.slopes.length < targets.length) {
    throw new RangeError(`workspace: made for ${ws.slopes.length} targets, got ${targets.length}`);
  }
  return fusedToyStep(params, targets, noises, ws);
}

/**
 * `toyLossAndGrads` after validation (for `trainToy`, whose noises are drawn to size and whose
 * targets are checked once).
 */
export function fusedToyStep(
  params: ToyParams,
  targets: readonly ArrayLike<number>[],
  noises: readonly Noise[],
  ws: ToyStepWorkspace,
): { loss: number; grads: ToyGrads } {
  const n = params.mean.length;
  const lowRank = params.rank > 0;
  const rank = Math.max(params.rank, 1);
  const { covDiag, covFactor } = toyFactors(params);
  checkFinite('mean', params.mean);
  checkFinite('exp(logDiag)', covDiag);
  checkFinite('covFactor (exp(logScale))', covFactor);
  const sqrtD = new Float64Array(n);
  for (let i = 0; i < n; i++) sqrtD[i] = Math.sqrt(covDiag[i]);
  const half = 1 / targets.length;
  const gradLoc = new Float64Array(n);
  const gradCovDiag = new Float64Array(n);
  const gradCovFactor = new Float64Array(n * rank);
  const done = new Uint8Array(targets.length);
  let loss = 0;
  for (let t = 0; t < targets.length; t++) {
    if (done[t] === 0) {
      // Every target that shares this noise is computed in the same pass.
      const group: number[] = [];
      for (let u = t; u < targets.length; u++) if (noises[u] === noises[t]) group.push(u);
      forward(params.mean, sqrtD, lowRank ? covFactor : null, rank, targets, group, noises[t], ws);
      for (const u of group) done[u] = 1;
    }
    loss +=
      half *
      backward(sqrtD, rank, lowRank, noises[t], ws, t, half, gradLoc, gradCovDiag, gradCovFactor);
  }
  const grads = toyDistributionVjp(params, { gradLoc, gradCovFactor, gradCovDiag });
  return { loss, grads };
}

/** ℓ_t,m and the slopes ∂ℓ_t,m/∂t of every target in `group`, all driven by `noise`. */
function forward(
  loc: Float64Array,
  sqrtD: Float64Array,
  p: Float64Array | null,
  rank: number,
  targets: readonly ArrayLike<number>[],
  group: readonly number[],
  noise: Noise,
  ws: ToyStepWorkspace,
): void {
  const n = loc.length;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  for (const t of group) {
    const y = targets[t];
    const sg = ws.signs[t];
    for (let s = 0; s < n; s++) sg[s] = y[s] === 1 ? 1 : -1;
  }
  const g0 = group[0];
  const two = group.length >= 2;
  const g1 = two ? group[1] : g0;
  const sg0 = ws.signs[g0];
  const sg1 = ws.signs[g1];
  const a0 = ws.slopes[g0];
  const a1 = ws.slopes[g1];
  const ll0 = ws.logLikelihoods[g0];
  const ll1 = ws.logLikelihoods[g1];
  // Two samples per pass: their exps, divisions and running sums are independent chains the
  // processor overlaps (the arithmetic of each sample is unchanged).
  const m2 = count - (count % 2);
  for (let m = 0; m < count; m += 2) {
    const single = m === m2; // the last sample of an odd count: B repeats A, and is dropped
    const mB = single ? m : m + 1;
    const eRA = m * rank;
    const eRB = mB * rank;
    const eNA = m * n;
    const eNB = mB * n;
    let sumA0 = 0;
    let sumA1 = 0;
    let prodA = 1;
    let sumB0 = 0;
    let sumB1 = 0;
    let prodB = 1;
    for (let s = 0; s < n; s++) {
      let afA = 0;
      let afB = 0;
      if (p !== null) {
        for (let r = 0; r < rank; r++) {
          const pr = p[s * rank + r];
          afA += pr * eF[eRA + r];
          afB += pr * eF[eRB + r];
        }
      }
      const tA = loc[s] + sqrtD[s] * eD[eNA + s] + afA;
      const tB = loc[s] + sqrtD[s] * eD[eNB + s] + afB;
      // e = exp(−|t|) = exp(−|z|) for both signs; 1 − sigmoid(z) is e/(1 + e) for z ≥ 0 and
      // 1/(1 + e) for z < 0 (as in binaryForward, branch-free).
      const eA = expNonPositive(-Math.abs(tA));
      const eB = expNonPositive(-Math.abs(tB));
      const invA = 1 / (1 + eA);
      const invB = 1 / (1 + eB);
      const hA = eA * invA;
      const hB = eB * invB;
      prodA *= 1 + eA;
      prodB *= 1 + eB;
      const s0 = sg0[s];
      const zA0 = s0 * tA;
      const zB0 = s0 * tB;
      const nA0 = +(zA0 < 0);
      const nB0 = +(zB0 < 0);
      sumA0 += nA0 * zA0;
      sumB0 += nB0 * zB0;
      a0[eNA + s] = s0 * (hA + nA0 * (invA - hA));
      a0[eNB + s] = s0 * (hB + nB0 * (invB - hB));
      if (two) {
        const s1 = sg1[s];
        const zA1 = s1 * tA;
        const zB1 = s1 * tB;
        const nA1 = +(zA1 < 0);
        const nB1 = +(zB1 < 0);
        sumA1 += nA1 * zA1;
        sumB1 += nB1 * zB1;
        a1[eNA + s] = s1 * (hA + nA1 * (invA - hA));
        a1[eNB + s] = s1 * (hB + nB1 * (invB - hB));
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
  // Groups of three or more targets (not the toy's) take one more pass per extra target.
  for (let k = 2; k < group.length; k++) {
    const t = group[k];
    forward(loc, sqrtD, p, rank, targets, [t], noise, ws);
  }
}

/**
 * Target t's loss, and its gradients (scaled by `half`) added into the three accumulators:
 * ∂/∂loc_s = −Σ_m w_m a_m(s), ∂/∂d_s = −Σ_m w_m a_m(s) eps_N^(m)_s / (2√d_s),
 * ∂/∂P_s = −Σ_m a_m(s) w_m eps_R^(m), every sum over m in order (as binaryBackward sums).
 */
function backward(
  sqrtD: Float64Array,
  rank: number,
  lowRank: boolean,
  noise: Noise,
  ws: ToyStepWorkspace,
  t: number,
  half: number,
  gradLoc: Float64Array,
  gradCovDiag: Float64Array,
  gradCovFactor: Float64Array,
): number {
  const n = sqrtD.length;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const a = ws.slopes[t];
  const { loss, weights: w } = lossAndWeights(ws.logLikelihoods[t], ws.weights[t]);
  const wF = ws.weightedFactorNoise;
  if (lowRank) {
    for (let m = 0; m < count; m++) {
      for (let r = 0; r < rank; r++) wF[m * rank + r] = w[m] * eF[m * rank + r];
    }
  }
  for (let s = 0; s < n; s++) {
    let gl = 0;
    let gd = 0;
    for (let m = 0; m < count; m++) {
      const b = w[m] * a[m * n + s];
      gl += b;
      gd += b * eD[m * n + s];
    }
    gradLoc[s] += half * -gl;
    gradCovDiag[s] += half * (-gd / (2 * sqrtD[s]));
    if (!lowRank) continue;
    for (let r = 0; r < rank; r++) {
      let c = 0;
      for (let m = 0; m < count; m++) c += a[m * n + s] * wF[m * rank + r];
      gradCovFactor[s * rank + r] += half * -c;
    }
  }
  return loss;
}
