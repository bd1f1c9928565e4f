/**
 * Convolution layers at the network's real sizes: float64 reference vs gpu.js kernels on gpu.js's
 * JS CPU backend vs gpu.js 'gpu' mode (GL where available, else WebAssembly; the group title says
 * which ran). Forward and VJP (input + weight + bias gradients) per layer, batch of one image.
 * Run: npx vitest bench --run bench/conv.bench.ts
 */
import { bench, describe, afterAll } from 'vitest';
import { createConvBackend } from '../src/kernels/gpujsConvBackend.js';
import type { ConvBackend, ConvBackendName } from '../src/kernels/convBackend.js';
import { createRng, standardNormal } from '../src/random/rng.js';

const layers = [
  { label: '32×32, 1→16, 3×3', I: 1, O: 16, H: 32, k: 3 },
  { label: '32×32, 16→16, 3×3', I: 16, O: 16, H: 32, k: 3 },
  { label: '16×16, 16→32, 3×3', I: 16, O: 32, H: 16, k: 3 },
  { label: '32×32, 48→16, 3×3', I: 48, O: 16, H: 32, k: 3 },
];

const backends = new Map<ConvBackendName, ConvBackend>();
for (const name of ['reference', 'gpujs-cpu', 'gpujs'] as const)
  backends.set(name, createConvBackend(name));
const gpujsMode = backends.get('gpujs')?.gpuMode ?? 'n/a';
afterAll(() => backends.forEach((b) => b.dispose()));

for (const { label, I, O, H, k } of layers) {
  const rng = createRng(`bench/${label}`);
  const x = { data: standardNormal(rng, I * H * H), channels: I, height: H, width: H };
  const w = {
    data: standardNormal(rng, O * I * k * k),
    outChannels: O,
    inChannels: I,
    kernelSize: k,
  };
  const b = standardNormal(rng, O);
  const g = { data: standardNormal(rng, O * H * H), channels: O, height: H, width: H };
  for (const pass of ['forward', 'vjp'] as const) {
    describe(`${label} ${pass} (gpujs = gpu.js ${gpujsMode})`, () => {
      for (const [name, be] of backends) {
        if (pass === 'forward')
          bench(name, () => void be.conv2d(x, w, b), { time: 300, warmupTime: 100 });
        else bench(name, () => void be.conv2dVjp(x, w, g), { time: 300, warmupTime: 100 });
      }
    });
  }
}
