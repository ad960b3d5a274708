"""Gradient-descent optimisers as one functional step, and mini-batch iteration (NumPy).

Every step has the same interface, so widgets and notebooks can swap them::

    w_new = step(w, g, state, lr, **hyper)

* ``w`` : the parameters, any shape (a vector, a matrix, or (L, 2) - many runs at once);
* ``g`` : dJ/dw at ``w``, the same shape;
* ``state`` : a dict owned by the caller, empty before the first step. The step fills it on
  first use and updates it IN PLACE (``state["t"]`` = steps taken, the moments ``"v"``,
  ``"s"``, ...) - it is the optimiser's memory, like ``torch.optim.Optimizer.state``;
* returns the NEW parameters; ``w`` itself is never written to (pure in ``w``).

``lr`` (and the hyperparameters) may be arrays that broadcast against ``w``: an ``lr`` of
shape (L, 1) runs L learning rates side by side on a (L, 2) ``w``.

Conventions (course-wide, syllabus section 0): Adam's and RMSProp's eps sits OUTSIDE the
square root, as in torch and Keras; momentum is the EWMA form V = beta V + (1 - beta) g,
which torch's ``SGD(momentum)`` reproduces only with ``lr * (1 - beta)`` (torch keeps
V' = beta V' + g); t counts from 1 at the first step. Graded in the Week 04 notebook 01,
hence the private names. Public: :func:`full_batch_gd_losses`, the learning-rate sweep of
notebook 01 on a least-squares problem.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import as_rng

__all__ = ["full_batch_gd_losses"]


def _sgd_step(w: np.ndarray, g: np.ndarray, state: dict, lr: float) -> np.ndarray:
    """Plain gradient descent: w - lr g. (``state`` only counts steps.)"""
    state["t"] = state.get("t", 0) + 1
    return w - lr * g


def _momentum_step(w: np.ndarray, g: np.ndarray, state: dict, lr: float, beta: float = 0.9) -> np.ndarray:
    """Momentum (EWMA of the gradients): V = beta V + (1 - beta) g;  w - lr V.  V starts at 0."""
    v = state.get("v", np.zeros_like(g, dtype=float))
    state["v"] = beta * v + (1 - beta) * g
    state["t"] = state.get("t", 0) + 1
    return w - lr * state["v"]


def _rmsprop_step(w: np.ndarray, g: np.ndarray, state: dict, lr: float = 1e-3, rho: float = 0.9,
                  eps: float = 1e-8) -> np.ndarray:
    """RMSProp: S = rho S + (1 - rho) g²;  w - lr g / (√S + eps).  (torch: RMSprop(alpha=rho))"""
    s = state.get("s", np.zeros_like(g, dtype=float))
    state["s"] = rho * s + (1 - rho) * g * g
    state["t"] = state.get("t", 0) + 1
    return w - lr * g / (np.sqrt(state["s"]) + eps)


def _adagrad_step(w: np.ndarray, g: np.ndarray, state: dict, lr: float = 1e-2, eps: float = 1e-10) -> np.ndarray:
    """AdaGrad: G = G + g²;  w - lr g / (√G + eps).  (torch: Adagrad with its defaults)"""
    state["G"] = state.get("G", np.zeros_like(g, dtype=float)) + g * g
    state["t"] = state.get("t", 0) + 1
    return w - lr * g / (np.sqrt(state["G"]) + eps)


def _adam_step(w: np.ndarray, g: np.ndarray, state: dict, lr: float = 1e-3, beta1: float = 0.9,
               beta2: float = 0.999, eps: float = 1e-8) -> np.ndarray:
    """Adam, step t = 1, 2, ...:

        V = beta1 V + (1 - beta1) g          S = beta2 S + (1 - beta2) g²
        V̂ = V / (1 - beta1^t)                Ŝ = S / (1 - beta2^t)        (bias correction)
        w - lr V̂ / (√Ŝ + eps)
    """
    t = state.get("t", 0) + 1
    state["t"] = t
    state["v"] = beta1 * state.get("v", np.zeros_like(g, dtype=float)) + (1 - beta1) * g
    state["s"] = beta2 * state.get("s", np.zeros_like(g, dtype=float)) + (1 - beta2) * g * g
    v_hat = state["v"] / (1 - beta1 ** t)
    s_hat = state["s"] / (1 - beta2 ** t)
    return w - lr * v_hat / (np.sqrt(s_hat) + eps)


def _iterate_minibatches(N: int, batch_size: int, rng: np.random.Generator | int | None = None,
                         shuffle: bool = True) -> Iterator[np.ndarray]:
    """One epoch of mini-batches: index arrays that together hold 0..N-1 exactly once.

    ``shuffle`` draws a fresh permutation from ``rng`` (call once per epoch); the batches are
    consecutive slices of it, ceil(N / batch_size) of them, the last one smaller when
    batch_size does not divide N. batch_size = N is batch GD (one update per epoch), 1 is SGD.
    Use as ``for idx in _iterate_minibatches(len(X), B, rng): step on X[idx], y[idx]``.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = as_rng(rng).permutation(N) if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


def full_batch_gd_losses(X: np.ndarray, y: np.ndarray, etas, n_steps: int, w0=(-1.0, 1.5)) -> np.ndarray:
    """Batch gradient descent on J(w) = 1/(2N) ||X w - y||^2 from ``w0``, one run per learning
    rate in ``etas`` (L,), all side by side as a (L, 2) parameter matrix.

    Returns the full-data loss before the first and after every step: (n_steps + 1, L). A run
    whose rate is too large overflows to inf / nan (silently: that is the point of the sweep).
    """
    etas = np.asarray(etas, dtype=float)
    W = np.tile(np.asarray(w0, dtype=float), (len(etas), 1))                # (L, 2)
    curves = [0.5 * np.mean((W @ X.T - y) ** 2, axis=-1)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_steps):
            G = (W @ X.T - y) @ X / len(y)                                      # (L, 2) full-batch gradients
            W = W - etas[:, None] * G
            curves.append(0.5 * np.mean((W @ X.T - y) ** 2, axis=-1))
    return np.array(curves)
