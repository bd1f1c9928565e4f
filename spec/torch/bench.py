#!/usr/bin/python3
"""PyTorch side of `npm run bench:compare` (bench/compare/): the same workloads as ssn-ts, timed
in this process, one core, float64.

Usage:
  bench.py --serve     read one JSON request per line on stdin, answer one JSON line each
  bench.py --list      print the workload names

The first line written in --serve mode is
  {"ready": true, "torch": "1.13.0", "numpy": "1.24.2", "threads": 1,
   "blas": "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"}
(blas: the BLAS library the process loaded, null when unknown) then each request
  {"workload": "mcLoss", "params": {...}, "reps": 3, "dtype": "float64"}
is answered with
  {"times": [ms, ...], "value": v}        (one time per repetition, in milliseconds)
or {"error": "message"}. The fixture of a (workload, params, dtype) is built once, outside the
timed region, and kept, so the harness can interleave single repetitions cheaply.

Fairness (spec/performance.md): torch.set_num_threads(1) and one BLAS/OpenMP thread; float64
unless a request asks for float32; each timed region holds exactly what the ssn-ts side does
(construction of the distribution and drawing the noise included). The fixtures are the
closed-form ones of bench/compare/fixtures.ts, so deterministic workloads (logProb, ged) give
the same values on both sides.

Needs nothing but Debian's python3-torch and python3-numpy.
"""

import os

# One thread everywhere, set before numpy/torch load their BLAS and OpenMP runtimes.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.distributions import Independent, LowRankMultivariateNormal, Normal  # noqa: E402

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:  # already set once this process ran a parallel op
    pass

DTYPES = {"float64": torch.float64, "float32": torch.float32}


class RequestError(Exception):
    """A malformed request; answered as {"error": message}."""


# ---------------------------------------------------------------------------------------------
# Closed-form fixtures, the same formulas as bench/compare/fixtures.ts


def _int_param(params, name, lo=1):
    v = params.get(name)
    if not isinstance(v, int) or isinstance(v, bool) or v < lo:
        raise RequestError(f"params.{name}: expected an integer >= {lo}, got {v!r}")
    return v


def _num_param(params, name):
    v = params.get(name)
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
        raise RequestError(f"params.{name}: expected a positive number, got {v!r}")
    return float(v)


def fixture_distribution(n, rank):
    """loc[n] = 0.5 sin(0.37 n + 1), P[n, r] = 0.3 sin(0.11 n + 0.7 r + 2) / sqrt(R),
    d[n] = exp(0.2 cos(0.23 n)), x[n] = loc[n] + cos(0.53 n)."""
    idx = np.arange(n, dtype=np.float64)
    loc = 0.5 * np.sin(0.37 * idx + 1.0)
    r = np.arange(rank, dtype=np.float64)
    cov_factor = 0.3 * np.sin(0.11 * idx[:, None] + 0.7 * r[None, :] + 2.0) / math.sqrt(rank)
    cov_diag = np.exp(0.2 * np.cos(0.23 * idx))
    x = loc + np.cos(0.53 * idx)
    return loc, cov_factor, cov_diag, x


def fixture_labels(side, classes):
    """label(i, j) = floor(((7 i + 13 j) mod 10) C / 10), pixel s = i side + j."""
    i, j = np.divmod(np.arange(side * side, dtype=np.int64), side)
    return ((7 * i + 13 * j) % 10) * classes // 10


