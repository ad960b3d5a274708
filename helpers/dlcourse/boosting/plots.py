"""Week 01 figures: pure ``(data..., ax) -> Axes`` helpers, no state, no ipywidgets.

Every colour comes from :mod:`dlcourse.plotting` (Okabe-Ito): class -1 / 0 is blue, class
+1 / 1 is orange, decision scores run blue -> white -> orange (``REGION_CMAP``). The text
table and the static layers are the view kit's (:mod:`dlcourse.widgetkit`), re-exported here
because the week's notebooks import ``plot_text_table`` from this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import ScaledTranslation

from ..plotting import CLASS_COLORS, PALETTE, REGION_CMAP
from ..plotting import make_grid as _make_grid
from ..widgetkit import StaticLayer, TableArtist, add_text_table, freeze_static, pinned_legend, plot_text_table
from .haar import haar_rectangles

__all__ = ["make_grid", "class_handles", "class_legend", "style_handles", "pinned_legend", "plot_weighted_points",
           "plot_stump", "plot_decision_regions", "plot_text_table", "add_text_table", "TableArtist",
           "StaticLayer", "freeze_static", "weights_table_cells", "plot_weights_table", "plot_haar_feature",
           "plot_class_histograms", "plot_staged_errors", "plot_1d_fit", "plot_majority_curves", "plot_oob_curve",
           "plot_staged_vs_reference", "plot_train_test_curves", "plot_ml2_table", "plot_prediction_walks",
           "plot_function_space"]


def _class_index(y: np.ndarray) -> np.ndarray:
    """Labels in {-1, +1} or {0, 1} -> class index in {0, 1}; shape (N,)."""
    y = np.asarray(y)
    return (y > 0).astype(int) if y.min() < 0 else y.astype(int)


def class_handles(names: Sequence[str] = ("−1", "+1"), patch: bool = False) -> list[Artist]:
    """Legend entries for classes in CLASS_COLORS order: round markers, or (``patch``)
    filled squares as :func:`plot_class_histograms` draws them."""
    if patch:
        return [Patch(facecolor=mcolors.to_rgba(CLASS_COLORS[k], 0.6), edgecolor=CLASS_COLORS[k], label=n)
                for k, n in enumerate(names)]
    return [Line2D([], [], ls="", marker="o", mfc=CLASS_COLORS[k], mec="k", mew=0.5, label=n)
            for k, n in enumerate(names)]


def class_legend(ax: Axes, names: Sequence[str] = ("−1", "+1"), loc: str = "upper right") -> Axes:
    """A legend with one round marker per class, in CLASS_COLORS order."""
    ax.legend(handles=class_handles(names), loc=loc, fontsize=8, handletextpad=0.2, borderaxespad=0.2)
    return ax


def style_handles(styles: Mapping[str, dict]) -> list[Line2D]:
    """Legend entries for lines not drawn yet: label -> Line2D kwargs (as ``styles`` elsewhere here)."""
    return [Line2D([], [], label=label, **{"lw": 1.5, **style}) for label, style in styles.items()]


def make_grid(X: np.ndarray, n: int = 80, pad: float = 0.5) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """:func:`dlcourse.plotting.make_grid` with this week's default n = 80: an n x n grid (n*n, 2)
    over X (N, 2) padded by ``pad``, and ``extent = (xmin, xmax, ymin, ymax)``."""
    return _make_grid(X, n, pad)


def plot_weighted_points(ax: Axes, X: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None,
                         base_area: float = 60.0, annotate: bool = False) -> Axes:
    """Scatter X (N, 2) coloured by class; marker AREA proportional to ``weights`` (N,).

    Uniform weights give every marker ``base_area`` (points^2): area_i = base_area * N * w_i.
    One collection in sample order, so ``ax.collections[-1].get_sizes()`` follows ``weights``.
    ``annotate`` writes the 1-based sample number beside each point.
    """
    X, cls = np.asarray(X, float), _class_index(y)
    w = np.full(len(X), 1.0 / len(X)) if weights is None else np.asarray(weights, float)
    sizes = base_area * len(X) * w / w.sum()                                # (N,)
    colors = [CLASS_COLORS[k] for k in cls]
    ax.scatter(X[:, 0], X[:, 1], s=sizes, c=colors, edgecolors="k", linewidths=0.6, zorder=3)
    if annotate:   # 5 and 4 points up-right of each marker (a cheap offset, unlike annotate)
        shift = ax.transData + ScaledTranslation(5 / 72, 4 / 72, ax.get_figure().dpi_scale_trans)
        for i, (a, b) in enumerate(X):
            ax.text(a, b, str(i + 1), fontsize=8, transform=shift, zorder=4)
    return ax


def plot_stump(ax: Axes, stump, xlim: tuple[float, float], ylim: tuple[float, float]) -> Axes:
    """Draw a 2-D stump's split line and label each side with the class it predicts.

    ``stump`` has ``feature`` (0 or 1), ``threshold`` and ``polarity`` (a :class:`Stump`):
    it predicts ``polarity`` where ``x[feature] < threshold``, ``-polarity`` elsewhere.
    """
    feature, threshold, polarity = int(stump.feature), float(stump.threshold), int(stump.polarity)
    line = dict(color=PALETTE["black"], lw=2, ls="--", zorder=2)
    lo, hi = (xlim, ylim)[feature]
    (ax.axvline if feature == 0 else ax.axhline)(threshold, **line)
    for side, label in ((-1, polarity), (+1, -polarity)):
        pos = threshold + side * 0.04 * (hi - lo)
        text = "+1" if label > 0 else "−1"
        ha = "right" if side < 0 else "left"
        kw = dict(color=CLASS_COLORS[int(label > 0)], fontsize=11, fontweight="bold", zorder=4)
        if feature == 0:
            ax.text(pos, ylim[1] - 0.05 * (ylim[1] - ylim[0]), text, ha=ha, va="top", **kw)
        else:
            ax.text(xlim[1] - 0.03 * (xlim[1] - xlim[0]), pos, text, ha="right",
                    va="top" if side < 0 else "bottom", **kw)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def plot_decision_regions(ax: Axes, grid_scores: np.ndarray, extent: Sequence[float],
                          vmax: float | None = None, alpha: float = 0.6) -> Axes:
    """Decision scores on a square grid as an image (blue < 0 < orange), ``imshow`` for speed.

    ``grid_scores`` : (n*n,) or (n, n), laid out as :func:`make_grid` returns the grid.
    ``vmax`` : colour limit, symmetric around 0 (default: the largest |score|).
    ``alpha`` < 1 keeps class-coloured points visible on a region of their own colour.
    """
    scores = np.asarray(grid_scores, float)
    n = int(round(np.sqrt(scores.size)))
    if vmax is None:
        vmax = float(np.max(np.abs(scores))) or 1.0
    ax.imshow(scores.reshape(n, n), origin="lower", extent=tuple(extent), cmap=REGION_CMAP,
              vmin=-vmax, vmax=vmax, aspect="auto", interpolation="nearest", alpha=alpha, zorder=0)
    ax.grid(False)
    return ax


def weights_table_cells(D_history: np.ndarray, wrong: np.ndarray | None = None, decimals: int = 3,
                        samples: np.ndarray | None = None, first_round: int = 1
                        ) -> tuple[list[list[str]], list[str], set[tuple[int, int]]]:
    """Cells of the lecture's D_t table: one row per sample, one column per round.

    ``D_history`` : (T, N), row k = D_{first_round + k}. ``wrong`` : (T, N) bool, True where
    that round's h misclassifies sample i. ``samples`` : which (0-based) samples to list
    (default all). Returns (cells, column labels, the (row, col) cells to highlight).
    """
    D = np.asarray(D_history, float)
    rows = np.arange(D.shape[1]) if samples is None else np.asarray(samples)
    cells = [[str(i + 1)] + [f"{d:.{decimals}f}" for d in D[:, i]] for i in rows]
    bad = np.zeros(D.shape, bool) if wrong is None else np.asarray(wrong)[:, rows]   # (T, rows)
    marked = {(int(r), int(t) + 1) for t, r in zip(*np.nonzero(bad))}
    return cells, ["i"] + [f"D{first_round + t}" for t in range(D.shape[0])], marked


def plot_weights_table(ax: Axes, D_history: np.ndarray, wrong: np.ndarray | None = None,
                       decimals: int = 3) -> Axes:
    """Draw the D_t table (see :func:`weights_table_cells`) in ``ax``; ``wrong`` cells shaded."""
    cells, labels, marked = weights_table_cells(D_history, wrong, decimals)
    return plot_text_table(ax, cells, labels, highlight=marked, fontsize=9 if len(labels) <= 7 else 8)


def plot_haar_feature(ax: Axes, image: np.ndarray, feature: tuple[str, int, int, int, int],
                      fill_alpha: float = 0.35) -> Axes:
    """Show ``image`` (H, W) in grey with a Haar feature's white and grey rectangles on top.

    ``feature = (kind, r, c, h, w)`` as in :func:`dlcourse.boosting.haar_rectangles`; a
    rectangle's value counts with sign +1 (grey, outlined orange) or -1 (white, outlined
    blue). ``fill_alpha`` is the fill's opacity: low enough that the face shows through;
    0 draws the outlines only.
    """
    ax.imshow(image, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    for sign, r, c, h, w in haar_rectangles(*feature):
        face = mcolors.to_rgba("0.25" if sign > 0 else "white", fill_alpha)
        edge = PALETTE["orange"] if sign > 0 else PALETTE["blue"]
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), w, h, facecolor=face, fill=fill_alpha > 0,
                               edgecolor=edge, linewidth=2))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    return ax


def plot_class_histograms(ax: Axes, values: np.ndarray, y: np.ndarray, names: Sequence[str] = ("0", "1"),
                          bins: int = 30, legend: bool = True, headroom: float | None = None) -> Axes:
    """Overlaid histograms of ``values`` (N,) per class of ``y`` (N,), shared bin edges.

    Each class is one filled step outline (``ax.collections``: cheap to add and redraw).
    ``legend=False`` when the axes already has one (``class_handles(names, patch=True)``).
    ``headroom`` fixes the limits to the bins (x, 5 % margins) and to (0, headroom x the
    tallest bin) (y) - what a widget needs, whose old artists would leave autoscaling stale.
    """
    values, cls = np.asarray(values, float), _class_index(y)
    lo, hi = values.min(), values.max()
    edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)        # (bins+1,)
    counts = np.stack([np.histogram(values[cls == k], edges)[0] for k in range(len(names))])  # (K, bins)
    for k, name in enumerate(names):
        ax.fill_between(edges, np.r_[counts[k], counts[k, -1]], step="post", color=CLASS_COLORS[k],
                        alpha=0.6, label=name, edgecolor=CLASS_COLORS[k], linewidth=1.2)
    if headroom is not None:
        pad = 0.05 * (edges[-1] - edges[0])
        ax.set_xlim(edges[0] - pad, edges[-1] + pad)
        ax.set_ylim(0, headroom * max(int(counts.max()), 1))
    if legend:
        ax.legend(fontsize=9)
    return ax


def plot_staged_errors(ax: Axes, curves: Mapping[str, np.ndarray], current: int | None = None,
                       styles: Mapping[str, dict] | None = None, ylabel: str = "error",
                       xlabel: str = "number of estimators", legend: bool = True) -> Axes:
    """Error (or loss) against the number of stages 1..M, one line per entry of ``curves``.

    ``curves`` : label -> (M,) values at stages 1..M. ``styles`` : label -> Line2D kwargs.
    ``current`` : a stage to mark with a vertical line. ``legend=False`` when the axes
    already has one (e.g. :func:`pinned_legend` with ``style_handles(styles)``).
    """
    styles = styles or {}
    for k, (label, values) in enumerate(curves.items()):
        style = {"color": CLASS_COLORS[k % len(CLASS_COLORS)], "lw": 1.5, **styles.get(label, {})}
        ax.plot(np.arange(1, len(values) + 1), values, label=label, **style)
    if current is not None:
        ax.axvline(current, color=PALETTE["black"], lw=1, ls=":")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend(fontsize=8)
    return ax


def plot_1d_fit(ax: Axes, x: np.ndarray, y: np.ndarray, x_grid: np.ndarray,
                curves: Mapping[str, np.ndarray], styles: Mapping[str, dict] | None = None,
                label: str = "data", legend: str | None = "upper right") -> Axes:
    """Data points (x, y) (N,) and curves on ``x_grid`` (G,): label -> (G,) values.

    ``legend`` : where to put a one-row legend (a matplotlib ``loc``), or None for none.
    """
    ax.scatter(x, y, s=14, color=PALETTE["sky"], edgecolors="k", linewidths=0.3, label=label, zorder=3)
    styles = styles or {}
    for label, values in curves.items():
        ax.plot(x_grid, values, label=label, **{"lw": 2, **styles.get(label, {})})
    if legend:          # a location, or None for no legend
        ax.legend(fontsize=8, loc=legend, ncol=len(curves) + 1)
    return ax


def plot_majority_curves(ax: Axes, ks: np.ndarray, curves: Mapping[float, np.ndarray], p: float) -> Axes:
    """P(majority is right) against the ensemble size k (K,), one curve per copying probability ρ.

    ``curves`` : ρ -> (K,) probabilities; ρ = 0 is drawn as "independent voters". A dotted
    line marks one voter's accuracy ``p``.
    """
    colours = (PALETTE["blue"], PALETTE["green"], PALETTE["vermillion"], PALETTE["purple"])
    for (rho, curve), colour in zip(curves.items(), colours):
        label = "independent voters" if rho == 0 else f"copy a shared opinion with prob. ρ = {rho}"
        ax.plot(ks, curve, color=colour, label=label)
    ax.axhline(p, color=PALETTE["black"], ls=":", lw=1, label=f"one voter (p = {p})")
    ax.set(xlabel="number of voters k", ylabel="P(majority is right)",
           title=f"Majority vote of k classifiers that are each right {p:.0%} of the time", ylim=(0.5, 1.01))
    ax.legend(loc="center right", fontsize=8)
    return ax


def plot_oob_curve(ax: Axes, sizes: Sequence[int], oob_scores: Sequence[float], test_scores: Sequence[float],
                   single_acc: float) -> Axes:
    """Out-of-bag score and test accuracy against the number of bagged trees M (log x axis),
    with one deep tree's test accuracy as a dotted line."""
    ax.semilogx(sizes, oob_scores, "o-", color=PALETTE["orange"], label="OOB score (training data only)")
    ax.semilogx(sizes, test_scores, "s-", color=PALETTE["blue"], label="test accuracy")
    ax.axhline(single_acc, color=PALETTE["black"], ls=":", lw=1, label=f"one deep tree, test ({single_acc:.3f})")
    ax.set(xlabel="number of bagged trees M", ylabel="accuracy", title="Out-of-bag estimate vs held-out test accuracy")
    ax.legend(fontsize=8)
    return ax


