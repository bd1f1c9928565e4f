/**
 * The toy report's "paper" column: the paper trained a diagonal model and a rank-2 one
 * (section 5.1: −4.87 and −0.93), so a model of another rank has no paper figure to compare.
 */
import { describe, expect, it } from 'vitest';
import {
  formatSeedSummary,
  formatToyTable,
  paperReported,
  summariseSeeds,
  type ToyModelReport,
} from '../../src/toy/report.js';

function entry(name: 'diagonal' | 'lowrank', rank: number, seed?: number): ToyModelReport {
  return {
    name,
    rank,
    steps: 10,
    seconds: 0.5,
    stoppedEarly: false,
    logLikelihood: { paper1000: -1, estimate: -1, standardError: 0.01, samples: 1000 },
    ...(seed === undefined ? {} : { seed }),
  };
}

describe('the paper column', () => {
  it('is the paper figure for the diagonal and rank-2 models only', () => {
    expect(paperReported({ name: 'diagonal', rank: 0 })).toBe(-4.87);
    expect(paperReported({ name: 'lowrank', rank: 2 })).toBe(-0.93);
    expect(paperReported({ name: 'lowrank', rank: 1 })).toBeNull();
    expect(paperReported({ name: 'lowrank', rank: 5 })).toBeNull();
  });

  it('shows "-" in the table for a rank the paper did not train', () => {
    const rows = formatToyTable([entry('diagonal', 0), entry('lowrank', 3)]).split('\n');
    expect(rows[1]).toMatch(/^diagonal\s+10\s+0\.50\s+-4\.87\s/);
    expect(rows[2]).toMatch(/^rank 3\s+10\s+0\.50\s+-\s/);
    expect(formatToyTable([entry('lowrank', 2)]).split('\n')[1]).toMatch(
      /^rank 2\s+10\s+0\.50\s+-0\.93\s/,
    );
  });

  it('is null in the multi-seed summary of another rank, and "-" in its table', () => {
    const summary = summariseSeeds([entry('lowrank', 4, 0), entry('lowrank', 4, 1)]);
    expect(summary[0].paper).toBeNull();
    expect(formatSeedSummary(summary).split('\n')[1]).toMatch(/^lowrank\s+2\s+-\s/);
    expect(summariseSeeds([entry('lowrank', 2, 0)])[0].paper).toBe(-0.93);
  });
});
