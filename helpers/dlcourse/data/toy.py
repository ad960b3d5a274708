"""Small synthetic data sets, seeded."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

from .. import as_rng

__all__ = ["two_moons", "noisy_sine", "xor", "spirals", "toy_2d"]


def two_moons(n: int = 300, noise: float = 0.3, rng: np.random.Generator | int | None = 0,
              signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's two moons. ``signed=True`` gives labels in {-1, +1} instead of {0, 1}.

    Returns X of shape (n, 2) and y of shape (n,).
    """
    seed = int(as_rng(rng).integers(2**31 - 1))
    X, y = make_moons(n_samples=n, noise=noise, random_state=seed)
    return X, (2 * y - 1 if signed else y)


def noisy_sine(n: int = 80, noise: float = 0.3, rng: np.random.Generator | int | None = 0,
               n_outliers: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """y = sin(x) + Gaussian noise on x in [0, 2*pi]; optionally some gross outliers.

    Returns X of shape (n, 1), sorted, and y of shape (n,).
    """
    g = as_rng(rng)
    x = np.sort(g.uniform(0, 2 * np.pi, n))
    y = np.sin(x) + noise * g.standard_normal(n)
    if n_outliers:
        idx = g.choice(n, n_outliers, replace=False)
        y[idx] += g.choice([-1.0, 1.0], n_outliers) * 3.0
    return x[:, None], y


def xor(n: int = 200, noise: float = 0.15, rng: np.random.Generator | int | None = 0,
        signed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clusters at the corners of a square, labelled by XOR of the quadrant.

    Returns X of shape (n, 2) and y of shape (n,) in {0, 1} (or {-1, +1} with ``signed``).
    """
    g = as_rng(rng)
    corners = g.integers(0, 2, size=(n, 2))                          # (n, 2) in {0, 1}
    X = (2.0 * corners - 1.0) + noise * g.standard_normal((n, 2))
    y = (corners[:, 0] ^ corners[:, 1]).astype(int)
    return X, (2 * y - 1 if signed else y)


def spirals(n: int = 300, noise: float = 0.1, rng: np.random.Generator | int | None = 0,
            turns: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals (classes 0 and 1). Returns X (n, 2), y (n,)."""
    g = as_rng(rng)
    y = np.arange(n) % 2
    t = np.sqrt(g.uniform(0.05, 1.0, n)) * turns * 2 * np.pi         # (n,) angle, denser outside
    r = t / (turns * 2 * np.pi) * 2.0
    X = np.stack([r * np.cos(t + np.pi * y), r * np.sin(t + np.pi * y)], axis=1)
    return X + noise * g.standard_normal((n, 2)), y


def toy_2d(name: str, n: int = 300, noise: float | None = None,
           rng: np.random.Generator | int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """One of the 2-D classification sets by name: 'moons', 'circles', 'xor', 'spirals',
    'blobs' (linearly separable). Labels in {0, 1}. Returns X (n, 2), y (n,)."""
    from sklearn.datasets import make_blobs, make_circles

    g = as_rng(rng)
    if name == "moons":
        return two_moons(n, 0.2 if noise is None else noise, g)
    if name == "circles":
        seed = int(g.integers(2**31 - 1))
        return make_circles(n, noise=0.08 if noise is None else noise, factor=0.5, random_state=seed)
    if name == "xor":
        return xor(n, 0.3 if noise is None else noise, g)
    if name == "spirals":
        return spirals(n, 0.08 if noise is None else noise, g)
    if name == "blobs":
        seed = int(g.integers(2**31 - 1))
        X, y = make_blobs(n, centers=[(-1.5, -1.0), (1.5, 1.0)], cluster_std=0.6 if noise is None else noise,
                          random_state=seed)
        return X, y
    raise ValueError(f"unknown data set {name!r}: use 'moons', 'circles', 'xor', 'spirals' or 'blobs'")
