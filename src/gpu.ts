/**
 * ssn-ts/gpu: the convolution's hot loops as gpu.js kernels (float32, checked against the float64
 * reference by `selfCheckConvBackend`). Needs the optional peer dependency gpu.js
 * (`npm install gpu.js`); without it, importing this entry fails with Node's
 * "Cannot find package 'gpu.js'".
 * @module ssn-ts/gpu
 */
export { createGpujsConv } from './kernels/gpujsConv.js';
export type { GpujsConv, GpujsRequest } from './kernels/gpujsConv.js';
export { createConvBackend } from './kernels/gpujsConvBackend.js';
