"""Target distributions for the generative models of week 07, seeded and offline.

* :func:`gaussian_ring` - the 8-Gaussian ring, the standard toy for mode collapse;
* :func:`mixture_1d` - a 1-D mixture of two Gaussians (the 1-D GAN);
* :func:`digits_16` - scikit-learn's bundled 8x8 digits, upsampled (bilinear) to 16x16 and
  scaled to [-1, 1], the range of a generator that ends in tanh.
"""

from __future__ import annotations

import functools

import numpy as np

from .. import as_rng

__all__ = ["ring_centers", "gaussian_ring", "MIXTURE_1D", "mixture_1d", "mixture_1d_density", "digits_16"]

#: 1-D mixture: (weight, mean, std) of each component.
MIXTURE_1D: tuple[tuple[float, float, float], ...] = ((0.5, -2.0, 0.5), (0.5, 2.0, 0.5))


def ring_centers(n_modes: int = 8, radius: float = 2.0) -> np.ndarray:
    """The ``n_modes`` centres evenly spaced on a circle, the first at angle 0. Shape (n_modes, 2)."""
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def gaussian_ring(n: int, n_modes: int = 8, radius: float = 2.0, std: float = 0.05,
                  rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """``n`` points of an equal-weight mixture of ``n_modes`` isotropic Gaussians on a ring.

    Returns an ndarray of shape (n, 2), float32 (what a torch model eats).
    """
    g = as_rng(rng)
    centers = ring_centers(n_modes, radius)
    which = g.integers(0, n_modes, size=n)
    return (centers[which] + std * g.standard_normal((n, 2))).astype(np.float32)


def mixture_1d(n: int, rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """``n`` samples of :data:`MIXTURE_1D`. Shape (n, 1), float32."""
    g = as_rng(rng)
    w = np.array([c[0] for c in MIXTURE_1D])
    k = g.choice(len(MIXTURE_1D), size=n, p=w / w.sum())
    mu = np.array([c[1] for c in MIXTURE_1D])[k]
    sd = np.array([c[2] for c in MIXTURE_1D])[k]
    return (mu + sd * g.standard_normal(n)).astype(np.float32)[:, None]


def mixture_1d_density(x: np.ndarray) -> np.ndarray:
    """The density of :data:`MIXTURE_1D` at ``x`` (any shape)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for w, mu, sd in MIXTURE_1D:
        out += w * np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
    return out


@functools.lru_cache(maxsize=1)
def _digits_16() -> tuple[np.ndarray, np.ndarray]:
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    data = load_digits()
    X = data.images / 16.0                                             # (1797, 8, 8) in [0, 1]
    X16 = zoom(X, (1, 2, 2), order=1, mode="nearest")                  # (1797, 16, 16), bilinear
    X16 = np.clip(X16, 0.0, 1.0) * 2.0 - 1.0                           # [-1, 1]
    X16 = X16[:, None].astype(np.float32)                              # (N, 1, 16, 16)
    X16.setflags(write=False)
    y = data.target.astype(np.int64)
    y.setflags(write=False)
    return X16, y


def digits_16() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits as 16x16 images in [-1, 1] (background -1, ink +1).

    Returns ``X`` of shape (1797, 1, 16, 16) float32 (NCHW) and ``y`` of shape (1797,) int64
    (fresh copies).
    """
    X, y = _digits_16()
    return X.copy(), y.copy()
