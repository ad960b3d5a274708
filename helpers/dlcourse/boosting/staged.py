"""Week 01 widget numerics: data splits, one-off fits with every stage's predictions, a fit cache.

Pure functions of arrays (no ipywidgets, no plotting). Each ``fit_*`` / ``precompute_*`` runs
an ensemble once and keeps the predictions of stage 1, 2, ..., M on the data and on a grid,
so a widget's slider only indexes arrays; :class:`FitCache` keeps recent settings' fits.
Shapes: N samples, G grid points, M (or T) stages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping

import numpy as np
from sklearn.ensemble import AdaBoostClassifier, BaggingClassifier
from sklearn.tree import DecisionTreeClassifier

from .. import as_rng
from ..data import noisy_sine, two_moons
from .adaboost import _AdaBoost
from .haar import haar_split
from .stump import Stump

__all__ = ["FitCache", "checked_weak_learner", "stump_geometry", "precompute_adaboost", "moons_split",
           "staged_mean", "fit_bagging", "fit_adaboost", "sine_data", "fit_gradient_boosting",
           "snap_haar_feature", "staged_error", "staged_error_curves", "train_test_curves"]


class FitCache:
    """Fits keyed by their settings; the oldest is dropped beyond ``max_size`` (bounded memory)."""

    def __init__(self, max_size: int = 16):
        self.max_size, self.store = max_size, {}

    def get(self, key: Hashable, fit: Callable[[], dict]) -> tuple[dict, float]:
        """The cached fit for ``key`` (fitting it on a miss) and the seconds spent fitting."""
        if key in self.store:
            return self.store[key], 0.0
        start = time.perf_counter()
        self.store[key] = fit()
        while len(self.store) > self.max_size:
            self.store.pop(next(iter(self.store)))
        return self.store[key], time.perf_counter() - start


# ------------------------------------------------------------------ AdaBoost rounds (W1.1)
def checked_weak_learner(fit_stump: Callable, n: int) -> Callable:
    """Wrap a student's ``fit_stump`` so a wrong return value fails with a readable message."""
    def fit_weak(X, y, w):
        model = fit_stump(X, y, w)
        if not hasattr(model, "predict"):
            raise TypeError(f"fit_stump must return an object with .predict(X), got {type(model).__name__}")
        h = np.asarray(model.predict(X))
        if h.shape != (n,) or not np.isin(h, (-1, 1)).all():
            raise ValueError(f"stump.predict(X) must return shape ({n},) with values in {{-1, +1}}, "
                             f"got shape {h.shape} and values {np.unique(h)[:5]}")
        return model
    return fit_weak


def stump_geometry(model, X: np.ndarray) -> Stump | None:
    """(feature, threshold, polarity) of a 2-D stump for drawing, or None if it has none."""
    if all(hasattr(model, a) for a in ("feature", "threshold", "polarity")):
        return Stump(int(model.feature), float(model.threshold), int(model.polarity), np.nan)
    tree = getattr(model, "tree_", None)               # a scikit-learn depth-1 tree
    if tree is None or tree.node_count != 3:
        return None
    f, t = int(tree.feature[0]), float(tree.threshold[0])
    probe = X[:1].astype(float).copy()                                          # (1, 2)
    probe[0, f] = t - 1e-9
    return Stump(f, t, int(model.predict(probe)[0]), np.nan)


def precompute_adaboost(X: np.ndarray, y: np.ndarray, fit_stump: Callable, n_rounds: int,
                        grid: np.ndarray) -> dict:
    """Run every AdaBoost round once on X (N, 2), y (N,) in {-1, +1}; keep each stump's
    predictions on the data and on ``grid`` (G, 2)."""
    model = _AdaBoost(n_rounds, fit_weak=checked_weak_learner(fit_stump, len(y))).fit(X, y)
    return {"X": X, "y": y, "learners": model.learners_,
            "alphas": np.asarray(model.alphas_), "errors": np.asarray(model.errors_),   # (T,), (T,)
            "weights": model.weights_,                                          # (T+1, N)
            "h_train": np.stack([m.predict(X) for m in model.learners_]),      # (T, N)
            "h_grid": np.stack([m.predict(grid) for m in model.learners_])}    # (T, G)


