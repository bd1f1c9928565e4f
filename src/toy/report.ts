/**
 * The toy problem's numbers as a table and as JSON (the shape `ssn toy --json` writes).
 */
import type { ToyModelRun } from './experiment.js';
import type { ToyModelKind } from './model.js';
import { TOY_OPTIMUM } from './problem.js';
import type { ToyProtocolName } from './protocol.js';

/**
 * What the paper reports (section 5.1): the loss formula on 1000 samples, for the diagonal model
 * and the rank-2 one (the paper's low-rank model).
 */
export const PAPER_REPORTED = { diagonal: -4.87, lowrank: -0.93 } as const;

/** The paper's figure for a model, or null for a rank the paper did not train (not 2). */
export function paperReported(m: { name: ToyModelKind; rank: number }): number | null {
  if (m.name === 'diagonal') return PAPER_REPORTED.diagonal;
  return m.rank === 2 ? PAPER_REPORTED.lowrank : null;
}

const paperCell = (v: number | null) => (v === null ? '-' : v.toFixed(2));

/** One model's entry in the JSON report. */
export interface ToyModelReport {
  name: ToyModelKind;
  rank: number;
  steps: number;
  seconds: number;
  stoppedEarly: boolean;
  logLikelihood: { paper1000: number; estimate: number; standardError: number; samples: number };
  /** Present in multi-seed reports. */
  seed?: number;
}

export interface ToyReport {
  models: ToyModelReport[];
  optimum: { diagonal: number; lowrank: number };
  protocol: ToyProtocolName;
  seed: number;
}

/** A run's JSON entry. */
export function toyModelReport(run: ToyModelRun, seed?: number): ToyModelReport {
  const e = run.evaluation;
  return {
    name: run.name,
    rank: run.rank,
    steps: run.training.steps,
    seconds: run.seconds,
    stoppedEarly: run.training.stoppedEarly,
    logLikelihood: {
      paper1000: e.paper1000,
      estimate: e.estimate,
      standardError: e.standardError,
      samples: e.samples,
    },
    ...(seed === undefined ? {} : { seed }),
  };
}

/** The full JSON report. */
export function toyReport(
  runs: readonly ToyModelRun[],
  protocol: ToyProtocolName,
  seed: number,
): ToyReport {
  return {
    models: runs.map((r) => toyModelReport(r)),
    optimum: { diagonal: TOY_OPTIMUM.diagonal, lowrank: TOY_OPTIMUM.lowrank },
    protocol,
    seed,
  };
}

function pad(cells: string[][]): string {
  const widths = cells[0].map((_, j) => Math.max(...cells.map((row) => row[j].length)));
  return cells
    .map((row) => row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))))
    .map((row) => row.join('  ').trimEnd())
    .join('\n');
}

const modelLabel = (r: ToyModelReport) =>
  (r.name === 'diagonal' ? 'diagonal' : `rank ${r.rank}`) +
  (r.seed === undefined ? '' : ` seed ${r.seed}`);

/**
 * The table `ssn toy` prints: model, steps, training seconds, the paper's value, ours on 1000
 * samples (the paper's estimator), ours on many samples ± its standard error, the optimum.
 * @example formatToyTable(report.models)
 * // model     steps  seconds  paper  ours (1000)  ours (100000) ± SE  optimum
 * // diagonal   1800     0.41  -4.87      -4.8561   -4.8536 ± 0.0011  -4.8520
 */
export function formatToyTable(models: readonly ToyModelReport[]): string {
  const header = [
    'model',
    'steps',
    'seconds',
    'paper',
    'ours (1000)',
    'ours ± SE',
    'samples',
    'optimum',
  ];
  const rows = models.map((m) => {
    const ll = m.logLikelihood;
    return [
      modelLabel(m) + (m.stoppedEarly ? ' *' : ''),
      String(m.steps),
      Number.isFinite(m.seconds) ? m.seconds.toFixed(2) : '-',
      paperCell(paperReported(m)),
      ll.paper1000.toFixed(4),
      `${ll.estimate.toFixed(4)} ± ${ll.standardError.toFixed(4)}`,
      String(ll.samples),
      TOY_OPTIMUM[m.name].toFixed(4),
    ];
  });
  const note = models.some((m) => m.stoppedEarly)
    ? '\n* stopped early: a non-finite loss sent it back to its last checkpoint'
    : '';
  return pad([header, ...rows]) + note;
}

/** Mean, sample standard deviation, min and max. */
export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  count: number;
}

/**
 * Mean and spread of values (sd with n − 1; 0 for one value).
 * @throws RangeError when values is empty
 */
export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) throw new RangeError('values: need at least one value');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: Math.min(...values),
    max: Math.max(...values),
    count: n,
  };
}

/** Per model: the spread of the paper's estimate and of the precise one over seeds. */
export interface ToySeedSummary {
  name: ToyModelKind;
  /** The paper's figure, null for a rank other than 2 (see `paperReported`). */
  paper: number | null;
  paper1000: Spread;
  estimate: Spread;
  stoppedEarly: number;
}

/** Groups multi-seed entries by model and summarises each. */
export function summariseSeeds(models: readonly ToyModelReport[]): ToySeedSummary[] {
  const names = [...new Set(models.map((m) => m.name))];
  return names.map((name) => {
    const runs = models.filter((m) => m.name === name);
    return {
      name,
      paper: paperReported(runs[0]),
      paper1000: spread(runs.map((r) => r.logLikelihood.paper1000)),
      estimate: spread(runs.map((r) => r.logLikelihood.estimate)),
      stoppedEarly: runs.filter((r) => r.stoppedEarly).length,
    };
  });
}

/** The multi-seed table: per model, mean ± sd [min, max] of both estimates. */
export function formatSeedSummary(summaries: readonly ToySeedSummary[]): string {
  const f = (s: Spread) =>
    `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)} [${s.min.toFixed(3)}, ${s.max.toFixed(3)}]`;
  const header = [
    'model',
    'seeds',
    'paper',
    'ours (1000): mean ± sd [min, max]',
    'ours (precise)',
    'stopped early',
  ];
  const rows = summaries.map((s) => [
    s.name,
    String(s.estimate.count),
    paperCell(s.paper),
    f(s.paper1000),
    f(s.estimate),
    String(s.stoppedEarly),
  ]);
  return pad([header, ...rows]);
}
