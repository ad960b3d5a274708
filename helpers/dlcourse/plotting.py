"""One consistent, colour-blind-safe look for every figure of the course.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); two-class maps run from its blue to its orange, sequential data uses
``viridis``. Notebooks call :func:`use_style` once in their setup cell.

Also the few figure pieces several weeks draw (a week re-exports them from its ``plots``):
:func:`make_grid` over 2-D data, :func:`plot_points` coloured by class and
:func:`plot_probability_map` of P(class 1).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

__all__ = ["PALETTE", "CLASS_COLORS", "CLASS_CMAP", "REGION_CMAP", "SEQUENTIAL", "use_style", "class_color",
           "make_grid", "plot_points", "plot_probability_map"]

PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
# Classes in a fixed order: class 0 (or -1) blue, class 1 (or +1) orange, then the rest.
CLASS_COLORS: list[str] = [PALETTE[k] for k in ("blue", "orange", "green", "purple", "sky", "vermillion", "yellow")]
CLASS_CMAP = ListedColormap(CLASS_COLORS, name="dlcourse_classes")
# Decision regions / scores: blue (negative class) -> white -> orange (positive class).
REGION_CMAP = LinearSegmentedColormap.from_list("dlcourse_regions", [PALETTE["blue"], "#FFFFFF", PALETTE["orange"]])
SEQUENTIAL = "viridis"

_RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 90,
    "axes.prop_cycle": mpl.cycler(color=CLASS_COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "image.cmap": SEQUENTIAL,
    "savefig.bbox": "tight",
}


def use_style() -> None:
    """Apply the course style to matplotlib's global rcParams."""
    mpl.rcParams.update(_RC)


def class_color(label: int) -> str:
    """Colour of a class label; -1 maps to class 0's colour, +1 to class 1's."""
    index = 0 if label == -1 else int(label)
    return CLASS_COLORS[index % len(CLASS_COLORS)]


# ------------------------------------------------------------------ 2-D classification pieces
def make_grid(X: np.ndarray, n: int = 100, pad: float = 0.5
              ) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """An n x n grid over the bounding box of X (N, 2) widened by ``pad``.

    Returns ``grid`` (n*n, 2), row-major from the bottom-left (x fastest, as
    ``imshow(origin="lower")`` expects), and ``extent = (xmin, xmax, ymin, ymax)``.
    """
    lo, hi = np.min(X, axis=0) - pad, np.max(X, axis=0) + pad                 # (2,), (2,)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))   # (n, n) each
    return np.column_stack([gx.ravel(), gy.ravel()]), (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def plot_points(ax: Axes, X: np.ndarray, y: np.ndarray, highlight: np.ndarray | None = None,
                size: float = 18) -> Axes:
    """Scatter X (N, 2) coloured by class y (N,) in {0, 1} or {-1, +1} (one collection);
    ``highlight`` (N,) bool rings those points in black (e.g. the misclassified ones)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    cls = (y > 0).astype(int) if y.min() < 0 else y.astype(int)
    ax.scatter(X[:, 0], X[:, 1], s=size, c=[CLASS_COLORS[k] for k in cls], edgecolors="k",
               linewidths=0.5, zorder=3)
    if highlight is not None and np.any(highlight):
        ax.scatter(X[highlight, 0], X[highlight, 1], s=4 * size, facecolors="none", edgecolors="k",
                   linewidths=1.3, zorder=4)
    return ax


def plot_probability_map(ax: Axes, proba: np.ndarray, extent: Sequence[float], alpha: float = 0.75) -> Axes:
    """P(class 1) on a square grid (n*n,) or (n, n) (laid out as :func:`make_grid`) as an image:
    blue (0) -> white (0.5, the decision boundary) -> orange (1)."""
    p = np.asarray(proba, dtype=float)
    n = int(round(np.sqrt(p.size)))
    ax.imshow(p.reshape(n, n), origin="lower", extent=tuple(extent), cmap=REGION_CMAP, vmin=0, vmax=1,
              aspect="auto", interpolation="bilinear", alpha=alpha, zorder=0)
    return ax
