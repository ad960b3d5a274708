"""TrAdaBoost (Dai, Yang, Xue & Yu, ICML 2007) as the lecture states it and as the paper states it.

Labels are {0, 1}. Source samples come first (n of them), then the m target samples. Weights
are kept as two arrays, ``w_src (n,)`` and ``w_tgt (m,)``; after every round both are divided
by their joint sum, so together they form one distribution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier

__all__ = ["TrAdaBoostFit", "fit_tradaboost", "predict_tradaboost", "old_new_reviews", "adaboost_pooled"]


def _tradaboost_error(w_tgt: np.ndarray, miss_tgt: np.ndarray) -> float:
    w_tgt = np.asarray(w_tgt, dtype=float)
    return float(np.sum(w_tgt * np.asarray(miss_tgt, dtype=float)) / np.sum(w_tgt))


def _tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, n, N, variant="lecture"):
    alpha_t = math.log((1.0 - e_t) / e_t)
    alpha_src = 1.0 / (1.0 + math.sqrt(2.0 * math.log(n) / N))
    miss_src = np.asarray(miss_src, dtype=float)
    factor = np.exp(-alpha_src * miss_src) if variant == "lecture" else alpha_src ** miss_src
    return (np.asarray(w_src, float) * factor, np.asarray(w_tgt, float) * np.exp(alpha_t * np.asarray(miss_tgt, float)),
            alpha_t, alpha_src)


def _normalise(w_src, w_tgt):
    total = np.sum(w_src) + np.sum(w_tgt)
    return w_src / total, w_tgt / total


def _tradaboost_round(w_src, w_tgt, miss_src, miss_tgt, N, variant="lecture"):
    e_t = _tradaboost_error(w_tgt, miss_tgt)
    w_src, w_tgt, alpha_t, _ = _tradaboost_update(w_src, w_tgt, miss_src, miss_tgt, e_t, len(w_src), N, variant)
    w_src, w_tgt = _normalise(w_src, w_tgt)
    return w_src, w_tgt, alpha_t


@dataclass(frozen=True)
class TrAdaBoostFit:
    """Everything a fit produced, round by round (for the stepper and the tests)."""
    learners: tuple
    alphas: tuple[float, ...]                # alpha_t = ln((1 - e_t) / e_t) of each round
    errors: tuple[float, ...]                # e_t of each round
    w_src: np.ndarray                        # (N + 1, n): the weights before round t (row N: after the last)
    w_tgt: np.ndarray                        # (N + 1, m)
    miss_src: np.ndarray                     # (N, n) bool
    miss_tgt: np.ndarray                     # (N, m) bool


def fit_tradaboost(Xs, ys, Xt, yt, n_rounds: int = 20, variant: str = "lecture", max_depth: int = 1,
                   error=None, update=None) -> TrAdaBoostFit:
    """Fit TrAdaBoost with depth-``max_depth`` trees; ``error`` / ``update`` default to the reference."""
    error, update = error or _tradaboost_error, update or _tradaboost_update
    n, m = len(Xs), len(Xt)
    X, y = np.vstack([Xs, Xt]), np.concatenate([ys, yt])
    w_src, w_tgt = _normalise(np.full(n, 1.0 / n), np.full(m, 1.0 / m))
    hist_s, hist_t, miss_s, miss_t, learners, alphas, errors = [w_src], [w_tgt], [], [], [], [], []
    for _ in range(n_rounds):
        tree = DecisionTreeClassifier(max_depth=max_depth, random_state=0)
        tree.fit(X, y, sample_weight=np.concatenate([w_src, w_tgt]))
        miss = tree.predict(X) != y
        e_t = min(max(error(w_tgt, miss[n:]), 1e-10), 0.499)      # the paper assumes e_t < 1/2: clip
        w_src, w_tgt, alpha_t, _ = update(w_src, w_tgt, miss[:n], miss[n:], e_t, n, n_rounds, variant)
        w_src, w_tgt = _normalise(w_src, w_tgt)
        learners.append(tree); alphas.append(alpha_t); errors.append(e_t)
        hist_s.append(w_src); hist_t.append(w_tgt); miss_s.append(miss[:n]); miss_t.append(miss[n:])
    return TrAdaBoostFit(tuple(learners), tuple(alphas), tuple(errors), np.array(hist_s), np.array(hist_t),
                         np.array(miss_s), np.array(miss_t))


def predict_tradaboost(fit: TrAdaBoostFit, X) -> np.ndarray:
    """The paper's final hypothesis: a vote of rounds ceil(N/2)..N with weights alpha_t, threshold half."""
    N = len(fit.learners)
    start = math.ceil(N / 2) - 1                                     # rounds are 1-based in the paper
    votes = sum(a * fit.learners[t].predict(X) for t, a in zip(range(start, N), fit.alphas[start:]))
    return (votes >= 0.5 * sum(fit.alphas[start:])).astype(int)


def adaboost_pooled(Xs, ys, Xt, yt, n_rounds: int = 20):
    """scikit-learn's AdaBoost with stumps on source and target pooled (the lecture's option 2)."""
    from sklearn.ensemble import AdaBoostClassifier

    clf = AdaBoostClassifier(DecisionTreeClassifier(max_depth=1), n_estimators=n_rounds, random_state=0)
    return clf.fit(np.vstack([Xs, Xt]), np.concatenate([ys, yt]))


def old_new_reviews(n: int = 400, m: int = 20, n_test: int = 1000, relevant: float = 0.6, angle: float = 60.0,
                    rng: np.random.Generator | int | None = 0):
    """Synthetic "old vs new reviews": 2-D Gaussian features, labels from a linear concept.

    The target concept is ``x1 > 0``. A fraction ``relevant`` of the n source samples follows it;
    the rest follow the boundary rotated by ``angle`` degrees (old data that misleads). Returns
    ``Xs, ys, relevant_mask, Xt, yt, Xt_test, yt_test``.
    """
    rng = np.random.default_rng(rng)
    a = math.radians(angle)
    Xs = rng.normal(size=(n, 2))
    rel = rng.random(n) < relevant
    rotated = (Xs @ np.array([-math.sin(a), math.cos(a)])) > 0
    ys = np.where(rel, Xs[:, 1] > 0, rotated).astype(int)
    Xt, Xt_test = rng.normal(size=(m, 2)), rng.normal(size=(n_test, 2))
    return Xs, ys, rel, Xt, (Xt[:, 1] > 0).astype(int), Xt_test, (Xt_test[:, 1] > 0).astype(int)
