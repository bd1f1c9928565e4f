import { describe, it, expect } from 'vitest';
import { CPUKernel, GPU, HeadlessGLKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import { gpujsCompiledMode, gpujsKernelMode } from '../../src/kernels/gpujsMode.js';

describe('gpujsKernelMode', () => {
  it("names each GL class, which gpu.js's own static mode calls 'gpu'", () => {
    expect((WebGL2Kernel as unknown as { mode: string }).mode).toBe('gpu');
    expect(gpujsKernelMode(WebGL2Kernel)).toBe('webgl2');
    expect(gpujsKernelMode(WebGLKernel)).toBe('webgl');
    expect(gpujsKernelMode(HeadlessGLKernel)).toBe('headlessgl');
    expect(gpujsKernelMode(class extends WebGL2Kernel {})).toBe('webgl2');
  });

  it("falls back to the class's own mode, or 'unknown'", () => {
    expect(gpujsKernelMode(CPUKernel)).toBe('cpu');
    expect(gpujsKernelMode(undefined)).toBe('unknown');
    expect(gpujsKernelMode(class {})).toBe('unknown');
  });

  it("reads a compiled kernel's class once it has run", () => {
    const gpu = new GPU({ mode: 'cpu' });
    try {
      const k = gpu.createKernel(
        function (this: { thread: { x: number } }) {
          return this.thread.x;
        },
        { output: [2] },
      );
      k();
      expect(gpujsCompiledMode(k)).toBe('cpu');
      expect(gpujsCompiledMode({})).toBeNull();
    } finally {
      gpu.destroy();
    }
  });
});
