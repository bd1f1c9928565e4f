/**
 * web/README.md describes the weights the page loads by their own record: the command in the
 * README is the one in web/public/lowrank-weights.json's `meta.command`, and the numbers it
 * quotes are that `meta`'s.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';

const read = (p: string) => readFileSync(new URL(`../../${p}`, import.meta.url), 'utf8');

describe('web/README.md', () => {
  const readme = read('web/README.md');
  const meta = (
    JSON.parse(read('web/public/lowrank-weights.json')) as {
      meta: {
        command: string;
        dsc: number;
        config: { steps: number; trainImages: number; testImages: number; size: number };
      };
    }
  ).meta;

  it("gives the weights' recorded command", () => {
    const shown = /npx tsx src\/cli\/main\.ts (train [^\n]*)/.exec(readme)?.[1];
    expect(`ssn ${shown}`).toBe(meta.command);
  });

  it("quotes the weights' recorded DSC and configuration, and no unrecorded number", () => {
    expect(readme).toContain(`${(100 * meta.dsc).toFixed(1)} %`);
    expect(readme).toContain(`(\`meta.dsc\`, ${meta.dsc.toFixed(4)})`);
    const { steps, trainImages, testImages, size } = meta.config;
    const n = (v: number) => v.toLocaleString('en-US');
    expect(readme).toContain(`${n(steps)} Adam steps`);
    expect(readme).toContain(`${n(trainImages)} images of ${size}×${size}`);
    expect(readme).toContain(`the ${testImages} test images`);
    // The file records no GED² value and no time: the README must not quote one.
    expect(readme).not.toMatch(/GED² \d|\d+ min \d+ s/);
  });
});
