"""Voting and bagging (bootstrap aggregating) with out-of-bag evaluation.

A bootstrap sample draws n indices from range(n) *with replacement*: a given sample is left
out with probability (1 - 1/n)^n -> 1/e, so each model sees about 63.2 % of the distinct
samples, and the ~36.8 % it never saw are its out-of-bag (OOB) set - a free validation set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import as_rng

__all__: list[str] = []


def _bootstrap_indices(n: int, rng: np.random.Generator | int | None) -> np.ndarray:
    """n indices drawn uniformly from range(n) with replacement; shape (n,)."""
    return as_rng(rng).integers(0, n, size=n)


def _hard_vote(preds: np.ndarray) -> np.ndarray:
    """preds: (M, N) labels of M models -> (N,) majority label; ties go to the lowest label."""
    preds = np.asarray(preds)
    labels = np.unique(preds)                                   # sorted (L,)
    counts = (preds[None, :, :] == labels[:, None, None]).sum(axis=1)   # (L, N)
    return labels[np.argmax(counts, axis=0)]                    # argmax picks the first = lowest label


def _soft_vote(probas: np.ndarray) -> np.ndarray:
    """probas: (M, N, C) class probabilities of M models -> (N,) class index of the mean."""
    return np.argmax(np.asarray(probas).mean(axis=0), axis=1)


class _Bagging:
    """Bagging: each model trained on its own bootstrap sample; majority vote; OOB score.

    Attributes after ``fit``: ``estimators_``, ``estimators_samples_`` (index arrays),
    ``oob_prediction_`` (N,) (-1 where no model left the sample out), ``oob_score_``.
    """

    def __init__(self, base_factory: Callable, n_estimators: int = 25,
                 random_state: np.random.Generator | int | None = None):
        self.base_factory = base_factory
        self.n_estimators = n_estimators
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> "_Bagging":
        rng = as_rng(self.random_state)
        n = len(y)
        self.estimators_, self.estimators_samples_ = [], []
        for _ in range(self.n_estimators):
            idx = _bootstrap_indices(n, rng)
            self.estimators_.append(self.base_factory().fit(X[idx], y[idx]))
            self.estimators_samples_.append(idx)
        self._fit_oob(X, np.asarray(y))
        return self

    def _fit_oob(self, X: np.ndarray, y: np.ndarray) -> None:
        preds = np.stack([est.predict(X) for est in self.estimators_])         # (M, N)
        out = np.ones_like(preds, dtype=bool)                                   # (M, N) True = out of bag
        for m, idx in enumerate(self.estimators_samples_):
            out[m, idx] = False
        self.oob_prediction_ = np.full(len(y), -1, dtype=y.dtype)
        for i in np.flatnonzero(out.any(axis=0)):
            self.oob_prediction_[i] = _hard_vote(preds[out[:, i], i][:, None])[0]
        has_oob = out.any(axis=0)
        self.oob_score_ = float(np.mean(self.oob_prediction_[has_oob] == y[has_oob]))

    def predict(self, X: np.ndarray) -> np.ndarray:
        return _hard_vote(np.stack([est.predict(X) for est in self.estimators_]))
