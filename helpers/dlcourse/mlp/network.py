"""A vectorised L-layer MLP in NumPy with a hand-written backward pass.

Layout (syllabus section 0): samples in ROWS. For layer l = 1..L

    Z_l = A_{l-1} @ W_l + b_l        W_l : (n_{l-1}, n_l), b_l : (n_l,), A_0 = X : (N, n_0)
    A_l = g(Z_l)                     g = the hidden activation, or the output one for l = L

and the backward pass, with dZ_l the per-sample gradient dL_n/dZ_l (N, n_l):

    dW_l = A_{l-1}.T @ dZ_l / N      db_l = mean of dZ_l over samples
    dZ_{l-1} = (dZ_l @ W_l.T) * g'(Z_{l-1})

Graded in the Week 02 notebook, hence the private names; :func:`_train_mlp` is the
small full-batch / mini-batch trainer behind the playground widget.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from .. import as_rng
from ..arrays import one_hot          # re-exported: dlcourse.mlp.one_hot
from .activations import _ACTIVATIONS, _as_float
from .losses import _bce_with_logits, _cross_entropy_with_logits
from . import reference as ref

__all__ = ["one_hot", "accuracy", "n_layers", "minibatches"]

INIT_SCHEMES = ("he", "xavier", "glorot", "normal", "zeros")
OUTPUTS = ("sigmoid", "softmax", "linear")
LOSSES = ("bce", "cce", "mse")


def n_layers(params: Mapping[str, np.ndarray]) -> int:
    """Number of weight layers L in a params dict {'W1', 'b1', ..., 'WL', 'bL'}."""
    return sum(1 for k in params if k.startswith("W"))


def accuracy(y: np.ndarray, out: np.ndarray) -> float:
    """Fraction of correct predictions: ``out`` (N,) / (N, 1) probabilities of class 1 (threshold
    0.5), or (N, K) class scores (argmax); ``y`` (N,) integer classes."""
    out, y = np.asarray(out, dtype=float), np.asarray(y).reshape(-1)
    pred = out.argmax(axis=1) if out.ndim == 2 and out.shape[1] > 1 else (out.reshape(-1) >= 0.5)
    return float(np.mean(pred.astype(int) == y))


def minibatches(n: int, batch_size: int | None = None,
                rng: np.random.Generator | None = None) -> Iterator[np.ndarray]:
    """One epoch's mini-batches: index arrays covering 0..n-1 in chunks of ``batch_size`` (the
    last may be shorter; None: one full batch), in the order of ``rng.permutation(n)`` when a
    generator is given (one permutation per call, so call it once per epoch), else in order."""
    batch_size = batch_size or n
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _init_mlp(sizes: Sequence[int], rng: np.random.Generator | int | None = 0,
              scheme: str = "he") -> dict[str, np.ndarray]:
    """Parameters of an MLP with layer widths ``sizes`` = (n_0, n_1, ..., n_L).

    W_l ~ N(0, s²) of shape (n_{l-1}, n_l), b_l = 0 (n_l,), with
    'he': s² = 2 / n_{l-1} (keeps ReLU activations' variance across layers);
    'xavier': s² = 1 / n_{l-1} (the fan-in form the course uses for tanh, as in the lecture notes);
    'glorot': s² = 2 / (n_{l-1} + n_l) (Glorot & Bengio's normal form = torch.nn.init.xavier_normal_);
    'normal': s = 0.01 (small random, the classic recipe);
    'zeros': W_l = 0 - every hidden unit of a layer then computes the same function and gets
    the same gradient, so they stay identical forever (symmetry is never broken).
    """
    if scheme not in INIT_SCHEMES:
        raise ValueError(f"unknown init scheme {scheme!r}: use one of {INIT_SCHEMES}")
    g = as_rng(rng)
    params = {}
    for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        std = {"he": np.sqrt(2.0 / n_in), "xavier": np.sqrt(1.0 / n_in), "glorot": np.sqrt(2.0 / (n_in + n_out)),
               "normal": 0.01, "zeros": 0.0}[scheme]
        params[f"W{l}"] = std * g.standard_normal((n_in, n_out))            # (n_{l-1}, n_l)
        params[f"b{l}"] = np.zeros(n_out)                                   # (n_l,)
    return params


def _output(Z: np.ndarray, output: str) -> np.ndarray:
    if output == "sigmoid":
        return ref.sigmoid(Z)
    if output == "softmax":
        return ref.softmax(Z, axis=1)
    if output == "linear":
        return Z
    raise ValueError(f"unknown output {output!r}: use one of {OUTPUTS}")


def _mlp_forward(params: Mapping[str, np.ndarray], X: np.ndarray, activation: str = "relu",
                 output: str = "sigmoid") -> tuple[np.ndarray, dict]:
    """X : (N, n_0) -> (out (N, n_L), cache).

    ``activation`` (hidden layers): 'relu', 'tanh', 'sigmoid', 'leaky_relu' or 'linear';
    ``output``: 'sigmoid', 'softmax' (over the K outputs) or 'linear'. The cache keeps
    every layer's input A_{l-1} and pre-activation Z_l for the backward pass.
    """
    g = _ACTIVATIONS[activation][0]
    L = n_layers(params)
    A = _as_float(X)                                                        # float32 stays float32
    As, Zs = [A], []
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]                           # (N, n_l)
        A = _output(Z, output) if l == L else g(Z)
        Zs.append(Z)
        As.append(A)
    return A, {"A": As, "Z": Zs, "activation": activation, "output": output}


def _targets(Y: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Targets shaped like ``out`` (N, K) and of its dtype: (N,) labels become a column, or
    one-hot if K > 1."""
    Y = np.asarray(Y)
    if Y.shape == out.shape:
        return Y.astype(out.dtype)
    if Y.ndim == 1 and out.shape[1] == 1:
        return Y.astype(out.dtype)[:, None]
    if Y.ndim == 1:
        return one_hot(Y, out.shape[1]).astype(out.dtype)
    raise ValueError(f"targets of shape {Y.shape} do not match outputs of shape {out.shape}")


def _check_pairing(loss: str, output: str) -> None:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: use one of {LOSSES}")
    if loss in ("bce", "cce") and output == "linear":
        raise ValueError(f"{loss} needs probabilities: use a sigmoid or softmax output, not a linear one")


def _mlp_loss(cache: Mapping, Y: np.ndarray, loss: str = "bce") -> float:
    """The loss of a forward pass (mean over samples), from the logits where that is stabler."""
    Z, out, output = cache["Z"][-1], cache["A"][-1], cache["output"]
    _check_pairing(loss, output)
    T = _targets(Y, out)
    is_one_hot = bool(np.all((T == 0) | (T == 1)) and np.all(T.sum(axis=1) == 1))
    if loss == "bce":
        return _bce_with_logits(T, Z) if output == "sigmoid" else ref.bce(T, out)
    if loss == "cce":
        return _cross_entropy_with_logits(T.argmax(axis=1), Z) if output == "softmax" and is_one_hot \
            else ref.cce(T, out)
    if loss == "mse":
        return ref.mse(T, out)
    raise ValueError(f"unknown loss {loss!r}: use one of {LOSSES}")


def _output_delta(cache: Mapping, T: np.ndarray, loss: str) -> np.ndarray:
    """dL_n/dZ_L (N, K) for one sample's loss L_n (the 1/N comes later, in dW and db)."""
    out, Z, output = cache["A"][-1], cache["Z"][-1], cache["output"]
    _check_pairing(loss, output)
    if (loss, output) in {("bce", "sigmoid"), ("cce", "softmax")}:
        return out - T                  # the famous shortcut ŷ - y (cce: rows of T sum to 1)
    if loss == "mse":
        dA = 2.0 * (out - T)
    elif loss == "bce":
        dA = (out - T) / np.clip(out * (1 - out), 1e-12, None)
    else:                                                   # cce
        dA = -T / np.clip(out, 1e-12, None)
    if output == "sigmoid":
        return dA * out * (1 - out)
    if output == "softmax":                                 # Jacobian-vector product of softmax
        return out * (dA - np.sum(dA * out, axis=1, keepdims=True))
    return dA                                               # linear


def _mlp_backward(params: Mapping[str, np.ndarray], cache: Mapping, Y: np.ndarray,
                  loss: str = "bce") -> dict[str, np.ndarray]:
    """Gradients of the mean loss w.r.t. every parameter, keyed like ``params`` ('W1', 'b1', ...).

    Y : (N, K) targets, or (N,) labels (a column for one output, one-hot for K > 1).
    ``loss`` : 'bce' (binary cross-entropy), 'cce' (categorical) or 'mse' (J = (1/N) Σ_n Σ_k).
    """
    As, Zs = cache["A"], cache["Z"]
    g_prime = _ACTIVATIONS[cache["activation"]][1]
    N, L = As[0].shape[0], len(Zs)
    dZ = _output_delta(cache, _targets(Y, As[-1]), loss)                  # (N, n_L)
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = As[l - 1].T @ dZ / N                               # (n_{l-1}, n_l)
        grads[f"b{l}"] = dZ.mean(axis=0)                                    # (n_l,)
        if l > 1:
            dZ = (dZ @ params[f"W{l}"].T) * g_prime(Zs[l - 2])              # (N, n_{l-1})
    return grads


def _train_mlp(X: np.ndarray, y: np.ndarray, hidden: Sequence[int] = (16,), activation: str = "relu",
               lr: float = 0.1, epochs: int = 200, rng: np.random.Generator | int | None = 0,
               batch_size: int | None = None, init: str = "he",
               params: dict[str, np.ndarray] | None = None) -> tuple[dict[str, np.ndarray], list[float]]:
    """Classify X (N, D) into classes y (N,) by gradient descent on cross-entropy.

    Two classes: one sigmoid output and BCE; K > 2: softmax and CCE. ``batch_size=None``
    is full-batch GD (one step per epoch); otherwise each epoch shuffles (with ``rng``) and
    takes one step per mini-batch. ``params`` continues training them (in place) instead of a
    fresh ``init``. Returns (params, one loss per epoch: the mean of the mini-batch losses met
    during the epoch - for full-batch GD, the loss just before that epoch's step).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    K = int(y.max()) + 1
    output, loss = ("sigmoid", "bce") if K <= 2 else ("softmax", "cce")
    g = as_rng(rng)
    if params is None:
        params = _init_mlp([X.shape[1], *hidden, 1 if K <= 2 else K], g, init)
    T = y[:, None].astype(float) if K <= 2 else one_hot(y, K)              # (N, 1) or (N, K)
    B = len(X) if batch_size is None else batch_size
    losses = []
    for _ in range(epochs):
        order = np.arange(len(X)) if batch_size is None else g.permutation(len(X))
        batch_losses = []
        for start in range(0, len(X), B):
            idx = order[start:start + B]
            _, cache = _mlp_forward(params, X[idx], activation, output)
            batch_losses.append(_mlp_loss(cache, T[idx], loss) * len(idx))
            for k, grad in _mlp_backward(params, cache, T[idx], loss).items():
                params[k] -= lr * grad
        losses.append(sum(batch_losses) / len(X))
    return params, losses
