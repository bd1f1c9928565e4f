/**
 * The built page (web/dist, from `npm run build:web`) in Debian's Chromium, driven by
 * playwright-core (nothing downloads a browser). Checks: no console error or failed request;
 * the toy models train from the keyboard and the rank-2 log-likelihood reaches ≥ −0.75 within
 * 20 s; the page's numbers equal `ssn toy`'s (run here, at test time); bad control input is
 * refused with a visible message; the curves' y axis holds all their points and the legend names
 * the run's rank; the live region speaks only at start and end; the page fits 420 px; gpu.js runs
 * on WebGL and its conv forward agrees with the float64 reference within the float32 tolerance;
 * the sliders are named by their labels; the temperature slider changes the samples.
 * Writes the screenshots and the measurements to docs/web/.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { parseToyOptions } from '../../src/cli/toy.js';
import { runToyModel } from '../../src/toy/experiment.js';
import { toyProtocol } from '../../src/toy/protocol.js';
import { parseWeights } from '../../src/nn/serialize.js';
import { createSsnNetwork, ssnForward } from '../../src/nn/ssnNetwork.js';
import type { SsnNetwork } from '../../src/nn/ssnNetwork.js';
import { ssnParameters } from '../../src/nn/ssnNetwork.js';
import { referenceConvOps } from '../../src/nn/network.js';
import { makeSyntheticDataset } from '../../src/data/syntheticLesions.js';
import { createRng } from '../../src/random/rng.js';
import type { ToyRunResult } from '../../web/src/toyRun.js';
import { worstFloat32Ratio } from '../kernels/float32Close.js';
import { serveStatic } from './serve.js';
import { flagsOf } from './toyCommand.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'web/dist');
const docs = join(root, 'docs/web');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let browser: Browser;
let page: Page;
let server: Server;
const problems: string[] = [];
const measurements: Record<string, unknown> = {};

beforeAll(async () => {
  if (!existsSync(join(dist, 'index.html')))
    throw new Error('web/dist: run `npm run build:web` first');
  const served = await serveStatic(dist);
  server = served.server;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => {
    // Warnings are left out: SwiftShader's "GPU stall due to ReadPixels" is a driver's
    // performance note on every gpu.js read-back.
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) =>
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(served.url);
  await page.waitForSelector('body[data-conv-ready]', { timeout: 30_000 });
  // First view: the first contentful paint, and the moment the conv net's samples are drawn
  // (both views complete, WebGL kernels compiled), in ms since navigation.
  measurements.firstContentfulPaintMs = await page.evaluate(
    `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null`,
  );
  measurements.bothViewsDrawnMs = Number(await page.getAttribute('body', 'data-ready-ms'));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
/** Every sample canvas's pixels, as one string. */
const pixels = () =>
  page.evaluate(
    `Array.from(document.querySelectorAll('[data-testid="convnet-samples"] canvas'), (c) => c.toDataURL()).join()`,
  ) as Promise<string>;

