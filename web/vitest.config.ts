import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The page's tests (`npm run test:web`, after `npm run build:web`): test/web/*.web.ts, kept out
 * of `npm test` because they drive the system Chromium.
 */
export default defineConfig({
  root: here('..'),
  resolve: {
    alias: [
      // The package's own entries, from source: the core and ssn-ts/gpu.
      { find: /^ssn-ts$/, replacement: here('../src/index.ts') },
      { find: /^ssn-ts\/gpu$/, replacement: here('../src/gpu.ts') },
    ],
  },
  test: {
    include: ['test/web/**/*.web.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
