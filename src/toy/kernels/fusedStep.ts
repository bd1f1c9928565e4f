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
 * step.test.ts, "a mean-only step"). Rank 2, the paper's model, runs unrolled. A target whose
 * noise drives no other (the paper protocol's independent noises) runs four samples per pass.
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
      forwardLone(params.mean, sqrtD, p, rank, targets[pending], pending, noises[t], ws);
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
 * ℓ_t,m and the slopes ∂ℓ_t,m/∂t of targets target0 and target1, both driven by `noise` (the
 * `best` protocol's shared noises), two samples (A and B) per pass: their exps, divisions and
 * running sums are independent chains the processor overlaps (each sample's arithmetic is
 * unchanged), and each logit's exp and division serve both targets.
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
  const sg0 = labelSigns(targets[target0], ws.signs[target0]);
  const sg1 = labelSigns(targets[target1], ws.signs[target1]);
  const a0 = ws.slopes[target0];
  const a1 = ws.slopes[target1];
  const ll0 = ws.logLikelihoods[target0];
  const ll1 = ws.logLikelihoods[target1];
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
      sumA0 += nA0 * finite(zA0); // min(z, 0), see `finite`
      sumB0 += nB0 * finite(zB0);
      a0[offNA + s] = s0 * (hA + nA0 * (invA - hA));
      a0[offNB + s] = s0 * (hB + nB0 * (invB - hB));
      const s1 = sg1[s];
      const zA1 = s1 * logitA;
      const zB1 = s1 * logitB;
      const nA1 = +(zA1 < 0);
      const nB1 = +(zB1 < 0);
      sumA1 += nA1 * finite(zA1);
      sumB1 += nB1 * finite(zB1);
      a1[offNA + s] = s1 * (hA + nA1 * (invA - hA));
      a1[offNB + s] = s1 * (hB + nB1 * (invB - hB));
    }
    const logA = Math.log(prodA);
    ll0[m] = sumA0 - logA;
    ll1[m] = sumA1 - logA;
    if (!single) {
      const logB = Math.log(prodB);
      ll0[mB] = sumB0 - logB;
      ll1[mB] = sumB1 - logB;
    }
  }
}

/**
 * z, or 0 for z = +∞: then +(z < 0) · finite(z) is min(z, 0) bit for bit for every z but NaN
 * (whose likelihood is NaN either way, through the product of 1 + exp(−|z|)); test/toy/
 * step.test.ts checks overflowing logits. binaryMcLoss's Math.min, which V8 compiles with
 * branches for NaN and ±0, costs a step about a tenth more (bench/toyStepTimes.ts); the branch
 * here is not taken unless a logit overflows.
 */
function finite(z: number): number {
  return z < Infinity ? z : 0;
}

/** The signs ±1 of a 0/1 label map (+1 for label 1), into `into`; returns it. */
function labelSigns(y: ArrayLike<number>, into: Float64Array): Float64Array {
  for (let s = 0; s < into.length; s++) into[s] = y[s] === 1 ? 1 : -1;
  return into;
}

/**
 * `forward` for a lone target (the paper protocol's independent noises), four samples (A to D)
 * per pass for the same reason as forward's two: each sample's arithmetic is unchanged, and the
 * four are independent chains. The last pass of a count that is not a multiple of 4 repeats the
 * last sample in the missing slots; a repeat computes and stores the same bits again.
 */
