/**
 * The backend a gpu.js kernel runs on, read from its class. gpu.js's own `mode` is not enough:
 * its GL kernel classes all inherit `static mode = 'gpu'` (WebGL2Kernel, WebGLKernel and
 * HeadlessGLKernel do not override it), so 'webgl2' vs 'webgl' vs 'headlessgl' is told by the
 * class itself. Other classes ('cpu', 'webasm', 'webgpu') do name their mode.
 * Also the tear-down that the convolution backend and the sampler share.
 */
import { HeadlessGLKernel, WebGL2Kernel, WebGLKernel } from 'gpu.js';
import type { GPU, IKernelRunShortcut } from 'gpu.js';

/**
 * 'webgl2', 'headlessgl', 'webgl', or the class's own `mode` ('cpu', 'webasm', …).
 * @param kernelClass - a gpu.js kernel class (e.g. `gpu.Kernel`, or a compiled kernel's constructor)
 */
export function gpujsKernelMode(kernelClass: unknown): string {
  const K = kernelClass as { prototype?: object; mode?: string } | undefined;
  if (K === undefined || K === null) return 'unknown';
  const is = (C: unknown) =>
    typeof C === 'function' && (K === C || (K.prototype !== undefined && K.prototype instanceof C));
  // HeadlessGLKernel and WebGL2Kernel both extend WebGLKernel: test them first.
  if (is(WebGL2Kernel)) return 'webgl2';
  if (is(HeadlessGLKernel)) return 'headlessgl';
  if (is(WebGLKernel)) return 'webgl';
  return K.mode ?? 'unknown';
}

/** The mode of a compiled kernel (what `gpu.createKernel` returned), once it has run. */
export function gpujsCompiledMode(shortcut: unknown): string | null {
  const inner = (shortcut as { kernel?: { constructor?: unknown } } | undefined)?.kernel;
  return inner?.constructor === undefined ? null : gpujsKernelMode(inner.constructor);
}

/** Destroys every kernel in `cache`, empties it, then destroys `gpu` (its GL context). */
export function destroyGpujs(gpu: GPU, cache: Map<string, IKernelRunShortcut>): void {
  for (const k of cache.values()) k.destroy();
  cache.clear();
  gpu.destroy();
}
