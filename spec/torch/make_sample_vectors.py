#!/usr/bin/python3
"""Write a small ssn-conformance vectors file (no expected values) covering every op.

Usage: make_sample_vectors.py OUT

For testing conformance.py only; the project's real vectors come from `ssn vectors`.
Seeded numpy, so the file is the same on every run.
"""

import json
import sys

import numpy as np

TOL = {"rtol": 1e-9, "atol": 1e-12}


def lowrank(rng, n, r):
    return {
        "loc": rng.normal(size=n).tolist(),
        "covFactor": (0.7 * rng.normal(size=n * r)).tolist(),
        "covDiag": rng.uniform(0.2, 1.5, size=n).tolist(),
        "rank": r,
    }


def cases(rng):
    out = []
    for i, (n, r) in enumerate([(1, 1), (3, 1), (4, 2), (6, 3)]):
        inputs = lowrank(rng, n, r)
        inputs["x"] = rng.normal(size=n).tolist()
        out.append({"id": f"logProb-{i}", "op": "lowrank.logProb", "inputs": inputs, "tolerance": TOL})
    for i, (n, r) in enumerate([(2, 1), (5, 2), (6, 4)]):
        out.append({"id": f"entropy-{i}", "op": "lowrank.entropy", "inputs": lowrank(rng, n, r)})
    for i, (n, r, m, t) in enumerate([(3, 1, 2, None), (4, 2, 3, 0.5), (5, 2, 1, 0.0)]):
        inputs = lowrank(rng, n, r)
        inputs["epsFactor"] = rng.normal(size=m * r).tolist()
        inputs["epsDiag"] = rng.normal(size=m * n).tolist()
        if t is not None:
            inputs["temperature"] = t
        out.append({"id": f"rsample-{i}", "op": "lowrank.rsample", "inputs": inputs})
    loss_setups = [
        ("categorical", 3, 2, "class-major", 2, 4, False, False),
        ("categorical", 3, 2, "pixel-major", 2, 4, False, True),
        ("categorical", 2, 3, "class-major", 1, 3, True, False),
        ("bernoulli", 2, 4, "class-major", 2, 4, True, True),
        ("bernoulli", 2, 3, "pixel-major", 1, 1, False, False),
    ]
    for i, (lik, c, s, layout, r, m, masked, antithetic) in enumerate(loss_setups):
        n = s if lik == "bernoulli" else c * s
        inputs = lowrank(rng, n, r)
        half = m // 2 if antithetic else m
        ef = rng.normal(size=(half, r))
        ed = rng.normal(size=(half, n))
        if antithetic:
            ef = np.concatenate([ef, -ef])
            ed = np.concatenate([ed, -ed])
        inputs.update(
            {
                "likelihood": lik,
                "classes": c,
                "layout": layout,
                "labels": rng.integers(0, c, size=s).tolist(),
                "epsFactor": ef.reshape(-1).tolist(),
                "epsDiag": ed.reshape(-1).tolist(),
            }
        )
        if masked:
            mask = rng.integers(0, 2, size=s)
            mask[0] = 1
            inputs["mask"] = mask.tolist()
        out.append({"id": f"loss-{i}", "op": "loss.mc", "inputs": inputs, "tolerance": TOL})
    for i, (c, s, ns, na) in enumerate([(2, 6, 3, 2), (3, 5, 4, 3), (4, 4, 2, 2)]):
        samples = rng.integers(0, c, size=ns * s)
        annotations = rng.integers(0, c, size=na * s)
        if i == 2:
            samples[:s] = 0  # an empty sample: empty/empty classes must count IoU 1
            annotations[:s] = 0
        out.append(
            {
                "id": f"ged-{i}",
                "op": "metrics.ged",
                "inputs": {
                    "classes": c,
                    "pixels": s,
                    "samples": samples.tolist(),
                    "annotations": annotations.tolist(),
                },
            }
        )
    for i, (c, s, na) in enumerate([(2, 8, 2), (3, 6, 3), (4, 5, 2)]):
        prediction = rng.integers(0, c, size=s)
        annotations = rng.integers(0, c, size=na * s)
        if i == 2:
            prediction[prediction == 3] = 0  # class 3 absent from prediction and ...
            annotations[annotations == 3] = 1  # ... from every annotation: dice null
        out.append(
            {
                "id": f"dice-{i}",
                "op": "metrics.dice",
                "inputs": {
                    "classes": c,
                    "prediction": prediction.tolist(),
                    "annotations": annotations.tolist(),
                },
            }
        )
    return out


def main(argv):
    if len(argv) != 2:
        print("usage: make_sample_vectors.py OUT", file=sys.stderr)
        return 1
    doc = {"format": "ssn-conformance", "version": 1, "cases": cases(np.random.default_rng(20201))}
    with open(argv[1], "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"make_sample_vectors.py: wrote {len(doc['cases'])} cases to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
