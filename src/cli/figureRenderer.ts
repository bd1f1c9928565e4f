/**
 * Rendering figures beside the work: compiled (dist/), the vega → SVG → PNG work runs in a worker
 * thread (src/cli/renderWorker.ts), which loads vega and resvg and draws each figure while the
 * main thread goes on training, so a 2-core machine overlaps the two. One worker: on the 2-core
 * machine a second one (loading vega again while the training runs) was not measurably faster. Run
 * from the TypeScript sources (tests, tsx) it renders in this thread, the same calls in the same
 * order.
 */
import { Worker } from 'node:worker_threads';
import type { VegaLiteSpec } from '../plot/spec.js';

/** Renders figures in order of request; `render` resolves to the PNG's path. */
export interface FigureRenderer {
  /** Renders `spec` to `${basePath}.svg` and `.png` (as `renderFigure`). */
  render(spec: VegaLiteSpec, basePath: string): Promise<string>;
  /** Ends the worker (after every render has settled). */
  close(): Promise<void>;
}

/** A rendering error as the worker sends it (src/cli/renderWorker.ts). */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  path?: string;
}

interface Reply {
  id: number;
  pngPath?: string;
  error?: WorkerError;
}

/** An error as the worker sends it: plain data (postMessage clones it), code and path kept. */
export function workerError(e: unknown): WorkerError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const { code, path } = e as NodeJS.ErrnoException;
  return {
    name: e.name,
    message: e.message,
    ...(code === undefined ? {} : { code }),
    ...(path === undefined ? {} : { path }),
  };
}

/**
 * The worker's error as an Error of the same kind, with a file system error's `code` and `path`,
 * so that `errorReport` (src/cli/flags.ts) reports it as in this thread.
 */
export function rebuildError(e: WorkerError): Error {
  const Kind = e.name === 'RangeError' ? RangeError : e.name === 'TypeError' ? TypeError : Error;
  const err: NodeJS.ErrnoException = new Kind(e.message);
  if (e.code !== undefined) err.code = e.code;
  if (e.path !== undefined) err.path = e.path;
  return err;
}

function inThisThread(): FigureRenderer {
  // Chained so that figures are drawn one at a time, in order.
  let last: Promise<unknown> = Promise.resolve();
  return {
    render(spec, basePath) {
      const next = last.then(async () => {
        const { renderFigure } = await import('../plot/renderFigure.js');
        return (await renderFigure(spec, basePath)).pngPath;
      });
      last = next.catch(() => {});
      return next;
    },
    close: async () => {
      await last;
    },
  };
}

function inWorker(url: URL): FigureRenderer {
  const worker = new Worker(url);
  const waiting = new Map<number, { resolve(p: string): void; reject(e: Error): void }>();
  let nextId = 0;
  const failAll = (e: Error) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (r: Reply) => {
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    if (r.error !== undefined) w?.reject(rebuildError(r.error));
    else w?.resolve(r.pngPath ?? '');
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('the figure worker stopped')));
  return {
    render(spec, basePath) {
      const id = nextId++;
      return new Promise<string>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, spec, basePath });
      });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/** A figure renderer: a worker thread when running compiled JavaScript, else this thread. */
export function createFigureRenderer(): FigureRenderer {
  return import.meta.url.endsWith('.js')
    ? inWorker(new URL('./renderWorker.js', import.meta.url))
    : inThisThread();
}