def fixture_disc_maps(count, side, offset):
    """Map k is a disc: centre (side//2 + (37 q mod 21) - 10, side//2 + (53 q mod 21) - 10),
    radius max(1, side//4 + (13 q mod 11) - 5), q = k + offset; label 1 inside (d² < r²)."""
    i, j = np.divmod(np.arange(side * side, dtype=np.int64), side)
    maps = np.zeros((count, side * side), dtype=np.int32)
    for k in range(count):
        q = k + offset
        cy = side // 2 + (37 * q) % 21 - 10
        cx = side // 2 + (53 * q) % 21 - 10
        rad = max(1, side // 4 + (13 * q) % 11 - 5)
        maps[k] = ((i - cy) ** 2 + (j - cx) ** 2 < rad * rad).astype(np.int32)
    return maps


# ---------------------------------------------------------------------------------------------
# Workloads: each returns (setup -> state, run(state) -> value)


def mc_loss_workload(params, dtype):
    """MC loss of eq. 7 with gradients: construct, rsample M, log-softmax over classes, gather,
    sum over pixels, logsumexp over samples, backward."""
    side = _int_param(params, "side")
    classes = _int_param(params, "classes", 2)
    rank = _int_param(params, "rank")
    samples = _int_param(params, "samples")
    pixels = side * side
    n = classes * pixels
    loc0, p0, d0, _ = fixture_distribution(n, rank)
    loc = torch.tensor(loc0, dtype=dtype, requires_grad=True)
    cov_factor = torch.tensor(p0, dtype=dtype, requires_grad=True)
    cov_diag = torch.tensor(d0, dtype=dtype, requires_grad=True)
    labels = torch.from_numpy(fixture_labels(side, classes)).view(1, 1, pixels)
    labels = labels.expand(samples, 1, pixels)
    log_m = math.log(samples)

    def run():
        for t in (loc, cov_factor, cov_diag):
            t.grad = None
        dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag)
        eta = dist.rsample((samples,)).view(samples, classes, pixels)  # class-major
        logp = F.log_softmax(eta, dim=1)
        ll = logp.gather(1, labels).view(samples, pixels).sum(-1)
        loss = -(torch.logsumexp(ll, 0) - log_m)
        loss.backward()
        return float(loss)

    return run


def log_prob_workload(params, dtype):
    """Construction (capacitance Cholesky) and log_prob of one vector, no autograd."""
    n = _int_param(params, "size")
    rank = _int_param(params, "rank")
    loc0, p0, d0, x0 = fixture_distribution(n, rank)
    loc, cov_factor, cov_diag, x = (torch.tensor(a, dtype=dtype) for a in (loc0, p0, d0, x0))

    def run():
        with torch.no_grad():
            dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag)
            return float(dist.log_prob(x))

    return run


TOY_PIXELS = 21
TOY_BLOCK = 7


