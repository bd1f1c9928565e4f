/**
 * The figure worker of src/cli/figureRenderer.ts: renders each `{ id, spec, basePath }` it is
 * sent with `renderFigure` and answers `{ id, pngPath }` or `{ id, error }`, the error as
 * `{ name, message, code?, path? }` so that the main thread rebuilds a file system error the CLI
 * reports as one (exit 3), not as an unexpected one.
 */
import { parentPort } from 'node:worker_threads';
import { renderFigure } from '../plot/renderFigure.js';
import type { VegaLiteSpec } from '../plot/spec.js';
import { workerError } from './figureRenderer.js';

parentPort?.on('message', (m: { id: number; spec: VegaLiteSpec; basePath: string }) => {
  renderFigure(m.spec, m.basePath).then(
    (r) => parentPort?.postMessage({ id: m.id, pngPath: r.pngPath }),
    (e: unknown) => parentPort?.postMessage({ id: m.id, error: workerError(e) }),
  );
});
