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
import { checkFinite, checkLength } from '../util/validate.js';
import {
  checkToyParams,
  checkToyTargets,
  toyDistributionVjp,
  toyFactors,
  type ToyGrads,
  type ToyParams,
} from './model.js';

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
  /** Per target: Σ_m w_m a_m(s), Σ_m w_m a_m(s) eps_N^(m)_s (N each) and Σ_m a_m(s) w_m eps_R^(m) (N x R). */
  readonly sumLoc: Float64Array[];
  readonly sumDiag: Float64Array[];
  readonly sumFactor: Float64Array[];
  /** w_m eps_R^(m) for targets A and B of a pass, M x R each. */
  readonly factorScratch: Float64Array[];
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
 * (0 for the diagonal model).
 */
export function createToyStepWorkspace(
  size: number,
  rank: number,
  count: number,
  targets: number,
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
    covDiag: new Float64Array(size),
    sqrtD: new Float64Array(size),
    covFactor: new Float64Array(size * rank),
    gradLoc: new Float64Array(size),
    gradCovDiag: new Float64Array(size),
    gradCovFactor: new Float64Array(size * r),
    grads: {
      dMean: new Float64Array(size),
      dLogDiag: new Float64Array(size),
      dLogScale: new Float64Array(rank),
      dDirection: new Float64Array(size * rank),
    },
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
  checkToyTargets(targets, n);
  if (noises.length !== targets.length) {
    throw new RangeError(`noises: need one per target (${targets.length}), got ${noises.length}`);
  }
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
  const fits =
    workspace !== undefined &&
    workspace.size === n &&
    workspace.rank === params.rank &&
    workspace.count === count &&
    workspace.slopes.length === targets.length;
  if (workspace !== undefined && !fits) {
    throw new RangeError(
      `workspace: made for N ${workspace.size}, R ${workspace.rank}, M ${workspace.count}, ` +
        `${workspace.slopes.length} targets; got ${n}, ${params.rank}, ${count}, ${targets.length}`,
    );
  }
  const ws = workspace ?? createToyStepWorkspace(n, params.rank, count, targets.length);
  return fusedToyStep(params, targets, noises, ws);
}

/**
 * `toyLossAndGrads` after validation (for `trainToy`, whose noises are drawn to size and whose
 * targets are checked once). The gradients returned live in `ws`.
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
  const { covDiag, covFactor, sqrtD, gradLoc, gradCovDiag, gradCovFactor } = ws;
  toyFactors(params, ws);
  checkFinite('mean', params.mean);
  checkFinite('exp(logDiag)', covDiag);
  checkFinite('covFactor (exp(logScale))', covFactor);
  for (let i = 0; i < n; i++) sqrtD[i] = Math.sqrt(covDiag[i]);
  const p = lowRank ? covFactor : null;
  // Targets given one Noise object are computed together, two per pass.
  const done = new Uint8Array(targets.length);
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
      backward(rank, lowRank, noises[t], ws, pending, u);
      pending = -1;
    }
    if (pending >= 0) {
      forward(params.mean, sqrtD, p, rank, targets, pending, -1, noises[t], ws);
      backward(rank, lowRank, noises[t], ws, pending, -1);
    }
  }
  // The mean over targets, summed in target order (as trainToy summed mcLoss's results).
  const half = 1 / targets.length;
  gradLoc.fill(0);
  gradCovDiag.fill(0);
  gradCovFactor.fill(0);
  let loss = 0;
  for (let t = 0; t < targets.length; t++) {
    loss += half * ws.losses[t];
    const gl = ws.sumLoc[t];
    const gd = ws.sumDiag[t];
    for (let s = 0; s < n; s++) {
      gradLoc[s] += half * -gl[s];
      gradCovDiag[s] += half * (-gd[s] / (2 * sqrtD[s]));
    }
    if (lowRank) {
      const cf = ws.sumFactor[t];
      for (let j = 0; j < n * rank; j++) gradCovFactor[j] += half * -cf[j];
    }
  }
  const grads = toyDistributionVjp(params, { gradLoc, gradCovFactor, gradCovDiag }, ws.grads);
  return { loss, grads };
}

/**
 * ℓ_t,m and the slopes ∂ℓ_t,m/∂t of targets tA and tB (−1: none), both driven by `noise`, two
 * samples per pass: their exps, divisions and running sums are independent chains the
 * processor overlaps (each sample's arithmetic is unchanged).
 */