def plot_staged_vs_reference(ax: Axes, curves: Mapping[str, np.ndarray], reference: str,
                             ylabel: str = "test error", title: str = "") -> Axes:
    """:func:`plot_staged_errors` with the ``reference`` curve (e.g. scikit-learn's) dashed and
    thick, and a dotted line at the first curve's stage-1 value (one weak learner alone)."""
    plot_staged_errors(ax, curves, ylabel=ylabel, styles={reference: {"ls": "--", "lw": 2.5}})
    ax.axhline(next(iter(curves.values()))[0], color="k", lw=0.8, ls=":")
    ax.set_title(title)
    return ax


def plot_train_test_curves(ax: Axes, curves: Mapping[str, np.ndarray], reference: str,
                           ylabel: str = "error", title: str = "") -> Axes:
    """Train and test curves as :func:`~dlcourse.boosting.staged.train_test_curves` returns them;
    the ``reference`` model's in black (train dashed, test dotted), a dotted vertical line at the
    lowest test value of the first model."""
    styles = {f"train ({reference})": dict(ls="--", color="k", lw=1), f"test ({reference})": dict(ls=":", color="k", lw=1.5)}
    first_test = next(values for label, values in curves.items() if label.startswith("test ("))
    plot_staged_errors(ax, curves, current=int(np.argmin(first_test)) + 1, styles=styles, ylabel=ylabel)
    ax.set_title(title)
    return ax


