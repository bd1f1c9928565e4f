/**
 * `ssn toy`: trains the diagonal and the low-rank model on the paper's 21-pixel toy problem
 * (section 5.1), evaluates them, prints the table, draws Figure 2 and optionally writes JSON.
 * @see spec/toy-problem.md
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { hconcatSpec, vconcatSpec } from '../plot/concatSpec.js';
import { renderFigure } from '../plot/renderFigure.js';
import { runToyModel, type ToyModelRun } from '../toy/experiment.js';
import { binarySamples, toyModelFigureSpec, toyTargetsSpec } from '../toy/figure.js';
import type { ToyModelKind } from '../toy/model.js';
import { toyTargets } from '../toy/problem.js';
import { toyProtocol, type ToyProtocolName } from '../toy/protocol.js';
import {
  formatSeedSummary,
  formatToyTable,
  summariseSeeds,
  toyModelReport,
  toyReport,
  type ToyModelReport,
} from '../toy/report.js';
import { protocolSteps, type ToyStepCallback } from '../toy/train.js';

/** Flags as commander hands them over (strings until parsed). */
export interface ToyCliOptions {
  model?: string;
  rank?: string;
  steps?: string;
  pretrainSteps?: string;
  samples?: string;
  lr?: string;
  seed?: string;
  seeds?: string;
  antithetic?: boolean;
  evalSamples?: string;
  out?: string;
  figures?: boolean;
  json?: string;
  protocol?: string;
  quiet?: boolean;
}

/** Where the command writes, and whether stderr is a terminal (progress bar) or not. */
export interface ToyIo {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

const consoleIo: ToyIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  isTTY: process.stderr.isTTY === true,
};

