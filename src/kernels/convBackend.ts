/**
 * Choice of convolution implementation: the float64 TypeScript reference (src/nn/conv2d.ts) or
 * the gpu.js kernels (float32) in gpu.js's JS CPU mode or its 'gpu' mode (GL where available,
 * else WebAssembly). Every backend has the reference's contract; `name` and `gpuMode` say what ran.
 *
 * This module is part of the browser-safe core and never loads gpu.js: the gpu.js kernels
 * (src/kernels/gpujsConv.ts) are passed in as a {@link GpujsConvFactory}, which
 * src/kernels/gpujsConvBackend.ts (the `ssn-ts/gpu` entry) does.
 */
import { conv2d, conv2dVjp } from '../nn/conv2d.js';
import type { Conv2dGrads, ConvWeight } from '../nn/conv2d.js';
import type { FeatureMap } from '../nn/featureMap.js';

/** A concrete backend. */
export type ConvBackendName = 'reference' | 'gpujs-cpu' | 'gpujs';
/** What a caller may ask for; 'auto' = 'gpujs' when it runs on a GPU and passes a self-check, else 'reference'. */
export type ConvBackendChoice = 'auto' | ConvBackendName;

/** What gpu.js is asked for: 'gpu' (its best backend: GL, else WebAssembly, else JS) or 'cpu' (its JS backend). */
export type GpujsRequest = 'gpu' | 'cpu';

/**
 * The gpu.js convolution kernels as the core sees them (`GpujsConv`, what `createGpujsConv` in
 * src/kernels/gpujsConv.ts returns, extends it; defined here so that the core's types never
 * mention gpu.js).
 */
export interface GpujsConvKernels {
  /** The gpu.js backend that actually runs ('webasm', 'headlessgl', 'cpu', …). */
  readonly mode: string;
  /** `conv2d`'s forward pass in float32. */
  conv2d(x: FeatureMap, w: ConvWeight, b: Float64Array): FeatureMap;
  /** `conv2dVjp` in float32. */
  conv2dVjp(x: FeatureMap, w: ConvWeight, gradOutput: FeatureMap): Conv2dGrads;
  /** Releases the compiled kernels. */
  dispose(): void;
}

/**
 * Builds the gpu.js kernels in gpu.js's 'gpu' mode (its best backend) or its JS 'cpu' mode;
 * `createGpujsConv` from `ssn-ts/gpu` is one.
 */
export type GpujsConvFactory = (request: GpujsRequest) => GpujsConvKernels;

/** A convolution implementation with the contract of `conv2d` / `conv2dVjp`. */
export interface ConvBackend {
  readonly name: ConvBackendName;
  /** The gpu.js backend that actually runs ('webasm', 'headlessgl', 'cpu', …); null for 'reference'. */
  readonly gpuMode: string | null;
  /** One line saying what was asked for, what was chosen and why (for the run's log). */
  readonly selection: string;
  /** The convolution, as `conv2d` (src/nn/conv2d.ts). */
  conv2d(x: FeatureMap, w: ConvWeight, b: Float64Array): FeatureMap;
  /** Its vector-Jacobian product, as `conv2dVjp`. */
  conv2dVjp(x: FeatureMap, w: ConvWeight, gradOutput: FeatureMap): Conv2dGrads;
  /** Releases compiled kernels (a no-op for 'reference'); the backend must not be used afterwards. */
  dispose(): void;
}

/**
 * gpu.js backends that run on a GPU. On gpu.js's CPU-side backends ('webasm', 'cpu') the kernels
 * are slower than the float64 reference (bench/conv.bench.ts: 1.0–1.4× forward, 1.9–2.5× VJP for
 * webasm), so 'auto' does not pick them.
 */
const GPU_MODES = new Set(['headlessgl', 'webgl', 'webgl2', 'webgpu']);

/** The float64 reference as a backend. */
export function referenceConvBackend(selection = 'reference: requested'): ConvBackend {
  return { name: 'reference', gpuMode: null, selection, conv2d, conv2dVjp, dispose: () => {} };
}

