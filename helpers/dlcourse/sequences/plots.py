"""Week 05 figures: pure ``(ax, data...) -> Axes`` helpers, no state, no ipywidgets.

One colour per cell kind in every figure (``CELL_COLORS``: RNN vermillion, LSTM blue, GRU
green) and one per LSTM gate (``GATE_COLORS``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes

from ..plotting import PALETTE

__all__ = ["CELL_COLORS", "GATE_COLORS", "plot_grad_norms", "plot_gates", "plot_last_step_gradients", "plot_loss_curve"]

CELL_COLORS = {"rnn": PALETTE["vermillion"], "lstm": PALETTE["blue"], "gru": PALETTE["green"]}
GATE_COLORS = {"f": PALETTE["blue"], "i": PALETTE["orange"], "o": PALETTE["green"], "c_tilde": PALETTE["purple"]}
_GATE_NAMES = {"f": "forget f", "i": "input i", "o": "output o", "c_tilde": "candidate c̃"}


def plot_grad_norms(ax: Axes, curves: Mapping[str, np.ndarray], floor: float = 1e-30, legend: bool = True) -> Axes:
    """``||dL/dh_k||`` against the step k (log scale), one line per labelled curve.

    A label starting with "rnn", "lstm" or "gru" (any case) gets that cell's colour. Values
    below ``floor`` (underflow to 0) are drawn at ``floor``.
    """
    for j, (label, norms) in enumerate(curves.items()):
        kind = label.lower().split()[0] if label else ""
        color = CELL_COLORS.get(kind, [PALETTE["black"], PALETTE["orange"], PALETTE["purple"]][j % 3])
        ax.plot(np.arange(len(norms)), np.maximum(np.asarray(norms, dtype=float), floor), color=color, lw=1.8,
                label=label)
    if ax.get_yscale() != "log":          # (re)setting the scale would reset the axis' tick locators
        ax.set_yscale("log")
        ax.set_xlabel("step k")
        ax.set_ylabel("‖∂L/∂h_k‖")
    if legend and curves:
        ax.legend(loc="lower right")
    return ax


def plot_gates(ax: Axes, gates: Mapping[str, np.ndarray], keys=("f", "i", "o")) -> Axes:
    """Gate values (each (T,)) against time, in [0, 1]."""
    for k in keys:
        if k in gates:
            g = np.asarray(gates[k], dtype=float)
            ax.plot(np.arange(len(g)), g, color=GATE_COLORS[k], lw=1.8, label=_GATE_NAMES[k])
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("gate value")
    return ax


def plot_last_step_gradients(ax: Axes, norms_by_gain: Mapping[float, np.ndarray]) -> Axes:
    """``||d loss_T / d a_k||`` against the step k = 1..T (log scale), one line per gain of W_hh
    (blue, green, orange, vermillion in the order given)."""
    colors = [PALETTE["blue"], PALETTE["green"], PALETTE["orange"], PALETTE["vermillion"]]
    T = 0
    for (gain, norms), color in zip(norms_by_gain.items(), colors):
        T = len(norms)
        ax.semilogy(np.arange(1, T + 1), norms, "o-", ms=3, color=color, label=f"gain {gain}")
    ax.set(xlabel="step k", ylabel="norm of d loss_T / d a_k",
           title=f"How far back the last step's gradient reaches (T = {T})")
    ax.legend(loc="lower right")
    return ax


def plot_loss_curve(ax: Axes, losses, title: str, color: str = PALETTE["blue"]) -> Axes:
    """A training loss per step (log scale)."""
    ax.plot(losses, color=color)
    ax.set(yscale="log", xlabel="training step", ylabel="cross-entropy per character", title=title)
    return ax