function forwardLone(
  loc: Float64Array,
  sqrtD: Float64Array,
  p: Float64Array | null,
  rank: number,
  y: ArrayLike<number>,
  target: number,
  noise: Noise,
  ws: ToyStepWorkspace,
): void {
  const n = loc.length;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const sg = labelSigns(y, ws.signs[target]);
  const a = ws.slopes[target];
  const ll = ws.logLikelihoods[target];
  const rank2 = p !== null && rank === 2;
  const last = count - 1;
  for (let m = 0; m < count; m += 4) {
    const mA = m;
    // (Ternaries, not Math.min: V8's Math.min leaves the index a double, a fifth slower here.)
    const mB = m + 1 < last ? m + 1 : last;
    const mC = m + 2 < last ? m + 2 : last;
    const mD = m + 3 < last ? m + 3 : last;
    const oA = mA * n;
    const oB = mB * n;
    const oC = mC * n;
    const oD = mD * n;
    let sumA = 0;
    let sumB = 0;
    let sumC = 0;
    let sumD = 0;
    let prodA = 1;
    let prodB = 1;
    let prodC = 1;
    let prodD = 1;
    for (let s = 0; s < n; s++) {
      let afA = 0;
      let afB = 0;
      let afC = 0;
      let afD = 0;
      if (rank2) {
        const p0 = (p as Float64Array)[2 * s];
        const p1 = (p as Float64Array)[2 * s + 1];
        // Rank 2 unrolled as in `forward`: 0 + P_s0 eps_0 + P_s1 eps_1 (eps_R read here, not
        // hoisted: fewer live registers, which makes the diagonal model's pass a tenth faster).
        afA = afA + p0 * eF[2 * mA] + p1 * eF[2 * mA + 1];
        afB = afB + p0 * eF[2 * mB] + p1 * eF[2 * mB + 1];
        afC = afC + p0 * eF[2 * mC] + p1 * eF[2 * mC + 1];
        afD = afD + p0 * eF[2 * mD] + p1 * eF[2 * mD + 1];
      } else if (p !== null) {
        for (let r = 0; r < rank; r++) {
          const pr = p[s * rank + r];
          afA += pr * eF[mA * rank + r];
          afB += pr * eF[mB * rank + r];
          afC += pr * eF[mC * rank + r];
          afD += pr * eF[mD * rank + r];
        }
      }
      const ls = loc[s];
      const ds = sqrtD[s];
      const sgs = sg[s];
      const tA = ls + ds * eD[oA + s] + afA;
      const tB = ls + ds * eD[oB + s] + afB;
      const tC = ls + ds * eD[oC + s] + afC;
      const tD = ls + ds * eD[oD + s] + afD;
      // As in `forward`: e = exp(−|t|), 1 − sigmoid(z) = e/(1 + e) (z ≥ 0) or 1/(1 + e) (z < 0).
      const xA = expNonPositive(-Math.abs(tA));
      const xB = expNonPositive(-Math.abs(tB));
      const xC = expNonPositive(-Math.abs(tC));
      const xD = expNonPositive(-Math.abs(tD));
      const iA = 1 / (1 + xA);
      const iB = 1 / (1 + xB);
      const iC = 1 / (1 + xC);
      const iD = 1 / (1 + xD);
      const hA = xA * iA;
      const hB = xB * iB;
      const hC = xC * iC;
      const hD = xD * iD;
      prodA *= 1 + xA;
      prodB *= 1 + xB;
      prodC *= 1 + xC;
      prodD *= 1 + xD;
      const zA = sgs * tA;
      const zB = sgs * tB;
      const zC = sgs * tC;
      const zD = sgs * tD;
      const nA = +(zA < 0);
      sumA += nA * finite(zA);
      const nB = +(zB < 0);
      sumB += nB * finite(zB);
      const nC = +(zC < 0);
      sumC += nC * finite(zC);
      const nD = +(zD < 0);
      sumD += nD * finite(zD);
      a[oA + s] = sgs * (hA + nA * (iA - hA));
      a[oB + s] = sgs * (hB + nB * (iB - hB));
      a[oC + s] = sgs * (hC + nC * (iC - hC));
      a[oD + s] = sgs * (hD + nD * (iD - hD));
    }
    ll[mA] = sumA - Math.log(prodA);
    ll[mB] = sumB - Math.log(prodB);
    ll[mC] = sumC - Math.log(prodC);
    ll[mD] = sumD - Math.log(prodD);
  }
}

/**
 * For targets target0 and target1 (−1: none) from their slopes and weights, the sums over
 * samples m (in order, as binaryMcLoss's backward pass sums) behind the gradients of target t's
 * loss:
 *   sumLoc_s = Σ_m w_m slope_m(s),   sumDiag_s = Σ_m w_m slope_m(s) eps_N^(m)_s,
 *   sumFactor_s = Σ_m slope_m(s) (w_m eps_R^(m))
 * so ∂/∂loc_s = −sumLoc_s, ∂/∂d_s = −sumDiag_s / (2√d_s), ∂/∂P_s = −sumFactor_s. With `all`
 * false (a mean-only step) only sumLoc. Suffixes 0 and 1 name the two targets.
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
  const res0 = lossAndWeights(ws.logLikelihoods[target0], ws.weights[target0]);
  ws.losses[target0] = res0.loss;
  const sums0 = { w: res0.weights, a: ws.slopes[target0], f: ws.factorScratch[0] };
  const out0 = { gl: ws.sumLoc[target0], gd: ws.sumDiag[target0], cf: ws.sumFactor[target0] };
  if (target1 < 0) {
    loneSums(ws.size, rank, lowRank, all, noise, sums0, out0);
    return;
  }
  const res1 = lossAndWeights(ws.logLikelihoods[target1], ws.weights[target1]);
  ws.losses[target1] = res1.loss;
  pairSums(ws, rank, lowRank, all, noise, target0, target1, res0.weights, res1.weights);
}

/** A target's weights w, slopes a (M x N) and scratch f for w_m eps_R^(m) (M x R). */
interface SumInputs {
  w: Float64Array;
  a: Float64Array;
  f: Float64Array;
}

/** Where a target's sums go: sumLoc, sumDiag (N each) and sumFactor (N x R). */
interface SumOutputs {
  gl: Float64Array;
  gd: Float64Array;
  cf: Float64Array;
}

/**
 * `backward`'s sums for a lone target (the paper protocol's independent noises). Pixels outside,
 * samples inside, two pixels s and u = s + 1 per pass (a last odd pixel pairs with itself): every
 * sum stays in a register, and the two pixels' sums are independent chains the processor
 * overlaps (one chain's adds would wait on each other). Each sum runs over m in order.
 */
