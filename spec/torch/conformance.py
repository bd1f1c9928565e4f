#!/usr/bin/python3
"""Independent PyTorch implementation of the ssn-conformance format.

Usage: conformance.py VECTORS RESULTS

Reads a vectors file ({"format": "ssn-conformance", "version": 1, "cases": [...]}), computes
every case with torch in float64 (and numpy for the metrics), and writes a results file in the
same format: each case keeps its id, op, inputs and tolerance, and carries this script's values
in "expected". Non-finite values are written as the strings "Infinity", "-Infinity" and "NaN",
and read from them; null in the inputs is read as NaN (older files). See README.md beside this
file for the ops and their fields.

Exit codes: 0 on success, 1 for a malformed file or case, 2 for an unknown op.
Needs nothing but Debian's python3-torch and python3-numpy.

SSN_TORCH_DEVICE=cuda (torch >= 2.0) computes the torch ops on that device, still in float64.
"""

import json
import math
import os
import sys

import numpy as np
import torch
from torch.distributions import LowRankMultivariateNormal

torch.set_default_dtype(torch.float64)
DEVICE = os.environ.get("SSN_TORCH_DEVICE", "cpu")
if DEVICE != "cpu":
    torch.set_default_device(DEVICE)  # torch >= 2.0; Debian's 1.13 runs on the CPU only

FORMAT = "ssn-conformance"
VERSION = 1


class CaseError(Exception):
    """A case that cannot be computed; exit_code 2 for an unknown op, 1 otherwise."""

    def __init__(self, message, exit_code=1):
        super().__init__(message)
        self.exit_code = exit_code


# ---------------------------------------------------------------------------------------------
# Reading inputs


def _array(inputs, name):
    if name not in inputs:
        raise CaseError(f"inputs.{name}: missing")
    value = inputs[name]
    if not isinstance(value, list):
        raise CaseError(f"inputs.{name}: expected an array, got {type(value).__name__}")
    return value


NON_FINITE = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def _floats(inputs, name, length=None):
    value = _array(inputs, name)
    out = []
    for i, v in enumerate(value):
        if v is None:
            out.append(math.nan)
        elif isinstance(v, str) and v in NON_FINITE:
            out.append(NON_FINITE[v])
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
        else:
            raise CaseError(f"inputs.{name}: value {v!r} at index {i} is not a number")
    if length is not None and len(out) != length:
        raise CaseError(f"inputs.{name}: length {len(out)}, expected {length}")
    return torch.tensor(out, dtype=torch.float64, device=DEVICE)


def _is_integer(v):
    """An int, or a float with an integer value (not inf or NaN, which int() cannot take)."""
    if isinstance(v, bool):
        return False
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def _ints(inputs, name, length=None, low=None, high=None):
    value = _array(inputs, name)
    out = []
    for i, v in enumerate(value):
        if not _is_integer(v):
            raise CaseError(f"inputs.{name}: value {v!r} at index {i} is not an integer")
        v = int(v)
        if (low is not None and v < low) or (high is not None and v >= high):
            raise CaseError(f"inputs.{name}: value {v} at index {i} is out of range [{low}, {high})")
        out.append(v)
    if length is not None and len(out) != length:
        raise CaseError(f"inputs.{name}: length {len(out)}, expected {length}")
    return np.array(out, dtype=np.int64)


def _int(inputs, name, minimum=None, default=None):
    if name not in inputs:
        if default is not None:
            return default
        raise CaseError(f"inputs.{name}: missing")
    v = inputs[name]
    if not _is_integer(v):
        raise CaseError(f"inputs.{name}: {v!r} is not an integer")
    v = int(v)
    if minimum is not None and v < minimum:
        raise CaseError(f"inputs.{name}: {v} is below the minimum {minimum}")
    return v


def _number(inputs, name, default):
    v = inputs.get(name, default)
    if isinstance(v, str) and v in NON_FINITE:
        return NON_FINITE[v]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CaseError(f"inputs.{name}: {v!r} is not a number")
    return float(v)


def _choice(inputs, name, options, default=None):
    v = inputs.get(name, default)
    if v not in options:
        raise CaseError(f"inputs.{name}: {v!r} is not one of {', '.join(options)}")
    return v


def _lowrank(inputs):
    """loc [N], covFactor [N*R] row-major (n, r) at n*R + r, covDiag [N], rank R."""
    loc = _floats(inputs, "loc")
    n = loc.numel()
    if n < 1:
        raise CaseError("inputs.loc: must not be empty")
    r = _int(inputs, "rank", minimum=1)
    cov_factor = _floats(inputs, "covFactor", n * r).reshape(n, r)
    cov_diag = _floats(inputs, "covDiag", n)
    return loc, cov_factor, cov_diag


def _count(total, per, what, name):
    if per <= 0 or total % per != 0:
        raise CaseError(f"inputs.{name}: length {total} is not a multiple of {what} {per}")
    return total // per


