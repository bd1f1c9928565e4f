/**
 * ssn-ts/gpu: the hot loops as gpu.js kernels (float32), kept out of the core entry
 * (src/index.ts) so that the core imports no gpu.js: the convolution (checked against the float64
 * reference by `selfCheckConvBackend`), the sampler eta = mu + T w ⊙ (P z + √D eps) (checked
 * against `rsample` by test/kernels/gpujsSample.test.ts), and the mode a compiled kernel runs in
 * (webgl2, webgl, wasm, cpu ...: read from its class, since gpu.js's GL kernels all report `gpu`).
 * Needs the optional peer dependency gpu.js (`npm install gpu.js`); without it, importing this
 * entry fails with Node's "Cannot find package 'gpu.js'".
 * @module ssn-ts/gpu
 */
export { createGpujsConv } from './kernels/gpujsConv.js';
export type { GpujsConv, GpujsRequest } from './kernels/gpujsConv.js';
export { createConvBackend } from './kernels/gpujsConvBackend.js';
export { createGpujsSampler } from './kernels/gpujsSample.js';
export type { GpujsSampler } from './kernels/gpujsSample.js';
export { gpujsKernelMode, gpujsCompiledMode } from './kernels/gpujsMode.js';
