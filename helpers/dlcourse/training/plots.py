"""Week 04 figures: pure ``(data..., ax) -> Axes`` helpers, no state, no ipywidgets.

Colours come from :mod:`dlcourse.plotting` (Okabe-Ito); each optimiser keeps one colour in
every figure (``OPTIMIZER_COLORS``). Contours are precomputed line segments
(:func:`surface_contours`), drawn as one LineCollection: far cheaper to redraw than ``contour``.
At the end, whole-figure helpers the notebooks call (each returns its ``Figure``).
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
           "plot_train_val", "plot_learning_rate_search", "plot_activation_histograms", "plot_grad_norm_curves",
           "plot_running_stats", "plot_fit_comparison", "plot_transfer_curves", "plot_search_comparison"]

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


# ---------------------------------------------------------------- whole figures for the notebooks


def plot_learning_rate_search(examples: Mapping[float, np.ndarray], etas: np.ndarray, final: np.ndarray,
                              ok: np.ndarray, J_star: float):
    """Left: loss curves J(w) per iteration for a few learning rates (``examples``: eta -> curve).
    Right: the final loss against eta (log axes; diverged runs, ``~ok``, as crosses at 1e3) and
    the least-squares optimum ``J_star``. Returns the Figure."""
    import matplotlib.pyplot as plt

    fig, (ax_c, ax_g) = plt.subplots(1, 2, figsize=(11, 3.8))
    for (eta, trace), color in zip(examples.items(), [PALETTE["sky"], PALETTE["green"], PALETTE["orange"],
                                                      PALETTE["vermillion"]]):
        ax_c.plot(trace, color=color, marker=".", label=f"η = {eta}")
    ax_c.set(yscale="log", ylim=(0.1, 1e3), xlabel="iteration", ylabel="J(w)",
             title="loss curves: too small, good, too large")
    ax_c.legend()
    ax_g.plot(etas[ok], final[ok], "o-", color=PALETTE["blue"], label="after 300 iterations")
    ax_g.plot(etas[~ok], np.full((~ok).sum(), 1e3), "x", color=PALETTE["vermillion"], ms=9, label="diverged")
    ax_g.axhline(J_star, color="0.5", ls="--", lw=1, label="J* (least squares)")
    ax_g.set(xscale="log", yscale="log", xlabel="learning rate η (log scale)", ylabel="final J(w)",
             title="option 1: loss against learning rate")
    ax_g.legend()
    return fig


def plot_activation_histograms(activations: Mapping[str, Mapping[int, np.ndarray]]):
    """One panel per scheme (title -> {layer: activations (N, width)}): the histogram of each
    listed layer's activations with its std, log density. Returns the Figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(activations), figsize=(15, 3.4), squeeze=False)
    axes = axes[0]
    for ax, (title, layers) in zip(axes, activations.items()):
        for layer, a in layers.items():
            ax.hist(a.ravel(), bins=60, histtype="step", density=True, lw=1.5,
                    label=f"layer {layer} (std {a.std():.2g})")
        ax.set(title=title, xlabel="activation", yscale="log")
        ax.legend(fontsize=8)
    axes[0].set_ylabel("density (log scale)")
    return fig


def plot_grad_norm_curves(norms: Mapping[str, Sequence[float]]):
    """‖dJ/dW_l‖ against layer l (1 = input side, log scale) for each named setup, with the
    ratio first/last layer in the legend. Returns the Figure."""
    import matplotlib.pyplot as plt

    colors = [PALETTE["blue"], PALETTE["sky"], PALETTE["purple"], PALETTE["green"], PALETTE["orange"]]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for k, (name, norms_l) in enumerate(norms.items()):
        ax.semilogy(range(1, len(norms_l) + 1), norms_l, marker="o", ms=3, color=colors[k % len(colors)],
                    label=f"{name}: first/last = {norms_l[0] / norms_l[-1]:.1e}")
    depth = max(len(v) for v in norms.values())
    ax.set(xlabel="layer l (1 = input side)", ylabel="‖∂J/∂W⁽ˡ⁾‖",
           title=f"gradient norm per layer, {depth}-layer MLP, one batch")
    ax.legend(fontsize=8)
    return fig


