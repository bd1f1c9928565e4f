#!/usr/bin/env bash
# `bench:compare` on the device machine's CPU, which has Python, torch and numpy but no Node.
# Here first: `npm run bench:device-bundle` (writes .device/). Then, with the device tool, one call:
#   command "bash bench/compare/device.sh", carry [".device"], timeout_s 560
# It unpacks the carried node binary with python3's lzma, prints the machine, and runs the bundle
# with the python3 on PATH (the one holding torch there), every workload at the default reps,
# one thread each side, float64. The report comes back as $OUT/compare-device.json and the log
# as $OUT/compare-device.log. Extra arguments go to bench:compare (e.g. --only toy).
set -uo pipefail
out="${OUT:?set OUT to a folder for the results}"
node_bin=/tmp/ssn-node/node
mkdir -p /tmp/ssn-node
python3 - "$node_bin" <<'PY'
import lzma, os, shutil, sys
with lzma.open(".device/node.xz") as src, open(sys.argv[1], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
os.chmod(sys.argv[1], 0o755)
PY
{
  echo "node $("$node_bin" --version), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
  python3 -c 'import sys, torch, numpy; print("python", sys.version.split()[0], "torch", torch.__version__, "numpy", numpy.__version__)'
  "$node_bin" .device/bundle/compare.mjs --python "$(command -v python3)" \
    --json "$out/compare-device.json" "$@"
  echo "exit $?"
} 2>&1 | tee "$out/compare-device.log"
