"""Week 06 figures: pure ``(axes, data) -> axes`` helpers, no state, no ipywidgets."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE

__all__ = ["plot_history"]


def plot_history(axes, history):
    """Two panels of a :class:`~dlcourse.project.solver.History`: the mini-batch loss against the
    epoch (log scale) on ``axes[0]``, training and validation accuracy per epoch on ``axes[1]``."""
    ax_loss, ax_acc = axes
    steps = np.arange(1, len(history.losses) + 1) / history.steps_per_epoch
    ax_loss.plot(steps, history.losses, color=PALETTE["blue"], lw=0.8)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mini-batch loss")
    ax_loss.set_yscale("log")
    ax_loss.set_title("Training loss, step by step")
    epochs = np.arange(1, len(history.train_acc) + 1)
    ax_acc.plot(epochs, history.train_acc, marker="o", color=PALETTE["blue"], label="training")
    if history.val_acc:
        ax_acc.plot(epochs, history.val_acc, marker="s", color=PALETTE["orange"], label="test")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_title("Accuracy after each epoch")
    ax_acc.legend()
    return axes
