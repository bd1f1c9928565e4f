"""torch's log-density on ssn-ts's badly conditioned families (issue 13), float64.

    npx tsx bench/logDensityAccuracy.ts --out /tmp/ill.json [--baseline /tmp/base/src]
    python3 spec/torch/ill_conditioned.py /tmp/ill.json

Reads the cases, their 60-digit reference and ssn-ts's values (the stable form, the textbook
Woodbury form, and with --baseline an earlier implementation) from the JSON that
bench/logDensityAccuracy.ts writes, evaluates
torch.distributions.LowRankMultivariateNormal(...).log_prob in float64 on the same inputs, and
prints the worst relative error per family for all three; a case refused (the capacitance
Cholesky fails) or NaN is counted apart. Then the worst ratio of each one's error to the bound
a correct float64 Woodbury implementation stays within (spec/lowrank-normal.md#accuracy).
"""
import json
import math
import sys

import torch


def rel(actual, expected):
    if actual is None or math.isnan(actual):
        return math.inf
    return abs(actual - expected) / abs(expected)


def torch_log_prob(case):
    n, rank = case["n"], case["rank"]
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    try:
        dist = torch.distributions.LowRankMultivariateNormal(
            t(case["loc"]), t(case["covFactor"]).reshape(n, rank), t(case["covDiag"]),
            validate_args=False)
        return float(dist.log_prob(t(case["x"])))
    except RuntimeError:  # the capacitance is not positive definite in float64
        return math.nan


def woodbury_bound(case):
    """|error| a correct float64 Woodbury implementation stays within (spec/lowrank-normal.md#accuracy):
    u [N log 2π + Σ|log d_n| + (N + R)(R + zᵀD⁻¹z)(1 + ‖D^{-1/2}P‖_F²)], u = 2⁻⁵³."""
    n, rank, p, d = case["n"], case["rank"], case["covFactor"], case["covDiag"]
    z = [x - m for x, m in zip(case["x"], case["loc"])]
    quad_d = sum(zi * zi / di for zi, di in zip(z, d))
    a_frob = sum(p[i * rank + r] ** 2 / d[i] for i in range(n) for r in range(rank))
    return 2.0 ** -53 * (n * math.log(2 * math.pi) + sum(abs(math.log(di)) for di in d)
                         + (n + rank) * (rank + quad_d) * (1 + a_frob))


def main(path):
    cases = json.load(open(path))["cases"]
    families = list(dict.fromkeys(c["family"] for c in cases))
    columns = [("ssn-ts now", "stable"), ("ssn-ts Woodbury", "woodbury")]
    if "baseline" in cases[0]:
        columns.append(("ssn-ts baseline", "baseline"))
    print(f"{'family':24} {'cases':>5}" + "".join(f"  {h:>18}" for h, _ in columns) + f"  {'torch':>18}")

    def worst(values, fc):
        errs = [rel(v, c["reference"]) for v, c in zip(values, fc)]
        refused = sum(math.isinf(e) for e in errs)
        finite = [e for e in errs if not math.isinf(e)]
        text = f"{max(finite):.1e}" if finite else "-"
        return text + (f" ({refused} refused)" if refused else "")

    for fam in families:
        fc = [c for c in cases if c["family"] == fam]
        cells = [worst([c[k] for c in fc], fc) for _, k in columns]
        cells.append(worst([torch_log_prob(c) for c in fc], fc))
        print(f"{fam:24} {len(fc):5}" + "".join(f"  {x:>18}" for x in cells))
    # How close each implementation comes to the Woodbury bound (≤ 1: within it); a refusal
    # (None in the JSON, NaN from torch) has no error to compare and is left out.
    def ratio(f):
        values = [(f(c), c) for c in cases]
        return max(abs(v - c["reference"]) / woodbury_bound(c) for v, c in values
                   if v is not None and not math.isnan(v))
    print(f"worst |error| / woodbury_bound: torch {ratio(torch_log_prob):.2g}, "
          f"ssn-ts Woodbury {ratio(lambda c: c['woodbury']):.2g}, now {ratio(lambda c: c['stable']):.2g}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ill.json")
