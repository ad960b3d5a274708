"""Small synthetic data sets, seeded."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import make_moons

from .. import as_rng

__all__ = ["two_moons", "noisy_sine"]


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
