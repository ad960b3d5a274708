"""The capstone network of week 06: a small CNN assembled from the student's own parts.

Parts are the functions written in weeks 02-04, under the names those notebooks used:

    week 02  relu(z), relu_grad(z), layer_forward(A_prev, W, b, activation)
    week 03  conv2d(x, w, b, stride, padding), max_pool2d(x, k, stride)
    week 04  batchnorm_forward(x, gamma, beta, eps) -> (y, cache), batchnorm_backward(dy, cache),
             adam_step(w, g, state, lr)

:func:`collect_parts` takes the pasted ones from a notebook's namespace, checks each against
the course's reference on a small input, and falls back to the reference for anything missing
or different (:attr:`Parts.sources` says which). The network (:data:`ARCHITECTURE`):

    conv 3x3, 1 -> 16 channels, padding 1   (N, 16, 8, 8)
    spatial batch norm, ReLU                (N, 16, 8, 8)
    max pool 2x2                            (N, 16, 4, 4)
    flatten, dense 256 -> 10                (N, 10) logits (weights N(0, 0.01^2))

:func:`torch_capstone` builds this architecture in torch from a list of NumPy weights (the oracle).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from dlcourse.cnn import reference as cnn_ref
from dlcourse.mlp import reference as mlp_ref
from dlcourse.training import reference as training_ref

from .layers import Conv, Dense, Flatten, MaxPool, ReLU, Sequential, SpatialBatchNorm

__all__ = ["Parts", "PART_NAMES", "ARCHITECTURE", "reference_parts", "collect_parts", "torch_capstone",
           "time_torch_epoch", "expected_initial_loss"]

#: the network, layer by layer: (kind, settings, output shape of one sample)
ARCHITECTURE = (
    ("conv", "3x3, 1 -> 16 channels, stride 1, padding 1", (16, 8, 8)),
    ("batchnorm", "spatial, 16 channels", (16, 8, 8)),
    ("relu", "", (16, 8, 8)),
    ("maxpool", "2x2, stride 2", (16, 4, 4)),
    ("flatten", "", (256,)),
    ("dense", "256 -> 10", (10,)),
)

#: the names the earlier notebooks used, by week
PART_NAMES = {
    "week 02": ("relu", "relu_grad", "layer_forward"),
    "week 03": ("conv2d", "max_pool2d"),
    "week 04": ("batchnorm_forward", "batchnorm_backward", "adam_step"),
}


def _dense_reference(A_prev, W, b, activation):
    return activation(np.asarray(A_prev, dtype=float) @ W + b)


def _bn_reference(x, gamma, beta, eps=1e-5):
    return training_ref.batchnorm_forward(x, gamma, beta, eps)


@dataclass(frozen=True)
class Parts:
    """The functions the layers run, and where each came from ("yours" or "reference: why")."""
    relu: Callable = mlp_ref.relu
    relu_grad: Callable = mlp_ref.relu_grad
    layer_forward: Callable = _dense_reference
    conv2d: Callable = cnn_ref.conv2d
    max_pool2d: Callable = cnn_ref.max_pool2d
    batchnorm_forward: Callable = _bn_reference
    batchnorm_backward: Callable = training_ref.batchnorm_backward
    adam_step: Callable = training_ref.adam_step
    sources: Mapping[str, str] = field(default_factory=dict)

    def report(self) -> str:
        """One line per part: its week, its name, and whose version runs."""
        lines = []
        for week, names in PART_NAMES.items():
            for name in names:
                lines.append(f"{week}  {name:<19} {self.sources.get(name, 'reference (not pasted)')}")
        return "\n".join(lines)


def reference_parts() -> Parts:
    """Every part from the course's reference implementations."""
    return Parts(sources={n: "reference" for names in PART_NAMES.values() for n in names})