function fromGpujs(
  name: 'gpujs-cpu' | 'gpujs',
  g: GpujsConvKernels,
  selection: string,
): ConvBackend {
  return {
    name,
    get gpuMode() {
      return g.mode;
    },
    selection,
    conv2d: (x, w, b) => g.conv2d(x, w, b),
    conv2dVjp: (x, w, gradOutput) => g.conv2dVjp(x, w, gradOutput),
    dispose: () => g.dispose(),
  };
}

/**
 * Largest violation of |got − want| ≤ 1e-4·|want| + 1e-5·scale (scale = Σ|terms| of that entry,
 * from the reference on absolute values) as a ratio; ≤ 1 passes. float32 has ε ≈ 1.2e-7 per
 * operation, so 1e-5·Σ|terms| leaves room for ~100 accumulated roundings.
 */
function worstRatio(got: Float64Array, want: Float64Array, scale: Float64Array): number {
  if (got.length !== want.length) return Infinity;
  let worst = 0;
  for (let j = 0; j < got.length; j++) {
    const err = Math.abs(got[j] - want[j]);
    if (!(err === err)) return Infinity;
    worst = Math.max(worst, err / (1e-4 * Math.abs(want[j]) + 1e-5 * scale[j] + 1e-30));
  }
  return worst;
}

const abs = (a: Float64Array): Float64Array => a.map(Math.abs);

/**
 * The self-check's fixed problems: a 3×3 body convolution (2→3 channels, 5×6) and a 1×1 head
 * convolution (3→4 channels, 4×6; the heads are 1×1, whose kernels have no border to pad).
 */
const SELF_CHECK_CASES = [
  { I: 2, O: 3, H: 5, W: 6, k: 3 },
  { I: 3, O: 4, H: 4, W: 6, k: 1 },
] as const;

/**
 * Runs forward and both VJPs on small fixed problems (`SELF_CHECK_CASES`: 3×3 and 1×1 kernels)
 * and compares them with the float64 reference.
 * @returns null when all pass, else a sentence saying what failed (and on which kernel size)
 */
export function selfCheckConvBackend(backend: ConvBackend): string | null {
  try {
    for (const c of SELF_CHECK_CASES) {
      const failed = selfCheckCase(backend, c.I, c.O, c.H, c.W, c.k);
      if (failed.length > 0) {
        const what = failed.map(([n, r]) => `${n} error ${r.toPrecision(3)}× tolerance`);
        return `self-check failed (${c.k}×${c.k} kernel: ${what.join(', ')})`;
      }
    }
    return null;
  } catch (e) {
    return `self-check threw: ${(e as Error).message}`;
  }
}

/** One self-check problem: the failing outputs with their worst error / tolerance ratio. */
function selfCheckCase(
  backend: ConvBackend,
  I: number,
  O: number,
  H: number,
  W: number,
  k: number,
): [string, number][] {
  // Deterministic, irregular values (no randomness needed).
  const fill = (n: number, phase: number) =>
    Float64Array.from({ length: n }, (_, j) => Math.sin(1.7 * j + phase));
  const x: FeatureMap = { data: fill(I * H * W, 0.3), channels: I, height: H, width: W };
  const w: ConvWeight = {
    data: fill(O * I * k * k, 1.1),
    outChannels: O,
    inChannels: I,
    kernelSize: k,
  };
  const b = fill(O, 2.3);
  const g: FeatureMap = { data: fill(O * H * W, 0.7), channels: O, height: H, width: W };
  const xa = { ...x, data: abs(x.data) };
  const wa = { ...w, data: abs(w.data) };
  const ga = { ...g, data: abs(g.data) };
  const y = backend.conv2d(x, w, b);
  const yRatio = worstRatio(y.data, conv2d(x, w, b).data, conv2d(xa, wa, abs(b)).data);
  const grads = backend.conv2dVjp(x, w, g);
  const want = conv2dVjp(x, w, g);
  const scale = conv2dVjp(xa, wa, ga);
  const ratios: [string, number][] = [
    ['forward', yRatio],
    ['input VJP', worstRatio(grads.gradInput.data, want.gradInput.data, scale.gradInput.data)],
    ['weight VJP', worstRatio(grads.gradWeight, want.gradWeight, scale.gradWeight)],
    ['bias VJP', worstRatio(grads.gradBias, want.gradBias, scale.gradBias)],
  ];
  return ratios.filter(([, r]) => !(r <= 1));
}

