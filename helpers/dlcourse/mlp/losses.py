"""Losses J = (1/N) Σ_n L(y_n, ŷ_n): the mean over SAMPLES (axis 0) of a per-sample loss.

Per-sample losses sum over output columns, so for a single output (y of shape (N,) or
(N, 1)) every J here equals torch's ``reduction="mean"``; for K outputs it is
torch's ``reduction="sum"`` divided by N (the lecture's J = (1/N) Σ_n Σ_k ...).
Graded in the Week 02 notebook, hence the private names. The ``*_with_logits`` forms take
pre-activations and are what the MLP trainer uses (no log(0), no overflow).
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _per_sample_mean(values: np.ndarray) -> float:
    """Sum over every axis but the first, then mean over samples."""
    values = np.asarray(values, dtype=float)
    return float(values.reshape(values.shape[0], -1).sum(axis=1).mean()) if values.ndim else float(values)


def _bce(y: np.ndarray, p: np.ndarray, eps: float = 1e-12) -> float:
    """Binary cross-entropy -(1/N) Σ [y log p + (1-y) log(1-p)]; y in {0, 1}, p in [0, 1].

    y, p : (N,) or (N, K) (K independent binary outputs). p is clipped to [eps, 1-eps].
    """
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)
    return _per_sample_mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def _cce(Y_onehot: np.ndarray, P: np.ndarray, eps: float = 1e-12) -> float:
    """Categorical cross-entropy -(1/N) Σ_n Σ_k Y_nk log P_nk.

    Y_onehot, P : (N, K); rows of P are probabilities (softmax outputs), clipped below at eps.
    """
    Y, P = np.asarray(Y_onehot, dtype=float), np.asarray(P, dtype=float)
    return _per_sample_mean(-Y * np.log(np.clip(P, eps, None)))


def _mse(y: np.ndarray, yhat: np.ndarray) -> float:
    """Mean squared error (1/N) Σ_n Σ_k (y_nk - ŷ_nk)^2; y, yhat of the same shape (N,) or (N, K)."""
    y, yhat = np.asarray(y, dtype=float), np.asarray(yhat, dtype=float)
    return _per_sample_mean((y - yhat) ** 2)


def _bce_with_logits(y: np.ndarray, z: np.ndarray) -> float:
    """BCE of σ(z) against y, computed from the logits z (N,) or (N, K) without forming σ(z).

    -[y log σ(z) + (1-y) log(1-σ(z))] = max(z, 0) - y z + log(1 + e^{-|z|}).
    """
    y, z = np.asarray(y, dtype=float), np.asarray(z, dtype=float)
    with np.errstate(under="ignore"):
        softplus = np.log1p(np.exp(-np.abs(z)))                                 # log(1 + e^{-|z|})
    return _per_sample_mean(np.maximum(z, 0.0) - y * z + softplus)


def _cross_entropy_with_logits(y_idx: np.ndarray, Z: np.ndarray) -> float:
    """CCE of softmax(Z) (N, K) against integer classes y_idx (N,): mean of logsumexp(Z_n) - Z_n,y_n."""
    Z, y_idx = np.asarray(Z, dtype=float), np.asarray(y_idx, dtype=int)
    m = Z.max(axis=1, keepdims=True)                                          # (N, 1)
    with np.errstate(under="ignore"):
        logsumexp = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))               # (N,)
    return float(np.mean(logsumexp - Z[np.arange(len(Z)), y_idx]))