# ------------------------------------------------------------------ bagging vs AdaBoost (W1.2)
def moons_split(noise: float, n: int = 300, n_train: int = 200, seed: int = 0) -> dict:
    """Two moons with ``noise``, split into n_train training and n - n_train test points."""
    X, y = two_moons(n, noise, rng=seed)                                        # (n, 2), (n,)
    idx = as_rng(seed).permutation(n)
    tr, te = idx[:n_train], idx[n_train:]
    return {"X_train": X[tr], "y_train": y[tr], "X_test": X[te], "y_test": y[te]}


def staged_mean(votes: np.ndarray) -> np.ndarray:
    """votes (M, N) of M models -> (M, N), row n-1 = the mean vote of the first n models."""
    return np.cumsum(votes, axis=0) / np.arange(1, len(votes) + 1)[:, None]


def _proba_of_one(tree, X: np.ndarray) -> np.ndarray:
    """P(class 1) from a tree that may have seen only one class; shape (N,)."""
    classes = list(tree.classes_)
    return tree.predict_proba(X)[:, classes.index(1)] if 1 in classes else np.zeros(len(X))


def _votes_for_one(model, X: np.ndarray) -> np.ndarray:
    """A hard vote for class 1: 1.0 where ``model`` predicts 1, else 0.0; shape (N,)."""
    h = np.asarray(model.predict(X))
    if h.shape != (len(X),):
        raise ValueError(f"an estimator's predict(X) must return shape ({len(X)},), got {h.shape}")
    return (h == 1).astype(float)


def fit_bagging(data: dict, grid: np.ndarray, depth: int | None, n_max: int, seed: int = 0,
                bagging_factory: Callable | None = None) -> dict:
    """Bag n_max trees of ``depth``; keep the vote of the first n trees, n = 1..n_max.

    Default: scikit-learn's ``BaggingClassifier`` and its soft vote (mean P(class 1), as
    its ``predict``). ``bagging_factory(base_factory=, n_estimators=, random_state=)`` builds a
    student's bagging class instead; after ``fit(X, y)`` its ``estimators_`` vote by hard
    majority (ties go to class 0, the lower label). Returns ``grid`` (M, G) scores
    2 * vote - 1 in [-1, 1] and the staged 0-1 errors ``train``, ``test`` (M,).
    """
    X, y = data["X_train"], data["y_train"]                                     # (N, 2), (N,)
    if bagging_factory is None:
        model = BaggingClassifier(DecisionTreeClassifier(max_depth=depth), n_estimators=n_max,
                                  random_state=seed).fit(X, y)
        vote = _proba_of_one
    else:
        model = bagging_factory(base_factory=lambda: DecisionTreeClassifier(max_depth=depth, random_state=seed),
                                n_estimators=n_max, random_state=seed)
        model.fit(X, y)
        vote = _votes_for_one
    estimators = list(getattr(model, "estimators_", []))
    if len(estimators) != n_max:
        raise ValueError(f"after fit, {type(model).__name__}.estimators_ must hold n_estimators={n_max} "
                         f"fitted models, got {len(estimators)}")
    staged = lambda Z: staged_mean(np.stack([vote(e, Z) for e in estimators]))  # (M, len(Z))
    out = {"grid": (2 * staged(grid) - 1).astype(np.float32)}                 # (M, G)
    for part in ("train", "test"):
        p = staged(data[f"X_{part}"])
        out[part] = np.mean((p > 0.5) != data[f"y_{part}"], axis=1)               # (M,)
    return out


def fit_adaboost(data: dict, grid: np.ndarray, depth: int, n_max: int, seed: int = 0) -> dict:
    """scikit-learn AdaBoost (SAMME); staged decision function on the grid (M, G) in [-1, 1],
    staged 0-1 errors ``train``, ``test`` (M,)."""
    clf = AdaBoostClassifier(DecisionTreeClassifier(max_depth=depth), n_estimators=n_max,
                             random_state=seed).fit(data["X_train"], data["y_train"])

    def staged(Z):          # (M, N); sklearn may stop early (a perfect or useless tree): pad
        s = np.stack(list(clf.staged_decision_function(Z))) / 2
        return np.concatenate([s, np.repeat(s[-1:], n_max - len(s), axis=0)])
    out = {"grid": staged(grid).astype(np.float32)}
    for part in ("train", "test"):
        out[part] = np.mean((staged(data[f"X_{part}"]) > 0) != data[f"y_{part}"], axis=1)
    return out