def toy_train(
    model,
    steps,
    pretrain_steps,
    samples,
    lr,
    dtype,
    seed=0,
    lr_final=None,
    antithetic=False,
    shared_noise=False,
    official=False,
):
    """A plain PyTorch loop of the toy problem (ssn/toy_problem.py in the official repository; spec/official-code.md#the-toy-problem): Adam on the mean only
    for pretrain_steps, then `steps` steps on all parameters (a fresh Adam per phase); `samples`
    samples per target per step, both targets per step; a checkpoint every 500 steps and a
    return to it on a NaN loss.

    The official protocol (`paper`) draws fresh samples for each target with `rsample`. Ours
    (`best`, the default of `ssn toy`) adds what src/toy/protocol.ts says: an lr decaying
    geometrically from lr to lr_final over each phase, antithetic pairs (M/2 noises, then the
    same negated) and one set of samples shared by both targets. rsample cannot take given
    noises, so that branch reparameterises by hand, as rsample does inside:
    eta = mean + eps_R P^T + sqrt(d) eps_N.

    `official` picks the official script's parameterisation (the `paper` protocol's): a log scale
    per factor entry (pixels x rank) and no epsilon on the diagonal; otherwise a log scale per
    column and exp(log_diag) + 1e-5 (src/toy/model.ts, 'column')."""
    torch.manual_seed(seed)
    y = torch.zeros(2, TOY_PIXELS, dtype=dtype)
    y[:, :TOY_BLOCK] = 1
    y[1, TOY_BLOCK : 2 * TOY_BLOCK] = 1
    mean = torch.zeros(TOY_PIXELS, dtype=dtype, requires_grad=True)
    log_diag = torch.full((TOY_PIXELS,), -1.0, dtype=dtype, requires_grad=True)
    params = [mean, log_diag]
    if model == "lowrank":
        scale_shape = (TOY_PIXELS, 2) if official else (2,)
        log_scale = torch.full(scale_shape, -1.0, dtype=dtype, requires_grad=True)
        direction = (torch.rand(TOY_PIXELS, 2, dtype=dtype) - 0.5).requires_grad_()
        params += [log_scale, direction]
    opt_mean = torch.optim.Adam([mean], lr=lr)
    opt_all = torch.optim.Adam(params, lr=lr)
    log_m = math.log(samples)
    by_hand = antithetic or shared_noise
    drawn = samples // 2 if antithetic else samples
    noise_shape = (drawn,) if shared_noise else (drawn, 2)
    checkpoint = [p.detach().clone() for p in params]
    loss_value = math.nan
    for step in range(pretrain_steps + steps):
        in_pretrain = step < pretrain_steps
        opt = opt_mean if in_pretrain else opt_all
        if lr_final is not None:
            i, n = (step, pretrain_steps) if in_pretrain else (step - pretrain_steps, steps)
            step_lr = lr if n <= 1 else lr * (lr_final / lr) ** (i / (n - 1))
            for group in opt.param_groups:
                group["lr"] = step_lr
        opt.zero_grad()
        diag = torch.exp(log_diag) if official else torch.exp(log_diag) + 1e-5
        if model == "lowrank":
            factor = torch.exp(log_scale) * direction / direction.norm(dim=0, keepdim=True)
        if by_hand:
            eps_n = torch.randn(noise_shape + (TOY_PIXELS,), dtype=dtype)
            if antithetic:
                eps_n = torch.cat([eps_n, -eps_n])
            eta = mean + diag.sqrt() * eps_n
            if model == "lowrank":
                eps_r = torch.randn(noise_shape + (2,), dtype=dtype)
                if antithetic:
                    eps_r = torch.cat([eps_r, -eps_r])
                eta = eta + eps_r @ factor.T
            if shared_noise:
                eta = eta.unsqueeze(1)  # (M, 1, pixels), broadcast against both targets
        else:
            if model == "lowrank":
                dist = LowRankMultivariateNormal(mean, factor, diag)
            else:
                dist = Independent(Normal(mean, diag.sqrt()), 1)
            eta = dist.rsample((samples, 2))  # (M, targets, pixels)
        ll = (y * F.logsigmoid(eta) + (1 - y) * F.logsigmoid(-eta)).sum(-1)
        loss = -(torch.logsumexp(ll, 0) - log_m).mean()
        loss_value = float(loss)
        if math.isnan(loss_value):
            with torch.no_grad():
                for p, c in zip(params, checkpoint):
                    p.copy_(c)
            continue
        loss.backward()
        opt.step()
        if (step + 1) % 500 == 0:
            checkpoint = [p.detach().clone() for p in params]
    return loss_value


def _flag_param(params, name):
    v = params.get(name, 0)
    if v not in (0, 1) or isinstance(v, bool):
        raise RequestError(f"params.{name}: expected 0 or 1, got {v!r}")
    return v == 1


def toy_workload(params, dtype):
    """Both models' training run, one after the other: pretrainSteps mean-only steps, then
    `steps` steps on every parameter, under either protocol of src/toy/protocol.ts (`lrFinal`,
    `antithetic` and `sharedNoise` absent: the official `paper` protocol; present: `best`). The
    value is the sum of the two final training losses (a sanity figure, not compared: the noises
    differ)."""
    steps = _int_param(params, "steps", 0)
    pretrain = _int_param(params, "pretrainSteps", 0)
    samples = _int_param(params, "samples")
    lr = _num_param(params, "lr")
    lr_final = _num_param(params, "lrFinal") if "lrFinal" in params else None
    antithetic = _flag_param(params, "antithetic")
    shared_noise = _flag_param(params, "sharedNoise")
    official = _flag_param(params, "officialParams")
    if antithetic and samples % 2:
        raise RequestError(f"params.samples: antithetic pairs need an even count, got {samples}")

    def run():
        total = 0.0
        for model in ("diagonal", "lowrank"):
            total += toy_train(
                model,
                steps,
                pretrain,
                samples,
                lr,
                dtype,
                lr_final=lr_final,
                antithetic=antithetic,
                shared_noise=shared_noise,
                official=official,
            )
        return total

    return run