function parseInteger(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v < min) {
    throw new RangeError(`--${flag}: must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return v;
}

function parsePositive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`--${flag}: must be a positive number, got ${JSON.stringify(value)}`);
  }
  return v;
}

function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new RangeError(
      `--${flag}: must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

/** The settings `ssn toy` runs with, parsed and checked. */
export interface ToySettings {
  models: ToyModelKind[];
  rank: number;
  protocolName: ToyProtocolName;
  seed: number;
  seeds: number;
  evalSamples: number;
  out: string;
  figures: boolean;
  json?: string;
  quiet: boolean;
  protocol: ReturnType<typeof toyProtocol>;
}

/**
 * Parses and checks the flags.
 * @throws RangeError naming the flag (`--steps: must be an integer ≥ 0, got "x"`)
 */
export function parseToyOptions(o: ToyCliOptions): ToySettings {
  const model = parseChoice('model', o.model ?? 'both', ['diagonal', 'lowrank', 'both'] as const);
  const protocolName = parseChoice('protocol', o.protocol ?? 'best', ['paper', 'best'] as const);
  const rank = parseInteger('rank', o.rank, 1) ?? 2;
  const seed = parseInteger('seed', o.seed, 0) ?? 0;
  const seeds = parseInteger('seeds', o.seeds, 1) ?? 1;
  const evalSamples = parseInteger('eval-samples', o.evalSamples, 1) ?? 100_000;
  const samples = parseInteger('samples', o.samples, 1);
  let protocol;
  try {
    protocol = toyProtocol(protocolName, {
      steps: parseInteger('steps', o.steps, 0),
      pretrainSteps: parseInteger('pretrain-steps', o.pretrainSteps, 0),
      samples,
      lr: parsePositive('lr', o.lr),
      antithetic: o.antithetic,
    });
  } catch (err) {
    if (err instanceof RangeError && err.message.startsWith('samples:')) {
      throw new RangeError(
        `--samples: ${err.message.slice('samples: '.length)} (or pass --no-antithetic)`,
      );
    }
    throw err;
  }
  if (o.out !== undefined && o.out.trim() === '')
    throw new RangeError('--out: must be a directory');
  if (o.json !== undefined && o.json.trim() === '')
    throw new RangeError('--json: must be a file name');
  return {
    models: model === 'both' ? ['diagonal', 'lowrank'] : [model],
    rank,
    protocolName,
    seed,
    seeds,
    evalSamples,
    out: o.out ?? 'out/toy',
    figures: o.figures !== false,
    json: o.json,
    quiet: o.quiet === true,
    protocol,
  };
}

/** A progress reporter: a bar on a terminal, a plain line every 10% otherwise, nothing if quiet. */
function progress(
  io: ToyIo,
  quiet: boolean,
  label: string,
): { onStep?: ToyStepCallback; stop(): void } {
  if (quiet) return { stop() {} };
  if (io.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label.padEnd(18)} [{bar}] {percentage}% | {value}/{total} steps | loss {loss}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      onStep(step, total, loss) {
        if (!started) {
          bar.start(total, 0, { loss: '-' });
          started = true;
        }
        if (step % 50 === 0 || step === total) bar.update(step, { loss: loss.toFixed(4) });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    onStep(step, total, loss) {
      const tenth = Math.max(1, Math.floor(total / 10));
      if (step % tenth === 0 || step === total) {
        io.err(`${label}: step ${step}/${total}, loss ${loss.toFixed(4)}`);
      }
    },
    stop() {},
  };
}

/** What a `ssn toy` run produced (for tests and the notebook). */
export interface ToyCommandResult {
  runs: ToyModelRun[];
  reports: ToyModelReport[];
  figures: string[];
}

/** Runs `ssn toy` with parsed settings. */
export async function runToyCommand(
  s: ToySettings,
  io: ToyIo = consoleIo,
): Promise<ToyCommandResult> {
  const runs: ToyModelRun[] = [];
  const reports: ToyModelReport[] = [];
  const total = protocolSteps(s.protocol);
  if (!s.quiet) {
    const ph = s.protocol.phases
      .map((p) => `${p.steps} ${p.train === 'mean' ? 'mean-only' : 'all'}`)
      .join(' + ');
    io.err(
      `protocol ${s.protocol.name}: ${ph} steps (${total}), ${s.protocol.samples} samples/target/step` +
        `${s.protocol.antithetic ? ' antithetic' : ''}, lr ${s.protocol.phases.map((p) => (p.lrFinal === undefined ? `${p.lr}` : `${p.lr}→${p.lrFinal}`)).join(', ')}`,
    );
  }
  for (let k = 0; k < s.seeds; k++) {
    const seed = s.seed + k;
    for (const kind of s.models) {
      const label = `${kind === 'diagonal' ? 'diagonal' : `rank ${s.rank}`}${s.seeds > 1 ? ` seed ${seed}` : ''}`;
      const bar = progress(io, s.quiet, label);
      let run: ToyModelRun;
      try {
        run = runToyModel({
          kind,
          rank: s.rank,
          protocol: s.protocol,
          seed,
          evalSamples: s.evalSamples,
          onStep: bar.onStep,
          now: () => performance.now(),
        });
      } finally {
        bar.stop();
      }
      runs.push(run);
      reports.push(toyModelReport(run, s.seeds > 1 ? seed : undefined));
    }
  }

  io.out(formatToyTable(reports));
  if (s.seeds > 1) {
    io.out('');
    io.out(formatSeedSummary(summariseSeeds(reports)));
  }

  const figures: string[] = [];
  if (s.figures) {
    const first = runs.slice(0, s.models.length);
    const panels = first.map((run) =>
      toyModelFigureSpec(
        run.dist,
        binarySamples(run.dist, run.figureRng),
        run.name === 'diagonal' ? '(a) diagonal model' : `(b) rank-${run.rank} model`,
      ),
    );
    const targets = toyTargetsSpec(toyTargets());
    for (let i = 0; i < first.length; i++) {
      figures.push(
        (await renderFigure(panels[i], join(s.out, `figure2-${first[i].name}`))).pngPath,
      );
    }
    figures.push((await renderFigure(targets, join(s.out, 'targets'))).pngPath);
    const all = vconcatSpec([hconcatSpec(panels, { spacing: 40 }), targets], {
      title: `Toy problem, protocol ${s.protocolName}, seed ${s.seed}`,
    });
    figures.push((await renderFigure(all, join(s.out, 'figure2'))).pngPath);
    if (!s.quiet) io.err(`figures: ${figures.join(', ')} (and .svg)`);
  }

  if (s.json !== undefined) {
    const report = toyReport(runs, s.protocolName, s.seed);
    const json =
      s.seeds > 1
        ? { ...report, models: reports, seeds: s.seeds, summary: summariseSeeds(reports) }
        : report;
    mkdirSync(dirname(s.json), { recursive: true });
    writeFileSync(s.json, `${JSON.stringify(json, null, 2)}\n`);
    if (!s.quiet) io.err(`numbers: ${s.json}`);
  }
  return { runs, reports, figures };
}

/** Registers `ssn toy` on the program. */
export function registerToy(program: Command): void {
  program
    .command('toy')
    .description('train and evaluate the 21-pixel toy problem (paper section 5.1)')
    .option('--model <which>', 'diagonal, lowrank or both', 'both')
    .option('--rank <n>', 'rank of the low-rank model', '2')
    .option('--protocol <name>', 'paper (the official script) or best (ours)', 'best')
    .option('--steps <n>', "steps on every parameter (default: the protocol's)")
    .option('--pretrain-steps <n>', "mean-only steps before them (default: the protocol's)")
    .option('--samples <n>', "MC samples per image per step (default: the protocol's)")
    .option('--lr <x>', "Adam's learning rate (default: the protocol's)")
    .option('--antithetic', "antithetic sample pairs (default: the protocol's)")
    .option('--no-antithetic', 'plain samples')
    .option('--seed <n>', 'random seed', '0')
    .option('--seeds <n>', 'train seeds seed..seed+n-1 and print mean and spread', '1')
    .option('--eval-samples <n>', 'samples per target of the precise estimate', '100000')
    .option('--out <dir>', 'directory for the figures', 'out/toy')
    .option('--no-figures', 'skip the figures')
    .option('--json <file>', 'write the numbers as JSON')
    .option('--quiet', 'no progress output')
    .action(async (opts: ToyCliOptions) => {
      await runToyCommand(parseToyOptions(opts));
    });
}
