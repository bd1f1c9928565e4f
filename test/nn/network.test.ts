import { describe, it, expect } from 'vitest';
import {
  createUNet,
  unetForward,
  unetParameterCount,
  unetParameters,
  unetVjp,
  referenceConvOps,
} from '../../src/nn/network.js';
import { createHeads, headParameters, headsForward, headsVjp } from '../../src/nn/heads.js';
import {
  createSsnNetwork,
  ssnDistribution,
  ssnForward,
  ssnParameterCount,
  ssnParameters,
  ssnVjp,
} from '../../src/nn/ssnNetwork.js';
import type { SsnNetwork } from '../../src/nn/ssnNetwork.js';
import type { FeatureMap } from '../../src/nn/featureMap.js';
import { createRng, standardNormal } from '../../src/random/rng.js';
import { dot } from './helpers.js';
import { isClose } from '../helpers/close.js';

const fm = (c: number, h: number, w: number, seed: string): FeatureMap => ({
  data: standardNormal(createRng(seed), c * h * w),
  channels: c,
  height: h,
  width: w,
});

/** Adds eps·v (split over the arrays in order) into the arrays, in place. */
function nudge(arrays: Float64Array[], v: Float64Array, eps: number): void {
  let k = 0;
  for (const a of arrays) for (let j = 0; j < a.length; j++) a[j] += eps * v[k++];
}

const flat = (arrays: Float64Array[]) => {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const out = new Float64Array(n);
  let k = 0;
  for (const a of arrays) {
    out.set(a, k);
    k += a.length;
  }
  return out;
};

/**
 * Central differences of θ ↦ ⟨u, f(θ)⟩ along v against ⟨vjp(u), v⟩ (ε = 1e-6, float64); the
 * arrays are restored afterwards.
 */
function checkParamVjp(
  arrays: Float64Array[],
  f: () => Float64Array,
  vjp: (u: Float64Array) => Float64Array,
  seed: string,
) {
  const y = f();
  const u = standardNormal(createRng(`${seed}/u`), y.length);
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const v = standardNormal(createRng(`${seed}/v`), n);
  const eps = 1e-6;
  nudge(arrays, v, eps);
  const plus = dot(f(), u);
  nudge(arrays, v, -2 * eps);
  const minus = dot(f(), u);
  nudge(arrays, v, eps);
  const fd = (plus - minus) / (2 * eps);
  const got = dot(vjp(u), v);
  expect(isClose(got, fd, 1e-6, 1e-8 * (1 + Math.abs(dot(y, u)))), `${got} vs ${fd}`).toBe(true);
}

describe('U-Net body', () => {
  it('has the parameter count of src/nn/README.md (120 + 1,308 + 2,616 + 5,200 = 9,244)', () => {
    expect(unetParameterCount(createUNet(createRng(0)))).toBe(9244);
    expect(
      unetParameterCount(
        createUNet(createRng(0), { widths: { encoder: 16, bottleneck: 32, decoder: 16 } }),
      ),
    ).toBe(14048);
  });

  it('keeps the spatial size and outputs decoder-width channels, all ≥ 0 (final ReLU)', () => {
    const p = createUNet(createRng(1), { widths: { encoder: 3, bottleneck: 5, decoder: 4 } });
    const { features } = unetForward(referenceConvOps, p, fm(1, 6, 8, 'x'));
    expect([features.channels, features.height, features.width]).toEqual([4, 6, 8]);
    expect(features.data.every((v) => v >= 0)).toBe(true);
  });

  for (const seed of ['a', 'b', 'c']) {
    it(`VJP matches central differences in the parameters and the input (seed ${seed})`, () => {
      const p = createUNet(createRng(`net/${seed}`), {
        inChannels: 2,
        widths: { encoder: 2, bottleneck: 3, decoder: 2 },
      });
      // Non-zero biases so that the ReLUs are not all on the same side.
      for (const a of unetParameters(p))
        if (a.length <= 3)
          a.set(standardNormal(createRng(`b/${a.length}`), a.length).map((v) => 0.3 * v));
      const x = fm(2, 4, 6, `x/${seed}`);
      const params = unetParameters(p);
      const run = () => unetForward(referenceConvOps, p, x);
      const vjp = (u: Float64Array) => {
        const { features, cache } = run();
        const r = unetVjp(referenceConvOps, p, cache, { ...features, data: u });
        return flat([...r.grads, r.gradInput.data]);
      };
      checkParamVjp([...params, x.data as Float64Array], () => run().features.data, vjp, seed);
    });
  }

  it('rejects a wrong channel count and odd sizes, naming x', () => {
    const p = createUNet(createRng(0), { widths: { encoder: 2, bottleneck: 2, decoder: 2 } });
    expect(() => unetForward(referenceConvOps, p, fm(2, 4, 4, 'x'))).toThrow(/^x: has 2 channels/);
    expect(() => unetForward(referenceConvOps, p, fm(1, 5, 4, 'x'))).toThrow(
      /^x: height and width must be even/,
    );
    expect(() => createUNet(createRng(0), { widths: { encoder: 0 } })).toThrow(/^widths.encoder/);
  });
});

