/**
 * A gpu.js kernel for reparameterised sampling from a low-rank normal, with the temperature and
 * per-logit (class) noise weights of paper Figure 6:
 *   eta(m, i) = loc(i) + T w(i) (Σ_r P(i, r) epsFactor(m, r) + √d(i) epsDiag(m, i))
 * It equals `rsample` (src/distribution/rsample.ts), the float64 reference, in float32: inputs
 * are converted to Float32Array at the boundary and the result back to Float64Array.
 * test/kernels/gpujsSample.test.ts ties the two with the tolerance of the conv kernels' tests.
 */
import { GPU } from 'gpu.js';
import type { IKernelRunShortcut } from 'gpu.js';
import { checkDistribution, type LowRankNormal } from '../distribution/lowRankNormal.js';
import { checkNoise } from '../distribution/noise.js';
import type { NoiseInput } from '../distribution/noise.js';
import { checkRsampleOptions } from '../distribution/rsample.js';
import type { RsampleOptions } from '../distribution/rsample.js';
import type { GpujsRequest } from './gpujsConv.js';
import { destroyGpujs, gpujsCompiledMode, gpujsKernelMode } from './gpujsMode.js';

interface SampleConstants {
  [key: string]: number;
  /** logits */
  N: number;
  /** rank */
  R: number;
}

interface KernelThis {
  thread: { x: number; y: number };
  constants: SampleConstants;
}

/** eta(m, i), output [N, M] (thread.x = i, thread.y = m); tw = T·w(i), sqrtD = √d. */
function sampleKernel(
  this: KernelThis,
  loc: number[],
  p: number[],
  sqrtD: number[],
  tw: number[],
  epsFactor: number[],
  epsDiag: number[],
): number {
  const i = this.thread.x;
  const m = this.thread.y;
  let s = sqrtD[i] * epsDiag[m * this.constants.N + i];
  for (let r = 0; r < this.constants.R; r++) {
    s += p[i * this.constants.R + r] * epsFactor[m * this.constants.R + r];
  }
  return loc[i] + tw[i] * s;
}

/** Sampling on a gpu.js kernel, with the contract of `rsample`. */
export interface GpujsSampler {
  /** What was requested of gpu.js. */
  readonly requested: GpujsRequest;
  /**
   * The gpu.js backend the kernel runs on ('webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'),
   * read from the compiled kernel's class once one has run, else from gpu.js's kernel class.
   */
  readonly mode: string;
  /** `rsample(dist, noise, options)` in float32. */
  rsample(dist: LowRankNormal, noise: NoiseInput, options?: RsampleOptions): Float64Array;
  /** Destroys the compiled kernels and the gpu.js instance. */
  dispose(): void;
}

/**
 * A sampler on a fresh gpu.js instance; one compiled kernel is cached per (N, R, M).
 * @param requested - 'gpu' (gpu.js picks its best backend) or 'cpu' (its JS backend)
 * @throws Error when gpu.js cannot construct the requested mode
 */
export function createGpujsSampler(requested: GpujsRequest): GpujsSampler {
  const gpu = new GPU({ mode: requested });
  const cache = new Map<string, IKernelRunShortcut>();
  let lastMode = gpujsKernelMode(gpu.Kernel);
  let disposed = false;

  function kernelFor(N: number, R: number, M: number): IKernelRunShortcut {
    const key = `${N}:${R}:${M}`;
    let kernel = cache.get(key);
    if (kernel === undefined) {
      kernel = gpu
        .createKernel(sampleKernel as never, {
          output: [N, M],
          constants: { N, R },
          precision: 'single',
          tactic: 'precision',
        })
        .setLoopMaxIterations(Math.max(R, 1));
      cache.set(key, kernel);
    }
    return kernel;
  }

  return {
    requested,
    get mode() {
      return lastMode;
    },
    rsample(dist, noise, options = {}) {
      // A disposed sampler is the wrong kind of object to compute with (as the conv backend).
      if (disposed) throw new TypeError('sampler: this gpu.js sampler was disposed');
      checkDistribution(dist);
      const { size: n, rank, loc, covFactor, covDiag } = dist;
      const { count, epsFactor, epsDiag } = checkNoise(noise.epsFactor, noise.epsDiag, rank, n);
      const { temperature: t, rowWeights: w } = checkRsampleOptions(options, n);
      const tw = new Float32Array(n);
      for (let i = 0; i < n; i++) tw[i] = w === undefined ? t : t * w[i];
      const kernel = kernelFor(n, rank, count);
      const result = kernel(
        Float32Array.from(loc) as never,
        Float32Array.from(covFactor) as never,
        Float32Array.from(covDiag, Math.sqrt) as never,
        tw as never,
        Float32Array.from(epsFactor) as never,
        Float32Array.from(epsDiag) as never,
      ) as unknown as Float32Array[];
      lastMode = gpujsCompiledMode(kernel) ?? lastMode;
      const out = new Float64Array(count * n);
      for (let m = 0; m < count; m++) out.set(result[m], m * n);
      return out;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      destroyGpujs(gpu, cache);
    },
  };
}