def plot_ml2_table(ax: Axes, data: Mapping, result: Mapping) -> Axes:
    """The lecture's ML2-grade table after two trees: the six students' features and marks y, the
    residuals r_m = y - F_{m-1} and predictions F_m of ``result`` (as ``gb_fixed_partitions`` returns
    it, two trees), and r3 = y - F2; the slide's erratum (student 3's F2 and r3) highlighted."""
    X, y = data["X"], data["y"]
    (r1, r2), (F1, F2) = result["residuals"], result["predictions"]
    r3 = y - F2
    rows = [[str(i + 1), *(f"{v:g}" for v in X[i, :2]), "yes" if X[i, 2] else "no", f"{X[i, 3]:g}", f"{y[i]:g}",
             f"{r1[i]:g}", f"{F1[i]:.4g}", f"{r2[i]:.4g}", f"{F2[i]:.5g}", f"{r3[i]:.5g}"] for i in range(len(y))]
    header = ["#", "lectures", "labs", "CS bg", "ML1", "ML2 (y)", "r1", "F1", "r2", "F2", "r3"]
    plot_text_table(ax, rows, header, highlight={(2, 9), (2, 10)})
    ax.set_title(f"Predict your ML2 grade: F0 = {result['F0']:g}, learning rate {data['learning_rate']:g} "
                 "(highlighted: the slide's erratum)")
    return ax