# ---------------------------------------------------------------------------------------------
# Ops


def op_lowrank_log_prob(inputs):
    loc, cov_factor, cov_diag = _lowrank(inputs)
    x = _floats(inputs, "x", loc.numel())
    dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag, validate_args=False)
    return {"logProb": dist.log_prob(x).item()}


def op_lowrank_entropy(inputs):
    loc, cov_factor, cov_diag = _lowrank(inputs)
    dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag, validate_args=False)
    return {"entropy": dist.entropy().item()}


def _noises(inputs, n, r):
    eps_diag_flat = _floats(inputs, "epsDiag")
    m = _count(eps_diag_flat.numel(), n, "event size", "epsDiag")
    if m < 1:
        raise CaseError("inputs.epsDiag: must hold at least one sample")
    eps_factor = _floats(inputs, "epsFactor", m * r).reshape(m, r)
    return eps_factor, eps_diag_flat.reshape(m, n)


def op_lowrank_rsample(inputs):
    loc, cov_factor, cov_diag = _lowrank(inputs)
    n, r = cov_factor.shape
    eps_factor, eps_diag = _noises(inputs, n, r)
    t = _number(inputs, "temperature", 1.0)
    # sample m = loc + T (P eps_R^(m) + sqrt(D) * eps_N^(m))
    samples = loc + t * (eps_factor @ cov_factor.T + torch.sqrt(cov_diag) * eps_diag)
    return {"samples": samples.reshape(-1).tolist()}


def op_loss_mc(inputs):
    loc, cov_factor, cov_diag = _lowrank(inputs)
    n, r = cov_factor.shape
    likelihood = _choice(inputs, "likelihood", ["categorical", "bernoulli"])
    layout = _choice(inputs, "layout", ["class-major", "pixel-major"], default="class-major")
    c = _int(inputs, "classes", minimum=2)
    if likelihood == "bernoulli":
        if c != 2:
            raise CaseError(f"inputs.classes: {c}, bernoulli needs 2")
        s = n
    else:
        s = _count(n, c, "classes", "loc")
    labels = _ints(inputs, "labels", s, low=0, high=c)
    if "mask" in inputs:
        mask_np = _ints(inputs, "mask", s, low=0, high=2)
        mask = torch.tensor(mask_np, dtype=torch.float64)
    else:
        mask = torch.ones(s)
    eps_factor, eps_diag = _noises(inputs, n, r)
    m = eps_factor.shape[0]

    loc = loc.clone().requires_grad_(True)
    cov_factor = cov_factor.clone().requires_grad_(True)
    cov_diag = cov_diag.clone().requires_grad_(True)

    # eta_m = loc + P eps_R^(m) + sqrt(D) * eps_N^(m), shape (M, N)
    eta = loc + eps_factor @ cov_factor.T + torch.sqrt(cov_diag) * eps_diag
    y = torch.tensor(labels, dtype=torch.int64)
    if likelihood == "categorical":
        if layout == "class-major":
            logits = eta.reshape(m, c, s).transpose(1, 2)  # (M, S, C), n = c*S + s
        else:
            logits = eta.reshape(m, s, c)  # n = s*C + c
        log_p = torch.log_softmax(logits, dim=-1)
        log_py = log_p.gather(2, y.view(1, s, 1).expand(m, s, 1)).squeeze(2)  # (M, S)
    else:
        yf = y.to(torch.float64)
        log_py = yf * torch.nn.functional.logsigmoid(eta) + (1 - yf) * torch.nn.functional.logsigmoid(-eta)
    per_sample = (mask * log_py).sum(dim=1)  # (M,)
    loss = -torch.logsumexp(per_sample, dim=0) + math.log(m)
    loss.backward()
    return {
        "loss": loss.item(),
        "gradLoc": loc.grad.tolist(),
        "gradCovFactor": cov_factor.grad.reshape(-1).tolist(),
        "gradCovDiag": cov_diag.grad.tolist(),
    }


def _distance(a, b, classes):
    """1 - mean over foreground classes 1..C-1 of IoU; a class empty in both maps has IoU 1."""
    ious = []
    for k in range(1, classes):
        ak = a == k
        bk = b == k
        union = np.logical_or(ak, bk).sum()
        ious.append(1.0 if union == 0 else np.logical_and(ak, bk).sum() / union)
    return 1.0 - float(np.mean(ious))


def _mean_distance(xs, ys, classes):
    return float(np.mean([[_distance(x, y, classes) for y in ys] for x in xs]))


