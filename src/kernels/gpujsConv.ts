/**
 * gpu.js kernels for the convolution's hot loops: forward, input-VJP and weight-VJP (the bias
 * gradient, a plain sum, stays on the CPU). The only module besides `convBackend.ts` that knows
 * gpu.js exists. Kernels compute in float32: inputs are converted to Float32Array at the boundary
 * and results back to Float64Array. One compiled kernel is cached per (kind, shape).
 *
 * Each kernel is the float64 reference's formula (src/nn/conv2d.ts), written gather-style: one
 * output cell per thread, zero padding by bounds tests.
 */
import { GPU } from 'gpu.js';
import type { IKernelRunShortcut } from 'gpu.js';
import { checkConvShapes } from '../nn/conv2d.js';
import type { ConvWeight } from '../nn/conv2d.js';
import type { GpujsConvKernels, GpujsRequest } from './convBackend.js';
import { checkFeatureMap } from '../nn/featureMap.js';
import type { FeatureMap } from '../nn/featureMap.js';
import { destroyGpujs, gpujsCompiledMode, gpujsKernelMode } from './gpujsMode.js';

export type { GpujsRequest } from './convBackend.js';

/** Shape constants baked into a compiled kernel. */
interface ConvConstants {
  [key: string]: number;
  /** input channels */
  I: number;
  /** output channels */
  O: number;
  H: number;
  W: number;
  /** kernel side */
  k: number;
  /** padding (k − 1)/2 */
  p: number;
}

interface KernelThis {
  thread: { x: number; y: number; z: number };
  constants: ConvConstants;
}

// gpu.js compiles each kernel below from its own source text and cannot call a function of ours,
// so the bounds-checked window loops are written out in each of the three.

/** y(o, r, c) = b(o) + Σ w(o, i, ky, kx) x(i, r + ky − p, c + kx − p); output [W, H, O] (x fastest). */
function convForwardKernel(this: KernelThis, x: number[], w: number[], b: number[]): number {
  const o = this.thread.z;
  const r = this.thread.y;
  const c = this.thread.x;
  let s = b[o];
  for (let i = 0; i < this.constants.I; i++) {
    for (let ky = 0; ky < this.constants.k; ky++) {
      const rr = r + ky - this.constants.p;
      if (rr >= 0 && rr < this.constants.H) {
        for (let kx = 0; kx < this.constants.k; kx++) {
          const cc = c + kx - this.constants.p;
          if (cc >= 0 && cc < this.constants.W) {
            s +=
              w[((o * this.constants.I + i) * this.constants.k + ky) * this.constants.k + kx] *
              x[(i * this.constants.H + rr) * this.constants.W + cc];
          }
        }
      }
    }
  }
  return s;
}

/** gradInput(i, r, c) = Σ w(o, i, ky, kx) g(o, r − ky + p, c − kx + p); output [W, H, I]. */
function convInputVjpKernel(this: KernelThis, g: number[], w: number[]): number {
  const i = this.thread.z;
  const r = this.thread.y;
  const c = this.thread.x;
  let s = 0;
  for (let o = 0; o < this.constants.O; o++) {
    for (let ky = 0; ky < this.constants.k; ky++) {
      const ro = r - ky + this.constants.p;
      if (ro >= 0 && ro < this.constants.H) {
        for (let kx = 0; kx < this.constants.k; kx++) {
          const co = c - kx + this.constants.p;
          if (co >= 0 && co < this.constants.W) {
            s +=
              w[((o * this.constants.I + i) * this.constants.k + ky) * this.constants.k + kx] *
              g[(o * this.constants.H + ro) * this.constants.W + co];
          }
        }
      }
    }
  }
  return s;
}

/** gradWeight(o, i, ky, kx) = Σ_{r,c} g(o, r, c) x(i, r + ky − p, c + kx − p); output [k², I, O], thread.x = ky·k + kx. */
function convWeightVjpKernel(this: KernelThis, x: number[], g: number[]): number {
  const o = this.thread.z;
  const i = this.thread.y;
  const ky = Math.floor(this.thread.x / this.constants.k);
  const kx = this.thread.x - ky * this.constants.k;
  let s = 0;
  for (let r = 0; r < this.constants.H; r++) {
    const rr = r + ky - this.constants.p;
    if (rr >= 0 && rr < this.constants.H) {
      for (let c = 0; c < this.constants.W; c++) {
        const cc = c + kx - this.constants.p;
        if (cc >= 0 && cc < this.constants.W) {
          s +=
            g[(o * this.constants.H + r) * this.constants.W + c] *
            x[(i * this.constants.H + rr) * this.constants.W + cc];
        }
      }
    }
  }
  return s;
}

type KernelKind = 'forward' | 'inputVjp' | 'weightVjp';

const kernelSources = {
  forward: convForwardKernel,
  inputVjp: convInputVjpKernel,
  weightVjp: convWeightVjpKernel,
} as const;

/** Flattens a gpu.js 3-D result (nested [z][y] arrays of Float32Array rows) into a new Float64Array. */
function flatten3d(result: unknown, nz: number, ny: number, nx: number): Float64Array {
  const out = new Float64Array(nz * ny * nx);
  const planes = result as Float32Array[][];
  let j = 0;
  for (let z = 0; z < nz; z++) {
    const plane = planes[z];
    for (let y = 0; y < ny; y++) {
      out.set(plane[y], j);
      j += nx;
    }
  }
  return out;
}