/**
 * A convolution backend. The gpu.js choices need the kernels: pass `createGpujsConv` from
 * `ssn-ts/gpu` as `gpujs`, or call `createConvBackend` from `ssn-ts/gpu`, which does. Without
 * them 'auto' is 'reference' (and `selection` says so).
 * - 'reference': float64 TypeScript.
 * - 'gpujs-cpu': gpu.js kernels on gpu.js's JS CPU backend (float32).
 * - 'gpujs': gpu.js kernels in gpu.js's 'gpu' mode, which runs on GL when a context exists and
 *   otherwise on WebAssembly (or its CPU backend); `gpuMode` says which.
 * - 'auto' (default): 'gpujs' if gpu.js runs on a GPU (headlessgl, webgl, webgl2, webgpu) and
 *   passes `selfCheckConvBackend`, else 'reference' (gpu.js's WebAssembly and JS backends are
 *   slower than the reference); `selection` says which and why.
 * @param gpujs the gpu.js kernels' factory (`createGpujsConv` from `ssn-ts/gpu`)
 * @throws Error when an explicit gpu.js choice cannot be constructed, or is asked for without `gpujs`
 * @throws RangeError on an unknown choice
 * @example createConvBackend('auto').name // 'reference' (no gpu.js kernels passed in)
 */
export function createConvBackend(
  choice: ConvBackendChoice = 'auto',
  gpujs?: GpujsConvFactory,
): ConvBackend {
  if ((choice === 'gpujs' || choice === 'gpujs-cpu') && gpujs === undefined) {
    throw new Error(
      `choice: '${choice}' needs the gpu.js kernels: call createConvBackend from 'ssn-ts/gpu' (with the optional package gpu.js installed)`,
    );
  }
  const createGpujsConv = gpujs as GpujsConvFactory;
  switch (choice) {
    case 'reference':
      return referenceConvBackend();
    case 'gpujs-cpu': {
      const g = createGpujsConv('cpu');
      return fromGpujs('gpujs-cpu', g, `gpujs-cpu: requested (gpu.js mode ${g.mode})`);
    }
    case 'gpujs': {
      const g = createGpujsConv('gpu');
      return fromGpujs('gpujs', g, `gpujs: requested (gpu.js mode ${g.mode})`);
    }
    case 'auto': {
      if (gpujs === undefined) {
        return referenceConvBackend(
          "auto: reference (gpu.js kernels not loaded; createConvBackend from 'ssn-ts/gpu' loads them)",
        );
      }
      let g: GpujsConvKernels;
      try {
        g = createGpujsConv('gpu');
      } catch (e) {
        return referenceConvBackend(
          `auto: reference (gpu.js could not start: ${(e as Error).message})`,
        );
      }
      const mode = g.mode;
      if (!GPU_MODES.has(mode)) {
        g.dispose();
        return referenceConvBackend(
          `auto: reference (gpu.js would run on ${mode}, a CPU backend measured slower than the float64 reference; ask for 'gpujs' to use it anyway)`,
        );
      }
      const candidate = fromGpujs('gpujs', g, '');
      const problem = selfCheckConvBackend(candidate);
      if (problem !== null) {
        candidate.dispose();
        return referenceConvBackend(`auto: reference (gpujs in gpu.js mode ${mode}: ${problem})`);
      }
      return fromGpujs('gpujs', g, `auto: gpujs (gpu.js mode ${mode}) passed the self-check`);
    }
    default:
      throw new RangeError(
        `choice: must be 'auto', 'reference', 'gpujs-cpu' or 'gpujs', got ${JSON.stringify(choice)}`,
      );
  }
}
