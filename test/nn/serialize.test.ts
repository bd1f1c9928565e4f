import { describe, it, expect } from 'vitest';
import { parseWeights, serializeWeights } from '../../src/nn/serialize.js';
import { createSsnNetwork, ssnForward, ssnParameters } from '../../src/nn/ssnNetwork.js';
import { referenceConvOps } from '../../src/nn/network.js';
import { createRng, standardNormal } from '../../src/random/rng.js';

const small = { encoder: 3, bottleneck: 4, decoder: 3 };

describe('serializeWeights / parseWeights', () => {
  for (const kind of ['deterministic', 'diagonal', 'lowrank'] as const) {
    it(`round-trips a ${kind} network bit for bit, with its metadata`, () => {
      const net = createSsnNetwork(createRng(`w/${kind}`), { kind, rank: 3, widths: small });
      const { network, meta } = parseWeights(serializeWeights(net, { command: 'ssn train x' }));
      expect(meta).toEqual({ command: 'ssn train x' });
      expect(ssnParameters(network).map((a) => Array.from(a))).toEqual(
        ssnParameters(net).map((a) => Array.from(a)),
      );
      const image = {
        data: standardNormal(createRng('img'), 36),
        channels: 1,
        height: 6,
        width: 6,
      };
      const a = ssnForward(referenceConvOps, net, image).maps;
      const b = ssnForward(referenceConvOps, network, image).maps;
      expect(Array.from(b.mean.data)).toEqual(Array.from(a.mean.data));
      expect(network.heads.rank).toBe(net.heads.rank);
    });
  }

  const good = () =>
    JSON.parse(
      serializeWeights(createSsnNetwork(createRng(1), { kind: 'lowrank', rank: 2, widths: small })),
    );

  it('refuses malformed documents with the field named', () => {
    expect(() => parseWeights('{')).toThrow(TypeError);
    expect(() => parseWeights('{')).toThrow(/^weights: not JSON/);
    expect(() => parseWeights('[]')).toThrow(/^weights: must be a JSON object/);
    expect(() => parseWeights({ ...good(), format: 'x' })).toThrow(/^weights\.format: /);
    expect(() => parseWeights({ ...good(), version: 2 })).toThrow(/^weights\.version: /);
    expect(() => parseWeights({ ...good(), kind: 'full' })).toThrow(/^weights\.kind: /);
    expect(() => parseWeights({ ...good(), classes: 1 })).toThrow(RangeError);
    expect(() => parseWeights({ ...good(), classes: '2' })).toThrow(
      /^weights\.classes: must be a number/,
    );
    expect(() => parseWeights({ ...good(), widths: { ...small, decoder: 0 } })).toThrow(
      /^weights\.widths\.decoder: /,
    );
    expect(() => parseWeights({ ...good(), meta: 3 })).toThrow(/^weights\.meta: /);
  });

  it('refuses parameters of the wrong count, length, kind or value', () => {
    const g = good();
    expect(() => parseWeights({ ...g, parameters: g.parameters.slice(1) })).toThrow(
      /^weights\.parameters: has \d+ arrays, this network has \d+/,
    );
    const short = g.parameters.map((a: number[], j: number) => (j === 2 ? a.slice(1) : a));
    expect(() => parseWeights({ ...g, parameters: short })).toThrow(
      /^weights\.parameters\[2\]: has /,
    );
    const text = g.parameters.map((a: number[], j: number) => (j === 0 ? ['1', ...a.slice(1)] : a));
    expect(() => parseWeights({ ...g, parameters: text })).toThrow(TypeError);
    const inf = g.parameters.map((a: number[], j: number) =>
      j === 1 ? [Infinity, ...a.slice(1)] : a,
    );
    expect(() => parseWeights({ ...g, parameters: inf })).toThrow(
      /^weights\.parameters\[1\]\[0\]: must be finite/,
    );
    expect(() => parseWeights({ ...g, rank: 3 })).toThrow(/^weights\.parameters/);
  });
});