describe('heads', () => {
  it('have 1×1 convolutions with C, C and R·C outputs', () => {
    const h = createHeads(createRng(0), { kind: 'lowrank', inChannels: 16, classes: 2, rank: 10 });
    expect(headParameters(h).map((a) => a.length)).toEqual([32, 2, 32, 2, 320, 20]);
    const d = createHeads(createRng(0), { kind: 'diagonal', inChannels: 16, classes: 2 });
    expect(headParameters(d).map((a) => a.length)).toEqual([32, 2, 32, 2]);
    const det = createHeads(createRng(0), { kind: 'deterministic', inChannels: 16, classes: 2 });
    expect(headParameters(det).map((a) => a.length)).toEqual([32, 2]);
    // README: 9,244 + 17·C·(R + 2) = 9,244 + 408 for C = 2, R = 10.
    expect(ssnParameterCount(createSsnNetwork(createRng(0), { kind: 'lowrank' }))).toBe(9652);
  });

  it('VJP matches central differences (low-rank heads, parameters and features)', () => {
    const h = createHeads(createRng(3), { kind: 'lowrank', inChannels: 3, classes: 3, rank: 2 });
    const x = fm(3, 2, 3, 'feat');
    const params = headParameters(h);
    const f = () => {
      const m = headsForward(referenceConvOps, h, x);
      return flat([m.mean.data, m.logDiag!.data, m.factor!.data]);
    };
    const S = 6;
    const vjp = (u: Float64Array) => {
      const r = headsVjp(referenceConvOps, h, x, {
        gradMean: u.subarray(0, 3 * S),
        gradLogDiag: u.subarray(3 * S, 6 * S),
        gradFactor: u.subarray(6 * S),
      });
      return flat([...r.grads, r.gradFeatures.data]);
    };
    checkParamVjp([...params, x.data as Float64Array], f, vjp, 'heads');
  });

  it('rejects an unknown kind, one class and a wrong feature width', () => {
    expect(() =>
      createHeads(createRng(0), { kind: 'full' as never, inChannels: 2, classes: 2 }),
    ).toThrow(/^kind: must be/);
    expect(() => createHeads(createRng(0), { kind: 'lowrank', inChannels: 2, classes: 1 })).toThrow(
      /^classes/,
    );
    const h = createHeads(createRng(0), { kind: 'deterministic', inChannels: 2, classes: 2 });
    expect(() => headsForward(referenceConvOps, h, fm(3, 2, 2, 'f'))).toThrow(
      /^features: has 3 channels/,
    );
  });
});

describe('head layout (spec/official-code.md#layouts-and-the-head)', () => {
  /** A network whose head outputs are constants: mean channel c = 10 + c, logDiag channel c = −c, factor channel k = k. */
  function constantHeads(kind: 'lowrank' | 'diagonal', C: number, R: number): SsnNetwork {
    const net = createSsnNetwork(createRng(0), {
      kind,
      classes: C,
      rank: R,
      widths: { encoder: 2, bottleneck: 2, decoder: 2 },
    });
    const { mean, logDiag, factor } = net.heads;
    for (const l of [mean, logDiag, factor]) l?.weight.data.fill(0);
    mean.bias.forEach((_, c) => (mean.bias[c] = 10 + c));
    logDiag!.bias.forEach((_, c) => (logDiag!.bias[c] = -c));
    factor?.bias.forEach((_, k) => (factor.bias[k] = k));
    return net;
  }

  it('reads the factor rank-major (channel k = r·C + c) into class-major rows n = c·S + s', () => {
    const C = 3;
    const R = 2;
    const H = 2;
    const W = 4;
    const S = H * W;
    const net = constantHeads('lowrank', C, R);
    const { maps } = ssnForward(referenceConvOps, net, fm(1, H, W, 'img'));
    const dist = ssnDistribution(net, maps)!;
    expect(dist.size).toBe(C * S);
    expect(dist.rank).toBe(R);
    for (let c = 0; c < C; c++)
      for (let s = 0; s < S; s++) {
        const n = c * S + s;
        expect(dist.loc[n]).toBe(10 + c);
        expect(isClose(dist.covDiag[n], Math.exp(-c) + 1e-5, 1e-14, 0)).toBe(true);
        for (let r = 0; r < R; r++) expect(dist.covFactor[n * R + r]).toBe(r * C + c);
      }
  });

  it('gives the diagonal model a rank-1 zero factor', () => {
    const net = constantHeads('diagonal', 2, 1);
    const { maps } = ssnForward(referenceConvOps, net, fm(1, 2, 2, 'img'));
    expect(maps.factor).toBeUndefined();
    const dist = ssnDistribution(net, maps)!;
    expect(dist.rank).toBe(1);
    expect(Array.from(dist.covFactor)).toEqual(new Array(8).fill(0));
    expect(isClose(dist.covDiag[4], Math.exp(-1) + 1e-5, 1e-14, 0)).toBe(true);
  });

  it('has no distribution for the deterministic model', () => {
    const net = createSsnNetwork(createRng(0), {
      kind: 'deterministic',
      widths: { encoder: 2, bottleneck: 2, decoder: 2 },
    });
    const { maps } = ssnForward(referenceConvOps, net, fm(1, 2, 2, 'img'));
    expect(ssnDistribution(net, maps)).toBeNull();
    expect(maps.logDiag).toBeUndefined();
  });
});

describe('whole network VJP', () => {
  it('matches central differences through body and low-rank heads', () => {
    const net = createSsnNetwork(createRng('whole'), {
      kind: 'lowrank',
      classes: 2,
      rank: 2,
      widths: { encoder: 2, bottleneck: 3, decoder: 2 },
    });
    const x = fm(1, 4, 4, 'img');
    const f = () => {
      const { maps } = ssnForward(referenceConvOps, net, x);
      return flat([maps.mean.data, maps.logDiag!.data, maps.factor!.data]);
    };
    const S = 16;
    const vjp = (u: Float64Array) => {
      const { cache } = ssnForward(referenceConvOps, net, x);
      return flat(
        ssnVjp(referenceConvOps, net, cache, {
          gradMean: u.subarray(0, 2 * S),
          gradLogDiag: u.subarray(2 * S, 4 * S),
          gradFactor: u.subarray(4 * S),
        }),
      );
    };
    checkParamVjp(ssnParameters(net), f, vjp, 'whole');
  });
});
