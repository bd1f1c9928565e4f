#!/usr/bin/python3
"""PyTorch side of `npm run bench:compare` (bench/compare/): the same workloads as ssn-ts, timed
in this process, one core, float64.

Usage:
  bench.py --serve     read one JSON request per line on stdin, answer one JSON line each
  bench.py --list      print the workload names

The first line written in --serve mode is
  {"ready": true, "torch": "1.13.0", "numpy": "1.24.2", "threads": 1,
   "blas": "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"}
(blas: the BLAS library the process loaded, null when unknown; cpus, after them, the CPUs it may
run on, null when unknown; allocator, the glibc allocator variables it was started with, each
null when unset; libc, last, the C library's version, null when unknown) then each request
  {"workload": "mcLoss", "params": {...}, "reps": 3, "dtype": "float64"}
is answered with
  {"times": [ms, ...], "value": v}        (one time per repetition, in milliseconds)
or {"error": "message"}. A check request {"check": "mcLoss" | "toy", "params": {...}, "input": ...}
is answered with {"check": {"loss": v, "gradLoc": [...], ...}}: one untimed evaluation for given
noises, compared with ssn-ts's (the `agree` column). The fixture of a (workload, params, dtype) is built once, outside the
timed region, and kept, so the harness can interleave single repetitions cheaply.

Fairness (spec/performance.md): torch.set_num_threads(1) and one BLAS/OpenMP thread; float64
unless a request asks for float32; each timed region holds exactly what the ssn-ts side does
(drawing the noise included), written in the fastest reasonable torch form of the same
computation (by-hand reparameterisation rather than a distribution object whose construction
factors a capacitance sampling never uses). The fixtures are the
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
from torch.distributions import LowRankMultivariateNormal  # noqa: E402

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


FACTOR_SCALES = {"small": 0.3, "large": 800.0}


def _factor_param(params):
    v = params.get("factor", "small")
    if v not in FACTOR_SCALES:
        raise RequestError(f"params.factor: expected 'small' or 'large', got {v!r}")
    return v


def fixture_distribution(n, rank, factor="small"):
    """loc[n] = 0.5 sin(0.37 n + 1), P[n, r] = c sin((0.11 + 0.037 r) n + 0.7 r + 2) with
    c = 0.3 / sqrt(R) ('small') or 800 / sqrt(R) ('large'), d[n] = exp(0.2 cos(0.23 n)),
    x[n] = loc[n] + cos(0.53 n)."""
    idx = np.arange(n, dtype=np.float64)
    loc = 0.5 * np.sin(0.37 * idx + 1.0)
    r = np.arange(rank, dtype=np.float64)
    scale = FACTOR_SCALES[factor] / math.sqrt(rank)
    cov_factor = scale * np.sin((0.11 + 0.037 * r[None, :]) * idx[:, None] + 0.7 * r[None, :] + 2.0)
    cov_diag = np.exp(0.2 * np.cos(0.23 * idx))
    x = loc + np.cos(0.53 * idx)
    return loc, cov_factor, cov_diag, x


def fixture_noise(count, rank, n):
    """epsFactor[m, r] = sqrt(2) sin(1.3 m + 0.9 r + 0.4), epsDiag[m, n] = sqrt(2) cos(0.71 n + 1.9 m + 0.3)."""
    m = np.arange(count, dtype=np.float64)[:, None]
    eps_f = math.sqrt(2) * np.sin(1.3 * m + 0.9 * np.arange(rank, dtype=np.float64)[None, :] + 0.4)
    eps_d = math.sqrt(2) * np.cos(0.71 * np.arange(n, dtype=np.float64)[None, :] + 1.9 * m + 0.3)
    return eps_f, eps_d


def fixture_labels(side, classes):
    """label(i, j) = floor(((7 i + 13 j) mod 10) C / 10), pixel s = i side + j."""
    i, j = np.divmod(np.arange(side * side, dtype=np.int64), side)
    return ((7 * i + 13 * j) % 10) * classes // 10


def speckle_hash(q, s):
    """h = s 0x9E3779B1 xor (q + 1) 0x85EBCA77, h ^= h >> 15, h *= 0x2C1B3C6D, h ^= h >> 12 (uint32)."""
    s = s.astype(np.uint32)
    h = (s * np.uint32(0x9E3779B1)) ^ (np.full_like(s, q + 1) * np.uint32(0x85EBCA77))
    h ^= h >> np.uint32(15)
    h = h * np.uint32(0x2C1B3C6D)
    h ^= h >> np.uint32(12)
    return h


def fixture_disc_maps(count, side, offset, speckle=0):
    """Map k is a disc: centre (side//2 + (37 q mod 21) - 10, side//2 + (53 q mod 21) - 10),
    radius max(1, side//4 + (13 q mod 11) - 5), q = k + offset; label 1 inside (d² < r²); with
    speckle p (per mille) pixel s flipped where speckle_hash(q, s) mod 1000 < p."""
    s = np.arange(side * side, dtype=np.int64)
    i, j = np.divmod(s, side)
    maps = np.zeros((count, side * side), dtype=np.int32)
    for k in range(count):
        q = k + offset
        cy = side // 2 + (37 * q) % 21 - 10
        cx = side // 2 + (53 * q) % 21 - 10
        rad = max(1, side // 4 + (13 * q) % 11 - 5)
        maps[k] = ((i - cy) ** 2 + (j - cx) ** 2 < rad * rad).astype(np.int32)
        if speckle > 0:
            maps[k] ^= (speckle_hash(q, s) % np.uint32(1000) < speckle).astype(np.int32)
    return maps


# ---------------------------------------------------------------------------------------------
# Workloads: each returns (setup -> state, run(state) -> value)


def mc_loss_given(loc, cov_factor, cov_diag, eps_f, eps_d, labels, classes):
    """The MC loss of eq. 7 for given noises, eta = loc + eps_f P^T + sqrt(d) eps_d (what rsample
    computes, as one addcmul and one addmm), then log-softmax over classes, gather, sum over
    pixels, logsumexp over samples."""
    samples = eps_f.shape[0]
    eta = torch.addmm(torch.addcmul(loc, cov_diag.sqrt(), eps_d), eps_f, cov_factor.T)
    ll = F.log_softmax(eta.view(samples, classes, -1), dim=1)  # class-major
    ll = ll.gather(1, labels).view(samples, -1).sum(-1)
    return -(torch.logsumexp(ll, 0) - math.log(samples))


def _mc_loss_fixture(params, dtype):
    side = _int_param(params, "side")
    classes = _int_param(params, "classes", 2)
    rank = _int_param(params, "rank")
    samples = _int_param(params, "samples")
    pixels = side * side
    loc0, p0, d0, _ = fixture_distribution(classes * pixels, rank)
    leaves = [torch.tensor(a, dtype=dtype, requires_grad=True) for a in (loc0, p0, d0)]
    labels = torch.from_numpy(fixture_labels(side, classes)).view(1, 1, pixels)
    return leaves, labels.expand(samples, 1, pixels), classes, rank, samples


def mc_loss_workload(params, dtype):
    """MC loss of eq. 7 with gradients: draw the noises, reparameterise by hand (rsample's own
    formula; LowRankMultivariateNormal would also build the capacitance's Cholesky, which
    rsample never uses), log-softmax over classes, gather, sum over pixels, logsumexp over
    samples, backward."""
    leaves, labels, classes, rank, samples = _mc_loss_fixture(params, dtype)
    loc, cov_factor, cov_diag = leaves
    n = loc.shape[0]

    def run():
        for t in leaves:
            t.grad = None
        eps_f = torch.randn(samples, rank, dtype=dtype)
        eps_d = torch.randn(samples, n, dtype=dtype)
        loss = mc_loss_given(loc, cov_factor, cov_diag, eps_f, eps_d, labels, classes)
        loss.backward()
        return float(loss)

    return run


def mc_loss_check(params, request_input):
    """Untimed: the loss and gradients of `mc_loss_given` for the closed-form noises
    (fixture_noise), float64, for comparison with ssn-ts's mcLoss on the same noises."""
    del request_input
    leaves, labels, classes, rank, samples = _mc_loss_fixture(params, torch.float64)
    eps_f, eps_d = (torch.from_numpy(a) for a in fixture_noise(samples, rank, leaves[0].shape[0]))
    loss = mc_loss_given(*leaves, eps_f, eps_d, labels, classes)
    loss.backward()
    return {
        "loss": float(loss),
        "gradLoc": leaves[0].grad.tolist(),
        "gradCovFactor": leaves[1].grad.flatten().tolist(),
        "gradCovDiag": leaves[2].grad.tolist(),
    }


def log_prob_workload(params, dtype):
    """Construction (capacitance Cholesky) and log_prob of one vector, no autograd; `factor`
    'small' or 'large' picks the factor's scale (fixture_distribution)."""
    n = _int_param(params, "size")
    rank = _int_param(params, "rank")
    loc0, p0, d0, x0 = fixture_distribution(n, rank, _factor_param(params))
    loc, cov_factor, cov_diag, x = (torch.tensor(a, dtype=dtype) for a in (loc0, p0, d0, x0))

    def run():
        with torch.no_grad():
            dist = LowRankMultivariateNormal(loc, cov_factor, cov_diag)
            return float(dist.log_prob(x))

    return run


TOY_PIXELS = 21
TOY_BLOCK = 7


def toy_targets(dtype):
    """The toy's two targets: pixels 0-6 on in both, 7-13 on in the second."""
    y = torch.zeros(2, TOY_PIXELS, dtype=dtype)
    y[:, :TOY_BLOCK] = 1
    y[1, TOY_BLOCK : 2 * TOY_BLOCK] = 1
    return y


def toy_step_loss(mean, log_diag, log_scale, direction, official, eps_n, eps_r, y):
    """One step's loss for given noises, the mean over targets of eq. 7 (bernoulli):
    eta = mean + sqrt(d) eps_N + eps_R P^T, as rsample computes it, with d = exp(log_diag)
    (+ 1e-5 unless official) and P = exp(log_scale) direction / ||direction column|| (log_scale
    per entry when official, per column otherwise; no factor for the diagonal model:
    log_scale None). eps_n: (M, T, pixels) with T = 2 targets, or T = 1 for noises shared by both;
    eps_r: (M, T, 2) or None. log p(y | eta) = -BCE-with-logits(eta, y) = y logsigmoid(eta) +
    (1 - y) logsigmoid(-eta)."""
    diag = torch.exp(log_diag) if official else torch.exp(log_diag) + 1e-5
    eta = torch.addcmul(mean, diag.sqrt(), eps_n)
    if log_scale is not None:
        factor = torch.exp(log_scale) * direction / direction.norm(dim=0, keepdim=True)
        eta = eta + eps_r @ factor.T
    eta = eta.expand(eta.shape[0], y.shape[0], y.shape[1])
    nll = F.binary_cross_entropy_with_logits(eta, y.expand_as(eta), reduction="none").sum(-1)
    return -(torch.logsumexp(-nll, 0) - math.log(eta.shape[0])).mean()


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
    """A plain PyTorch loop of the toy problem (ssn/toy_problem.py in the official repository;
    spec/official-code.md#the-toy-problem): Adam on the mean only for pretrain_steps, then
    `steps` steps on all parameters (a fresh Adam per phase); `samples` samples per target per
    step, both targets per step; a checkpoint every 500 steps and a return to it on a NaN loss.

    The official protocol (`paper`) draws fresh samples for each target. Ours (`best`, the
    default of `ssn toy`) adds what src/toy/protocol.ts says: an lr decaying geometrically from lr
    to lr_final over each phase, antithetic pairs (M/2 noises, then the same negated) and one set
    of samples shared by both targets. Both reparameterise by hand (toy_step_loss), the fastest
    form of what rsample computes: a LowRankMultivariateNormal or Independent(Normal) built each
    step would validate its arguments and factor the capacitance, which sampling never uses.

    `official` picks the official script's parameterisation (the `paper` protocol's): a log scale
    per factor entry (pixels x rank) and no epsilon on the diagonal; otherwise a log scale per
    column and exp(log_diag) + 1e-5 (src/toy/model.ts, 'column')."""
    torch.manual_seed(seed)
    y = toy_targets(dtype)
    mean = torch.zeros(TOY_PIXELS, dtype=dtype, requires_grad=True)
    log_diag = torch.full((TOY_PIXELS,), -1.0, dtype=dtype, requires_grad=True)
    params = [mean, log_diag]
    log_scale = direction = None
    if model == "lowrank":
        scale_shape = (TOY_PIXELS, 2) if official else (2,)
        log_scale = torch.full(scale_shape, -1.0, dtype=dtype, requires_grad=True)
        direction = (torch.rand(TOY_PIXELS, 2, dtype=dtype) - 0.5).requires_grad_()
        params += [log_scale, direction]
    opt_mean = torch.optim.Adam([mean], lr=lr)
    opt_all = torch.optim.Adam(params, lr=lr)
    drawn = samples // 2 if antithetic else samples
    targets = 1 if shared_noise else 2
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
        opt.zero_grad(set_to_none=True)
        eps_n = torch.randn(drawn, targets, TOY_PIXELS, dtype=dtype)
        eps_r = torch.randn(drawn, targets, 2, dtype=dtype) if log_scale is not None else None
        if antithetic:
            eps_n = torch.cat([eps_n, -eps_n])
            eps_r = None if eps_r is None else torch.cat([eps_r, -eps_r])
        loss = toy_step_loss(mean, log_diag, log_scale, direction, official, eps_n, eps_r, y)
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


def toy_check(params, request_input):
    """Untimed: one step's loss and gradients (toy_step_loss) at the parameters and for the
    noises ssn-ts sends: {mean, logDiag, logScale, direction, official, epsN, epsR} (epsN M x T x
    pixels, epsR M x T x 2, both after any antithetic negation; logScale and epsR null for the
    diagonal model)."""
    del params
    if not isinstance(request_input, dict):
        raise RequestError("input: expected a JSON object")
    f64 = torch.float64

    def leaf(name):
        v = request_input.get(name)
        return None if v is None else torch.tensor(v, dtype=f64, requires_grad=True)

    mean, log_diag, log_scale, direction = (
        leaf(k) for k in ("mean", "logDiag", "logScale", "direction")
    )
    eps_n = torch.tensor(request_input["epsN"], dtype=f64)
    eps_r = None if request_input.get("epsR") is None else torch.tensor(request_input["epsR"], dtype=f64)
    loss = toy_step_loss(
        mean, log_diag, log_scale, direction, bool(request_input.get("official")), eps_n, eps_r, toy_targets(f64)
    )
    loss.backward()
    grads = {"gradMean": mean.grad, "gradLogDiag": log_diag.grad}
    if log_scale is not None:
        grads.update(gradLogScale=log_scale.grad, gradDirection=direction.grad)
    return {"loss": float(loss), **{k: g.flatten().tolist() for k, g in grads.items()}}


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
    are exact integers below 2^24), unions from the sizes. `speckle` p: the discs with p per mille of their pixels flipped."""
    del dtype  # the counts are integers; see the docstring
    ns = _int_param(params, "samples")
    na = _int_param(params, "annotators")
    side = _int_param(params, "side")
    classes = _int_param(params, "classes", 2)
    if classes != 2:
        raise RequestError("params.classes: the numpy GED here handles 2 classes only")
    speckle = params.get("speckle", 0)
    if not isinstance(speckle, int) or isinstance(speckle, bool) or not 0 <= speckle <= 1000:
        raise RequestError(f"params.speckle: expected an integer in [0, 1000], got {speckle!r}")
    samples = fixture_disc_maps(ns, side, 0, speckle)
    annotations = fixture_disc_maps(na, side, 1000, speckle)

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

# Untimed agreement checks of the random workloads: (params, input) -> JSON-able result.
CHECKS = {
    "mcLoss": mc_loss_check,
    "toy": toy_check,
}


# ---------------------------------------------------------------------------------------------
# Serving


def answer(request, cache):
    if not isinstance(request, dict):
        raise RequestError("request: expected a JSON object")
    if "check" in request:
        name = request["check"]
        if name not in CHECKS:
            raise RequestError(f"check: unknown {name!r} (expected one of {', '.join(CHECKS)})")
        if not isinstance(request.get("params"), dict):
            raise RequestError("params: expected a JSON object")
        return {"check": CHECKS[name](request["params"], request.get("input"))}
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


# glibc's allocator settings, reported in the hello (bench:compare runs both sides with them).
ALLOCATOR_VARIABLES = ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_")


def libc_version():
    """The C library's name and version ("glibc 2.36"), None when it does not say."""
    try:
        return os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        return None


def serve():
    hello = {
        "ready": True,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
        "cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "allocator": {k: os.environ.get(k) for k in ALLOCATOR_VARIABLES},
        "libc": libc_version(),
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
