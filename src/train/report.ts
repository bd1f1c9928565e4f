/**
 * The conv-net experiment's numbers as a table (the one `ssn experiment` prints): the paper's
 * Table 1 columns, DSC in percent, each cell mean ± standard error over the test images.
 */
import type { MetricSummary } from './evaluate.js';
import type { ExperimentResult } from './experiment.js';

/** "mean ± se", scaled (100 for percent) and rounded to `digits`. */
function formatSummary(s: MetricSummary, scale = 1, digits = 3): string {
  return `${(s.mean * scale).toFixed(digits)} ± ${(s.se * scale).toFixed(digits)}`;
}

/**
 * One header line, one line per model, and a last line with the annotators' own diversity (what
 * a model's sample diversity should come close to).
 * @example for (const line of formatExperimentTable(runExperiment(ops, config))) console.log(line);
 */
export function formatExperimentTable(result: ExperimentResult): string[] {
  const pad = (s: string, n: number) => s.padEnd(n);
  const lines = [
    [
      pad('model', 14),
      pad('params', 7),
      pad('DSC %', 14),
      pad('DSC_nod %', 14),
      pad('GED²', 16),
      pad('diversity', 16),
      'loss first→last 10%',
    ].join(' '),
  ];
  for (const m of result.models) {
    lines.push(
      [
        pad(m.name, 14),
        pad(String(m.parameters), 7),
        pad(formatSummary(m.dsc, 100, 1), 14),
        pad(formatSummary(m.dscNod, 100, 1), 14),
        pad(formatSummary(m.ged), 16),
        pad(formatSummary(m.diversity), 16),
        `${m.lossStart.toFixed(1)} → ${m.lossEnd.toFixed(1)}`,
      ].join(' '),
    );
  }
  lines.push(
    [pad('annotators', 14), pad('', 7), pad('', 14), pad('', 14), pad('', 16)].join(' ') +
      ' ' +
      formatSummary(result.annotatorDiversity),
  );
  return lines;
}