def plot_prediction_walks(ax: Axes, path: np.ndarray, targets: np.ndarray) -> Axes:
    """Each sample's prediction F_m(x_i) against the round m (``path`` (M+1, N), row 0 = F_0),
    with its target y_i as a dashed line."""
    for i in range(path.shape[1]):
        ax.plot(path[:, i], color=PALETTE["blue"], lw=1.2)
        ax.axhline(targets[i], color=PALETTE["orange"], ls="--", lw=0.8)
    ax.set(xlabel="round m", ylabel="F_m(x_i)", title="Each prediction walks to its mark (dashed): GD iterates")
    return ax


def plot_function_space(ax: Axes, paths: Mapping[str, np.ndarray], targets: np.ndarray, idx: tuple[int, int],
                        lim: tuple[float, float] = (70, 95)) -> Axes:
    """Two coordinates (samples ``idx``) of function space: contours of the squared loss
    0.5 * sum (y_i - F_i)^2 over them, each path's (label -> (M+1, N)) iterates, the targets as a star."""
    i, j = idx
    a, b = np.meshgrid(np.linspace(*lim, 120), np.linspace(*lim, 120))
    ax.contour(a, b, 0.5 * ((targets[i] - a) ** 2 + (targets[j] - b) ** 2), levels=12, cmap="Greys")
    for k, (label, P) in enumerate(paths.items()):
        ax.plot(P[:, i], P[:, j], "o-", ms=3, color=[PALETTE["blue"], PALETTE["vermillion"]][k % 2], label=label)
    ax.plot(targets[i], targets[j], "*", ms=14, color=PALETTE["orange"], label=f"targets ({targets[i]:g}, {targets[j]:g})")
    ax.set(xlabel=f"F(x) of student {i + 1}", ylabel=f"F(x) of student {j + 1}",
           title=f"Function space, 2 of {len(targets)} coordinates")
    ax.legend(fontsize=8, loc="upper left")
    return ax
