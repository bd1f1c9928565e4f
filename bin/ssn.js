#!/usr/bin/env node
/* global console, process */
// The `ssn` command: the compiled CLI in dist/ (`npm run build` makes it; installing runs it).
try {
  await import('../dist/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('ssn: dist/cli/main.js is missing: run `npm run build` in the ssn-ts folder');
    process.exit(1);
  }
  throw err;
}
