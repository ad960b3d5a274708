"""The weighted decision stump: AdaBoost's weak learner.

A stump looks at one feature ``f`` and a threshold ``t``: it predicts ``polarity`` where
``x[f] < t`` and ``-polarity`` elsewhere. :func:`_fit_stump` (graded in the notebook, hence
the private name) minimises the *weighted* error over every feature, every midpoint
between consecutive distinct values, and both polarities. Ties are broken by lowest error,
then lowest feature index, then lowest threshold, then polarity +1 - the rule under which
the lecture's 10-sample example reproduces its three rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Stump"]


@dataclass(frozen=True)
class Stump:
    """A fitted decision stump. ``predict`` returns labels in {-1, +1}."""

    feature: int      # column of X the stump looks at
    threshold: float  # split point (a midpoint between two training values)
    polarity: int     # +1: predict +1 left of the threshold; -1: predict -1 there
    error: float      # weighted training error

    def predict(self, X: np.ndarray) -> np.ndarray:
        """X : (N, D) -> (N,) labels in {-1, +1}."""
        left = np.asarray(X)[:, self.feature] < self.threshold
        return np.where(left, self.polarity, -self.polarity)

    # scikit-learn-like aliases so a Stump can stand in for an estimator in plots/widgets
    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return self.predict(X).astype(float)


def _fit_stump(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Stump:
    """Best weighted stump. X: (N, D), y: (N,) in {-1, +1}, w: (N,) non-negative weights."""
    X, y, w = np.asarray(X, float), np.asarray(y), np.asarray(w, float)
    best: tuple | None = None
    w_pos, w_neg = w[y == 1].sum(), w[y == -1].sum()
    for f in range(X.shape[1]):
        values, inverse = np.unique(X[:, f], return_inverse=True)        # sorted distinct values (U,)
        if values.size < 2:
            continue
        pos = np.bincount(inverse, weights=w * (y == 1), minlength=values.size)
        neg = np.bincount(inverse, weights=w * (y == -1), minlength=values.size)
        left_pos, left_neg = np.cumsum(pos)[:-1], np.cumsum(neg)[:-1]   # weight left of each midpoint (U-1,)
        err_plus = left_neg + (w_pos - left_pos)                         # polarity +1: left is +1
        err_minus = left_pos + (w_neg - left_neg)                        # polarity -1: left is -1
        errs = np.round(np.stack([err_plus, err_minus], axis=1), 12)     # (U-1, 2), rounding makes ties exact
        k, p = np.unravel_index(np.argmin(errs), errs.shape)             # first minimum: lowest t, then +1
        if best is None or errs[k, p] < best[0]:
            threshold = (values[k] + values[k + 1]) / 2
            best = (errs[k, p], f, threshold, 1 if p == 0 else -1)
    if best is None:
        raise ValueError("every feature is constant: no stump can split the data")
    err, f, threshold, polarity = best
    return Stump(int(f), float(threshold), int(polarity), float(err))
