/**
 * `ssn toy`: trains the diagonal and the low-rank model on the paper's 21-pixel toy problem
 * (section 5.1), evaluates them, prints the table, draws Figure 2 and optionally writes JSON.
 * @see spec/toy-problem.md
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { hconcatSpec, vconcatSpec } from '../plot/concatSpec.js';
import type { VegaLiteSpec } from '../plot/spec.js';
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
import { protocolSteps } from '../toy/train.js';
import {
  asFlagError,
  checkWritableDir,
  checkWritableFile,
  choiceArg,
  integerArg,
  pathArg,
  positiveArg,
} from './flags.js';
import { createFigureRenderer } from './figureRenderer.js';
import { createProgress, stderrIo, type ProgressIo } from './progress.js';

/** Flags as commander hands them over (already parsed and checked one by one). */
export interface ToyCliOptions {
  model?: 'diagonal' | 'lowrank' | 'both';
  rank?: number;
  steps?: number;
  pretrainSteps?: number;
  samples?: number;
  lr?: number;
  seed?: number;
  seeds?: number;
  antithetic?: boolean;
  evalSamples?: number;
  out?: string;
  figures?: boolean;
  json?: string;
  protocol?: ToyProtocolName;
  quick?: boolean;
  quiet?: boolean;
}

/** Where the command writes: stdout lines, and progress (stderr lines, terminal or not). */
export interface ToyIo extends ProgressIo {
  out(line: string): void;
}

const consoleIo: ToyIo = { ...stderrIo, out: (line) => console.log(line) };

/** `--quick`: a run of a few seconds (for trying the command; the numbers are rough). */
export const QUICK_TOY = { steps: 40, pretrainSteps: 10, samples: 8, evalSamples: 1000 } as const;

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

/** The library's option names as the flags that set them. */
const TOY_FLAGS = {
  steps: '--steps',
  pretrainSteps: '--pretrain-steps',
  samples: '--samples',
  lr: '--lr',
} as const;

/**
 * The settings from the flags: the protocol's (or `--quick`'s) values overridden by flags.
 * @throws UsageError naming the flag (`--samples: antithetic sampling needs an even count, got 7`)
 */
export function parseToyOptions(o: ToyCliOptions): ToySettings {
  const model = o.model ?? 'both';
  const protocolName = o.protocol ?? 'best';
  const quick = o.quick === true ? QUICK_TOY : undefined;
  let protocol;
  try {
    protocol = toyProtocol(protocolName, {
      steps: o.steps ?? quick?.steps,
      pretrainSteps: o.pretrainSteps ?? quick?.pretrainSteps,
      samples: o.samples ?? quick?.samples,
      lr: o.lr,
      antithetic: o.antithetic,
    });
  } catch (err) {
    const e = asFlagError(err, TOY_FLAGS);
    if (e instanceof Error && e.message.startsWith('--samples: antithetic')) {
      e.message += ' (or pass --no-antithetic)';
    }
    throw e;
  }
  return {
    models: model === 'both' ? ['diagonal', 'lowrank'] : [model],
    rank: o.rank ?? 2,
    protocolName,
    seed: o.seed ?? 0,
    seeds: o.seeds ?? 1,
    evalSamples: o.evalSamples ?? quick?.evalSamples ?? 100_000,
    out: o.out ?? 'out/toy',
    figures: o.figures !== false,
    ...(o.json === undefined ? {} : { json: o.json }),
    quiet: o.quiet === true,
    protocol,
  };
}

/** What a `ssn toy` run produced (for tests and the notebook). */
export interface ToyCommandResult {
  runs: ToyModelRun[];
  reports: ToyModelReport[];
  figures: string[];
}

/**
 * Runs `ssn toy` with parsed settings. The output paths are checked before any training.
 * @throws FileError when `--out` or `--json` cannot be written
 */
