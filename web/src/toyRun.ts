/**
 * One toy model trained in the page exactly as `ssn toy` trains it: through the library's own
 * `runToyModel` (src/toy/experiment.ts: the same seeded streams `${seed}/${kind}/0..2`, protocol,
 * training and evaluation), with progress reports carrying the parameters so the page can draw
 * them moving.
 * test/web/toyRun.web.ts checks the numbers against `runToyModel`, computed at test time.
 */
import { runToyModel, toyProtocol } from 'ssn-ts';
import type { ToyParams, ToyProtocolName } from 'ssn-ts';

/** What the page's controls set, already parsed. */
export interface ToyRunSettings {
  protocol: ToyProtocolName;
  /** Rank of the low-rank model (the diagonal model has rank 0). */
  rank: number;
  seed: number;
  /** Learning-rate override (undefined: the protocol's own schedule). */
  lr?: number;
  /** Samples-per-step override (undefined: the protocol's). */
  samples?: number;
  /** Samples per target of the final precise estimate (ssn toy's --eval-samples, 100,000). */
  evalSamples: number;
}

/** The parameters as plain arrays (what a worker message carries). */
export interface ToyParamsSnapshot {
  kind: ToyParams['kind'];
  rank: number;
  parameterisation: ToyParams['parameterisation'];
  mean: number[];
  logDiag: number[];
  logScale: number[];
  direction: number[];
}

export interface ToyProgress {
  step: number;
  total: number;
  /** Losses of the steps since the previous report. */
  losses: number[];
  params: ToyParamsSnapshot;
}

export interface ToyRunResult {
  kind: ToyParams['kind'];
  rank: number;
  steps: number;
  stoppedEarly: boolean;
  restoredStep: number;
  losses: number[];
  estimate: number;
  standardError: number;
  paper1000: number;
  evalSamples: number;
  params: ToyParamsSnapshot;
}

export function snapshot(p: ToyParams): ToyParamsSnapshot {
  return {
    kind: p.kind,
    rank: p.rank,
    parameterisation: p.parameterisation,
    mean: Array.from(p.mean),
    logDiag: Array.from(p.logDiag),
    logScale: Array.from(p.logScale),
    direction: Array.from(p.direction),
  };
}

/** Back from a snapshot to the library's parameters. */
export function fromSnapshot(s: ToyParamsSnapshot): ToyParams {
  return {
    kind: s.kind,
    rank: s.rank,
    parameterisation: s.parameterisation,
    mean: Float64Array.from(s.mean),
    logDiag: Float64Array.from(s.logDiag),
    logScale: Float64Array.from(s.logScale),
    direction: Float64Array.from(s.direction),
  };
}

/**
 * The protocol of these settings, with an override only where a control differs from the
 * protocol's own value (so the schedule is bit for bit `ssn toy`'s without flags).
 * @throws RangeError naming the setting (e.g. `lr: must be a positive finite number, got 0`)
 */
export function pageProtocol(s: ToyRunSettings) {
  return toyProtocol(s.protocol, { lr: s.lr, samples: s.samples });
}

/** The `ssn toy` command that computes the same numbers. */
export function toyCommand(s: ToyRunSettings): string {
  const flags = [`--protocol ${s.protocol}`, `--rank ${s.rank}`, `--seed ${s.seed}`];
  if (s.lr !== undefined) flags.push(`--lr ${s.lr}`);
  if (s.samples !== undefined) flags.push(`--samples ${s.samples}`);
  if (s.evalSamples !== 100_000) flags.push(`--eval-samples ${s.evalSamples}`);
  return `ssn toy ${flags.join(' ')}`;
}

/**
 * Trains and evaluates one model ('diagonal' or 'lowrank' of rank s.rank), reporting every
 * `every` steps.
 * @throws RangeError for invalid settings (see toyProtocol, trainToy)
 */
export function runToyInPage(
  kind: 'diagonal' | 'lowrank',
  s: ToyRunSettings,
  onProgress: (p: ToyProgress) => void,
  every = 10,
): ToyRunResult {
  let pending: number[] = [];
  const run = runToyModel({
    kind,
    rank: s.rank,
    protocol: pageProtocol(s),
    seed: s.seed,
    evalSamples: s.evalSamples,
    onStep: (step, total, loss, params) => {
      pending.push(loss);
      if (step % every === 0 || step === total) {
        onProgress({ step, total, losses: pending, params: snapshot(params) });
        pending = [];
      }
    },
  });
  return {
    kind: run.params.kind,
    rank: run.rank,
    steps: run.training.steps,
    stoppedEarly: run.training.stoppedEarly,
    restoredStep: run.training.restoredStep,
    losses: Array.from(run.training.losses),
    estimate: run.evaluation.estimate,
    standardError: run.evaluation.standardError,
    paper1000: run.evaluation.paper1000,
    evalSamples: run.evaluation.samples,
    params: snapshot(run.params),
  };
}
