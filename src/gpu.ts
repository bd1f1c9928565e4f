/**
 * ssn-ts/gpu: the gpu.js kernels, kept out of the core entry (src/index.ts) so that the core
 * imports no gpu.js. Each kernel equals a float64 reference function, checked by its test in
 * test/kernels.
 */
export { createGpujsConv } from './kernels/gpujsConv.js';
export type { GpujsConv, GpujsRequest } from './kernels/gpujsConv.js';
export { createGpujsSampler } from './kernels/gpujsSample.js';
export type { GpujsSampler } from './kernels/gpujsSample.js';
export { gpujsKernelMode, gpujsCompiledMode } from './kernels/gpujsMode.js';
