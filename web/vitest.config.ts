import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { PACKAGE_ENTRIES } from './vite.config.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The page's tests (`npm run test:web`, after `npm run build:web`): test/web/*.web.ts, kept out
 * of `npm test` because they drive the system Chromium.
 */
export default defineConfig({
  root: here('..'),
  // The package's own entries, from source, as the page's build resolves them.
  resolve: { alias: PACKAGE_ENTRIES },
  test: {
    include: ['test/web/**/*.web.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
});
