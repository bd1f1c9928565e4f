/**
 * The core's conv backend without gpu.js, and the gpu entry that plugs the kernels in.
 */
import { describe, expect, it } from 'vitest';
import * as core from '../../src/index.js';
import * as gpu from '../../src/gpu.js';

describe('createConvBackend across the entries', () => {
  it("the core's: 'reference', and 'auto' is the reference, saying where the gpu.js kernels are", () => {
    expect(core.createConvBackend('reference').name).toBe('reference');
    const auto = core.createConvBackend('auto');
    expect(auto.name).toBe('reference');
    expect(auto.selection).toMatch(
      /^auto: reference \(gpu\.js kernels not loaded; .*'ssn-ts\/gpu'/,
    );
  });

  it("the core's refuses a gpu.js choice without the kernels, naming the entry that has them", () => {
    for (const choice of ['gpujs', 'gpujs-cpu'] as const) {
      expect(() => core.createConvBackend(choice)).toThrow(
        new RegExp(`^choice: '${choice}' needs the gpu.js kernels: .*'ssn-ts/gpu'`),
      );
    }
  });

  it("ssn-ts/gpu's runs the gpu.js kernels (cpu mode here), the same as passing them to the core's", () => {
    const a = gpu.createConvBackend('gpujs-cpu');
    const b = core.createConvBackend('gpujs-cpu', gpu.createGpujsConv);
    try {
      expect([a.name, a.gpuMode]).toEqual(['gpujs-cpu', 'cpu']);
      expect([b.name, b.gpuMode]).toEqual(['gpujs-cpu', 'cpu']);
      expect(core.selfCheckConvBackend(a)).toBeNull();
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
