/**
 * `ssn train --model deterministic|diagonal|lowrank` and `ssn experiment`: the small conv net on
 * the synthetic lesion data set, evaluated as the paper's Table 1 (DSC, DSC_nod, GED², sample
 * diversity, mean ± standard error over the test images), with Figures 3 and 6 as PNG.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  createConvBackend,
  referenceConvBackend,
  type GpujsConvFactory,
} from '../kernels/convBackend.js';
import type { ConvBackend, ConvBackendChoice } from '../kernels/convBackend.js';
import { HEAD_KINDS } from '../nn/heads.js';
import type { HeadKind } from '../nn/heads.js';
import { serializeWeights } from '../nn/serialize.js';
import { FileError, UsageError } from './errors.js';
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
import {
  asFlagError,
  checkWritableDir,
  checkWritableFile,
  choiceArg,
  choiceListArg,
  integerArg,
  pathArg,
  positiveArg,
} from './flags.js';
import { createProgress } from './progress.js';

const BACKENDS = ['auto', 'reference', 'gpujs-cpu', 'gpujs'] as const;

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
  quiet?: boolean;
}

function addCommonOptions(cmd: Command, figuresDefault: string | false): Command {
  return cmd
    .option(
      '--backend <name>',
      `convolution backend: ${BACKENDS.join(', ')}`,
      choiceArg(BACKENDS),
      'auto',
    )
    .option('--quick', 'a tiny preset that runs in seconds (for tests; numbers mean nothing)')
    .option('--json <file>', 'write the results as JSON', pathArg)
    .option(
      '--figures <dir>',
      'write figure3.png and figure6.png (from the low-rank model) here',
      pathArg,
      figuresDefault === false ? undefined : figuresDefault,
    )
    .option('--no-figures', 'do not render figures')
    .option('--size <n>', 'image side (even, ≥ 24)', integerArg(24))
    .option('--train-images <n>', 'training images', integerArg(1))
    .option('--test-images <n>', 'test images', integerArg(1))
    .option('--steps <n>', 'Adam steps per model', integerArg(1))
    .option('--batch <n>', 'images per step', integerArg(1))
    .option('--lr <x>', 'Adam learning rate', positiveArg)
    .option('--loss-samples <n>', 'MC samples of the loss (even: antithetic pairs)', integerArg(2))
    .option('--eval-samples <n>', 'samples per test image for GED and diversity', integerArg(1))
    .option('--rank <n>', 'rank R of the low-rank head', integerArg(1))
    .option('--seed <n>', 'seed of data, initialisation and sampling', integerArg(0))
    .option('--quiet', 'no progress output');
}

/** ExperimentConfig's fields as the flags that set them. */
const CONFIG_FLAGS = {
  size: '--size',
  trainImages: '--train-images',
  testImages: '--test-images',
  steps: '--steps',
  batchSize: '--batch',
  lr: '--lr',
  lossSamples: '--loss-samples',
  evalSamples: '--eval-samples',
  rank: '--rank',
  seed: '--seed',
  models: '--models',
} as const;

/**
 * The backend `--backend` asks for. The gpu.js kernels are loaded only for a gpu.js choice (gpu.js
 * is an optional peer dependency); without gpu.js, 'auto' is the reference.
 * @throws UsageError when 'gpujs' or 'gpujs-cpu' is asked for and gpu.js is not installed
 */
export async function loadConvBackend(choice: ConvBackendChoice): Promise<ConvBackend> {
  if (choice === 'reference') return createConvBackend('reference');
  let gpujs: GpujsConvFactory;
  try {
    gpujs = (await import('../kernels/gpujsConv.js')).createGpujsConv;
  } catch (err) {
    const missing = `gpu.js could not be loaded (${(err as Error).message.split('\n')[0]}); it is an optional peer dependency: npm install gpu.js`;
    if (choice === 'auto') return referenceConvBackend(`auto: reference (${missing})`);
    throw new UsageError(`--backend: ${choice}: ${missing}`);
  }
  return createConvBackend(choice, gpujs);
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
  try {
    checkExperimentConfig(c);
  } catch (err) {
    throw asFlagError(err, CONFIG_FLAGS);
  }
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

/** The experiment's progress as the one reporter's tasks. */
function experimentProgress(quiet: boolean): {
  update: (p: ExperimentProgress) => void;
  stop: () => void;
} {
  const progress = createProgress(quiet);
  return {
    stop: () => progress.stop(),
    update: (p) =>
      p.phase === 'train'
        ? progress.update(`${p.model} train`, p.step, p.steps, 'steps', `loss ${p.loss.toFixed(1)}`)
        : progress.update(`${p.model} evaluate`, p.image, p.images, 'images'),
  };
}

async function runAndReport(
  flags: CommonFlags & { save?: string },
  models: HeadKind[],
): Promise<void> {
  const config = configFromFlags(flags, models);
  if (flags.json !== undefined) checkWritableFile('--json', flags.json);
  if (flags.save !== undefined) checkWritableFile('--save', flags.save);
  if (flags.figures !== false && flags.figures !== undefined) {
    checkWritableDir('--figures', flags.figures);
  }
  const backend = await loadConvBackend(flags.backend);
  try {
    console.log(`backend: ${backend.selection}`);
    console.log(
      `data: ${config.trainImages} train / ${config.testImages} test images of ${config.size}×${config.size}, 4 annotators (random one per image per step); ` +
        `${config.steps} steps × batch ${config.batchSize}, lr ${config.lr}, M = ${config.lossSamples} antithetic loss samples, ` +
        `${config.evalSamples} samples per test image, rank ${config.rank}`,
    );
    const t0 = performance.now();
    const progress = experimentProgress(flags.quiet === true);
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
      // Loaded only now: vega and resvg are slow to load.
      const { renderFigure } = await import('../plot/renderFigure.js');
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
      .requiredOption('--model <kind>', 'deterministic | diagonal | lowrank', choiceArg(HEAD_KINDS))
      .option('--save <file>', 'write the trained weights as JSON (src/nn/serialize.ts)', pathArg),
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
      .option(
        '--models <list>',
        'comma-separated subset of the three models',
        choiceListArg(HEAD_KINDS),
      ),
    'out/conv-net',
  ).action(async (flags: CommonFlags & { models?: HeadKind[] }) => {
    await runAndReport(flags, flags.models ?? [...HEAD_KINDS]);
  });
}