def op_metrics_ged(inputs):
    c = _int(inputs, "classes", minimum=2)
    samples = _ints(inputs, "samples", low=0, high=c)
    annotations = _ints(inputs, "annotations", low=0, high=c)
    if "pixels" in inputs:
        s = _int(inputs, "pixels", minimum=1)
        ns = _count(samples.size, s, "pixels", "samples")
        na = _count(annotations.size, s, "pixels", "annotations")
    else:
        ns = _int(inputs, "numSamples", minimum=1)
        na = _int(inputs, "numAnnotations", minimum=1)
        s = _count(samples.size, ns, "numSamples", "samples")
        if annotations.size != na * s:
            raise CaseError(f"inputs.annotations: length {annotations.size}, expected {na * s}")
    if "numSamples" in inputs and _int(inputs, "numSamples") != ns:
        raise CaseError(f"inputs.numSamples: {inputs['numSamples']} disagrees with {ns}")
    if "numAnnotations" in inputs and _int(inputs, "numAnnotations") != na:
        raise CaseError(f"inputs.numAnnotations: {inputs['numAnnotations']} disagrees with {na}")
    if ns < 1 or na < 1:
        raise CaseError("inputs.samples: need at least one sample and one annotation")
    xs = samples.reshape(ns, s)
    ys = annotations.reshape(na, s)
    cross = _mean_distance(xs, ys, c)
    diversity = _mean_distance(xs, xs, c)
    annotator = _mean_distance(ys, ys, c)
    return {
        "ged": 2 * cross - diversity - annotator,
        "diversity": diversity,
        "annotatorDiversity": annotator,
        "crossDistance": cross,
    }


def op_metrics_dice(inputs):
    c = _int(inputs, "classes", minimum=2)
    prediction = _ints(inputs, "prediction", low=0, high=c)
    s = prediction.size
    if s < 1:
        raise CaseError("inputs.prediction: must not be empty")
    annotations = _ints(inputs, "annotations", low=0, high=c)
    na = _count(annotations.size, s, "pixels", "annotations")
    dice = []
    for ann in annotations.reshape(na, s):
        for k in range(1, c):
            p = prediction == k
            a = ann == k
            tp = int(np.logical_and(p, a).sum())
            fp = int(np.logical_and(p, ~a).sum())
            fn = int(np.logical_and(~p, a).sum())
            denom = 2 * tp + fp + fn
            dice.append(math.nan if denom == 0 else 2 * tp / denom)
    return {"dice": dice}


OPS = {
    "lowrank.logProb": op_lowrank_log_prob,
    "lowrank.entropy": op_lowrank_entropy,
    "lowrank.rsample": op_lowrank_rsample,
    "loss.mc": op_loss_mc,
    "metrics.ged": op_metrics_ged,
    "metrics.dice": op_metrics_dice,
}


# ---------------------------------------------------------------------------------------------
# Files


def _json_safe(value):
    """Non-finite floats become "Infinity", "-Infinity", "NaN" (JSON has no literal for them)."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def compute_case(case):
    if not isinstance(case, dict):
        raise CaseError("case: expected an object")
    case_id = case.get("id")
    op = case.get("op")
    if op not in OPS:
        raise CaseError(f"case {json.dumps(case_id)}: unknown op {op!r} (known: {', '.join(OPS)})", exit_code=2)
    inputs = case.get("inputs")
    if not isinstance(inputs, dict):
        raise CaseError(f"case {json.dumps(case_id)} ({op}): inputs must be an object")
    try:
        expected = OPS[op](inputs)
    except CaseError as e:
        raise CaseError(f"case {json.dumps(case_id)} ({op}): {e}", e.exit_code) from None
    except (RuntimeError, ValueError) as e:
        raise CaseError(f"case {json.dumps(case_id)} ({op}): {e}") from None
    out = {"id": case_id, "op": op, "inputs": inputs, "expected": expected}
    if "tolerance" in case:
        out["tolerance"] = case["tolerance"]
    return out


def run(vectors_path, results_path):
    with open(vectors_path, encoding="utf-8-sig") as f:  # a byte-order mark is allowed
        doc = json.load(f)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CaseError(f"{vectors_path}: format is not {FORMAT!r}")
    if doc.get("version") != VERSION:
        raise CaseError(f"{vectors_path}: version {doc.get('version')!r} is not {VERSION}")
    cases = doc.get("cases")
    if not isinstance(cases, list):
        raise CaseError(f"{vectors_path}: cases must be an array")
    results = {"format": FORMAT, "version": VERSION, "cases": [compute_case(c) for c in cases]}
    with open(results_path, "w", encoding="utf-8") as f:
        json.dump(_json_safe(results), f, allow_nan=False)
        f.write("\n")
    return len(cases)


def main(argv):
    if len(argv) != 3:
        print("usage: conformance.py VECTORS RESULTS", file=sys.stderr)
        return 1
    try:
        count = run(argv[1], argv[2])
    except CaseError as e:
        print(f"conformance.py: {e}", file=sys.stderr)
        return e.exit_code
    except (OSError, json.JSONDecodeError) as e:
        print(f"conformance.py: {e}", file=sys.stderr)
        return 1
    print(f"conformance.py: wrote {count} cases to {argv[2]} (torch {torch.__version__}, device {DEVICE})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