function forward(
  loc: Float64Array,
  sqrtD: Float64Array,
  p: Float64Array | null,
  rank: number,
  targets: readonly ArrayLike<number>[],
  tA: number,
  tB: number,
  noise: Noise,
  ws: ToyStepWorkspace,
): void {
  const n = loc.length;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const two = tB >= 0;
  const g1 = two ? tB : tA;
  for (const t of two ? [tA, tB] : [tA]) {
    const y = targets[t];
    const sg = ws.signs[t];
    for (let s = 0; s < n; s++) sg[s] = y[s] === 1 ? 1 : -1;
  }
  const sg0 = ws.signs[tA];
  const sg1 = ws.signs[g1];
  const a0 = ws.slopes[tA];
  const a1 = ws.slopes[g1];
  const ll0 = ws.logLikelihoods[tA];
  const ll1 = ws.logLikelihoods[g1];
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
}

/**
 * For targets tA and tB (−1: none) from their slopes and weights, the sums over samples m (in
 * order, as binaryBackward sums) behind the gradients of target t's loss:
 *   sumLoc_s = Σ_m w_m a_m(s),   sumDiag_s = Σ_m w_m a_m(s) eps_N^(m)_s,
 *   sumFactor_s = Σ_m a_m(s) (w_m eps_R^(m))
 * so ∂/∂loc_s = −sumLoc_s, ∂/∂d_s = −sumDiag_s / (2√d_s), ∂/∂P_s = −sumFactor_s. Samples in the
 * outer loop: every row of the slopes and of eps_N is read in order.
 */
function backward(
  rank: number,
  lowRank: boolean,
  noise: Noise,
  ws: ToyStepWorkspace,
  tA: number,
  tB: number,
): void {
  const n = ws.size;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const two = tB >= 0;
  const g1 = two ? tB : tA;
  const resA = lossAndWeights(ws.logLikelihoods[tA], ws.weights[tA]);
  const resB = two ? lossAndWeights(ws.logLikelihoods[g1], ws.weights[g1]) : resA;
  ws.losses[tA] = resA.loss;
  ws.losses[g1] = resB.loss;
  const wA = resA.weights;
  const wB = resB.weights;
  const aA = ws.slopes[tA];
  const aB = ws.slopes[g1];
  const glA = ws.sumLoc[tA];
  const gdA = ws.sumDiag[tA];
  const cfA = ws.sumFactor[tA];
  const glB = ws.sumLoc[g1];
  const gdB = ws.sumDiag[g1];
  const cfB = ws.sumFactor[g1];
  // Pixels outside, samples inside: every sum stays in a register (strided reads of M x N rows
  // that fit in L1 at the toy's sizes). A lone target takes the same loops without B.
  for (let s = 0; s < n; s++) {
    let la = 0;
    let da = 0;
    let lb = 0;
    let db = 0;
    if (two) {
      for (let m = 0, j = s; m < count; m++, j += n) {
        const e = eD[j];
        const b0 = wA[m] * aA[j];
        const b1 = wB[m] * aB[j];
        la += b0;
        da += b0 * e;
        lb += b1;
        db += b1 * e;
      }
    } else {
      for (let m = 0, j = s; m < count; m++, j += n) {
        const b0 = wA[m] * aA[j];
        la += b0;
        da += b0 * eD[j];
      }
    }
    glA[s] = la;
    gdA[s] = da;
    if (two) {
      glB[s] = lb;
      gdB[s] = db;
    }
  }
  if (!lowRank) return;
  const fA = ws.factorScratch[0];
  const fB = ws.factorScratch[1];
  for (let m = 0; m < count * rank; m++) {
    fA[m] = wA[(m / rank) | 0] * eF[m];
    if (two) fB[m] = wB[(m / rank) | 0] * eF[m];
  }
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < rank; r++) {
      let ca = 0;
      let cb = 0;
      if (two) {
        for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) {
          ca += aA[j] * fA[k];
          cb += aB[j] * fB[k];
        }
        cfB[s * rank + r] = cb;
      } else {
        for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) ca += aA[j] * fA[k];
      }
      cfA[s * rank + r] = ca;
    }
  }
}