# ------------------------------------------------------------------ 1-D gradient boosting (W1.3)
def sine_data(outliers: bool, n_train: int = 80, n_val: int = 200, seed: int = 0) -> dict:
    """noisy_sine training set (with 6 gross outliers if asked) and a clean validation set."""
    x, y = noisy_sine(n_train, rng=seed, n_outliers=6 if outliers else 0)       # (N, 1), (N,)
    x_val, y_val = noisy_sine(n_val, rng=seed + 1)
    return {"x": x, "y": y, "x_val": x_val, "y_val": y_val, "x_grid": np.linspace(0, 2 * np.pi, 300)}


def fit_gradient_boosting(data: dict, factory: Callable, lr: float, depth: int, n_max: int) -> dict:
    """Fit once; keep F_0..F_M on the training set, the validation set and the grid.

    F_0 is the mean of the training targets (squared loss), so any estimator with
    ``fit`` and ``staged_predict`` works, the students' included.
    """
    model = factory(n_estimators=n_max, learning_rate=lr, max_depth=depth).fit(data["x"], data["y"])
    f0 = float(np.mean(data["y"]))

    def staged(x):          # (M+1, N): F_0 (a constant), then F_1 .. F_M
        F = np.stack([np.asarray(f, float).ravel() for f in model.staged_predict(x)])
        return np.concatenate([np.full((1, len(x)), f0), F])
    out = {k: staged(data[key]) for k, key in (("train", "x"), ("val", "x_val"))}
    out["grid"] = staged(data["x_grid"][:, None])                               # (M+1, G)
    for part, y in (("train", data["y"]), ("val", data["y_val"])):
        out[f"{part}_mse"] = np.mean((out[part][1:] - y) ** 2, axis=1)           # (M,)
    return out


# ------------------------------------------------------------------ Haar features (W1.5)
def snap_haar_feature(kind: str, row: int, col: int, height: int, width: int,
                      shape: tuple[int, int] = (25, 25)) -> tuple[tuple[str, int, int, int, int], str]:
    """The nearest valid feature inside an image of ``shape`` (H, W), and a note if it moved.

    Heights/widths are rounded down to a multiple of the feature's sub-rectangle count
    (w even for '2h', w % 3 == 0 for '3h', ...) and clipped to fit; the corner moves in only
    if not even the smallest feature fits.
    """
    (rows, cols), (H, Wd) = haar_split(kind), shape
    r, c = min(row, H - rows), min(col, Wd - cols)
    h = max(rows, min(height, H - r) // rows * rows)
    w = max(cols, min(width, Wd - c) // cols * cols)
    moved = [f"{n} {a}→{b}" for n, a, b in (("row", row, r), ("col", col, c), ("height", height, h),
                                               ("width", width, w)) if a != b]
    note = "" if not moved else (f"snapped {', '.join(moved)}: '{kind}' needs height ÷ {rows}, "
                                 f"width ÷ {cols}, inside {H}×{Wd}")
    return (kind, r, c, h, w), note


def staged_error(model, X: np.ndarray, y: np.ndarray, loss: str = "error") -> np.ndarray:
    """(M,) loss of stages 1..M from ``model.staged_predict(X)``: the misclassification rate
    (``loss="error"``) or the mean squared error (``loss="mse"``)."""
    if loss not in ("error", "mse"):
        raise ValueError(f"loss must be 'error' or 'mse', got {loss!r}")
    if loss == "error":
        return np.array([np.mean(p != y) for p in model.staged_predict(X)])
    return np.array([np.mean((y - p) ** 2) for p in model.staged_predict(X)])


def staged_error_curves(models: Mapping[str, object], X: np.ndarray, y: np.ndarray,
                        loss: str = "error") -> dict[str, np.ndarray]:
    """label -> (M,) :func:`staged_error` of each fitted model on (X, y), in the order given."""
    return {label: staged_error(model, X, y, loss) for label, model in models.items()}


def train_test_curves(models: Mapping[str, object], train: tuple[np.ndarray, np.ndarray],
                      test: tuple[np.ndarray, np.ndarray], loss: str = "error") -> dict[str, np.ndarray]:
    """:func:`staged_error` on the training and the test set for each model: keys
    ``"train (<name>)"``, ``"test (<name>)"``, model by model in the order given."""
    return {f"{split} ({name})": staged_error(model, *data, loss)
            for name, model in models.items() for split, data in (("train", train), ("test", test))}
