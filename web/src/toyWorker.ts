/**
 * The toy problem's training, off the page's main thread: one worker per model. Messages in:
 * { kind, settings }; out: { type: 'progress', ...ToyProgress }, then { type: 'done', result }
 * or { type: 'error', message }.
 */
import { runToyInPage } from './toyRun.js';
import type { ToyRunSettings } from './toyRun.js';

self.onmessage = (e: MessageEvent<{ kind: 'diagonal' | 'lowrank'; settings: ToyRunSettings }>) => {
  const { kind, settings } = e.data;
  try {
    const result = runToyInPage(kind, settings, (p) =>
      self.postMessage({ type: 'progress', ...p }),
    );
    self.postMessage({ type: 'done', result });
  } catch (err) {
    self.postMessage({ type: 'error', message: (err as Error).message });
  }
};