describe('the toy problem in the page', () => {
  it('refuses a learning rate of 0 or a non-number with a visible message, and does not train', async () => {
    await page.getByTestId('toy-lr').fill('0');
    await page.getByTestId('toy-train').click();
    await expect.poll(() => text('toy-error')).toMatch(/^learning rate: must be greater than 0/);
    expect(await page.getByTestId('toy-error').isVisible()).toBe(true);
    await page.getByTestId('toy-lr').fill('fast');
    await page.getByTestId('toy-train').click();
    await expect.poll(() => text('toy-error')).toBe('learning rate: must be a number, got "fast"');
    // A number too large for a float64 is a number, but not a finite one.
    await page.getByTestId('toy-lr').fill('1e400');
    await page.getByTestId('toy-train').click();
    await expect.poll(() => text('toy-error')).toBe('learning rate: must be finite, got 1e400');
    await page.getByTestId('toy-samples').fill('33');
    await page.getByTestId('toy-lr').fill('0.05');
    await page.getByTestId('toy-train').click();
    await expect
      .poll(() => text('toy-error'))
      .toMatch(/^samples per step: antithetic sampling needs an even count/);
    expect(await text('toy-loglik')).toBe('—');
    await page.getByTestId('toy-samples').fill('32');
  });

  it('before training, the curves name no step count and the y axis is labelled', async () => {
    const label = (await page.locator('#toy-curves').getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/y axis: log-likelihood from -?\d+ to 0; x axis: step$/);
  });

  it("the paper preset sets the controls to the library's paper protocol", async () => {
    const paper = toyProtocol('paper');
    await page.locator('#toy-protocol').selectOption('paper');
    expect(await page.getByTestId('toy-lr').inputValue()).toBe(String(paper.phases.at(-1)!.lr));
    expect(await page.getByTestId('toy-samples').inputValue()).toBe(String(paper.samples));
    await page.locator('#toy-protocol').selectOption('best');
    expect(await page.getByTestId('toy-lr').inputValue()).toBe('0.05');
    expect(await page.getByTestId('toy-samples').inputValue()).toBe('32');
  });

  it('trains from the keyboard; the rank-2 log-likelihood reaches ≥ −0.75 within 20 s', async () => {
    expect(await page.getByTestId('toy-rank').inputValue()).toBe('2');
    // Tab from the top of the page to the train button, then press Enter.
    await page.locator('body').focus();
    let onTrain = false;
    for (let i = 0; i < 40 && !onTrain; i++) {
      await page.keyboard.press('Tab');
      onTrain = (await page.evaluate('document.activeElement?.id')) === 'toy-train';
    }
    expect(onTrain, 'Tab reaches the train button').toBe(true);
    // Count the changes of the live region: a screen reader speaks each one.
    await page.evaluate(`(() => {
      window.statusChanges = 0;
      new MutationObserver((records) => { window.statusChanges += records.length; }).observe(
        document.getElementById('toy-status'),
        { childList: true, characterData: true, subtree: true },
      );
    })()`);
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => Number(await text('toy-loglik')), { timeout: 20_000, interval: 100 })
      .toBeGreaterThanOrEqual(-0.75);
    measurements.toyRank2ReachedMs = Date.now() - t0;
    expect(await text('toy-error')).toBe('');
  });

  it("gives ssn toy's numbers for the same seed and settings (the CLI run here, now)", async () => {
    await page.waitForSelector('[data-testid="toy-result"][data-result]', { timeout: 60_000 });
    const shown = JSON.parse(
      (await page.getAttribute('[data-testid="toy-result"]', 'data-result'))!,
    ) as {
      command: string;
      models: ToyRunResult[];
    };
    expect(shown.command).toBe('ssn toy --protocol best --rank 2 --seed 0');
    // The CLI itself, for the evaluated numbers it prints and writes.
    const json = join(tmpdir(), `ssn-toy-web-${process.pid}.json`);
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'src/cli/main.ts'),
        ...shown.command.split(' ').slice(1),
        '--no-figures',
        '--quiet',
        '--json',
        json,
      ],
      { cwd: root, stdio: 'ignore' },
    );
    const cli = JSON.parse(readFileSync(json, 'utf8')) as {
      models: {
        name: string;
        rank: number;
        steps: number;
        stoppedEarly: boolean;
        logLikelihood: Record<string, number>;
      }[];
    };
    // Not bit for bit across engines: ECMAScript leaves Math.exp and Math.log to each engine, and
    // Chromium's V8 and Node 20's differ in the last bit for about one argument in ten; 1800
    // Adam steps carry such differences to ~3e-6 relative in a step's loss and ~1e-8 in the
    // final estimates (measured, seed 0). The same code in one engine is bit for bit
    // runToyModel: test/web/toyRun.web.ts. Here: every number within 30× of those differences,
    // and the number shown equal to ssn toy's printed one.
    const settings = parseToyOptions(flagsOf(shown.command));
    for (const m of shown.models) {
      const c = cli.models.find((x) => x.name === m.kind)!;
      expect([m.rank, m.steps, m.stoppedEarly]).toEqual([c.rank, c.steps, c.stoppedEarly]);
      expect(Math.abs(m.estimate - c.logLikelihood.estimate)).toBeLessThan(3e-7);
      expect(Math.abs(m.paper1000 - c.logLikelihood.paper1000)).toBeLessThan(3e-7);
      expect(Math.abs(m.standardError / c.logLikelihood.standardError - 1)).toBeLessThan(1e-4);
      expect(m.estimate.toFixed(3)).toBe(c.logLikelihood.estimate.toFixed(3));
      const lib = runToyModel({
        kind: m.kind,
        rank: settings.rank,
        protocol: settings.protocol,
        seed: settings.seed,
        evalSamples: 1,
      });
      const want = lib.training.losses;
      expect(m.losses.length).toBe(want.length);
      const worst = m.losses.reduce(
        (w, v, i) => Math.max(w, Math.abs(v - want[i]) / Math.abs(want[i])),
        0,
      );
      expect(worst).toBeLessThan(1e-4);
    }
    const lowrank = cli.models.find((x) => x.name === 'lowrank')!;
    expect(await text('toy-loglik')).toBe(lowrank.logLikelihood.estimate.toFixed(3));
    // The live region spoke twice ("training…", "done"), not at every progress report.
    expect(await page.locator('#toy-status').textContent()).toBe('done');
    expect(await page.evaluate('window.statusChanges')).toBeLessThanOrEqual(3);
    // The y axis holds the whole curves: the first point of each is its first step's −loss
    // (about −10.5 here), below the old fixed −8; and the range is not much wider than that.
    const curves = (await page.locator('#toy-curves').getAttribute('aria-label')) ?? '';
    const yMin = Number(/y axis: log-likelihood from (-?[\d.]+) to 0;/.exec(curves)?.[1]);
    const lowest = Math.min(...shown.models.map((m) => -m.losses[0]));
    expect(lowest).toBeLessThan(-8);
    expect(yMin).toBeLessThanOrEqual(lowest);
    expect(yMin).toBeGreaterThan(lowest - 2);
    expect(curves).toMatch(/x axis: step \(of 1800\)$/);
    // The legend names the rank the run used, whatever the rank control says afterwards.
    await page.getByTestId('toy-rank').selectOption('4');
    expect(await page.locator('#toy-rank-label').textContent()).toBe('2');
    await page.getByTestId('toy-rank').selectOption('2');
    mkdirSync(docs, { recursive: true });
    await page.locator('#toy').screenshot({ path: join(docs, 'toy.png') });
  });
});

