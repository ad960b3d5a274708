"""Measuring shift: how well can a classifier tell the source from the target?"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

__all__ = ["domain_classifier_error"]


def domain_classifier_error(Xs, Xt, seed: int = 0) -> float:
    """Held-out error of a logistic regression that labels source 0 and target 1 (half/half split)."""
    X = np.vstack([np.reshape(Xs, (len(Xs), -1)), np.reshape(Xt, (len(Xt), -1))])
    d = np.r_[np.zeros(len(Xs)), np.ones(len(Xt))]
    Xa, Xb, da, db = train_test_split(X, d, test_size=0.5, random_state=seed, stratify=d)
    clf = LogisticRegression(max_iter=2000).fit(Xa, da)
    return float(np.mean(clf.predict(Xb) != db))


def _proxy_a_distance(Xs, Xt, seed: int = 0) -> float:
    return 2.0 * (1.0 - 2.0 * domain_classifier_error(Xs, Xt, seed))
