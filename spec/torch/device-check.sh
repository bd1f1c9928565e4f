#!/usr/bin/env bash
# Cross-checks the conformance vectors against the PyTorch found on a GPU machine (a newer torch
# than Debian's 1.13), on CUDA in float64 and on its CPU. Writes one results file per vectors file
# and device to $OUT; `ssn check --vectors V --results R` then compares them here.
# Usage: OUT=dir bash spec/torch/device-check.sh VECTORS...
set -euo pipefail
out="${OUT:?set OUT to a folder for the results}"
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
for vectors in "$@"; do
  name=$(basename "$vectors" .json)
  SSN_TORCH_DEVICE=cuda python3 spec/torch/conformance.py "$vectors" "$out/$name-cuda.json"
  python3 spec/torch/conformance.py "$vectors" "$out/$name-cpu.json"
done
