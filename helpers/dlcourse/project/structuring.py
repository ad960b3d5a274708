"""Structuring a machine-learning project, applied to real runs of the course's models (week 06).

Beyond the lecture: the diagnosis vocabulary of the Coursera Deep Learning Specialization
("Structuring Machine Learning Projects"): avoidable bias, variance, data mismatch, error analysis,
optimising and satisficing metrics.

Graded references (private; the notebook asks for them):
* :func:`_diagnose` - avoidable bias, variance and where to focus, from train / dev / human errors;
* :func:`_confusion_matrix` - counts of (true, predicted) pairs;
* :func:`_error_ceiling` - the best dev error reachable by fixing one category of errors;
* :func:`_select_model` - maximise one metric subject to thresholds on the others.

Demos (public):
* :func:`bias_variance_runs` - three real digit classifiers (too small, too big for its data, sized
  right) with their train / dev error per epoch;
* :func:`error_analysis_run` - a digit CNN's dev predictions for a confusion matrix and a tally;
* :func:`confusion_tags` - tally the misclassified samples by "true -> predicted" pair;
* :func:`mismatch_errors` - train / train-dev / dev errors of a model trained on clean digits and
  evaluated on digits blended into photos (a mismatched dev set);
* plots: :func:`plot_error_curves`, :func:`plot_confusion`, :func:`plot_misclassified`.

Shapes: images (N, 1, 8, 8) NCHW; labels (N,) int in 0..K-1. Error rates are fractions in [0, 1].
Importing this module loads NumPy only; the demos import torch when called.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

__all__ = ["ErrorCurves", "bias_variance_runs", "error_analysis_run", "confusion_tags", "mismatch_errors",
           "plot_error_curves", "plot_confusion", "plot_misclassified"]


# ---------------------------------------------------------------------------------------------- graded references
def _diagnose(train_err: float, dev_err: float, human_err: float = 0.0, tol: float = 0.02) -> dict:
    """avoidable bias = train - human; variance = dev - train; where to focus, in the basic recipe's order.

    ``focus`` is "unclear" when the training error is below the human-level error (past the proxy for
    Bayes error the gaps no longer say which problem is left), else "bias" when the avoidable bias
    exceeds ``tol`` (fix it first), else "variance" when the variance exceeds ``tol``, else "none".
    """
    bias, variance = train_err - human_err, dev_err - train_err
    if bias < 0:
        focus = "unclear"
    elif bias > tol:
        focus = "bias"
    elif variance > tol:
        focus = "variance"
    else:
        focus = "none"
    return {"avoidable_bias": bias, "variance": variance, "focus": focus}


def _confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, K: int) -> np.ndarray:
    """C (K, K) int: C[i, j] = number of samples of true class i predicted as j."""
    C = np.zeros((K, K), dtype=int)
    np.add.at(C, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return C


def _error_ceiling(total_err: float, tag_counts: Mapping[str, int], n_reviewed: int) -> dict[str, float]:
    """tag -> the dev error if every error of that tag were fixed: total_err * (1 - count / n_reviewed)."""
    return {tag: total_err * (1.0 - count / n_reviewed) for tag, count in tag_counts.items()}


def _select_model(table: Sequence[Mapping], optimise: str, constraints: Mapping[str, float]) -> str:
    """The "name" of the row with the largest ``optimise`` among rows with row[k] <= limit for
    every ``k: limit`` in constraints; ValueError if no row qualifies."""
    ok = [row for row in table if all(row[k] <= limit for k, limit in constraints.items())]
    if not ok:
        raise ValueError("no model satisfies the constraints")
    return max(ok, key=lambda row: row[optimise])["name"]


# ---------------------------------------------------------------------------------------------- real runs
@dataclass(frozen=True)
class ErrorCurves:
    """Train and dev error after every epoch of one real run."""
    name: str
    n_params: int
    n_train: int
    train_err: tuple[float, ...]     # (epochs,)
    dev_err: tuple[float, ...]       # (epochs,)


def _digits10(seed: int):
    from sklearn.datasets import load_digits

    data = load_digits()
    X = (data.data / 16.0).reshape(-1, 1, 8, 8).astype(np.float32)           # (1797, 1, 8, 8)
    y = data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(X))
    dev, train = order[:500], order[500:]
    return X[train], y[train], X[dev], y[dev]


def _models():
    from torch import nn

    return {
        # 2x2 averages of the image (16 numbers) into a linear classifier: too little capacity
        "tiny: linear on a 4x4 thumbnail": lambda: nn.Sequential(nn.AvgPool2d(2), nn.Flatten(), nn.Linear(16, 10)),
        # a wide CNN on 30 images: capacity far beyond its data
        "wide CNN, 30 training images": lambda: nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.Flatten(),
            nn.Linear(32 * 64, 10)),
        "small CNN, 1,297 training images": lambda: nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10)),
    }


def bias_variance_runs(epochs: int = 15, seed: int = 0) -> list[ErrorCurves]:
    """Three real digit classifiers (10 classes, 500 dev images) trained with Adam (lr 0.01, batches of 64).

    The training error is measured on (at most) the first 500 training images, after every epoch."""
    import torch
    from torch import nn

    Xtr, ytr, Xdev, ydev = (torch.from_numpy(a) for a in _digits10(seed))
    runs = []
    for name, make in _models().items():
        n = 30 if "30" in name else len(Xtr)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = make()
            opt = torch.optim.Adam(model.parameters(), lr=1e-2)
            g = torch.Generator().manual_seed(seed)
            tr, dv = [], []
            for _ in range(epochs):
                model.train()
                order = torch.randperm(n, generator=g)
                for s in range(0, n, 64):
                    idx = order[s:s + 64]
                    loss = nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                model.eval()
                with torch.no_grad():
                    m = min(n, 500)
                    tr.append(float((model(Xtr[:m]).argmax(1) != ytr[:m]).float().mean()))
                    dv.append(float((model(Xdev).argmax(1) != ydev).float().mean()))
        runs.append(ErrorCurves(name, sum(p.numel() for p in model.parameters()), n, tuple(tr), tuple(dv)))
    return runs


def error_analysis_run(seed: int = 0, n_train: int = 300, epochs: int = 30) -> dict[str, np.ndarray]:
    """A small digit CNN trained on ``n_train`` images; its predictions on the 500 dev images.

    Returns ``X_dev`` (500, 1, 8, 8), ``y_dev`` and ``y_pred`` (500,) and ``proba`` (500, 10).
    """
    import torch
    from torch import nn

    Xtr, ytr, Xdev, ydev = (torch.from_numpy(a) for a in _digits10(seed))
    Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _models()["small CNN, 1,297 training images"]()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        g = torch.Generator().manual_seed(seed)
        for _ in range(epochs):
            order = torch.randperm(n_train, generator=g)
            for s in range(0, n_train, 64):
                idx = order[s:s + 64]
                loss = nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
    with torch.no_grad():
        proba = torch.softmax(model(Xdev), dim=1).numpy()                      # (500, 10)
    return {"X_dev": Xdev.numpy(), "y_dev": ydev.numpy(), "y_pred": proba.argmax(1), "proba": proba}


def confusion_tags(y_true: np.ndarray, y_pred: np.ndarray, names: Sequence[str] | None = None) -> Counter:
    """Tally the misclassified samples by their "true -> predicted" pair (most common first)."""
    label = (lambda k: str(k)) if names is None else (lambda k: names[k])
    return Counter(f"{label(t)} -> {label(p)}" for t, p in zip(np.asarray(y_true), np.asarray(y_pred)) if t != p)


def mismatch_errors(seed: int = 0, epochs: int = 25) -> dict[str, float]:
    """A small CNN trained on clean digits (source), evaluated on: its training images (train), held-out
    clean digits (train-dev) and digits blended into photos (dev: the distribution we care about).

    Returns the three error rates.
    """
    import torch
    from torch import nn

    from ..data.domains import digits_domains

    d = digits_domains(1.0, rng=seed)
    gray = {k: torch.from_numpy(v.mean(axis=1, keepdims=True)) for k, v in d.items() if k.startswith("X")}
    ys = torch.from_numpy(d["ys_train"])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _models()["small CNN, 1,297 training images"]()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        g = torch.Generator().manual_seed(seed)
        X = gray["Xs_train"]
        for _ in range(epochs):
            order = torch.randperm(len(X), generator=g)
            for s in range(0, len(X), 64):
                idx = order[s:s + 64]
                loss = nn.functional.cross_entropy(model(X[idx]), ys[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()

    def err(Xe, ye):
        with torch.no_grad():
            return float((model(Xe).argmax(1).numpy() != ye).mean())

    return {"train": err(X, d["ys_train"]), "train-dev": err(gray["Xs_test"], d["ys_test"]),
            "dev": err(gray["Xt_test"], d["yt_test"])}


# ---------------------------------------------------------------------------------------------- plots
def plot_error_curves(ax, run: ErrorCurves, human_err: float | None = None):
    """Train (solid) and dev (dashed) error per epoch of one run, with an optional human-level line."""
    from ..plotting import PALETTE

    ax.plot(run.train_err, color=PALETTE["blue"], label="train error")
    ax.plot(run.dev_err, color=PALETTE["orange"], ls="--", label="dev error")
    if human_err is not None:
        ax.axhline(human_err, color="0.4", lw=0.8, ls=":", label="human level (assumed)")
    ax.set(xlabel="epoch", ylabel="error rate", ylim=(0, max(0.6, max(run.dev_err[1:] + (0.0,)) + 0.05)))
    ax.set_title(f"{run.name}\n{run.n_params:,} parameters", fontsize=9)
    return ax


def plot_confusion(ax, C: np.ndarray, names: Sequence[str] | None = None):
    """The confusion matrix as an image with its counts; the diagonal (correct) is dimmed."""
    K = len(C)
    off = C.astype(float).copy()
    np.fill_diagonal(off, 0)
    ax.imshow(off, cmap="Oranges")
    for i in range(K):
        for j in range(K):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7,
                        color="0.55" if i == j else "black")
    ticks = names if names is not None else [str(k) for k in range(K)]
    ax.set_xticks(range(K), ticks)
    ax.set_yticks(range(K), ticks)
    ax.set(xlabel="predicted", ylabel="true")
    return ax


def plot_misclassified(axes, X: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray):
    """The first len(axes) misclassified images, titled "true -> predicted"."""
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
    for ax, i in zip(np.ravel(axes), wrong):
        ax.imshow(X[i, 0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{y_true[i]} -> {y_pred[i]}", fontsize=8)
    for ax in np.ravel(axes):
        ax.axis("off")
    return axes
