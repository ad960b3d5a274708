"""NumPy reference kernels timed against their torch counterparts on the same inputs.

Each entry of ``KERNELS`` is ``(name, setup) -> (numpy_fn, torch_fn)``; both closures run one
forward+backward (or one op) on identical data (float32 for the MLP, float64 for convolution).
"""

from __future__ import annotations

import time

import numpy as np


def _best_ms(fn, repeats: int = 7) -> float:
    fn()                                                  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def mlp_forward_backward(N: int = 512, sizes=(64, 128, 128, 10), dtype=np.float32):
    """Week 02: the NumPy MLP's forward + manual backward vs torch autograd, same weights."""
    import torch

    from dlcourse.mlp import reference as mlp_ref

    rng = np.random.default_rng(0)
    params = {k: v.astype(dtype) for k, v in mlp_ref.init_mlp(list(sizes), rng, scheme="he").items()}
    X = rng.standard_normal((N, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], N)
    Y = np.eye(sizes[-1], dtype=dtype)[y]

    def numpy_step():
        out, cache = mlp_ref.mlp_forward(params, X, activation="relu", output="softmax")
        mlp_ref.mlp_backward(params, cache, Y, loss="cce")

    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tX, ty = torch.tensor(X), torch.tensor(y)
    n_layers = len(sizes) - 1

    def torch_step():
        A = tX
        for layer in range(1, n_layers + 1):
            Z = A @ tparams[f"W{layer}"] + tparams[f"b{layer}"]
            A = torch.relu(Z) if layer < n_layers else Z
        loss = torch.nn.functional.cross_entropy(A, ty)
        for p in tparams.values():
            p.grad = None
        loss.backward()

    return numpy_step, torch_step


def _conv2d_inputs(N: int = 8, C: int = 3, H: int = 32, K: int = 8, F: int = 3):
    """Week 03: fixed float64 input (N, C, H, H), filters (K, C, F, F) and biases (K,)."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, C, H, H)), rng.standard_normal((K, C, F, F)), rng.standard_normal(K)


def _torch_conv2d(x, w, b):
    import torch

    tx, tw, tb = (torch.tensor(a) for a in (x, w, b))
    return lambda: torch.nn.functional.conv2d(tx, tw, tb, padding=1)


def conv2d_naive_vs_torch():
    """Week 03: the readable loop conv (N=8, C=3, 32x32, K=8, F=3, padding 1, float64) vs torch."""
    from dlcourse.cnn import reference as cnn_ref

    x, w, b = _conv2d_inputs()
    return (lambda: cnn_ref.conv2d_naive(x, w, b, padding=1)), _torch_conv2d(x, w, b)


def conv2d_vectorised_vs_torch():
    """Week 03: the vectorised conv (sliding windows + einsum), same input, vs torch."""
    from dlcourse.cnn import reference as cnn_ref

    x, w, b = _conv2d_inputs()
    return (lambda: cnn_ref.conv2d(x, w, b, padding=1)), _torch_conv2d(x, w, b)


KERNELS = {"MLP 64-128-128-10 fwd+bwd, N=512, float32 (week 02)": mlp_forward_backward,
           # conv2d naive : vectorised : torch = the numpy_ms of these two rows : their torch_ms
           "conv2d naive loops, N=8 C=3 32x32 K=8 F=3, float64 (week 03)": conv2d_naive_vs_torch,
           "conv2d vectorised, N=8 C=3 32x32 K=8 F=3, float64 (week 03)": conv2d_vectorised_vs_torch}


def run() -> list[dict]:
    import torch

    rows = []
    for name, setup in KERNELS.items():
        try:
            numpy_fn, torch_fn = setup()
        except ImportError as exc:                       # the week's reference is not there yet
            rows.append({"kernel": name, "numpy_ms": float("nan"), "torch_ms": float("nan"), "ratio": f"n/a ({exc})"})
            continue
        t_np, t_torch = _best_ms(numpy_fn), _best_ms(torch_fn)
        rows.append({"kernel": name, "numpy_ms": round(t_np, 2), "torch_ms": round(t_torch, 2),
                     "ratio": round(t_np / t_torch, 1), "torch_threads": torch.get_num_threads()})
    return rows