def _probe(name: str, fn: Callable, ref: Parts, rng: np.random.Generator) -> str | None:
    """None if ``fn`` agrees with the reference on a small random input, else what differs."""
    x = rng.normal(size=(2, 3, 6, 6))
    try:
        if name in ("relu", "relu_grad"):
            got, want = fn(x), getattr(ref, name)(x)
        elif name == "layer_forward":
            A, W, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
            got, want = fn(A, W, b, np.tanh), ref.layer_forward(A, W, b, np.tanh)
        elif name == "conv2d":
            w, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
            got, want = fn(x, w, b, 1, 1), ref.conv2d(x, w, b, 1, 1)
        elif name == "max_pool2d":
            got, want = fn(x, 2, 2), ref.max_pool2d(x, 2, 2)
        elif name == "adam_step":
            w, g = rng.normal(size=5), rng.normal(size=5)
            s_got, s_want = {}, {}
            got = [fn(w, g, s_got, 0.1), fn(w, 2 * g, s_got, 0.1)]
            want = [ref.adam_step(w, g, s_want, 0.1), ref.adam_step(w, 2 * g, s_want, 0.1)]
        else:
            raise KeyError(name)
        if not np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), atol=1e-6):
            return "differs from the reference on a test input"
        if name == "conv2d" and _too_slow(fn):
            return "is too slow to train with: paste the vectorised conv2d, not the loops"
    except Exception as exc:  # noqa: BLE001 - any failure means: use the reference
        return f"raised {type(exc).__name__}: {exc}"
    return None


def _too_slow(conv: Callable, budget: float = 0.1) -> bool:
    """True if one training-sized convolution (64 digits, 16 filters) takes longer than ``budget`` seconds.

    The vectorised convolution takes about a millisecond, the naive loops about a second: the
    budget sits a factor 100 from both, so machine speed does not change the verdict.
    """
    import time

    x, w = np.zeros((64, 1, 8, 8)), np.zeros((16, 1, 3, 3))
    start = time.perf_counter()
    conv(x, w, np.zeros(16), 1, 1)
    return time.perf_counter() - start > budget


def _probe_batchnorm(fwd: Callable, bwd: Callable, ref: Parts, rng: np.random.Generator) -> str | None:
    x, gamma, beta, dy = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=3), rng.normal(size=(6, 3))
    try:
        y, cache = fwd(x, gamma, beta, 1e-5)
        y_ref, cache_ref = ref.batchnorm_forward(x, gamma, beta, 1e-5)
        got, want = bwd(dy, cache), ref.batchnorm_backward(dy, cache_ref)
        ok = np.allclose(y, y_ref, atol=1e-6) and all(np.allclose(a, b, atol=1e-6) for a, b in zip(got, want))
        return None if ok else "differs from the reference on a test input"
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}: {exc}"


def collect_parts(namespace: Mapping[str, object], rng: np.random.Generator | int | None = 0) -> Parts:
    """The student's pasted parts found in ``namespace`` (e.g. ``globals()``), each checked.

    A part that is missing, not callable, raises, or disagrees with the reference is replaced
    by the reference, and ``sources`` says why. The two batch-norm functions share a cache
    format, so they are taken together or not at all.
    """
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    ref, chosen, sources = reference_parts(), {}, {}
    for name in ("relu", "relu_grad", "layer_forward", "conv2d", "max_pool2d", "adam_step"):
        fn = namespace.get(name)
        if not callable(fn):
            sources[name] = "reference (not pasted)"
            continue
        problem = _probe(name, fn, ref, g)
        if problem:
            sources[name] = f"reference (yours {problem})"
        else:
            chosen[name], sources[name] = fn, "yours"
    fwd, bwd = namespace.get("batchnorm_forward"), namespace.get("batchnorm_backward")
    if callable(fwd) and callable(bwd):
        problem = _probe_batchnorm(fwd, bwd, ref, g)
        for name, fn in (("batchnorm_forward", fwd), ("batchnorm_backward", bwd)):
            if problem:
                sources[name] = f"reference (yours {problem})"
            else:
                chosen[name], sources[name] = fn, "yours"
    else:
        for name in ("batchnorm_forward", "batchnorm_backward"):
            sources[name] = "reference (paste both batch-norm functions to use yours)"
    return replace(ref, **chosen, sources=sources)


