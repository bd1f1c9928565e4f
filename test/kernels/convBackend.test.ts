import { describe, it, expect } from 'vitest';
import { referenceConvBackend, selfCheckConvBackend } from '../../src/kernels/convBackend.js';
import { createConvBackend } from '../../src/kernels/gpujsConvBackend.js';
import type { ConvBackend } from '../../src/kernels/convBackend.js';
import { conv2d } from '../../src/nn/conv2d.js';
import { randomMap, randomWeight } from '../nn/helpers.js';

describe('createConvBackend', () => {
  it("'reference' is the float64 code itself (bit-identical)", () => {
    const be = createConvBackend('reference');
    const x = randomMap('r', 2, 4, 5);
    const w = randomWeight('r', 3, 2, 3);
    const b = Float64Array.of(0.1, -0.2, 0.3);
    expect(be.name).toBe('reference');
    expect(be.gpuMode).toBeNull();
    expect(Array.from(be.conv2d(x, w, b).data)).toEqual(Array.from(conv2d(x, w, b).data));
  });

  it("'auto' picks gpujs only on a GPU backend that passes the self-check, else reference, and says which", () => {
    const be = createConvBackend('auto');
    try {
      if (be.name === 'gpujs') {
        expect(be.gpuMode).toMatch(/^(headlessgl|webgl2?|webgpu)$/);
        expect(be.selection).toMatch(/^auto: gpujs \(gpu\.js mode \S+\) passed the self-check$/);
      } else {
        expect(be.name).toBe('reference');
        expect(be.gpuMode).toBeNull();
        expect(be.selection).toMatch(/^auto: reference \(/);
      }
    } finally {
      be.dispose();
    }
  });

  it("'gpujs' runs in gpu.js's 'gpu' mode, reports the backend used, and passes the self-check", () => {
    const be = createConvBackend('gpujs');
    try {
      expect(be.name).toBe('gpujs');
      expect(be.gpuMode).toMatch(/^(headlessgl|webgl2?|webgpu|webasm|cpu)/);
      expect(be.selection).toBe(`gpujs: requested (gpu.js mode ${be.gpuMode})`);
      expect(selfCheckConvBackend(be)).toBeNull();
    } finally {
      be.dispose();
    }
  });

  it("'gpujs-cpu' runs gpu.js's cpu backend and passes the self-check", () => {
    const be = createConvBackend('gpujs-cpu');
    try {
      expect(be.name).toBe('gpujs-cpu');
      expect(be.gpuMode).toBe('cpu');
      expect(selfCheckConvBackend(be)).toBeNull();
    } finally {
      be.dispose();
    }
  });

  it('rejects an unknown choice by name', () => {
    expect(() => createConvBackend('webgpu' as never)).toThrow(/^choice: /);
  });
});

describe('selfCheckConvBackend', () => {
  it('reports a backend whose weight gradient is off by 1e-3 relative', () => {
    const ref = referenceConvBackend();
    const broken: ConvBackend = {
      ...ref,
      conv2dVjp: (x, w, g) => {
        const r = ref.conv2dVjp(x, w, g);
        return { ...r, gradWeight: r.gradWeight.map((v) => v * 1.001) };
      },
    };
    expect(selfCheckConvBackend(ref)).toBeNull();
    expect(selfCheckConvBackend(broken)).toMatch(
      /^self-check failed \(3×3 kernel: weight VJP error/,
    );
  });

  it('checks the 1×1 head convolutions too: a backend wrong only for k = 1 is reported', () => {
    const ref = referenceConvBackend();
    const brokenOn1x1: ConvBackend = {
      ...ref,
      conv2d: (x, w, b) => {
        const y = ref.conv2d(x, w, b);
        return w.kernelSize === 1 ? { ...y, data: y.data.map((v) => v * 1.001) } : y;
      },
    };
    expect(selfCheckConvBackend(brokenOn1x1)).toMatch(
      /^self-check failed \(1×1 kernel: forward error/,
    );
  });

  it('reports a backend that throws', () => {
    const throwing: ConvBackend = {
      ...referenceConvBackend(),
      conv2d: () => {
        throw new Error('no context');
      },
    };
    expect(selfCheckConvBackend(throwing)).toBe('self-check threw: no context');
  });
});