function loneSums(
  n: number,
  rank: number,
  lowRank: boolean,
  all: boolean,
  noise: Noise,
  { w, a, f }: SumInputs,
  { gl, gd, cf }: SumOutputs,
): void {
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const rank2 = lowRank && rank === 2;
  if (all && lowRank) {
    for (let m = 0, k = 0; m < count; m++) {
      for (let r = 0; r < rank; r++, k++) f[k] = w[m] * eF[k];
    }
  }
  for (let s = 0; s < n; s += 2) {
    const u = s + 1 < n ? s + 1 : s;
    let ls = 0;
    let lu = 0;
    if (!all) {
      for (let m = 0, j = 0; m < count; m++, j += n) {
        const wm = w[m];
        ls += wm * a[j + s];
        lu += wm * a[j + u];
      }
      gl[s] = ls;
      gl[u] = lu;
      continue;
    }
    let ds = 0;
    let du = 0;
    if (rank2) {
      // The paper's rank-2 model: the factor's sums in the same pass.
      let cs0 = 0;
      let cs1 = 0;
      let cu0 = 0;
      let cu1 = 0;
      for (let m = 0, j = 0, k = 0; m < count; m++, j += n, k += 2) {
        const wm = w[m];
        const as = a[j + s];
        const au = a[j + u];
        const bs = wm * as;
        const bu = wm * au;
        const f0 = f[k];
        const f1 = f[k + 1];
        ls += bs;
        ds += bs * eD[j + s];
        cs0 += as * f0;
        cs1 += as * f1;
        lu += bu;
        du += bu * eD[j + u];
        cu0 += au * f0;
        cu1 += au * f1;
      }
      cf[2 * s] = cs0;
      cf[2 * s + 1] = cs1;
      cf[2 * u] = cu0;
      cf[2 * u + 1] = cu1;
    } else {
      for (let m = 0, j = 0; m < count; m++, j += n) {
        const wm = w[m];
        const bs = wm * a[j + s];
        const bu = wm * a[j + u];
        ls += bs;
        ds += bs * eD[j + s];
        lu += bu;
        du += bu * eD[j + u];
      }
    }
    gl[s] = ls;
    gd[s] = ds;
    gl[u] = lu;
    gd[u] = du;
  }
  if (!all || !lowRank || rank2) return;
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < rank; r++) {
      let c = 0;
      for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) c += a[j] * f[k];
      cf[s * rank + r] = c;
    }
  }
}

/**
 * `backward`'s sums for two targets driven by one noise (the `best` protocol's shared noises),
 * one pixel per pass, the two targets' sums side by side.
 */
function pairSums(
  ws: ToyStepWorkspace,
  rank: number,
  lowRank: boolean,
  all: boolean,
  noise: Noise,
  target0: number,
  target1: number,
  w0: Float64Array,
  w1: Float64Array,
): void {
  const n = ws.size;
  const { count, epsFactor: eF, epsDiag: eD } = noise;
  const a0 = ws.slopes[target0];
  const a1 = ws.slopes[target1];
  const gl0 = ws.sumLoc[target0];
  const gd0 = ws.sumDiag[target0];
  const cf0 = ws.sumFactor[target0];
  const gl1 = ws.sumLoc[target1];
  const gd1 = ws.sumDiag[target1];
  const cf1 = ws.sumFactor[target1];
  for (let s = 0; s < n; s++) {
    let l0 = 0;
    let d0 = 0;
    let l1 = 0;
    let d1 = 0;
    if (!all) {
      for (let m = 0, j = s; m < count; m++, j += n) {
        l0 += w0[m] * a0[j];
        l1 += w1[m] * a1[j];
      }
    } else {
      for (let m = 0, j = s; m < count; m++, j += n) {
        const e = eD[j];
        const b0 = w0[m] * a0[j];
        const b1 = w1[m] * a1[j];
        l0 += b0;
        d0 += b0 * e;
        l1 += b1;
        d1 += b1 * e;
      }
    }
    gl0[s] = l0;
    gd0[s] = d0;
    gl1[s] = l1;
    gd1[s] = d1;
  }
  if (!all || !lowRank) return;
  const f0 = ws.factorScratch[0];
  const f1 = ws.factorScratch[1];
  for (let m = 0, k = 0; m < count; m++) {
    for (let r = 0; r < rank; r++, k++) {
      f0[k] = w0[m] * eF[k];
      f1[k] = w1[m] * eF[k];
    }
  }
  for (let s = 0; s < n; s++) {
    for (let r = 0; r < rank; r++) {
      let c0 = 0;
      let c1 = 0;
      for (let m = 0, j = s, k = r; m < count; m++, j += n, k += rank) {
        c0 += a0[j] * f0[k];
        c1 += a1[j] * f1[k];
      }
      cf0[s * rank + r] = c0;
      cf1[s * rank + r] = c1;
    }
  }
}
