/**
 * The `ssn` command line's one progress reporter: a cli-progress bar per task on a terminal, a
 * plain stderr line every 10% (and at the end) otherwise, nothing with `--quiet`.
 */
import cliProgress from 'cli-progress';

/** Where progress goes: stderr lines, and whether stderr is a terminal. */
export interface ProgressIo {
  err(line: string): void;
  isTTY: boolean;
}

/** The process's stderr. */
export const stderrIo: ProgressIo = {
  err: (line) => console.error(line),
  isTTY: process.stderr.isTTY === true,
};

/** Reports the progress of a sequence of tasks, one at a time. */
export interface Progress {
  /**
   * `done` of `total` `unit` of the task `label` are done; `detail` (e.g. `loss 0.693`) is shown
   * beside. A new label ends the previous task's bar.
   */
  update(label: string, done: number, total: number, unit: string, detail?: string): void;
  /** Ends the current task's bar (call it also when the work throws). */
  stop(): void;
}

/** A progress reporter; `quiet` reports nothing. */
export function createProgress(quiet: boolean, io: ProgressIo = stderrIo): Progress {
  if (quiet) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  let lastTenth = -1;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    stop,
    update(label, done, total, unit, detail = '') {
      if (label !== current) {
        stop();
        current = label;
        lastTenth = -1;
        if (io.isTTY) {
          bar = new cliProgress.SingleBar(
            {
              format: `${label.padEnd(22)} [{bar}] {value}/{total} ${unit} {detail} | {duration_formatted}, eta {eta_formatted}`,
              stream: process.stderr,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { detail: '' });
        }
      }
      if (bar !== null) {
        const every = Math.max(1, Math.floor(total / 200));
        if (done % every === 0 || done === total) bar.update(done, { detail });
      } else {
        const tenth = Math.floor((10 * done) / Math.max(1, total));
        if (tenth > lastTenth) {
          lastTenth = tenth;
          io.err(`${label}: ${done}/${total} ${unit}${detail === '' ? '' : `, ${detail}`}`);
        }
      }
      if (done === total) stop();
    },
  };
}
