/**
 * The figure worker of src/cli/figureRenderer.ts: renders each `{ id, spec, basePath }` it is
 * sent with `renderFigure` and answers `{ id, pngPath }` or `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { renderFigure } from '../plot/renderFigure.js';
import type { VegaLiteSpec } from '../plot/spec.js';

parentPort?.on('message', (m: { id: number; spec: VegaLiteSpec; basePath: string }) => {
  renderFigure(m.spec, m.basePath).then(
    (r) => parentPort?.postMessage({ id: m.id, pngPath: r.pngPath }),
    (e: unknown) =>
      parentPort?.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) }),
  );
});
