/**
 * `createConvBackend` with the gpu.js kernels plugged in: every choice of
 * src/kernels/convBackend.ts ('auto', 'reference', 'gpujs-cpu', 'gpujs') works. This module (with
 * gpujsConv.ts) is the only place that loads gpu.js; the `ssn-ts/gpu` entry exports it.
 */
import { createConvBackend as createCoreConvBackend } from './convBackend.js';
import type { ConvBackend, ConvBackendChoice } from './convBackend.js';
import { createGpujsConv } from './gpujsConv.js';

/**
 * A convolution backend, gpu.js choices included (see the core's `createConvBackend`).
 * @throws Error when an explicit gpu.js choice cannot be constructed
 * @throws RangeError on an unknown choice
 * @example createConvBackend('gpujs').gpuMode // 'webasm' in Node without headless-gl
 */
export function createConvBackend(choice: ConvBackendChoice = 'auto'): ConvBackend {
  return createCoreConvBackend(choice, createGpujsConv);
}
