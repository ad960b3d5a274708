"""The vanilla RNN in NumPy: one step in both notations, the forward pass through time, the
sequence loss, backpropagation through time, clipping by global norm, the "hello" model.

Conventions (fixed for the week; CONTRIBUTING.md's exceptions: H = hidden size, M = input
size, weights (out, in)): time first, ``X (T, N, M)``; hidden ``h (N, H)``; weights in
torch's (out, in) layout, ``W_xh (H, M)``, ``W_hh (H, H)``, ``b_h (H,)``, ``W_hy (K, H)``,
``b_y (K,)``, so that::

    h_t = tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)      # = tanh(W_hh h_{t-1} + W_xh x_t + b_h)
    logits_t = h_t @ W_hy.T + b_y

The concatenated notation uses ``W (H, H+M) = [W_hh | W_xh]`` on ``[h_prev, x_t]`` (h first).
The loss of a batch of sequences is the SUM over time of the batch-MEAN softmax cross-entropy.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import as_rng

__all__ = ["init_rnn", "RNN_KEYS"]

RNN_KEYS = ("W_xh", "W_hh", "b_h", "W_hy", "b_y")


def init_rnn(M: int, H: int, K: int, rng: np.random.Generator | int | None = 0,
             scale: float = 0.1) -> dict[str, np.ndarray]:
    """Small random weights (normal with std ``scale``) and zero biases for an RNN M -> H -> K."""
    rng = as_rng(rng)
    return {"W_xh": rng.normal(0.0, scale, (H, M)), "W_hh": rng.normal(0.0, scale, (H, H)),
            "b_h": np.zeros(H), "W_hy": rng.normal(0.0, scale, (K, H)), "b_y": np.zeros(K)}


def _rnn_step(x_t: np.ndarray, h_prev: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray,
              b_h: np.ndarray) -> np.ndarray:
    """One step ``tanh(x_t W_xh^T + h_prev W_hh^T + b_h)``: x_t (N, M), h_prev (N, H) -> (N, H)."""
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h)


def _rnn_step_concat(x_t: np.ndarray, h_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The same step with one matrix ``W (H, H+M)`` acting on ``[h_prev, x_t]`` -> (N, H)."""
    return np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W.T + b)


def _rnn_forward(X: np.ndarray, h0: np.ndarray | None, params: Mapping[str, np.ndarray],
                 step=_rnn_step) -> tuple[np.ndarray, np.ndarray]:
    """Unfold the RNN over ``X (T, N, M)`` from ``h0 (N, H)`` (zeros if None).

    ``step`` is the step function (the widgets pass a student's). Returns the hidden states
    ``Hs (T, N, H)`` and the logits ``(T, N, K)``.
    """
    T, N, _ = X.shape
    h = np.zeros((N, params["W_hh"].shape[0])) if h0 is None else h0
    Hs = []
    for t in range(T):
        h = step(X[t], h, params["W_xh"], params["W_hh"], params["b_h"])
        Hs.append(h)
    Hs = np.stack(Hs)                                                   # (T, N, H)
    return Hs, Hs @ params["W_hy"].T + params["b_y"]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _sequence_loss(logits: np.ndarray, targets: np.ndarray) -> float:
    """Sum over t of the batch-mean cross-entropy; logits (T, N, K), integer targets (T, N)."""
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))           # (T, N, K)
    picked = np.take_along_axis(logp, targets[..., None], axis=-1)[..., 0]
    return float(-picked.mean(axis=1).sum())


def _rnn_backward(params: Mapping[str, np.ndarray], X: np.ndarray, targets: np.ndarray,
                  h0: np.ndarray | None = None) -> tuple[float, dict[str, np.ndarray], np.ndarray]:
    """Loss, its gradients (same keys as ``params``) and the last hidden state, by BPTT.

    X (T, N, M) inputs, targets (T, N) integer classes, h0 (N, H) or None.
    """
    T, N, _ = X.shape
    h_init = np.zeros((N, params["W_hh"].shape[0])) if h0 is None else h0
    Hs, logits = _rnn_forward(X, h_init, params)
    loss = _sequence_loss(logits, targets)
    dlogits = _softmax(logits)                                          # (T, N, K)
    np.put_along_axis(dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1, -1)
    dlogits /= N
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["W_hy"] = np.einsum("tnk,tnh->kh", dlogits, Hs)
    grads["b_y"] = dlogits.sum(axis=(0, 1))
    dh_next = np.zeros_like(h_init)
    for t in reversed(range(T)):
        h_prev = Hs[t - 1] if t > 0 else h_init
        dh = dlogits[t] @ params["W_hy"] + dh_next                      # (N, H)
        da = dh * (1.0 - Hs[t] ** 2)                                    # through tanh
        grads["W_xh"] += da.T @ X[t]
        grads["W_hh"] += da.T @ h_prev
        grads["b_h"] += da.sum(axis=0)
        dh_next = da @ params["W_hh"]
    return loss, grads, Hs[-1]


def _clip_by_global_norm(grads: Mapping[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """torch's ``clip_grad_norm_`` on a dict: scale all by ``min(1, max_norm / (total + 1e-6))``.

    Returns new arrays and the global norm before clipping.
    """
    total = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    scale = min(1.0, max_norm / (total + 1e-6))
    return {k: g * scale for k, g in grads.items()}, total


def _train_hello(H: int = 8, steps: int = 300, lr: float = 0.1, every: int = 10, seed: int = 0,
                 clip: float = 5.0) -> list[tuple[int, float, dict[str, np.ndarray]]]:
    """Train the "hello" model (hell -> ello) with SGD; snapshots ``(step, loss, params)``.

    Snapshots are taken every ``every`` steps (step 0 = the initial weights).
    """
    from ..data.text import HELLO_VOCAB, hello_sequences
    X, targets = hello_sequences()
    K = len(HELLO_VOCAB)
    params = init_rnn(K, H, K, seed, scale=0.3)
    snaps = []
    for step in range(steps + 1):
        loss, grads, _ = _rnn_backward(params, X, targets)
        if step % every == 0:
            snaps.append((step, loss, {k: v.copy() for k, v in params.items()}))
        grads, _ = _clip_by_global_norm(grads, clip)
        params = {k: params[k] - lr * grads[k] for k in params}
    return snaps