def plot_running_stats(trace: Mapping[float, np.ndarray], mean: float, std: float):
    """Running mean and sqrt(running var) of one feature per training batch (``trace``:
    momentum -> (T, 2)), one colour per momentum, against the true ``mean`` and ``std``."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    for (m, tr), color in zip(trace.items(), [PALETTE["blue"], PALETTE["orange"]]):
        tr = np.asarray(tr)
        ax.plot(tr[:, 0], color=color, label=f"running mean, momentum {m}")
        ax.plot(tr[:, 1], color=color, ls="--", label=f"sqrt(running var), momentum {m}")
    ax.axhline(mean, color="gray", lw=0.8)
    ax.axhline(std, color="gray", lw=0.8, ls="--")
    ax.set(xlabel="training batch", ylabel="feature 1",
           title=f"running statistics approach the true mean {mean:g} and std {std:g}")
    ax.legend(fontsize=8)
    return fig


def plot_fit_comparison(fits: Mapping[str, dict], clip: float = 1.5):
    """Train and validation loss (clipped at ``clip``) of several :func:`fit_regularised_mlp`
    runs side by side, with the final accuracies in each title. Returns the Figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(fits), figsize=(12, 3.4), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, (name, fit) in zip(axes, fits.items()):
        plot_train_val(ax, np.minimum(fit["train_loss"], clip), np.minimum(fit["val_loss"], clip))
        ax.set(title=f"{name}\naccuracy: train {fit['train_acc'][-1]:.0%}, validation {fit['val_acc'][-1]:.0%}",
               xlabel="epoch")
    axes[0].set_ylabel(f"binary cross-entropy (clipped at {clip:g})")
    axes[0].legend()
    plt.tight_layout()
    return fig


def plot_transfer_curves(acc: Mapping[str, np.ndarray], checkpoints: Sequence[int]):
    """Test accuracy after each checkpoint, one panel per seed (``acc``: strategy -> (seeds,
    checkpoints)), one colour per strategy. Returns the Figure."""
    import matplotlib.pyplot as plt

    colors = {"feature extraction": PALETTE["blue"], "fine-tuning": PALETTE["orange"], "from scratch": PALETTE["green"]}
    n_seeds = len(next(iter(acc.values())))
    fig, axes = plt.subplots(1, n_seeds, figsize=(12, 3.3), sharey=True, squeeze=False)
    axes = axes[0]
    for seed, ax in enumerate(axes):
        for name, a in acc.items():
            ax.plot(checkpoints, a[seed], "o-", color=colors.get(name), label=name)
        ax.set(title=f"seed {seed}: 10 labels per class", xlabel="epochs (full batch: 1 step each)", xscale="log")
    axes[0].set_ylabel("test accuracy on digits 5-9")
    axes[0].legend()
    plt.tight_layout()
    return fig


def plot_search_comparison(val_error, points: Mapping[str, tuple[np.ndarray, np.ndarray]]):
    """Grid vs random search on a 2-D validation error ``val_error(log_lr, other)`` over
    log10(lr) in [-4, 0] and other in [0, 1]: its filled contours, the tried points (white) and
    the best one (a star), one panel per set of ``points`` (name -> (log_lr, other))."""
    import matplotlib.pyplot as plt

    L, O = np.meshgrid(np.linspace(-4, 0, 200), np.linspace(0, 1, 100))
    fig, axes = plt.subplots(1, len(points), figsize=(11, 3.6), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, (name, (log_lr, other)) in zip(axes, points.items()):
        ax.contourf(L, O, val_error(L, O), levels=20, cmap="viridis")
        ax.scatter(log_lr, other, c="white", edgecolors="k", s=40)
        best = np.argmin(val_error(log_lr, other))
        ax.scatter(log_lr[best], other[best], marker="*", c=PALETTE["vermillion"], s=250, edgecolors="k")
        ax.set(title=f"{name}: {len(np.unique(log_lr.round(6)))} distinct learning rates,\n"
                     f"best error {val_error(log_lr, other).min():.3f} at lr = {10 ** log_lr[best]:.2g}",
               xlabel="log10(learning rate)")
    axes[0].set_ylabel("a less important hyperparameter")
    plt.tight_layout()
    return fig
