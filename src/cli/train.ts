/**
 * `ssn train --model deterministic|diagonal|lowrank` and `ssn experiment`: the small conv net on
 * the synthetic lesion data set, evaluated as the paper's Table 1 (DSC, DSC_nod, GED², sample
 * diversity, mean ± standard error over the test images), with Figures 3 and 6 as PNG.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createConvBackend } from '../kernels/convBackend.js';
import type { ConvBackend, ConvBackendChoice } from '../kernels/convBackend.js';
import { HEAD_KINDS } from '../nn/heads.js';
import type { HeadKind } from '../nn/heads.js';
import { renderFigure } from '../plot/renderFigure.js';
import { serializeWeights } from '../nn/serialize.js';
import { FileError } from './errors.js';
import {
  EXPERIMENT_DEFAULTS,
  QUICK_EXPERIMENT,
  checkExperimentConfig,
  runExperiment,
} from '../train/experiment.js';
import type {
  ExperimentConfig,
  ExperimentProgress,
  ExperimentResult,
} from '../train/experiment.js';
import { figure3Spec, figure6Spec, pickDisagreeingImages } from '../train/figures.js';
import { formatExperimentTable } from '../train/report.js';

const BACKENDS = ['auto', 'reference', 'gpujs-cpu', 'gpujs'] as const;

function intArg(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`must be an integer ≥ ${min}, got "${value}"`);
    }
    return n;
  };
}

function positiveArg(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !(n > 0)) {
    throw new InvalidArgumentError(`must be a positive number, got "${value}"`);
  }
  return n;
}

function modelArg(value: string): HeadKind {
  if (!HEAD_KINDS.includes(value as HeadKind)) {
    throw new InvalidArgumentError(`must be one of ${HEAD_KINDS.join(', ')}, got "${value}"`);
  }
  return value as HeadKind;
}

function modelListArg(value: string): HeadKind[] {
  return value.split(',').map((v) => modelArg(v.trim()));
}

/** Options common to both commands, as commander parses them. */
interface CommonFlags {
  backend: ConvBackendChoice;
  quick?: boolean;
  json?: string;
  figures: string | false;
  size?: number;
  trainImages?: number;
  testImages?: number;
  steps?: number;
  batch?: number;
  lr?: number;
  lossSamples?: number;
  evalSamples?: number;
  rank?: number;
  seed?: number;
}

function addCommonOptions(cmd: Command, figuresDefault: string | false): Command {
  return cmd
    .addOption(
      new Option('--backend <name>', 'convolution backend').choices(BACKENDS).default('auto'),
    )
    .option('--quick', 'a tiny preset that runs in seconds (for tests; numbers mean nothing)')
    .option('--json <file>', 'write the results as JSON')
    .option(
      '--figures <dir>',
      'write figure3.png and figure6.png (from the low-rank model) here',
      figuresDefault === false ? undefined : figuresDefault,
    )
    .option('--no-figures', 'do not render figures')
    .option('--size <n>', 'image side (even, ≥ 24)', intArg(24))
    .option('--train-images <n>', 'training images', intArg(1))
    .option('--test-images <n>', 'test images', intArg(1))
    .option('--steps <n>', 'Adam steps per model', intArg(1))
    .option('--batch <n>', 'images per step', intArg(1))
    .option('--lr <x>', 'Adam learning rate', positiveArg)
    .option('--loss-samples <n>', 'MC samples of the loss (even: antithetic pairs)', intArg(2))
    .option('--eval-samples <n>', 'samples per test image for GED and diversity', intArg(1))
    .option('--rank <n>', 'rank R of the low-rank head', intArg(1))
    .option('--seed <n>', 'seed of data, initialisation and sampling', intArg(0));
}

/** The configuration a command runs: the preset (defaults or --quick) overridden by flags. */
export function configFromFlags(flags: CommonFlags, models: HeadKind[]): ExperimentConfig {
  const base = flags.quick ? QUICK_EXPERIMENT : EXPERIMENT_DEFAULTS;
  const c: ExperimentConfig = {
    ...base,
    widths: { ...base.widths },
    models,
    size: flags.size ?? base.size,
    trainImages: flags.trainImages ?? base.trainImages,
    testImages: flags.testImages ?? base.testImages,
    steps: flags.steps ?? base.steps,
    batchSize: flags.batch ?? base.batchSize,
    lr: flags.lr ?? base.lr,
    lossSamples: flags.lossSamples ?? base.lossSamples,
    evalSamples: flags.evalSamples ?? base.evalSamples,
    rank: flags.rank ?? base.rank,
    seed: flags.seed ?? base.seed,
  };
  checkExperimentConfig(c);
  return c;
}

/** "reference", or "gpujs (gpu.js mode webasm)". */
export function backendLabel(b: ConvBackend): string {
  return b.gpuMode === null ? b.name : `${b.name} (gpu.js mode ${b.gpuMode})`;
}

/** The JSON document of `--json`. */
export function resultJson(result: ExperimentResult, backend: ConvBackend, seconds: number) {
  return {
    models: result.models.map((m) => ({
      name: m.name,
      dsc: m.dsc.mean,
      dscNod: m.dscNod.mean,
      ged: m.ged.mean,
      diversity: m.diversity.mean,
      standardErrors: {
        dsc: m.dsc.se,
        dscNod: m.dscNod.se,
        ged: m.ged.se,
        diversity: m.diversity.se,
      },
      parameters: m.parameters,
      lossStart: m.lossStart,
      lossEnd: m.lossEnd,
    })),
    annotatorDiversity: result.annotatorDiversity.mean,
    annotatorDiversitySe: result.annotatorDiversity.se,
    backend: backendLabel(backend),
    backendSelection: backend.selection,
    seconds,
    config: result.config,
  };
}