def ged_workload(params, dtype):
    """GED² (V-statistics, IoU of the foreground, d = 0 for two empty maps) in numpy: one-hot
    foreground masks, all pairwise intersections as one matrix product (float32 products of 0/1
    are exact integers below 2^24), unions from the sizes."""
    del dtype  # the counts are integers; see the docstring
    ns = _int_param(params, "samples")
    na = _int_param(params, "annotators")
    side = _int_param(params, "side")
    classes = _int_param(params, "classes", 2)
    if classes != 2:
        raise RequestError("params.classes: the numpy GED here handles 2 classes only")
    samples = fixture_disc_maps(ns, side, 0)
    annotations = fixture_disc_maps(na, side, 1000)

    def run():
        fg = np.concatenate([samples == 1, annotations == 1]).astype(np.float32)
        inter = fg @ fg.T
        sizes = np.diag(inter)
        union = sizes[:, None] + sizes[None, :] - inter
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(union > 0, 1.0 - inter.astype(np.float64) / union, 0.0)
        cross = d[:ns, ns:].mean()
        diversity = d[:ns, :ns].mean()
        annotator_diversity = d[ns:, ns:].mean()
        return float(2 * cross - diversity - annotator_diversity)

    return run


WORKLOADS = {
    "mcLoss": mc_loss_workload,
    "logProb": log_prob_workload,
    "toy": toy_workload,
    "ged": ged_workload,
}


# ---------------------------------------------------------------------------------------------
# Serving


def answer(request, cache):
    if not isinstance(request, dict):
        raise RequestError("request: expected a JSON object")
    name = request.get("workload")
    if name not in WORKLOADS:
        raise RequestError(f"workload: unknown {name!r} (expected one of {', '.join(WORKLOADS)})")
    params = request.get("params")
    if not isinstance(params, dict):
        raise RequestError("params: expected a JSON object")
    reps = request.get("reps", 1)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
        raise RequestError(f"reps: expected an integer >= 1, got {reps!r}")
    dtype_name = request.get("dtype", "float64")
    if dtype_name not in DTYPES:
        raise RequestError(f"dtype: expected float64 or float32, got {dtype_name!r}")
    key = json.dumps([name, params, dtype_name], sort_keys=True)
    if key not in cache:
        cache.clear()  # one fixture at a time keeps memory flat
        cache[key] = WORKLOADS[name](params, DTYPES[dtype_name])
    run = cache[key]
    times = []
    value = math.nan
    for _ in range(reps):
        t0 = time.perf_counter()
        value = run()
        times.append((time.perf_counter() - t0) * 1000.0)
    return {"times": times, "value": value if math.isfinite(value) else None}


def loaded_blas():
    """The BLAS library this process loaded, read from its memory map after one matrix product
    in numpy and one in torch (Debian's numpy and torch link libblas.so.3, which the dynamic
    loader resolves through update-alternatives or LD_LIBRARY_PATH: reference BLAS, OpenBLAS,
    BLIS, ...). None when the map cannot be read (not Linux)."""
    np.ones((2, 2)) @ np.ones((2, 2))
    torch.ones(2, 2, dtype=torch.float64) @ torch.ones(2, 2, dtype=torch.float64)
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    except OSError:
        return None
    found = sorted(
        os.path.realpath(p)
        for p in paths
        if re.search(r"(blas|blis|mkl_core)[^/]*\.so", os.path.basename(p))
    )
    return ", ".join(dict.fromkeys(found)) or None


def serve():
    hello = {
        "ready": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
    }
    print(json.dumps(hello), flush=True)
    cache = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(json.loads(line), cache)
        except (RequestError, json.JSONDecodeError) as e:
            reply = {"error": str(e)}
        print(json.dumps(reply), flush=True)


def main(argv):
    if argv == ["--serve"]:
        serve()
        return 0
    if argv == ["--list"]:
        print("\n".join(WORKLOADS))
        return 0
    print("usage: bench.py --serve | --list", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
