"""Week 03 figures: pure ``(data..., ax) -> Axes`` helpers, no state, no ipywidgets; at the end,
a few whole-figure helpers the notebooks call (``plot_value_panels``, ``plot_xo_votes``,
``plot_training_history``, ``plot_size_vs_accuracy``), each returning its ``Figure``.

Grids of pixels are drawn as one :class:`PixelImage` each (nearest-neighbour blocks made by
NumPy indexing: ~10x cheaper per draw than ``imshow``), cell (i, j) centred on x = j, y = i,
row 0 at the top; numbers on them with one :class:`~dlcourse.widgetkit.TextLayer`
(cached glyph sprites: 49 numbers cost well under a millisecond, 49 ``Text`` objects ~50 ms);
outlines and boxes as single collections. Colours from :mod:`dlcourse.plotting`: signed
values run blue (negative) -> white -> orange (positive) (``REGION_CMAP``), photos are grey.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.patches import Rectangle
from matplotlib.transforms import ScaledTranslation

from ..widgetkit import TextLayer
from ..plotting import CLASS_COLORS, PALETTE, REGION_CMAP

__all__ = ["grid_axes", "axes_title", "PixelImage", "to_rgba8", "show_image", "number_grid", "outline_cells",
           "cell_lines",
           "padded_input_rgb", "box_segments", "plot_boxes", "plot_receptive_stack", "plot_cost_bars",
           "plot_value_panels", "plot_xo_votes", "plot_training_history", "plot_size_vs_accuracy"]

PAD_GREY, COVERED, UNCOVERED = "0.78", mcolors.to_rgb(PALETTE["sky"]), mcolors.to_rgb(PALETTE["vermillion"])


def grid_axes(ax: Axes, n_rows: int, n_cols: int) -> Axes:
    """Prepare ``ax`` for an n_rows x n_cols grid of cells: equal aspect, row 0 on top, no ticks."""
    ax.set(xlim=(-0.5, n_cols - 0.5), ylim=(n_rows - 0.5, -0.5), xticks=[], yticks=[], aspect="equal")
    ax.grid(False)
    for spine in ax.spines.values():                       # a thin frame on all four sides
        spine.set(visible=True, linewidth=0.8, color="0.35")
    return ax


def axes_title(ax: Axes, text: str, size: float = 11, color: str = "k", bold: bool = False) -> TextLayer:
    """A title above ``ax`` drawn by a TextLayer (a matplotlib title costs ~3 ms per redraw)."""
    shift = ScaledTranslation(0, 5 / 72, ax.get_figure().dpi_scale_trans)
    layer = TextLayer().add_to(ax, transform=ax.transAxes + shift)
    layer.add(0.5, 1.0, text, size=size, va="bottom", color=color, bold=bold)
    return layer


class PixelImage(Artist):
    """An image drawn nearest-neighbour by index arithmetic, pasted with one ``draw_image``.

    ``imshow`` resamples through matplotlib's general pipeline (~5-9 ms per image per draw
    for a 64x64 RGB picture); a widget only needs nearest-neighbour blocks, which NumPy
    indexing makes in well under a millisecond. ``rgba`` : (H, W, 4) uint8, row 0 at the top
    of ``extent`` = (left, right, bottom, top) in data coordinates (as ``imshow``'s, so
    top < bottom on an inverted y axis). Clipped to the axes. ``get_array()`` gives ``rgba``.
    """

    def __init__(self, rgba: np.ndarray, extent: tuple[float, float, float, float], alpha: float | None = None,
                 zorder: float = 0):
        super().__init__()
        self.rgba, self.extent = rgba, extent
        if alpha is not None:
            self.rgba = rgba.copy()
            self.rgba[..., 3] = (rgba[..., 3] * alpha).astype(np.uint8)
        self.set_zorder(zorder)

    def get_array(self) -> np.ndarray:
        return self.rgba

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        left, right, bottom, top = self.extent
        (x0, y_top), (x1, y_bottom) = self.get_transform().transform([(left, top), (right, bottom)])
        c0, c1 = int(round(min(x0, x1))), int(round(max(x0, x1)))
        r0, r1 = int(round(min(y_top, y_bottom))), int(round(max(y_top, y_bottom)))
        if c1 <= c0 or r1 <= r0:
            return
        H, W = self.rgba.shape[:2]
        cols = ((np.arange(c1 - c0) + 0.5) * W / (c1 - c0)).astype(int)              # display column -> pixel
        rows = ((np.arange(r1 - r0) + 0.5) * H / (r1 - r0)).astype(int)              # display row (upwards) -> pixel
        if x1 < x0:
            cols = cols[::-1]
        if y_top > y_bottom:                                                           # row 0 on top: flip
            rows = rows[::-1]
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.axes.bbox if self.axes is not None else None)
        renderer.draw_image(gc, c0, r0, np.ascontiguousarray(self.rgba[rows[:, None], cols[None, :]]))
        gc.restore()
        self.stale = False


def to_rgba8(image: np.ndarray, cmap="gray", vmin: float | None = None, vmax: float | None = None) -> np.ndarray:
    """(H, W) values through ``cmap`` (limits vmin, vmax), or (H, W, 3|4) floats in [0, 1] -> (H, W, 4) uint8."""
    image = np.asarray(image)
    if image.ndim == 2:
        cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
        return cmap(mcolors.Normalize(vmin, vmax)(image), bytes=True)
    if image.dtype == np.uint8:
        return image if image.shape[2] == 4 else np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])
    rgba = np.dstack([image, np.ones(image.shape[:2])]) if image.shape[2] == 3 else image
    return (np.clip(rgba, 0, 1) * 255 + 0.5).astype(np.uint8)


def show_image(ax: Axes, image: np.ndarray, cmap="gray", vmin: float | None = None,
               vmax: float | None = None, alpha: float | None = None,
               extent: tuple[float, float, float, float] | None = None) -> PixelImage:
    """``image`` (H, W) through ``cmap``, or (H, W, 3|4), as a :class:`PixelImage` (nearest
    neighbour); by default pixel (i, j) is centred on (j, i), or give ``extent`` =
    (left, right, bottom, top) as for ``imshow``. Returns the artist (``ax.artists[-1]``)."""
    H, W = np.shape(image)[:2]
    extent = extent or (-0.5, W - 0.5, H - 0.5, -0.5)
    artist = PixelImage(to_rgba8(image, cmap, vmin, vmax), extent, alpha=alpha)
    ax.add_artist(artist)
    artist.set_transform(ax.transData)
    return artist


def _text_colors(rgba: np.ndarray) -> np.ndarray:
    """Black or white text per cell colour (N, 4), whichever contrasts more."""
    luminance = rgba[:, :3] @ np.array([0.299, 0.587, 0.114])
    return np.where(luminance < 0.5, "white", "black")


def number_grid(ax: Axes, values: np.ndarray, fmt: str = "{:.2f}", cmap=REGION_CMAP, vmin: float = -1.0,
                vmax: float = 1.0, size: float = 9, text: np.ndarray | None = None,
                hidden: np.ndarray | None = None) -> Axes:
    """A heat map of ``values`` (H, W) with each number written in its cell.

    ``text`` (H, W) of str overrides ``fmt``; ``hidden`` (H, W) bool leaves those cells blank
    (white, no number). A "-" in the numbers is drawn as a proper minus sign.
    """
    values = np.asarray(values, float)
    rgba = to_rgba8(values, cmap, vmin, vmax)                                       # (H, W, 4) uint8
    if hidden is not None:
        rgba[hidden] = 255
    show_image(ax, rgba)
    inks = _text_colors(rgba.reshape(-1, 4) / 255.0).reshape(values.shape)
    layer = TextLayer().add_to(ax)
    for (i, j), v in np.ndenumerate(values):
        if hidden is not None and hidden[i, j]:
            continue
        label = text[i, j] if text is not None else fmt.format(v)
        layer.add(j, i, label.replace("-", "−"), color=str(inks[i, j]), size=size)
    return ax


def outline_cells(ax: Axes, row: float, col: float, height: float = 1, width: float = 1,
                  color: str = PALETTE["vermillion"], lw: float = 3.0, **kwargs) -> Rectangle:
    """Outline the block of cells rows [row, row+height) x cols [col, col+width)."""
    patch = Rectangle((col - 0.5, row - 0.5), width, height, fill=False, edgecolor=color, lw=lw,
                      zorder=kwargs.pop("zorder", 4), **kwargs)
    ax.add_patch(patch)
    return patch


def cell_lines(ax: Axes, n_rows: int, n_cols: int, color: str = "0.55", lw: float = 0.6,
               step: int = 1, offset: float = 0.0, zorder: float = 3) -> LineCollection:
    """Lines between cells (every ``step`` cells, starting ``offset`` cells in), one collection."""
    xs = np.arange(offset, n_cols + 1e-9, step) - 0.5
    ys = np.arange(offset, n_rows + 1e-9, step) - 0.5
    segments = [[(x, -0.5), (x, n_rows - 0.5)] for x in xs] + [[(-0.5, y), (n_cols - 0.5, y)] for y in ys]
    lines = LineCollection(segments, colors=color, linewidths=lw, zorder=zorder)
    ax.add_collection(lines)
    return lines


def padded_input_rgb(width: int, pad: int, covered: np.ndarray) -> np.ndarray:
    """RGB picture (n, n, 3), n = width + 2 pad, of a padded square input for conv arithmetic:
    padding cells grey, input cells some window covers pale blue, input cells no window
    covers vermillion. ``covered`` : (n, n) bool over the padded grid."""
    n = width + 2 * pad
    rgb = np.ones((n, n, 3))
    inside = np.zeros((n, n), bool)
    inside[pad:pad + width, pad:pad + width] = True
    rgb[~inside] = mcolors.to_rgb(PAD_GREY)
    rgb[inside & covered] = 0.55 + 0.45 * np.array(COVERED)          # washed-out sky blue
    rgb[inside & ~covered] = 0.15 + 0.85 * np.array(UNCOVERED)
    return rgb


def box_segments(boxes: np.ndarray) -> np.ndarray:
    """Closed outlines (N, 5, 2) of [x1, y1, x2, y2] boxes, for a LineCollection."""
    b = np.asarray(boxes, float).reshape(-1, 4)
    x1, y1, x2, y2 = b.T
    return np.stack([np.stack([x1, y1], -1), np.stack([x2, y1], -1), np.stack([x2, y2], -1),
                     np.stack([x1, y2], -1), np.stack([x1, y1], -1)], axis=1)


def plot_boxes(ax: Axes, boxes: np.ndarray, colors: Sequence | str = PALETTE["vermillion"], lw: float = 2.0,
               ls: str = "-", alpha: float = 1.0, zorder: float = 4) -> Axes:
    """Boxes [x1, y1, x2, y2] (N, 4) in pixel coordinates (continuous: pixel i covers [i, i+1))
    as one LineCollection. The image must be shown with extent (0, W, H, 0) for them to match."""
    if len(np.asarray(boxes).reshape(-1, 4)):
        ax.add_collection(LineCollection(box_segments(boxes), colors=colors, linewidths=lw, linestyles=ls,
                                         alpha=alpha, zorder=zorder))
    return ax


def plot_receptive_stack(ax: Axes, sizes: Sequence[int], regions: Sequence[tuple[int, int]],
                         names: Sequence[str], selected: int) -> Axes:
    """One row of cells per layer (input at the bottom, the top layer above), each row centred;
    the cells of each layer that the top layer's pixel ``selected`` depends on are shaded.

    sizes : widths of the input and each layer's output; regions : [start, stop) per row
    (same order); names : a label per row. Draws into data coordinates x in [0, max(sizes)],
    y = row index (0 = input).
    """
    width = max(sizes)
    face = np.array(mcolors.to_rgba(PALETTE["orange"], 0.85))
    for level, (n, (start, stop)) in enumerate(zip(sizes, regions)):
        x0 = (width - n) / 2
        cells = np.arange(n)
        xs = x0 + cells                                                            # left edges
        inside = (cells >= start) & (cells < stop)
        colors = np.where(inside[:, None], face, np.array(mcolors.to_rgba("white")))
        if level == len(sizes) - 1:
            colors[selected] = mcolors.to_rgba(PALETTE["vermillion"])
        rects = [[(x, level - 0.35), (x + 1, level - 0.35), (x + 1, level + 0.35), (x, level + 0.35)] for x in xs]
        ax.add_collection(PolyCollection(rects, facecolors=colors, edgecolors="0.45", linewidths=0.6, zorder=3))
    labels = TextLayer().add_to(ax)
    for level, name in enumerate(names):
        labels.add(-0.6, level, name, ha="right", size=9)
    return ax


def plot_cost_bars(ax: Axes, labels: Sequence[str], values: Sequence[float],
                   colors: Sequence[str] | None = None, fmt: str = "{:,.0f}") -> Axes:
    """Horizontal bars (first label on top) with each value written at the bar's end."""
    values = np.asarray(values, float)
    y = np.arange(len(values))[::-1]
    colors = colors or [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(len(values))]
    ax.barh(y, values, color=colors, height=0.65, zorder=2)
    top = max(float(values.max()), 1.0)
    ax.set(xlim=(0, top * 1.5), ylim=(-0.6, len(values) - 0.4))
    layer = TextLayer().add_to(ax)
    for yy, v, label in zip(y, values, labels):
        layer.add(v + 0.02 * top, yy, fmt.format(v), ha="left", size=9)
    names = TextLayer().add_to(ax, transform=ax.get_yaxis_transform())    # x in axes fractions, y in data
    for yy, label in zip(y, labels):
        names.add(-0.03, yy, label, ha="right", size=9)
    return ax


