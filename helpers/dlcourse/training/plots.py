"""Week 04 figures: pure ``(data..., ax) -> Axes`` helpers, no state, no ipywidgets.

Colours come from :mod:`dlcourse.plotting` (Okabe-Ito); each optimiser keeps one colour in
every figure (``OPTIMIZER_COLORS``). Contours are precomputed line segments
(:func:`surface_contours`), drawn as one LineCollection: far cheaper to redraw than ``contour``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection

from ..plotting import PALETTE
from .surfaces import Surface

__all__ = ["OPTIMIZER_COLORS", "optimizer_color", "surface_contours", "plot_surface", "plot_trajectory",
           "plot_loss_curves", "plot_schedule", "plot_layer_norms", "image_mosaic", "plot_image_grid",
           "plot_train_val"]

OPTIMIZER_COLORS = {"sgd": PALETTE["black"], "momentum": PALETTE["blue"], "rmsprop": PALETTE["green"],
                    "adam": PALETTE["vermillion"], "adagrad": PALETTE["purple"]}
_EXTRA = [PALETTE["orange"], PALETTE["sky"], PALETTE["purple"], PALETTE["yellow"]]


def optimizer_color(name: str, index: int = 0) -> str:
    """The fixed colour of a known optimiser name (case-insensitive); others cycle through the rest."""
    return OPTIMIZER_COLORS.get(name.lower(), _EXTRA[index % len(_EXTRA)])


@functools.lru_cache(maxsize=16)
def surface_contours(surface: Surface, n_levels: int = 12, n: int = 200) -> list[np.ndarray]:
    """Contour lines of ``surface`` over its extent at log-spaced levels: a list of (k, 2) arrays."""
    import contourpy

    x0, x1, y0, y1 = surface.extent
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = surface.f(np.stack([X, Y], axis=-1))
    levels = np.geomspace(max(Z.min(), 1e-3) * 1.5, Z.max() * 0.9, n_levels)
    gen = contourpy.contour_generator(X, Y, Z)
    return [seg for level in levels for seg in gen.lines(level) if len(seg) > 1]


def plot_surface(ax: Axes, surface: Surface, n_levels: int = 12) -> Axes:
    """The surface's contour lines (grey) over its extent and its minimum (a star)."""
    ax.add_collection(LineCollection(surface_contours(surface, n_levels), colors="0.6", linewidths=0.8, zorder=1))
    ax.plot(*surface.minimum, marker="*", ms=14, color=PALETTE["yellow"], mec="k", ls="", zorder=4)
    x0, x1, y0, y1 = surface.extent
    ax.set(xlim=(x0, x1), ylim=(y0, y1))
    return ax


def plot_trajectory(ax: Axes, trajectory: np.ndarray, color: str, label: str | None = None,
                    diverged: int | None = None) -> Axes:
    """A path (T, 2) with small markers; NaN rows (after a divergence) are not drawn. If the run
    ``diverged`` (at that step), its last finite point gets a cross."""
    ax.plot(trajectory[:, 0], trajectory[:, 1], color=color, lw=1.5, marker="o", ms=2.5, label=label, zorder=3)
    if diverged is not None and diverged > 0:
        ax.plot(*trajectory[diverged - 1], marker="X", ms=11, color=color, mec="w", ls="", zorder=5)
    return ax


def plot_loss_curves(ax: Axes, curves: Mapping[str, np.ndarray], colors: Mapping[str, str],
                     floor: float = 1e-12) -> Axes:
    """Loss against step (0..T) for each named curve, on the axes' (log) scale; values below
    ``floor`` are drawn at it, NaN (diverged) not at all."""
    for name, loss in curves.items():
        ax.plot(np.arange(len(loss)), np.maximum(loss, floor), color=colors[name], lw=1.8, label=name)
    return ax


def plot_schedule(ax: Axes, t: np.ndarray, lr: np.ndarray, color: str = PALETTE["blue"], label: str | None = None,
                  **kwargs) -> Axes:
    """A learning rate against epoch as steps (the rate is constant within an epoch)."""
    ax.step(t, lr, where="post", color=color, label=label, **{"lw": 2.0, **kwargs})
    return ax


def plot_layer_norms(ax: Axes, norms: Sequence[float], color: str = PALETTE["blue"], floor: float = 1e-30,
                     width: float = 0.8) -> Axes:
    """One bar per layer (1..L, input side first) of a (log-scale) quantity, from ``floor`` up
    (zeros stay at the floor). One PolyCollection: 30 ``ax.bar`` patches cost ~10 ms a redraw."""
    values = np.maximum(np.asarray(norms, dtype=float), floor)
    x, h = np.arange(1, len(values) + 1), width / 2
    bars = [[(xi - h, floor), (xi - h, v), (xi + h, v), (xi + h, floor)] for xi, v in zip(x, values)]
    ax.add_collection(PolyCollection(bars, facecolors=color, edgecolors="none"))
    return ax


def image_mosaic(images: np.ndarray, ncols: int = 3, pad: int = 1, fill: float = 1.0) -> np.ndarray:
    """Tile images (n, H, W) or (n, H, W, C) into one array with ``pad`` pixels of ``fill``
    between them: one imshow instead of n axes (each axes costs ~10 ms per redraw)."""
    images = np.asarray(images, dtype=float)
    n, H, W = images.shape[:3]
    nrows = -(-n // ncols)
    out = np.full((nrows * (H + pad) - pad, ncols * (W + pad) - pad, *images.shape[3:]), fill)
    for k, img in enumerate(images):
        r, c = divmod(k, ncols)
        out[r * (H + pad):r * (H + pad) + H, c * (W + pad):c * (W + pad) + W] = img
    return out


def plot_image_grid(ax: Axes, images: np.ndarray, ncols: int = 3, vmin: float = 0.0, vmax: float = 1.0,
                    cmap: str = "gray", fill: float = 1.0) -> Axes:
    """Images (n, H, W[, C]) in [vmin, vmax] as one mosaic with gaps of value ``fill`` (after
    scaling to [0, 1]); 2-D images use ``cmap`` ('gray_r' draws digits' ink dark on white)."""
    pad = max(1, images.shape[1] // 16)
    mosaic = image_mosaic(np.clip((np.asarray(images, dtype=float) - vmin) / (vmax - vmin), 0, 1), ncols, pad, fill)
    ax.imshow(mosaic, cmap=cmap if mosaic.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
    return ax


def plot_train_val(ax: Axes, train: np.ndarray, val: np.ndarray, best_epoch: int | None = None,
                   stop_epoch: int | None = None) -> Axes:
    """Train (blue) and validation (orange) curves over epochs 1..E; the best validation epoch
    (dot) and where early stopping stopped (dashed vertical line)."""
    e = np.arange(1, len(train) + 1)
    ax.plot(e, train, color=PALETTE["blue"], lw=1.8, label="train")
    ax.plot(e, val, color=PALETTE["orange"], lw=1.8, label="validation")
    if stop_epoch is not None:
        ax.axvline(stop_epoch, color=PALETTE["vermillion"], ls="--", lw=1.3)
    if best_epoch is not None:
        ax.plot([best_epoch], [val[best_epoch - 1]], "o", color=PALETTE["vermillion"], mec="k", ms=7, zorder=4)
    return ax
