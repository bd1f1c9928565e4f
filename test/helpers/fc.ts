/**
 * The one fast-check configuration of the suite: every property runs with the same seed, which
 * a failure prints with the command that reruns it.
 *
 *   FC_SEED=123 npx vitest run test/nn/conv2d.test.ts   # run the properties with another seed
 *
 * Usage: `fc.assert(property, fcParams(60))` for 60 runs.
 */
import fc from 'fast-check';

/** The default seed (any fixed integer: it makes a red test red on every machine). */
const DEFAULT_SEED = 42;

/** The seed of this run: FC_SEED from the environment when set, else 42. */
export const FC_SEED: number = readSeed(process.env.FC_SEED);

function readSeed(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_SEED;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`FC_SEED: must be an integer, got ${JSON.stringify(text)}`);
  }
  return seed;
}

/**
 * fast-check parameters for `numRuns` runs with the shared seed. On failure the error message is
 * fast-check's own report (counterexample, seed and shrink path) followed by the line that
 * reruns the failing case.
 */
export function fcParams<Ts>(numRuns: number): fc.Parameters<Ts> {
  return {
    seed: FC_SEED,
    numRuns,
    reporter(details) {
      if (!details.failed) return;
      throw new Error(
        `${fc.defaultReportMessage(details)}\n` +
          `Rerun with FC_SEED=${details.seed} (and { path: ${JSON.stringify(details.counterexamplePath)} } to go straight to the shrunk case).`,
      );
    },
  };
}