def expected_initial_loss(K: int) -> float:
    """Cross-entropy of a uniform guess over K classes: ln K (2.302585 for K = 10)."""
    return float(np.log(K))


def _softmax_cross_entropy(Z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(Z) (N, K) against classes y (N,), and its gradient (P - Y) / N."""
    P = mlp_ref.softmax(Z, axis=1)                                                 # (N, K)
    N = len(Z)
    loss = float(-np.mean(np.log(np.clip(P[np.arange(N), y], 1e-300, None))))
    dZ = P.copy()
    dZ[np.arange(N), y] -= 1.0
    return loss, dZ / N


def _build_capstone(parts: Parts, conv_backward: Callable, rng: np.random.Generator | int | None = 0) -> Sequential:
    """The network of :data:`ARCHITECTURE` on ``parts`` (reference for the week 06 exercise)."""
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    return Sequential([
        Conv(1, 16, 3, 1, parts.conv2d, conv_backward, g),
        SpatialBatchNorm(16, parts.batchnorm_forward, parts.batchnorm_backward),
        ReLU(parts.relu, parts.relu_grad),
        MaxPool(2, parts.max_pool2d),
        Flatten(),
        Dense(16 * 4 * 4, 10, parts.layer_forward, g, std=0.01),
    ])


def _fit_capstone(parts: Parts, conv_backward: Callable, X: np.ndarray, y: np.ndarray,
                  rng: np.random.Generator | int | None = 0):
    """Reference training run: Adam, lr 0.01, 8 epochs of mini-batches of 64. Returns (model, history)."""
    from .solver import train

    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    model = _build_capstone(parts, conv_backward, g)
    history = train(model, _softmax_cross_entropy, parts.adam_step, X, y, lr=0.01, epochs=8, batch_size=64, rng=g)
    return model, history


def torch_capstone(params, running: tuple | None = None):
    """The architecture of :data:`ARCHITECTURE` in torch (float64), built from NumPy arrays.

    params : the six arrays in order conv w (16, 1, 3, 3), conv b (16,), gamma (16,), beta (16,),
    dense W (256, 10) (the course's (D_in, D_out) layout), dense b (10,).
    running : optional (running_mean, running_var) of the batch norm, for evaluation mode.
    Built from the specification, not from a NumPy model's layers: an independent oracle.
    """
    import torch
    from torch import nn

    w, b, gamma, beta, W, bd = (torch.tensor(np.asarray(p, dtype=float)) for p in params)
    net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(256, 10)).double()
    with torch.no_grad():
        net[0].weight.copy_(w)
        net[0].bias.copy_(b)
        net[1].weight.copy_(gamma)
        net[1].bias.copy_(beta)
        net[5].weight.copy_(W.T)
        net[5].bias.copy_(bd)
        if running is not None:
            net[1].running_mean.copy_(torch.tensor(np.asarray(running[0], dtype=float)))
            net[1].running_var.copy_(torch.tensor(np.asarray(running[1], dtype=float)))
    return net


def time_torch_epoch(net, X: np.ndarray, y: np.ndarray, lr: float = 0.01, batch_size: int = 64, seed: int = 0) -> float:
    """Seconds for one epoch of Adam on ``net`` (a torch module, e.g. :func:`torch_capstone`) over
    ``X (N, C, H, W)``, ``y (N,)`` in shuffled mini-batches of ``batch_size`` (trains ``net`` in place)."""
    import time

    import torch
    import torch.nn.functional as F

    opt = torch.optim.Adam(net.parameters(), lr=lr)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    start = time.perf_counter()
    for idx in torch.randperm(len(Xt), generator=torch.Generator().manual_seed(seed)).split(batch_size):
        opt.zero_grad()
        F.cross_entropy(net(Xt[idx]), yt[idx]).backward()
        opt.step()
    return time.perf_counter() - start
