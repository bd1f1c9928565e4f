import type { VegaLiteSpec } from './spec.js';

/** Options of {@link vconcatSpec} and {@link hconcatSpec}. */
export interface ConcatOptions {
  title?: string;
  spacing?: number;
}

/**
 * Stacks specs top to bottom. Colour scales stay independent (each panel keeps its own domain,
 * e.g. a covariance heatmap beside 0/1 samples).
 * @throws RangeError when `specs` is empty
 * @example vconcatSpec([meanStrip, covHeatmap, samples], { title: 'low-rank' })
 */
export function vconcatSpec(
  specs: readonly VegaLiteSpec[],
  options: ConcatOptions = {},
): VegaLiteSpec {
  return concat('vconcat', specs, options);
}

/** Places specs left to right, colour scales independent. @see vconcatSpec */
export function hconcatSpec(
  specs: readonly VegaLiteSpec[],
  options: ConcatOptions = {},
): VegaLiteSpec {
  return concat('hconcat', specs, options);
}

function concat(
  key: 'vconcat' | 'hconcat',
  specs: readonly VegaLiteSpec[],
  options: ConcatOptions,
): VegaLiteSpec {
  if (specs.length === 0) throw new RangeError('specs: must hold at least one spec');
  const spec: VegaLiteSpec = {
    [key]: specs.slice(),
    spacing: options.spacing ?? 16,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
  };
  if (options.title !== undefined) spec.title = options.title;
  return spec;
}
