"""Notebook 3's figures: a scalar computation graph after ``backward()``, and the engine's
training run against its PyTorch twin (loss curves, the decision boundary on a grid).

The graph drawing reads the engine's node attributes ``data``, ``grad``, ``label``, ``_op`` and
``_prev`` (the children), the names the notebook's ``Value`` uses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from ...plotting import CLASS_COLORS, PALETTE, REGION_CMAP

__all__ = ["plot_value_graph", "plot_twin_losses", "plot_score_grid"]


def _depths(root) -> dict:
    """node -> length of the longest path from an input (a node without children) to it."""
    depth: dict = {}

    def place(v) -> int:
        if v not in depth:
            depth[v] = 1 + max((place(child) for child in v._prev), default=-1)
        return depth[v]

    place(root)
    return depth


def plot_value_graph(ax: Axes, root) -> Axes:
    """The graph below ``root`` as boxes showing each node's label (or op), data and grad:
    column = longest path from an input; inputs blue, ``root`` orange, arrows child -> parent
    (bent when they skip a column)."""
    depth = _depths(root)
    columns: dict[int, list] = {}
    for v in sorted(depth, key=lambda v: v.label):
        columns.setdefault(depth[v], []).append(v)
    pos = {v: (d, (len(col) - 1) / 2 - i) for d, col in columns.items() for i, v in enumerate(col)}
    for v, (x, y) in pos.items():
        for child in v._prev:
            bend = -0.3 if x - pos[child][0] > 1 else 0.0         # bend edges that skip a column
            ax.annotate("", xy=(x, y), xytext=pos[child], arrowprops=dict(
                arrowstyle="->", color="grey", shrinkA=32, shrinkB=32, connectionstyle=f"arc3,rad={bend}"))
        colour = PALETTE["orange"] if v is root else (PALETTE["sky"] if not v._prev else "white")
        ax.text(x, y, f"{v.label or v._op}\ndata {v.data:.4f}\ngrad {v.grad:.4f}", ha="center", va="center",
                fontsize=9, bbox=dict(boxstyle="round,pad=0.4", fc=colour, ec="grey"))
    ax.set_xlim(-0.5, max(depth.values()) + 0.5)
    ax.set_ylim(-1.2, 1.2)
    ax.set_axis_off()
    return ax


def plot_twin_losses(ax: Axes, losses: Sequence[float], torch_losses: Sequence[float]) -> Axes:
    """Training loss per step of the engine (thick blue) and of its PyTorch twin (dashed orange)."""
    ax.plot(losses, color=PALETTE["blue"], lw=3, label="your engine")
    ax.plot(torch_losses, color=PALETTE["orange"], ls="--", label="torch twin")
    ax.set(xlabel="step", ylabel="mean squared error", title="Training loss")
    ax.legend()
    return ax


def plot_score_grid(ax: Axes, grid_x: np.ndarray, grid_y: np.ndarray, scores: np.ndarray, X: np.ndarray,
                    y: np.ndarray, title: str = "") -> Axes:
    """A one-output model's scores (Gy, Gx) on the grid ``grid_x`` (Gx,) x ``grid_y`` (Gy,), clipped
    to [-1.5, 1.5], with a colour bar, the boundary score = 0 in black and the data X (N, 2),
    y (N,) in {-1, +1}."""
    cs = ax.contourf(grid_x, grid_y, np.clip(scores, -1.5, 1.5), levels=np.linspace(-1.5, 1.5, 13),
                     cmap=REGION_CMAP, alpha=0.8)
    ax.contour(grid_x, grid_y, scores, levels=[0.0], colors="black", linewidths=1.5)
    for label, colour in [(-1, CLASS_COLORS[0]), (1, CLASS_COLORS[1])]:
        ax.scatter(*X[y == label].T, color=colour, edgecolor="black", s=30, label=f"y = {label:+d}")
    ax.figure.colorbar(cs, ax=ax, label="model output")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend(loc="lower right", frameon=True)
    return ax