/** The float64 reference forward on the weights the page loads, and its Σ|terms| scale. */
function referenceMaps(net: SsnNetwork, image: Float64Array, side: number) {
  const map = (data: Float64Array) => ({ data, channels: 1, height: side, width: side });
  const want = ssnForward(referenceConvOps, net, map(image)).maps;
  // Every weight, bias and pixel made non-negative: each layer's output is then the sum of the
  // absolute terms feeding it (relu and max-pooling pass non-negative values unchanged).
  const abs = createSsnNetwork(createRng(0), {
    kind: 'lowrank',
    rank: net.heads.rank,
    widths: net.body.widths,
  });
  ssnParameters(abs).forEach((a, j) => a.set(ssnParameters(net)[j].map(Math.abs)));
  const scale = ssnForward(referenceConvOps, abs, map(image.map(Math.abs))).maps;
  return { want, scale };
}

describe('the page at a phone width', () => {
  it('fits 420 px without sideways scrolling; the curves keep their aspect', async () => {
    await page.setViewportSize({ width: 420, height: 900 });
    try {
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow).toBe(0);
      const box = (await page.locator('#toy-curves').boundingBox())!;
      expect(box.width).toBeLessThan(420);
      expect(box.width / box.height).toBeCloseTo(620 / 200, 1);
    } finally {
      await page.setViewportSize({ width: 1200, height: 900 });
    }
  });
});