# ---------------------------------------------------------------- whole figures for the notebooks


def plot_value_panels(arrays: Sequence[np.ndarray], titles: Sequence[str], ncols: int | None = None,
                      figsize: tuple[float, float] = (13, 3.3), vmin: float = -1.0, vmax: float = 1.0,
                      fmt: str = "{:g}", fontsize=9, white_above: float = 0.6, title_size: float | None = None,
                      colorbar: str | None = None):
    """Small arrays side by side (row by row, ``ncols`` per row), each an ``imshow`` in "RdBu_r"
    (vmin, vmax) with every value written in its cell (``fmt``; white where |value| >
    ``white_above``). ``fontsize`` is a number or a function of the array (smaller numbers for
    bigger arrays); ``colorbar`` labels one shared colour bar. Returns the Figure."""
    import matplotlib.pyplot as plt

    ncols = ncols or len(arrays)
    fig, axes = plt.subplots(-(-len(arrays) // ncols), ncols, figsize=figsize)
    for ax, arr, title in zip(np.ravel(axes), arrays, titles):
        im = ax.imshow(arr, cmap="RdBu_r", vmin=vmin, vmax=vmax)
        size = fontsize(arr) if callable(fontsize) else fontsize
        for (i, j), v in np.ndenumerate(arr):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=size,
                    color="white" if abs(v) > white_above else "black")
        ax.set_title(title, **({} if title_size is None else {"fontsize": title_size}))
        ax.set_xticks([])
        ax.set_yticks([])
    if colorbar:
        fig.colorbar(im, ax=axes, shrink=0.8, label=colorbar)
    return fig


def plot_xo_votes(images: dict[str, np.ndarray], votes: np.ndarray, features):
    """The lecture's "every feature votes" picture: each 9x9 image with the two classes' votes
    (mean of weight * feature, ``votes`` (2, 12) = one row of weights per class, X then O), and
    a bar chart of the 12 features of the clean X and O. ``features(image) -> (12,)``."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(images) + 1, figsize=(13, 3),
                             gridspec_kw={"width_ratios": [1] * len(images) + [3]})
    for ax, (title, img) in zip(axes, images.items()):
        ax.imshow(img, cmap="gray_r", vmin=-1, vmax=1)
        scores = votes @ features(img) / votes.shape[1]                         # mean of (weight * feature)
        ax.set_title(f"{title}\nvotes: X {scores[0]:.2f}, O {scores[1]:.2f}", fontsize=9)
        ax.axis("off")
    positions, bars = np.arange(votes.shape[1]), axes[-1]
    bars.bar(positions - 0.2, votes[0], width=0.4, color=PALETTE["blue"], label="X's features (X's votes)")
    bars.bar(positions + 0.2, votes[1], width=0.4, color=PALETTE["orange"], label="O's features (O's votes)")
    bars.set_xticks(positions, [f"{f} ({i // 2},{i % 2})" for f in ("f1", "f2", "f3") for i in range(4)],
                    rotation=60, fontsize=8)
    bars.set(ylabel="feature value", ylim=(0, 1.3), title="the 12 flattened features after conv, ReLU and two poolings")
    bars.legend(fontsize=8, ncol=2, loc="upper center")
    return fig


def plot_training_history(history: dict):
    """Loss (log scale) and accuracy per epoch of :func:`dlcourse.cnn.models.train_classifier`
    run with validation data: training in blue, test in orange. Returns the Figure."""
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.5))
    ax_loss.plot(epochs, history["loss"], color=PALETTE["blue"], label="training")
    ax_loss.plot(epochs, history["val_loss"], color=PALETTE["orange"], label="test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
    ax_acc.plot(epochs, history["train_acc"], color=PALETTE["blue"], label="training (running)")
    ax_acc.plot(epochs, history["val_acc"], color=PALETTE["orange"], label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="accuracy", ylim=(0.8, 1.0))
    for ax in (ax_loss, ax_acc):
        ax.legend()
    return fig


def plot_size_vs_accuracy(results: Sequence[tuple[str, int, float, float]]):
    """Test accuracy against trainable parameters (log scale) for rows (name, parameters,
    accuracy on centred digits, accuracy on shifted digits): a dot and a triangle per model,
    joined by a dotted line; models with "CNN" in the name orange, the others (MLPs) blue."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, n, acc, acc_shift in results:
        is_cnn = "CNN" in name
        color = PALETTE["orange"] if is_cnn else PALETTE["blue"]
        ax.plot([n, n], [acc, acc_shift], color=color, lw=1, ls=":")
        ax.scatter(n, acc, color=color, marker="o", s=50)
        ax.scatter(n, acc_shift, color=color, marker="v", s=50)
        ax.annotate(name, (n, acc_shift), textcoords="offset points", fontsize=8, va="center",
                    xytext=(-8, 0) if is_cnn else (8, 0), ha="right" if is_cnn else "left")
    ax.scatter([], [], color="gray", marker="o", label="centred test digits")
    ax.scatter([], [], color="gray", marker="v", label="shifted by one pixel")
    ax.scatter([], [], color=PALETTE["orange"], marker="s", label="CNN")
    ax.scatter([], [], color=PALETTE["blue"], marker="s", label="MLP")
    ax.set(xscale="log", xlim=(250, 40_000), xlabel="trainable parameters (log scale)", ylabel="test accuracy",
           title="accuracy vs size on the 8x8 digits")
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig
