"""Batch normalisation in NumPy: training-mode forward and backward, running statistics, eval.

Over a mini-batch B = {x_1..x_m} (the lecture's algorithm), per feature / channel:

    mu = (1/m) Σ x_i        var = (1/m) Σ (x_i - mu)²       (biased: 1/m, as torch normalises)
    x̂_i = (x_i - mu) / √(var + eps)          y_i = gamma x̂_i + beta

``x`` is (N, C) (like ``nn.BatchNorm1d``) or (N, C, H, W) (``nn.BatchNorm2d``: statistics over
N, H and W of each channel); gamma, beta, running statistics are (C,). At test time the
batch statistics are replaced by running averages, updated after every training batch as an
EWMA with weight ``beta_ewma`` on the old value. torch's ``momentum=0.1`` is beta_ewma = 0.9,
and torch keeps the UNBIASED variance (1/(m-1)) in ``running_var`` although it normalises
with the biased one (syllabus section 0). Graded in Week 04 notebook 02: private names.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _axes_and_shape(x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Axes to reduce over (all but channels, axis 1) and the shape (C,) params broadcast to."""
    if x.ndim < 2:
        raise ValueError(f"batch norm needs x of shape (N, C) or (N, C, H, W), got {x.shape}")
    axes = (0, *range(2, x.ndim))
    return axes, (1, x.shape[1], *([1] * (x.ndim - 2)))                  # (1, C) or (1, C, 1, 1)


def _batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      eps: float = 1e-5) -> tuple[np.ndarray, dict]:
    """Normalise with the batch's own mean and (biased) variance. Returns (y like x, cache)."""
    x = np.asarray(x, dtype=float)
    axes, shape = _axes_and_shape(x)
    mu = x.mean(axis=axes, keepdims=True)                                 # (1, C[, 1, 1])
    var = x.var(axis=axes, keepdims=True)                                 # biased, 1/m
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    y = np.reshape(gamma, shape) * x_hat + np.reshape(beta, shape)
    return y, {"x_hat": x_hat, "inv_std": inv_std, "gamma": np.reshape(gamma, shape), "axes": axes,
               "mean": mu.reshape(-1), "var": var.reshape(-1)}


def _batchnorm_backward(dy: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx like x, dgamma (C,), dbeta (C,)) from dL/dy, in the compact form

        dx = (gamma / √(var + eps)) · (dy - mean(dy) - x̂ · mean(dy · x̂))

    (means over the batch axes), which sums the three paths from x to y: directly through
    x̂, through mu and through var.
    """
    x_hat, inv_std, gamma, axes = cache["x_hat"], cache["inv_std"], cache["gamma"], cache["axes"]
    dy = np.asarray(dy, dtype=float)
    dbeta = dy.sum(axis=axes)                                             # (C,)
    dgamma = (dy * x_hat).sum(axis=axes)                                  # (C,)
    dx = gamma * inv_std * (dy - dy.mean(axis=axes, keepdims=True)
                            - x_hat * (dy * x_hat).mean(axis=axes, keepdims=True))
    return dx, dgamma, dbeta


def _bn_update_running(running_mean: np.ndarray, running_var: np.ndarray, x: np.ndarray,
                       beta_ewma: float = 0.9, unbiased: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """One EWMA update of the running statistics from a training batch ``x``:

        running = beta_ewma · running + (1 - beta_ewma) · batch statistic

    with the batch variance unbiased (1/(m-1), torch's choice) unless ``unbiased=False``.
    Returns new arrays (mean (C,), var (C,)); torch starts them at 0 and 1.
    """
    x = np.asarray(x, dtype=float)
    axes, _ = _axes_and_shape(x)
    m = x.size // x.shape[1]
    mean, var = x.mean(axis=axes), x.var(axis=axes, ddof=1 if unbiased and m > 1 else 0)
    return (beta_ewma * np.asarray(running_mean) + (1 - beta_ewma) * mean,
            beta_ewma * np.asarray(running_var) + (1 - beta_ewma) * var)


def _batchnorm_eval(x: np.ndarray, running_mean: np.ndarray, running_var: np.ndarray, gamma: np.ndarray,
                     beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Test time: normalise with the running statistics (any batch size, even 1)."""
    x = np.asarray(x, dtype=float)
    _, shape = _axes_and_shape(x)
    x_hat = (x - np.reshape(running_mean, shape)) / np.sqrt(np.reshape(running_var, shape) + eps)
    return np.reshape(gamma, shape) * x_hat + np.reshape(beta, shape)