/** Progress: a cli-progress bar per phase on a TTY, else a plain line every 10%. */
function progressReporter(): { update: (p: ExperimentProgress) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  let key = '';
  let lastTenth = -1;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    stop,
    update(p) {
      const done = p.phase === 'train' ? p.step : p.image;
      const total = p.phase === 'train' ? p.steps : p.images;
      const k = `${p.model}/${p.phase}`;
      const label = `${p.model.padEnd(13)} ${p.phase === 'train' ? 'train   ' : 'evaluate'}`;
      const loss = p.phase === 'train' ? p.loss.toFixed(1) : '';
      if (k !== key) {
        stop();
        key = k;
        lastTenth = -1;
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              format: `${label} [{bar}] {value}/{total} {extra} | {duration_formatted} elapsed, eta {eta_formatted}`,
              stream: process.stderr,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, 0, { extra: '' });
        }
      }
      if (bar) {
        bar.update(done, { extra: loss === '' ? '' : `loss ${loss}` });
      } else {
        const tenth = Math.floor((10 * done) / total);
        if (tenth > lastTenth) {
          lastTenth = tenth;
          console.error(`${label} ${done}/${total}${loss === '' ? '' : ` loss ${loss}`}`);
        }
      }
      if (done === total) stop();
    },
  };
}

async function runAndReport(
  flags: CommonFlags & { save?: string },
  models: HeadKind[],
): Promise<void> {
  const config = configFromFlags(flags, models);
  const backend = createConvBackend(flags.backend);
  try {
    console.log(`backend: ${backend.selection}`);
    console.log(
      `data: ${config.trainImages} train / ${config.testImages} test images of ${config.size}×${config.size}, 4 annotators (random one per image per step); ` +
        `${config.steps} steps × batch ${config.batchSize}, lr ${config.lr}, M = ${config.lossSamples} antithetic loss samples, ` +
        `${config.evalSamples} samples per test image, rank ${config.rank}`,
    );
    const t0 = performance.now();
    const progress = progressReporter();
    let result: ExperimentResult;
    try {
      result = runExperiment(backend, config, progress.update);
    } finally {
      progress.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    for (const line of formatExperimentTable(result)) console.log(line);
    console.log(
      `backend ${backendLabel(backend)}; ${seconds.toFixed(1)} s (GED², diversity: V-statistic, d = 1 − IoU, d = 0 for two empty maps)`,
    );
    if (flags.json !== undefined) {
      mkdirSync(dirname(flags.json), { recursive: true });
      writeFileSync(flags.json, JSON.stringify(resultJson(result, backend, seconds), null, 2));
      console.log(`wrote ${flags.json}`);
    }
    if (flags.save !== undefined) {
      // The weights, with the command that made them (src/nn/serialize.ts reads them back).
      const m = result.models[0];
      const command = ['ssn', ...process.argv.slice(2)].join(' ');
      const meta = { command, config: result.config, lossEnd: m.lossEnd, dsc: m.dsc.mean };
      try {
        mkdirSync(dirname(flags.save), { recursive: true });
        writeFileSync(flags.save, serializeWeights(m.trained.network, meta));
      } catch (e) {
        throw new FileError(`${flags.save}: cannot write (${(e as Error).message})`);
      }
      console.log(`wrote ${flags.save}`);
    }
    if (flags.figures !== false && flags.figures !== undefined) {
      const stochastic =
        result.models.find((m) => m.name === 'lowrank') ??
        result.models.find((m) => m.name === 'diagonal');
      const model = stochastic ?? result.models[0];
      const net = model.trained.network;
      const picks = pickDisagreeingImages(result.test, 3);
      const f3 = await renderFigure(
        figure3Spec(backend, net, result.test, picks, {
          seed: config.seed,
          title: `${model.name} model: image, 4 annotations, mean prediction, P(lesion), samples`,
        }),
        join(flags.figures, 'figure3'),
      );
      console.log(`wrote ${f3.pngPath}`);
      if (stochastic !== undefined) {
        const f6 = await renderFigure(
          figure6Spec(backend, net, result.test, picks[0], { seed: config.seed }),
          join(flags.figures, 'figure6'),
        );
        console.log(`wrote ${f6.pngPath}`);
      }
    }
  } finally {
    backend.dispose();
  }
}

/** Registers `ssn train` and `ssn experiment`. */
export function registerTrain(program: Command): void {
  addCommonOptions(
    program
      .command('train')
      .description('train one conv net on the synthetic lesions and evaluate it (Table 1 columns)')
      .requiredOption('--model <kind>', 'deterministic | diagonal | lowrank', modelArg)
      .option('--save <file>', 'write the trained weights as JSON (src/nn/serialize.ts)'),
    false,
  ).action(async (flags: CommonFlags & { model: HeadKind; save?: string }) => {
    await runAndReport(flags, [flags.model]);
  });

  addCommonOptions(
    program
      .command('experiment')
      .description(
        'train the deterministic, diagonal and low-rank nets on all four annotation sets and print Table 1',
      )
      .option('--models <list>', 'comma-separated subset of the three models', modelListArg),
    'out/conv-net',
  ).action(async (flags: CommonFlags & { models?: HeadKind[] }) => {
    await runAndReport(flags, flags.models ?? [...HEAD_KINDS]);
  });
}
