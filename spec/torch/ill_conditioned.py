"""torch's log-density on ssn-ts's badly conditioned families (issue 13), float64.

    npx tsx bench/logDensityAccuracy.ts --out /tmp/ill.json
    python3 spec/torch/ill_conditioned.py /tmp/ill.json

Reads the cases, their 60-digit reference and ssn-ts's two values (the textbook Woodbury form
and the stable form) from the JSON that bench/logDensityAccuracy.ts writes, evaluates
torch.distributions.LowRankMultivariateNormal(...).log_prob in float64 on the same inputs, and
prints the worst relative error per family for all three. A case torch refuses (its capacitance
Cholesky fails) counts as an infinite error, as does a NaN.
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


def main(path):
    cases = json.load(open(path))["cases"]
    families = list(dict.fromkeys(c["family"] for c in cases))
    print(f"{'family':24} {'cases':>5}  {'ssn-ts before':>13}  {'ssn-ts now':>10}  {'torch':>8}")
    fmt = lambda v: "refused" if math.isinf(v) else f"{v:.1e}"
    for fam in families:
        fc = [c for c in cases if c["family"] == fam]
        worst = lambda f: max(rel(f(c), c["reference"]) for c in fc)
        print(f"{fam:24} {len(fc):5}  {fmt(worst(lambda c: c['woodbury'])):>13}  "
              f"{fmt(worst(lambda c: c['stable'])):>10}  {fmt(worst(torch_log_prob)):>8}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ill.json")