export async function runToyCommand(
  s: ToySettings,
  io: ToyIo = consoleIo,
): Promise<ToyCommandResult> {
  if (s.figures) checkWritableDir('--out', s.out);
  if (s.json !== undefined) checkWritableFile('--json', s.json);
  const progress = createProgress(s.quiet, io);
  // Figures are drawn (in a worker when compiled) as soon as their data exist, while training
  // and evaluation go on: the targets now, each model's panel as soon as it is trained (before
  // its 100,000-sample evaluation), the whole Figure 2 after the first seed's last model.
  const renderer = s.figures ? createFigureRenderer() : null;
  const pending: Promise<string>[] = [];
  const draw = (spec: VegaLiteSpec, name: string) => {
    if (renderer !== null) pending.push(renderer.render(spec, join(s.out, name)));
  };
  const targets = toyTargetsSpec(toyTargets());
  draw(targets, 'targets');
  const panels: VegaLiteSpec[] = [];
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
  let figures: string[] = [];
  try {
    for (let k = 0; k < s.seeds; k++) {
      const seed = s.seed + k;
      for (const kind of s.models) {
        const label = `${kind === 'diagonal' ? 'diagonal' : `rank ${s.rank}`}${s.seeds > 1 ? ` seed ${seed}` : ''}`;
        let run: ToyModelRun;
        try {
          run = runToyModel({
            kind,
            rank: s.rank,
            protocol: s.protocol,
            seed,
            evalSamples: s.evalSamples,
            onStep: (step, steps, loss) =>
              progress.update(label, step, steps, 'steps', `loss ${loss.toFixed(4)}`),
            now: () => performance.now(),
            onTrained: (t) => {
              if (k !== 0 || renderer === null) return;
              const panel = toyModelFigureSpec(
                t.dist,
                binarySamples(t.dist, t.figureRng),
                t.name === 'diagonal' ? '(a) diagonal model' : `(b) rank-${t.rank} model`,
              );
              panels.push(panel);
              draw(panel, `figure2-${t.name}`);
              if (panels.length === s.models.length) {
                const all = vconcatSpec([hconcatSpec(panels, { spacing: 40 }), targets], {
                  title: `Toy problem, protocol ${s.protocolName}, seed ${s.seed}`,
                });
                draw(all, 'figure2');
              }
            },
          });
        } finally {
          progress.stop();
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
    figures = await Promise.all(pending);
  } finally {
    await renderer?.close();
  }
  if (figures.length > 0 && !s.quiet) io.err(`figures: ${figures.join(', ')} (and .svg)`);

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
    .option(
      '--model <which>',
      'diagonal, lowrank or both',
      choiceArg(['diagonal', 'lowrank', 'both']),
      'both',
    )
    .option('--rank <n>', 'rank of the low-rank model', integerArg(1), 2)
    .option(
      '--protocol <name>',
      'paper (the official script) or best (ours)',
      choiceArg(['paper', 'best']),
      'best',
    )
    .option(
      '--quick',
      `a run of seconds: ${QUICK_TOY.pretrainSteps} + ${QUICK_TOY.steps} steps, ${QUICK_TOY.samples} samples, ${QUICK_TOY.evalSamples} eval samples (flags override)`,
    )
    .option('--steps <n>', "steps on every parameter (default: the protocol's)", integerArg(0))
    .option(
      '--pretrain-steps <n>',
      "mean-only steps before them (default: the protocol's)",
      integerArg(0),
    )
    .option(
      '--samples <n>',
      "MC samples per image per step (default: the protocol's)",
      integerArg(1),
    )
    .option('--lr <x>', "Adam's learning rate (default: the protocol's)", positiveArg)
    .option('--antithetic', "antithetic sample pairs (default: the protocol's)")
    .option('--no-antithetic', 'plain samples')
    .option('--seed <n>', 'random seed', integerArg(0), 0)
    .option('--seeds <n>', 'train seeds seed..seed+n-1 and print mean and spread', integerArg(1), 1)
    .option(
      '--eval-samples <n>',
      'samples per target of the precise estimate (default 100000)',
      integerArg(1),
    )
    .option('--out <dir>', 'directory for the figures', pathArg, 'out/toy')
    .option('--no-figures', 'skip the figures')
    .option('--json <file>', 'write the numbers as JSON', pathArg)
    .option('--quiet', 'no progress output')
    .action(async (opts: ToyCliOptions) => {
      await runToyCommand(parseToyOptions(opts));
    });
}
