"""How far back a gradient reaches: ``||dL/dh_k||`` through time for a vanilla RNN and an LSTM.

The set-up is the same for both cells: ``T`` steps of seeded random inputs ``x_t (M,)``, a
random orthogonal recurrent matrix scaled to the chosen spectral radius (for the LSTM, every
gate's recurrent block), and the loss ``L = u . h_{T-1}`` with a fixed unit vector ``u``, so
the last norm is exactly 1 and the curve reads as "how much of the error signal arrives at
step k". torch autograd computes the gradients; several spectral radii run as one batch.

With ``clip`` the whole backpropagated signal is rescaled as ``clip_grad_norm_`` would rescale
the parameter gradient it produces (``min(1, clip / (total + 1e-6))``): clipping caps an
exploding gradient but leaves the ratio between early and late steps - vanishing - unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["grad_norms_through_time", "grad_norm_grid"]

_M = 8            # input size of the set-up


def _orthogonal(rng: np.random.Generator, H: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(H, H)))
    return q * np.sign(np.diag(r))


def grad_norm_grid(kind: str, T: int = 50, H: int = 32, radii: Sequence[float] = (1.0,),
                   forget_bias: float = 1.0, seed: int = 0, clip: float | None = None,
                   activation: str = "tanh") -> np.ndarray:
    """``||dL/dh_k||`` for k = 0..T-1 (columns), one row per spectral radius in ``radii``.

    Parameters
    ----------
    kind : "rnn" (tanh) or "lstm".
    T, H : sequence length and hidden size.
    radii : spectral radii of the recurrent matrix (R values).
    forget_bias : the LSTM's forget-gate bias (ignored for the RNN).
    seed : seeds the weights, inputs and ``u``.
    clip : global-norm threshold applied to each row's whole gradient, or None.
    activation : the RNN's nonlinearity, "tanh" or "linear" (no squashing: the norms are then
        exactly ``radius ** (T - 1 - k)``, pure explosion or vanishing). Ignored for the LSTM.

    Returns
    -------
    (R, T) array of float64 norms; column T-1 is 1 before clipping.
    """
    import torch
    if kind not in ("rnn", "lstm"):
        raise ValueError(f"kind must be 'rnn' or 'lstm', not {kind!r}")
    if activation not in ("tanh", "linear"):
        raise ValueError(f"activation must be 'tanh' or 'linear', not {activation!r}")
    rng = np.random.default_rng(seed)
    n_gates = 1 if kind == "rnn" else 4
    Q = np.stack([_orthogonal(rng, H) for _ in range(n_gates)])                   # (G, H, H)
    W_x = rng.normal(0.0, 1.0 / np.sqrt(_M), (n_gates, H, _M))
    X = rng.normal(size=(T, _M))
    u = rng.normal(size=H)
    u /= np.linalg.norm(u)
    rho = torch.tensor(np.asarray(radii, dtype=float))[:, None, None, None]       # (R, 1, 1, 1)
    W_h = rho * torch.from_numpy(Q)[None]                                          # (R, G, H, H)
    W_x, X, u = torch.from_numpy(W_x), torch.from_numpy(X), torch.from_numpy(u)
    bias = torch.zeros(n_gates, H, dtype=torch.float64)
    if kind == "lstm":
        bias[0] = forget_bias
    R = rho.shape[0]
    h = torch.zeros(R, H, dtype=torch.float64)
    c = torch.zeros(R, H, dtype=torch.float64)
    states = []
    for t in range(T):
        h = h.detach().requires_grad_() if t == 0 else h
        pre = torch.einsum("rgij,rj->rgi", W_h, h) + (W_x @ X[t]) + bias          # (R, G, H)
        if kind == "rnn":
            h = torch.tanh(pre[:, 0]) if activation == "tanh" else pre[:, 0]
        else:
            f, i, o = torch.sigmoid(pre[:, 0]), torch.sigmoid(pre[:, 1]), torch.sigmoid(pre[:, 3])
            c = f * c + i * torch.tanh(pre[:, 2])
            h = o * torch.tanh(c)
        h.retain_grad()
        states.append(h)
    (states[-1] @ u).sum().backward()
    norms = torch.stack([s.grad.norm(dim=1) for s in states], dim=1).numpy()      # (R, T)
    if clip is not None:
        total = np.sqrt((norms ** 2).sum(axis=1, keepdims=True))
        norms = norms * np.minimum(1.0, clip / (total + 1e-6))
    return norms


def grad_norms_through_time(kind: str, T: int = 50, H: int = 32, spectral_radius: float = 1.0,
                            forget_bias: float = 1.0, seed: int = 0, clip: float | None = None,
                            activation: str = "tanh") -> np.ndarray:
    """``||dL_T/dh_k||`` for k = 0..T-1 for one cell ("rnn" or "lstm"); see :func:`grad_norm_grid`."""
    return grad_norm_grid(kind, T, H, (spectral_radius,), forget_bias, seed, clip, activation)[0]
