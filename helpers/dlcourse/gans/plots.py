"""Week 07 figures: pure ``(ax, data...) -> Axes`` helpers, no state, no ipywidgets.

Colours: real data blue, generated samples orange, the discriminator black (its probability
map from blue "fake" to orange "real", the course's region colours).
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from ..plotting import PALETTE, REGION_CMAP

__all__ = ["REAL_COLOR", "FAKE_COLOR", "plot_ring", "plot_gan1d", "image_grid", "plot_losses"]

REAL_COLOR, FAKE_COLOR, D_COLOR = PALETTE["blue"], PALETTE["orange"], PALETTE["black"]


def plot_ring(ax: Axes, samples: np.ndarray, centers: np.ndarray, d_prob: np.ndarray | None = None,
              grid: np.ndarray | None = None, radius: float = 0.5) -> Axes:
    """Generated 2-D samples (orange dots) over the ring's centres (blue circles of ``radius``), and
    optionally D's probability of "real" on a square ``grid`` x ``grid`` (``d_prob`` (len(grid), len(grid)))."""
    if d_prob is not None and grid is not None:
        ax.imshow(d_prob, origin="lower", extent=(grid[0], grid[-1], grid[0], grid[-1]), cmap=REGION_CMAP,
                  vmin=0, vmax=1, alpha=0.45, interpolation="nearest")
    t = np.linspace(0, 2 * np.pi, 40)
    for c in centers:
        ax.plot(c[0] + radius * np.cos(t), c[1] + radius * np.sin(t), color=REAL_COLOR, lw=1)
    ax.plot(samples[:, 0], samples[:, 1], ".", ms=2, color=FAKE_COLOR, alpha=0.6)       # a Line2D draws fast
    if ax.get_xlim() != (-3.0, 3.0) or ax.get_ylim() != (-3.0, 3.0):   # setting limits again costs a redraw
        ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal")
    return ax


def plot_gan1d(ax: Axes, x: np.ndarray, density: np.ndarray, bins: np.ndarray, fake_density: np.ndarray,
               d_prob: np.ndarray) -> Axes:
    """The 1-D GAN: data density (blue line), histogram of G(z) (orange bars, as a density) and D(x) (black)."""
    ax.stairs(fake_density, bins, fill=True, color=FAKE_COLOR, alpha=0.5, label="G(z) histogram")
    ax.plot(x, density, color=REAL_COLOR, lw=2, label="p_data")
    ax.plot(x, d_prob, color=D_COLOR, lw=1.5, label="D(x)")
    ax.axhline(0.5, color=D_COLOR, lw=0.6, ls=":")
    return ax


def image_grid(ax: Axes, images: np.ndarray, ncol: int = 10, pad: int = 1) -> Axes:
    """Show images (N, 1, H, W) or (N, H, W) in [-1, 1] as one mosaic with ``ncol`` columns."""
    imgs = np.asarray(images).reshape(len(images), *np.shape(images)[-2:])              # (N, H, W)
    n, h, w = imgs.shape
    nrow = int(np.ceil(n / ncol))
    canvas = np.full((nrow * (h + pad) + pad, ncol * (w + pad) + pad), -1.0)
    for i, img in enumerate(imgs):
        r, c = divmod(i, ncol)
        canvas[pad + r * (h + pad):pad + r * (h + pad) + h, pad + c * (w + pad):pad + c * (w + pad) + w] = img
    ax.imshow(canvas, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    ax.grid(False)
    return ax


def plot_losses(ax: Axes, history: dict, smooth: int = 20) -> Axes:
    """D and G losses per iteration, with a moving average over ``smooth`` iterations."""
    for key, color in (("d_loss", D_COLOR), ("g_loss", FAKE_COLOR)):
        y = np.asarray(history[key], dtype=float)
        ax.plot(y, color=color, alpha=0.25, lw=0.8)
        if len(y) >= smooth:
            ax.plot(np.arange(smooth - 1, len(y)), np.convolve(y, np.ones(smooth) / smooth, "valid"), color=color,
                    lw=1.8, label=key.replace("_", " "))
    ax.axhline(2 * np.log(2), color=D_COLOR, lw=0.6, ls=":")
    ax.axhline(np.log(2), color=FAKE_COLOR, lw=0.6, ls=":")
    ax.set(xlabel="iteration", ylabel="loss")
    return ax
