"""Rosenblatt's perceptron: ŷ = sign(w·x + w0), updated only on mistakes.

Labels are ±1 and sign(0) = +1 (course convention, syllabus section 0; ``np.sign`` gives 0
there, which would count a point on the line as neither class). Graded in the Week 02
notebook, hence the private names.
"""

from __future__ import annotations

import numpy as np

from .. import as_rng

__all__: list[str] = []


def _sign(a: np.ndarray) -> np.ndarray:
    """+1 where a >= 0, -1 where a < 0 (so sign(0) = +1); integer array of a's shape."""
    return np.where(np.asarray(a) >= 0, 1, -1)


def _perceptron_predict(X: np.ndarray, w: np.ndarray, w0: float) -> np.ndarray:
    """X : (N, D), w : (D,), w0 : bias -> labels (N,) in {-1, +1}."""
    return _sign(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + w0)


def _as_pm1(y: np.ndarray) -> np.ndarray:
    """Labels in {0, 1} or {-1, +1} -> {-1, +1} (N,)."""
    y = np.asarray(y)
    if not np.all(np.isin(y, (-1, 0, 1))) or (np.any(y == 0) and np.any(y == -1)):
        raise ValueError("perceptron labels must be in {-1, +1} (or {0, 1})")
    return np.where(y > 0, 1, -1)


def _perceptron_epoch(X: np.ndarray, y: np.ndarray, w: np.ndarray, w0: float, lr: float = 1.0,
                      order: np.ndarray | None = None) -> tuple[np.ndarray, float, int]:
    """One pass of the online rule over the samples in ``order`` (default 0..N-1).

    On a mistake (sign(w·x + w0) != y): w += lr * y * x and w0 += lr * y.
    Returns the new (w, w0) and the number of mistakes made during the pass.
    """
    X, y = np.asarray(X, dtype=float), _as_pm1(y)
    w, w0, mistakes = np.array(w, dtype=float), float(w0), 0
    for i in (range(len(X)) if order is None else order):
        if _sign(X[i] @ w + w0) != y[i]:
            w += lr * y[i] * X[i]
            w0 += lr * y[i]
            mistakes += 1
    return w, w0, mistakes


def _train_perceptron(X: np.ndarray, y: np.ndarray, lr: float = 1.0, epochs: int = 20,
                      rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, float, list[int]]:
    """Train from w = 0, w0 = 0 for ``epochs`` passes.

    X : (N, D); y : (N,) in {-1, +1} ({0, 1} is mapped to ±1). Each epoch visits the samples
    in a fresh random order drawn from ``rng``; ``rng=None`` keeps the given order (a
    deterministic trace, as in the lecture). Returns (w (D,), w0, mistakes per epoch); on
    separable data the mistakes reach 0 and stay there.
    """
    X = np.asarray(X, dtype=float)
    g = None if rng is None else as_rng(rng)
    w, w0, history = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        order = None if g is None else g.permutation(len(X))
        w, w0, mistakes = _perceptron_epoch(X, y, w, w0, lr, order)
        history.append(mistakes)
    return w, w0, history