/**
 * The convolution on gpu.js kernels, with the same contract as `conv2d` / `conv2dVjp`: the
 * core's {@link GpujsConvKernels}, whose `mode` is 'headlessgl', 'webgl2', 'webgl', 'webasm' or
 * 'cpu' (read from gpu.js, not assumed; a kernel gpu.js degraded adds "(fallback: …)"), and
 * whose `dispose` also destroys the gpu.js instance.
 */
export interface GpujsConv extends GpujsConvKernels {
  /** What was requested of gpu.js. */
  readonly requested: GpujsRequest;
}

interface KernelInfo {
  kernel: { constructor: { mode?: string }; fallbackReason?: string | null };
}

/**
 * Creates a gpu.js instance and a per-shape kernel cache.
 * @param requested - 'gpu' (gpu.js picks its best backend) or 'cpu' (gpu.js's JS backend)
 * @throws Error when gpu.js cannot construct the requested mode
 */
export function createGpujsConv(requested: GpujsRequest): GpujsConv {
  const gpu = new GPU({ mode: requested });
  const baseMode = gpujsKernelMode(gpu.Kernel);
  const cache = new Map<string, IKernelRunShortcut>();
  let disposed = false;

  function kernelFor(kind: KernelKind, c: ConvConstants): IKernelRunShortcut {
    const key = `${kind}:${c.I}:${c.O}:${c.H}:${c.W}:${c.k}`;
    let kernel = cache.get(key);
    if (kernel === undefined) {
      const output =
        kind === 'forward'
          ? [c.W, c.H, c.O]
          : kind === 'inputVjp'
            ? [c.W, c.H, c.I]
            : [c.k * c.k, c.I, c.O];
      kernel = gpu
        .createKernel(kernelSources[kind] as never, {
          output,
          constants: c,
          precision: 'single',
          tactic: 'precision',
        })
        .setLoopMaxIterations(Math.max(c.I, c.O, c.H, c.W, c.k));
      cache.set(key, kernel);
    }
    return kernel;
  }

  function constantsOf(x: FeatureMap, w: ConvWeight): ConvConstants {
    return {
      I: w.inChannels,
      O: w.outChannels,
      H: x.height,
      W: x.width,
      k: w.kernelSize,
      p: (w.kernelSize - 1) >> 1,
    };
  }

  /** A disposed backend is the wrong kind of object to compute with, hence a TypeError. */
  function checkAlive(): void {
    if (disposed) throw new TypeError('backend: this gpu.js convolution backend was disposed');
  }

  return {
    requested,
    get mode(): string {
      const fallbacks = new Set<string>();
      for (const k of cache.values()) {
        const inner = (k as unknown as KernelInfo).kernel;
        const m = gpujsCompiledMode(k);
        if (m && m !== baseMode)
          fallbacks.add(`${m}${inner.fallbackReason ? `: ${inner.fallbackReason}` : ''}`);
      }
      return fallbacks.size === 0
        ? baseMode
        : `${baseMode} (fallback: ${[...fallbacks].join('; ')})`;
    },
    conv2d(x, w, b) {
      checkAlive();
      checkConvShapes(x, w, b);
      const c = constantsOf(x, w);
      const result = kernelFor('forward', c)(
        Float32Array.from(x.data) as never,
        Float32Array.from(w.data) as never,
        Float32Array.from(b) as never,
      );
      return { data: flatten3d(result, c.O, c.H, c.W), channels: c.O, height: c.H, width: c.W };
    },
    conv2dVjp(x, w, gradOutput) {
      checkAlive();
      checkConvShapes(x, w);
      checkFeatureMap('gradOutput', gradOutput);
      const c = constantsOf(x, w);
      if (gradOutput.channels !== c.O || gradOutput.height !== c.H || gradOutput.width !== c.W) {
        throw new RangeError(
          `gradOutput: shape ${gradOutput.channels}×${gradOutput.height}×${gradOutput.width} does not match the output ${c.O}×${c.H}×${c.W}`,
        );
      }
      const x32 = Float32Array.from(x.data);
      const w32 = Float32Array.from(w.data);
      const g32 = Float32Array.from(gradOutput.data);
      const gradInputRaw = kernelFor('inputVjp', c)(g32 as never, w32 as never);
      const gradInput = flatten3d(gradInputRaw, c.I, c.H, c.W);
      const gradWeightRaw = kernelFor('weightVjp', c)(x32 as never, g32 as never);
      const gradWeight = flatten3d(gradWeightRaw, c.O, c.I, c.k * c.k);
      // The bias gradient is a plain sum; it stays on the CPU in float64.
      const HW = c.H * c.W;
      const gradBias = new Float64Array(c.O);
      const gd = gradOutput.data;
      for (let o = 0; o < c.O; o++) {
        let s = 0;
        for (let j = o * HW; j < (o + 1) * HW; j++) s += gd[j];
        gradBias[o] = s;
      }
      return {
        gradInput: { data: gradInput, channels: c.I, height: c.H, width: c.W },
        gradWeight,
        gradBias,
      };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      destroyGpujs(gpu, cache);
    },
  };
}
