#!/usr/bin/env bash
# Prepares `bench:compare` for a machine without Node (the device machine, spec/performance.md):
# an esbuild bundle of bench/compare/run.ts at .device/bundle/compare.mjs (two folders down, so
# that its import.meta.url still finds spec/torch/bench.py) and this machine's node binary,
# xz-compressed, at .device/node.xz. `.device/` is ignored by git; carry it to the device and run
# bench/compare/device.sh there.
# Usage: npm run bench:device-bundle [-- --bundle-only]   (--bundle-only: the bundle alone, no node.xz)
set -euo pipefail
bundle_only=0
case "${1:-}" in
  "") ;;
  --bundle-only) bundle_only=1 ;;
  *)
    echo "device-bundle: unknown argument $1 (expected --bundle-only or nothing)" >&2
    exit 2
    ;;
esac
cd "$(dirname "$0")/../.."
mkdir -p .device/bundle
npx esbuild bench/compare/run.ts --bundle --platform=node --format=esm --target=node20 \
  --outfile=.device/bundle/compare.mjs --log-level=warning \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
echo "bundle -> .device/bundle/compare.mjs"
[ "$bundle_only" = 1 ] && exit 0
node=$(node -p process.execPath)
xz -T2 -6 -c "$node" >.device/node.xz.tmp
mv .device/node.xz.tmp .device/node.xz
echo "node $(node --version) ($node) -> .device/node.xz ($(du -h .device/node.xz | cut -f1))"
