"""AdaBoost (Freund & Schapire) for labels in {-1, +1}, as in the lecture's algorithm box.

    D_1(i) = 1/m
    for t = 1..T:
        h_t   = weak learner trained on D_t
        eps_t = sum of D_t(i) over the samples h_t gets wrong
        alpha_t = 1/2 ln((1 - eps_t) / eps_t)
        D_{t+1}(i) = D_t(i) exp(-alpha_t y_i h_t(x_i)) / Z_t
    H(x) = sign(sum_t alpha_t h_t(x))

The graded pieces (``_alpha``, ``_reweight``, ``_AdaBoost``) keep private names: students
write their own; widgets and demos use these references.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from . import reference as ref

__all__: list[str] = []

_EPS_CLIP = 1e-10  # a perfect weak learner (eps = 0) would get an infinite alpha


def _alpha(eps: float) -> float:
    """alpha = 1/2 ln((1 - eps) / eps); eps must lie strictly between 0 and 1."""
    if not 0.0 < eps < 1.0:
        raise ValueError(f"eps must be strictly between 0 and 1, got {eps}")
    return 0.5 * float(np.log((1.0 - eps) / eps))


def _reweight(D: np.ndarray, y: np.ndarray, h: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """One AdaBoost reweighting. D, y, h: (N,). Returns (D_new (N,), Z)."""
    unnormalised = np.asarray(D, float) * np.exp(-alpha * np.asarray(y) * np.asarray(h))
    Z = float(unnormalised.sum())
    return unnormalised / Z, Z


class _AdaBoost:
    """Discrete AdaBoost with a pluggable weak learner.

    Parameters
    ----------
    n_rounds : number of boosting rounds T.
    fit_weak : callable ``(X, y, w) -> model with .predict(X)``; default: the weighted stump.
        A scikit-learn factory can be adapted with :func:`sklearn_weak_learner`.

    Attributes (after ``fit``): ``learners_``, ``alphas_``, ``errors_`` (eps_t), ``Z_``,
    ``weights_`` (D_1 .. D_{T+1}, shape (T+1, N)).
    """

    def __init__(self, n_rounds: int = 50, fit_weak: Callable | None = None):
        self.n_rounds = n_rounds
        self.fit_weak = fit_weak

    def fit(self, X: np.ndarray, y: np.ndarray) -> "_AdaBoost":
        fit_weak = self.fit_weak or ref.fit_stump
        y = np.asarray(y)
        D = np.full(len(y), 1.0 / len(y))
        self.learners_, self.alphas_, self.errors_, self.Z_, weights = [], [], [], [], [D]
        for _ in range(self.n_rounds):
            learner = fit_weak(X, y, D)
            h = learner.predict(X)
            eps = float(np.clip(D[h != y].sum(), _EPS_CLIP, 1 - _EPS_CLIP))
            alpha = _alpha(eps)
            D, Z = _reweight(D, y, h, alpha)
            self.learners_.append(learner)
            self.alphas_.append(alpha)
            self.errors_.append(eps)
            self.Z_.append(Z)
            weights.append(D)
        self.weights_ = np.stack(weights)
        return self

    def staged_decision_function(self, X: np.ndarray) -> Iterator[np.ndarray]:
        """Yield sum_{s<=t} alpha_s h_s(X), shape (N,), for t = 1..T."""
        score = np.zeros(len(X))
        for alpha, learner in zip(self.alphas_, self.learners_):
            score = score + alpha * learner.predict(X)
            yield score

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        score = np.zeros(len(X))
        for score in self.staged_decision_function(X):
            pass
        return score

    def predict(self, X: np.ndarray) -> np.ndarray:
        """sign of the weighted vote; a zero score counts as +1."""
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def staged_predict(self, X: np.ndarray) -> Iterator[np.ndarray]:
        for score in self.staged_decision_function(X):
            yield np.where(score >= 0, 1, -1)


def sklearn_weak_learner(factory: Callable) -> Callable:
    """Adapt a scikit-learn estimator factory to the ``(X, y, w) -> model`` interface."""
    def fit_weak(X, y, w):
        return factory().fit(X, y, sample_weight=w)
    return fit_weak
