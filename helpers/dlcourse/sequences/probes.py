"""Probes that run a student's RNN code: a spot check of its gradients and a probe of how far
back the last step's gradient reaches.

Both take the student's functions as arguments (they are written in the notebook), so what
they measure is the student's implementation. Shapes as in :mod:`.rnn` (time first,
``X (T, N, M)``, weights in torch's (out, in) layout).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["spot_check_gradients", "time_stamped_inputs", "random_rnn", "last_step_gradient_norms"]


def spot_check_gradients(loss: Callable[[], float], params: Mapping[str, np.ndarray],
                         grads: Mapping[str, np.ndarray], rng: np.random.Generator, entries: int = 5,
                         eps: float = 1e-5) -> dict[str, float]:
    """Largest relative error ``|n - a| / (|n| + |a|)`` over ``entries`` random entries of each
    parameter, between the analytic gradient ``a`` (``grads``) and the central difference ``n``.

    ``loss()`` must read the arrays in ``params``: each chosen entry is moved by ``+eps`` and
    ``-eps`` in place, then restored. Entries are drawn with ``rng.integers`` per axis (an
    entry may be drawn twice).
    """
    worst = {}
    for key, value in params.items():
        errors = []
        for _ in range(entries):
            ix = tuple(rng.integers(0, size) for size in value.shape)
            old = value[ix]
            value[ix] = old + eps
            loss_plus = loss()
            value[ix] = old - eps
            loss_minus = loss()
            value[ix] = old
            numeric = (loss_plus - loss_minus) / (2 * eps)
            errors.append(abs(numeric - grads[key][ix]) / max(abs(numeric) + abs(grads[key][ix]), 1e-12))
        worst[key] = max(errors)
    return worst


def time_stamped_inputs(T: int, M: int, K: int, rng: np.random.Generator,
                        scale: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """One random sequence ``X (T, 1, M + T)`` whose last T features are a one-hot time stamp,
    and random targets ``(T, 1)`` in ``0..K-1``.

    With the time stamp, column ``M + k`` of ``dL/dW_xh`` is exactly ``dL/da_k``, the gradient
    at the pre-activation of step k (for a batch of one).
    """
    X = np.concatenate([scale * rng.normal(size=(T, 1, M)), np.eye(T)[:, None, :]], axis=2)
    targets = rng.integers(0, K, size=(T, 1))
    return X, targets


def random_rnn(M: int, H: int, K: int, gain: float, rng: np.random.Generator, stamp: int = 0) -> dict[str, np.ndarray]:
    """RNN weights M (+ ``stamp`` time-stamp features) -> H -> K with ``W_hh`` drawn with standard
    deviation ``gain / sqrt(H)``; ``W_xh (H, M + stamp)`` has std ``1 / sqrt(M)``, ``W_hy`` std
    ``1 / sqrt(H)``, biases 0."""
    return {"W_xh": rng.normal(0, 1 / np.sqrt(M), (H, M + stamp)), "W_hh": rng.normal(0, gain / np.sqrt(H), (H, H)),
            "b_h": np.zeros(H), "W_hy": rng.normal(0, 1 / np.sqrt(H), (K, H)), "b_y": np.zeros(K)}


def last_step_gradient_norms(rnn_backward: Callable, params: Mapping[str, np.ndarray], X: np.ndarray,
                             targets: np.ndarray, M: int) -> np.ndarray:
    """``||d loss_T / d a_k||`` for k = 1..T, from a student's ``rnn_backward`` on time-stamped
    inputs (:func:`time_stamped_inputs`, M data features).

    The RNN is causal, so the gradient of the last step's loss alone is the gradient of the whole
    sequence minus that of its first T - 1 steps.
    """
    _, grads_all, _ = rnn_backward(params, X, targets)
    _, grads_prefix, _ = rnn_backward(params, X[:-1], targets[:-1])
    dl_da = (grads_all["W_xh"] - grads_prefix["W_xh"])[:, M:]           # (H, T): column k = d loss_T / d a_k
    return np.linalg.norm(dl_da, axis=0)
