"""Week 11 figures: domain samples, training curves, feature projections (the widgets draw in :mod:`.widgets`)."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE

__all__ = ["show_domains", "plot_curves", "plot_feature_projection", "plot_confusion"]


def show_domains(Xs, Xt, ys, yt, n: int = 8, fig=None, names=None):
    """Two rows of images (N, 3, H, W): the source on top, the target below (each row named on its
    left), each image titled by its label (``names[label]`` when class names are given)."""
    import matplotlib.pyplot as plt
    fig = fig or plt.figure(figsize=(1.1 * n, 2.6))
    axes = fig.subplots(2, n)
    for row, (X, y, name) in enumerate(((Xs, ys, "source"), (Xt, yt, "target"))):
        for j in range(n):
            axes[row, j].imshow(np.transpose(X[j], (1, 2, 0)), interpolation="nearest")
            axes[row, j].set(xticks=[], yticks=[], title=f"{y[j] if names is None else names[y[j]]}")
        axes[row, 0].set_ylabel(name)
    return fig


def plot_curves(results: dict, ax):
    """Target test accuracy per epoch of several training runs ({name: DANNResult})."""
    colours = [PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["vermillion"]]
    for (name, res), c in zip(results.items(), colours):
        ax.plot(np.arange(1, len(res.target_curve) + 1), res.target_curve, color=c, label=name)
    ax.set(xlabel="epoch", ylabel="target test accuracy", ylim=(0, 1))
    ax.legend()


def plot_feature_projection(fs, ft, ax, title: str):
    """Source and target features projected on the first two principal components of both."""
    F = np.vstack([fs, ft])
    F = F - F.mean(0)
    _, _, vt = np.linalg.svd(F, full_matrices=False)
    P = F @ vt[:2].T
    ax.scatter(*P[:len(fs)].T, s=6, color=PALETTE["blue"], label="source", alpha=0.6)
    ax.scatter(*P[len(fs):].T, s=6, color=PALETTE["orange"], label="target", alpha=0.6)
    ax.set(title=title, xticks=[], yticks=[])
    ax.legend(loc="upper right")


def plot_confusion(cm, names, ax):
    """A confusion matrix (rows: true class, columns: predicted) with its counts and the class names."""
    cm = np.asarray(cm)
    ax.imshow(cm, cmap="Blues")
    ax.set(xticks=range(len(names)), yticks=range(len(names)), xlabel="named as", ylabel="true set")
    ax.set_xticklabels(names, rotation=60, ha="right")
    ax.set_yticklabels(names)
    for (i, j), v in np.ndenumerate(cm):
        ax.text(j, i, v, ha="center", va="center", fontsize=8)
