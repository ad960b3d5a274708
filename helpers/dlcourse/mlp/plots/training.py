"""Notebook 2's figures: the digits a trained MLP gets wrong."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["plot_misclassified_digits"]


def plot_misclassified_digits(fig: Figure, images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                              side: int = 8) -> np.ndarray:
    """The first 8 misclassified images (N, side*side) with their true and predicted labels, in
    two rows of four filling the right two thirds of ``fig`` (its left third is left free, for a
    ``fig.add_subplot(1, 3, 1)``), under a caption with the count. Returns the wrong indices."""
    wrong = np.flatnonzero(y_pred != y_true)
    for j, n in enumerate(wrong[:8]):
        ax = fig.add_subplot(2, 6, 3 + j + 2 * (j // 4))
        ax.imshow(images[n].reshape(side, side), cmap="gray_r")
        ax.set_title(f"true {y_true[n]}, said {y_pred[n]}", fontsize=9)
        ax.axis("off")
    fig.text(0.66, 1.0, f"{len(wrong)} of {len(y_true)} test digits misclassified, for example:", ha="center")
    return wrong
