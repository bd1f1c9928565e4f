/**
 * 60-digit reference values of the conformance ops (mathjs BigNumber), from the inputs as exact
 * doubles: the low-rank log-density and entropy through a dense Cholesky factor of
 * Σ = P Pᵀ + D, samples and the MC loss with its gradients straight from their definitions
 * (spec/conformance.md). Small sizes only: O(N³) BigNumber operations.
 */
import { all, create, type BigNumber } from 'mathjs';

const math = create(all, { number: 'BigNumber', precision: 60 });
/** A double's exact value (toPrecision(100) prints every binary digit that matters at 60). */
const big = (x: number): BigNumber => math.bignumber(x.toPrecision(100));
const ZERO = big(0);
const LOG_2PI = big(2)
  .times(math.pi as unknown as BigNumber)
  .ln();

type Inputs = Record<string, unknown>;
const nums = (inputs: Inputs, name: string): number[] => inputs[name] as number[];

/** Lower Cholesky factor of Σ = P Pᵀ + diag(d), at 60 digits. */
function covarianceCholesky(inputs: Inputs): BigNumber[][] {
  const p = nums(inputs, 'covFactor');
  const d = nums(inputs, 'covDiag');
  const R = inputs.rank as number;
  const N = d.length;
  const sigma = (i: number, j: number) => {
    let s = i === j ? big(d[i]) : ZERO;
    for (let r = 0; r < R; r++) s = s.plus(big(p[i * R + r]).times(big(p[j * R + r])));
    return s;
  };
  const l: BigNumber[][] = Array.from({ length: N }, () => new Array<BigNumber>(N).fill(ZERO));
  for (let j = 0; j < N; j++) {
    let s = sigma(j, j);
    for (let k = 0; k < j; k++) s = s.minus(l[j][k].times(l[j][k]));
    l[j][j] = s.sqrt();
    for (let i = j + 1; i < N; i++) {
      let t = sigma(i, j);
      for (let k = 0; k < j; k++) t = t.minus(l[i][k].times(l[j][k]));
      l[i][j] = t.div(l[j][j]);
    }
  }
  return l;
}

function logDet(l: BigNumber[][]): BigNumber {
  return l.reduce((s, row, j) => s.plus(row[j].ln().times(2)), ZERO);
}

/** log N(x; loc, P Pᵀ + D). */
export function exactLogProb(inputs: Inputs): number {
  const l = covarianceCholesky(inputs);
  const x = nums(inputs, 'x');
  const loc = nums(inputs, 'loc');
  const y: BigNumber[] = [];
  let q = ZERO;
  for (let i = 0; i < x.length; i++) {
    let t = big(x[i]).minus(big(loc[i]));
    for (let k = 0; k < i; k++) t = t.minus(l[i][k].times(y[k]));
    y.push(t.div(l[i][i]));
    q = q.plus(y[i].times(y[i]));
  }
  return LOG_2PI.times(x.length).plus(logDet(l)).plus(q).times(-0.5).toNumber();
}

/** ½ (N (1 + log 2π) + log det Σ). */
export function exactEntropy(inputs: Inputs): number {
  const n = nums(inputs, 'loc').length;
  return LOG_2PI.plus(1)
    .times(n)
    .plus(logDet(covarianceCholesky(inputs)))
    .times(0.5)
    .toNumber();
}

/** η_m = loc + T (P ε_R,m + √d ⊙ ε_N,m), m = 0..M−1, at 60 digits. */
function exactSamples(inputs: Inputs): BigNumber[][] {
  const loc = nums(inputs, 'loc');
  const p = nums(inputs, 'covFactor');
  const sd = nums(inputs, 'covDiag').map((v) => big(v).sqrt());
  const eR = nums(inputs, 'epsFactor');
  const eN = nums(inputs, 'epsDiag');
  const R = inputs.rank as number;
  const T = big((inputs.temperature as number | undefined) ?? 1);
  const N = loc.length;
  return Array.from({ length: eN.length / N }, (_, m) =>
    loc.map((mu, i) => {
      let v = sd[i].times(big(eN[m * N + i]));
      for (let r = 0; r < R; r++) v = v.plus(big(p[i * R + r]).times(big(eR[m * R + r])));
      return big(mu).plus(T.times(v));
    }),
  );
}

/** `lowrank.rsample`'s samples, sample m at m·N. */
export function exactRsample(inputs: Inputs): number[] {
  return exactSamples(inputs).flatMap((row) => row.map((v) => v.toNumber()));
}

/** `loss.mc`: the loss and its gradients (spec/conformance.md#lossmc-paper-eq-7). */
export function exactLoss(inputs: Inputs): Record<string, number | number[]> {
  const eta = exactSamples(inputs);
  const labels = nums(inputs, 'labels');
  const mask = inputs.mask as number[] | undefined;
  const C = inputs.classes as number;
  const S = labels.length;
  const R = inputs.rank as number;
  const bernoulli = inputs.likelihood === 'bernoulli';
  const at = (c: number, s: number) => (inputs.layout === 'pixel-major' ? s * C + c : c * S + s);
  const N = eta[0].length;
  const M = eta.length;
  // ℓ_m and ∂ℓ_m/∂η_m.
  const ll: BigNumber[] = [];
  const dl: BigNumber[][] = [];
  for (const e of eta) {
    let l = ZERO;
    const g = new Array<BigNumber>(N).fill(ZERO);
    for (let s = 0; s < S; s++) {
      if (mask !== undefined && mask[s] === 0) continue;
      const y = labels[s];
      if (bernoulli) {
        // log σ(±η) = −log(1 + e^{∓η}); ∂/∂η = y − σ(η).
        l = l.minus(
          big(1)
            .plus((y === 1 ? e[s].neg() : e[s]).exp())
            .ln(),
        );
        g[s] = big(y).minus(big(1).div(big(1).plus(e[s].neg().exp())));
      } else {
        let lz = ZERO;
        for (let c = 0; c < C; c++) lz = lz.plus(e[at(c, s)].exp());
        lz = lz.ln();
        l = l.plus(e[at(y, s)].minus(lz));
        for (let c = 0; c < C; c++) {
          g[at(c, s)] = big(c === y ? 1 : 0).minus(e[at(c, s)].minus(lz).exp());
        }
      }
    }
    ll.push(l);
    dl.push(g);
  }
  const lse = ll.reduce((s, l) => s.plus(l.exp()), ZERO).ln();
  const w = ll.map((l) => l.minus(lse).exp());
  const eR = nums(inputs, 'epsFactor');
  const eN = nums(inputs, 'epsDiag');
  const sd = nums(inputs, 'covDiag').map((v) => big(v).sqrt());
  const gradLoc: number[] = [];
  const gradCovFactor: number[] = [];
  const gradCovDiag: number[] = [];
  for (let i = 0; i < N; i++) {
    // ∂loss/∂η_m = −w_m ∂ℓ_m/∂η_m.
    const gm = dl.map((g, m) => w[m].times(g[i]).neg());
    gradLoc.push(gm.reduce((s, v) => s.plus(v), ZERO).toNumber());
    const diag = gm.reduce((s, v, m) => s.plus(v.times(big(eN[m * N + i]))), ZERO);
    gradCovDiag.push(diag.div(sd[i].times(2)).toNumber());
    for (let r = 0; r < R; r++) {
      gradCovFactor.push(
        gm.reduce((s, v, m) => s.plus(v.times(big(eR[m * R + r]))), ZERO).toNumber(),
      );
    }
  }
  return { loss: lse.neg().plus(big(M).ln()).toNumber(), gradLoc, gradCovFactor, gradCovDiag };
}