describe('the conv net in the page', () => {
  it('names its sliders by their labels alone, and its sample grid by a visible heading', async () => {
    for (const name of ['temperature T', 'lesion-class noise ×'])
      expect(await page.getByRole('slider', { name, exact: true }).count(), name).toBe(1);
    expect(
      await page
        .getByRole('slider', { name: 'temperature T', exact: true })
        .getAttribute('aria-valuetext'),
    ).toBe('1.0');
    const grid = page.getByRole('group', { name: '16 samples', exact: true });
    expect(await grid.getAttribute('data-testid')).toBe('convnet-samples');
    expect(await page.getByRole('heading', { name: '16 samples', exact: true }).isVisible()).toBe(
      true,
    );
  });

  it('runs gpu.js on WebGL and says so; its forward pass agrees with the float64 reference', async () => {
    expect(await text('gpu-mode')).toMatch(/^webgl2?$/);
    const weights = parseWeights(
      readFileSync(join(root, 'web/public/lowrank-weights.json'), 'utf8'),
    );
    const side = (weights.meta.config as { size: number }).size;
    for (const seed of [26, 12]) {
      const got = (await page.evaluate(`ssnPage.forward(${seed}, 'webgl')`)) as {
        mode: string;
        mean: number[];
        logDiag: number[];
        factor: number[];
      };
      expect(got.mode).toMatch(/^webgl2?$/);
      const image = makeSyntheticDataset({ seed, count: 1, size: side }).images[0];
      const { want, scale } = referenceMaps(weights.network, image, side);
      for (const key of ['mean', 'logDiag', 'factor'] as const) {
        const { ratio, at } = worstFloat32Ratio(got[key], want[key]!.data, scale[key]!.data);
        expect(
          ratio <= 1,
          `${key}[${at}]: got ${got[key][at]}, want ${want[key]!.data[at]} (${ratio}× tolerance)`,
        ).toBe(true);
        // The check can fail: the float64 CPU path in the page is exact, WebGL is not.
        expect(ratio).toBeGreaterThan(0);
      }
    }
  });

  it('moving the temperature slider (from the keyboard) changes the samples', async () => {
    const before = await pixels();
    await page.getByTestId('temperature').focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('temperature').inputValue()).toBe('2');
    expect(await pixels()).not.toBe(before);
    await page.locator('#convnet').screenshot({ path: join(docs, 'convnet.png') });
  });

  it("the lesion class's noise weight and the resample button change the samples too", async () => {
    const atT2 = await pixels();
    await page.locator('#conv-class-weight').focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#conv-class-weight').inputValue()).toBe('-1');
    const weighted = await pixels();
    expect(weighted).not.toBe(atT2);
    await page.locator('#conv-resample').focus();
    await page.keyboard.press('Enter');
    expect(await pixels()).not.toBe(weighted);
  });

  it('measures the conv forward and the sampling, WebGL kernels against the float64 CPU path', async () => {
    const m = (await page.evaluate('ssnPage.measure(15)')) as Record<string, number | string>;
    expect(m.forwardWebglMs).toBeGreaterThan(0);
    const renderer = await page.evaluate(`(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
    })()`);
    const assets = join(dist, 'assets');
    const jsBytes = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .reduce((s, f) => s + statSync(join(assets, f)).size, 0);
    // The page's size target: its JavaScript, gpu.js included, within 1 MB.
    expect(jsBytes).toBeLessThanOrEqual(1_000_000);
    Object.assign(measurements, m, { chromium: browser.version(), renderer, jsBytes });
  });

  it('logged no console error and no failed request', () => {
    expect(problems).toEqual([]);
    writeFileSync(join(docs, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`);
  });
});
