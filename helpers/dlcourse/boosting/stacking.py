"""Stacking's trap, in numbers: the meta-learner's inputs judged in-sample vs out-of-fold.

A stacking meta-learner trains on the members' predictions for the training samples. If each
member predicts samples it was fitted on (in-sample), a member that memorises looks perfect;
``cross_val_predict`` gives each sample a prediction from a member that never saw it
(out-of-fold), which is what scikit-learn's ``StackingClassifier(cv=K)`` trains on.
Shapes: N training samples, M members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import cross_val_predict

__all__ = ["meta_features", "training_accuracy_table"]


def meta_features(members: Sequence[tuple[str, object]], X: np.ndarray, y: np.ndarray,
                  cv: int = 5) -> dict[str, np.ndarray]:
    """Each member's P(class 1) on the training set X (N, D), two ways; values (N, M).

    ``"in-sample"`` : a clone of the member fitted on all of (X, y), then asked about X (the trap).
    ``"out-of-fold"`` : ``cross_val_predict`` with ``cv`` folds (what ``StackingClassifier`` uses).
    ``members`` : (name, unfitted estimator) pairs, as for ``VotingClassifier``.
    """
    in_sample = np.column_stack([clone(m).fit(X, y).predict_proba(X)[:, 1] for _, m in members])
    out_of_fold = np.column_stack([cross_val_predict(m, X, y, cv=cv, method="predict_proba")[:, 1]
                                   for _, m in members])
    return {"in-sample": in_sample, "out-of-fold": out_of_fold}


_VERDICT = {"in-sample": "memorised", "out-of-fold": "honest"}


def training_accuracy_table(features: Mapping[str, np.ndarray], y: np.ndarray, names: Sequence[str]) -> str:
    """How right each member looks on the training set, one row per entry of ``features``
    (as :func:`meta_features` returns: P(class 1) (N, M) thresholded at 0.5) and one column per member."""
    lines = [(f"{'how right each member looks on the training set':<50}" + "".join(f"{n:<7}" for n in names)).rstrip()]
    for key, probs in features.items():
        accuracy = np.mean((probs > 0.5) == np.asarray(y)[:, None], axis=0)                       # (M,)
        label = f"  judged {key} ({_VERDICT[key]})" if key in _VERDICT else f"  judged {key}"
        lines.append(f"{label:<49} {np.round(accuracy, 3)}")
    return "\n".join(lines)
