"""Week 11 figures: domain samples, training curves, feature projections, TrAdaBoost weights."""

from __future__ import annotations

import numpy as np

from ..plotting import PALETTE

__all__ = ["show_domains", "plot_curves", "plot_feature_projection", "plot_tradaboost_round", "tradaboost_layout",
           "tradaboost_legend_html", "shift_layout", "plot_shift"]


def show_domains(Xs, Xt, ys, yt, n: int = 8, fig=None):
    """Two rows of images: source digits on top, target digits-M below."""
    import matplotlib.pyplot as plt
    fig = fig or plt.figure(figsize=(1.1 * n, 2.6))
    axes = fig.subplots(2, n)
    for row, (X, y, name) in enumerate(((Xs, ys, "source"), (Xt, yt, "target"))):
        for j in range(n):
            axes[row, j].imshow(np.transpose(X[j], (1, 2, 0)), interpolation="nearest")
            axes[row, j].set(xticks=[], yticks=[], title=f"{name}: {y[j]}")
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


_GROUPS = (("relevant", "blue", "o", "source, same concept"), ("misleading", "vermillion", "o", "source, rotated concept"),
           ("target", "green", "s", "target (labelled)"))


def tradaboost_layout(fig):
    """Axes, labels and legends of the TrAdaBoost stepper (drawn once)."""
    ax1, ax2 = fig.subplots(1, 2)
    ax1.set(xlabel="x1", ylabel="x2", xlim=(-3.5, 3.5), ylim=(-3.5, 3.5))
    ax2.set(xlabel="round", ylabel="share of the total weight", ylim=(0, 1), xlim=(0, 20))
    ax1.set(xticks=[-3, 0, 3], yticks=[-3, 0, 3])                 # few tick labels: text is most of a redraw
    ax2.set(xticks=[0, 10, 20], yticks=[0, 0.5, 1])
    fig.subplots_adjust(wspace=0.3, bottom=0.15, top=0.88)   # the legend is HTML above (text is slow to draw)


def tradaboost_legend_html() -> str:
    """The stepper's legend as HTML (colour, marker and name of each group)."""
    glyph = {"o": "&#9679;", "s": "&#9632;"}
    return " &nbsp; ".join(f"<span style='color:{PALETTE[c]}'>{glyph[mk]}</span> {name}" for _, c, mk, name in _GROUPS)


def plot_tradaboost_round(state, fig):
    """Scatter with marker area proportional to weight; each group's share of the weight over the rounds."""
    ax1, ax2 = fig.axes
    size = 6000 * state.weights
    for attr, c, mk, _ in _GROUPS:
        mask = getattr(state, attr)
        ax1.scatter(*state.X[mask].T, s=size[mask], color=PALETTE[c], marker=mk, linewidths=0)
    ax1.set_title(f"{state.variant} rule: weights before round {state.round + 1}")
    r = np.arange(len(state.share_relevant))
    for attr, c, _, _ in _GROUPS:
        ax2.plot(r, getattr(state, "share_" + attr), color=PALETTE[c])
    ax2.axvline(state.round, color="k", lw=0.8)
    ax2.set_title(f"target accuracy of the vote: {state.accuracy:.3f}")


def shift_layout(fig):
    """Axes of the shift explorer: a montage of target samples, and accuracy against blend strength."""
    ax1, ax2 = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 2.2]})
    ax1.set(xticks=[], yticks=[])
    ax2.set(xlabel="blend strength s", ylabel="accuracy", ylim=(0, 1.05), xlim=(0, 1),
            xticks=[0, 0.5, 1], yticks=[0, 0.5, 1])
    fig.subplots_adjust(hspace=0.35, top=0.92, bottom=0.12)


def plot_shift(state, fig):
    ax1, ax2 = fig.axes
    ax1.imshow(state.montage, interpolation="nearest")
    ax1.set_title(f"target samples at s = {state.strength:.2f}")
    ax2.plot(state.strengths, state.source_only, "o-", color=PALETTE["blue"])
    ax2.plot(state.strengths, state.domain_accuracy, "s-", color=PALETTE["vermillion"])
    ax2.axvline(state.strength, color="k", lw=0.8)
    ax2.set_title(f"source-only on target {state.source_only[state.index]:.2f} · "
                  f"domain classifier {state.domain_accuracy[state.index]:.2f}")
