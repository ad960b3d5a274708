"""Notebook 1's figures: perceptron runs (points, lines, mistakes per epoch), activation curves and
the slide's tanh erratum, and the hand-made XOR network's input and hidden spaces.
Labels y are in {-1, +1} for the perceptron and in {0, 1} for the network."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes

from ...plotting import CLASS_COLORS, PALETTE, REGION_CMAP

__all__ = ["plot_signed_points", "plot_line_across", "plot_boundary_history", "plot_mistakes_per_epoch",
           "plot_activation_curves", "plot_tanh_erratum", "plot_input_space", "plot_hidden_space"]

ActivationPair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]


def plot_signed_points(ax: Axes, X: np.ndarray, y: np.ndarray, lim: tuple[float, float] | None = None,
                       pad: float = 0.5) -> Axes:
    """Scatter X (N, 2) with labels y (N,) in {-1, +1}, one legend entry per class; the axes
    limits are ``lim`` on both axes, or the data's range widened by ``pad``."""
    for label, colour in ((-1, CLASS_COLORS[0]), (1, CLASS_COLORS[1])):
        ax.scatter(*X[y == label].T, s=14, color=colour, label=f"y = {label:+d}")
    if lim is None:
        ax.set_xlim(X[:, 0].min() - pad, X[:, 0].max() + pad)
        ax.set_ylim(X[:, 1].min() - pad, X[:, 1].max() + pad)
    else:
        ax.set_xlim(*lim)
        ax.set_ylim(*lim)
    return ax


def plot_line_across(ax: Axes, w: Sequence[float], w0: float, **style) -> Axes:
    """The line w[0] x1 + w[1] x2 + w0 = 0 across the axes' current x-limits (vertical when
    w[1] = 0; nothing when w = 0). ``style``: Line2D keyword arguments."""
    x1 = np.array(ax.get_xlim())
    if abs(w[1]) > 1e-12:
        ax.plot(x1, -(w0 + w[0] * x1) / w[1], **style)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-w0 / w[0], **style)
    return ax


def plot_boundary_history(ax: Axes, X: np.ndarray, y: np.ndarray, lines: Sequence[tuple[np.ndarray, float]]) -> Axes:
    """The data (labels in {-1, +1}) and the perceptron's line (w, w0) after epochs 1..E, one per
    entry of ``lines``, coloured dark (early) to yellow (late), the last one thick."""
    plot_signed_points(ax, X, y)
    E = len(lines)
    for k, (w, w0) in enumerate(lines, start=1):
        plot_line_across(ax, w, w0, color=colormaps["viridis"](k / E), lw=1 if k < E else 2.5,
                         label=f"after epoch {E}" if k == E else None)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=f"Decision line after epochs 1-{E} (dark: early, yellow: late)")
    ax.legend(loc="lower left")
    return ax


def plot_mistakes_per_epoch(ax: Axes, mistakes: Sequence[int], title: str, bars: bool = True) -> Axes:
    """Mistakes (= updates) in epochs 1..E: blue bars with integer ticks, or (``bars=False``, for
    long runs) a vermillion line with markers from 0 up."""
    epochs = range(1, len(mistakes) + 1)
    if bars:
        ax.bar(epochs, mistakes, color=PALETTE["blue"])
        ax.set(xlabel="epoch", ylabel="mistakes (updates)", title=title, xticks=epochs,
               yticks=range(max(mistakes) + 1))
    else:
        ax.plot(epochs, mistakes, marker="o", ms=3, color=PALETTE["vermillion"])
        ax.set_ylim(bottom=0)
        ax.set(xlabel="epoch", ylabel="mistakes (updates)", title=title)
    return ax


def plot_activation_curves(ax_g: Axes, ax_dg: Axes, z: np.ndarray, curves: Mapping[str, ActivationPair]) -> None:
    """Activations g(z) on ``ax_g`` and their derivatives g'(z) on ``ax_dg`` over the grid z (G,);
    ``curves`` : name -> (g, g') functions of an array (at most four)."""
    for (name, (g, g_prime)), colour in zip(curves.items(), CLASS_COLORS):
        ax_g.plot(z, g(z), color=colour, lw=2, label=name)
        ax_dg.plot(z, g_prime(z), color=colour, lw=2, label=name)
    ax_g.set(xlabel="z", ylabel="g(z)", ylim=(-1.5, 3), title="Activations g(z)")
    ax_dg.set(xlabel="z", ylabel="g'(z)", ylim=(-0.1, 1.15), title="Derivatives g'(z)")
    ax_g.legend()


def plot_tanh_erratum(ax: Axes, z: np.ndarray, tanh: Callable, tanh_grad: Callable, slide_tanh: np.ndarray) -> Axes:
    """The true tanh and its derivative (orange) against the slide's formula ``slide_tanh`` (G,)
    on the grid z (G,) and its derivative (1 - g^2) / 2 (vermillion); derivatives dashed."""
    ax.plot(z, tanh(z), color=CLASS_COLORS[1], lw=2, label="true tanh(z)")
    ax.plot(z, tanh_grad(z), color=CLASS_COLORS[1], lw=1.5, ls="--", label="tanh'(z) = 1 - tanh²")
    ax.plot(z, slide_tanh, color=PALETTE["vermillion"], lw=2, label=r"slide: $(1-e^{-z})/(1+e^{-z})$")
    ax.plot(z, (1 - slide_tanh**2) / 2, color=PALETTE["vermillion"], lw=1.5, ls="--",
            label="its derivative (1 - g²)/2")
    ax.set(xlabel="z", title="Erratum: the slide's 'tanh' is tanh(z/2)")
    ax.legend(fontsize=8, loc="lower right")
    return ax


def _scatter_classes(ax: Axes, points: np.ndarray, y: np.ndarray) -> None:
    """points (N, 2) coloured by y (N,) in {0, 1}, white-edged, one legend entry per class."""
    for label in (0, 1):
        ax.scatter(*points[y == label].T, s=14, color=CLASS_COLORS[label], edgecolors="white", linewidths=0.3,
                   label=f"class {label}")


def plot_input_space(ax: Axes, predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: np.ndarray,
                     lim: tuple[float, float] = (-2, 2), n: int = 201) -> Axes:
    """``predict`` (G, 2) -> y_hat (G,) on an n x n grid over ``lim`` as filled contours (blue 0 ->
    orange 1) with the y_hat = 0.5 line in black, and the data X (N, 2), y (N,) in {0, 1}."""
    g1, g2 = np.meshgrid(np.linspace(*lim, n), np.linspace(*lim, n))
    p = predict(np.column_stack([g1.ravel(), g2.ravel()])).reshape(g1.shape)
    ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap=REGION_CMAP, alpha=0.6)
    ax.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1.5)
    _scatter_classes(ax, X, y)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=r"Input space: regions of $\hat y$ (black: $\hat y = 0.5$)")
    return ax


def plot_hidden_space(ax: Axes, H: np.ndarray, y: np.ndarray) -> Axes:
    """The hidden activations H (N, 2) of the hand-made XOR network, coloured by y (N,) in {0, 1},
    with the line h1 + h2 = 1 where its output score 2 h1 + 2 h2 - 2 is 0."""
    _scatter_classes(ax, H, y)
    h_line = np.linspace(0, 1, 2)
    ax.plot(h_line, 1 - h_line, color="k", lw=1.5, label="$h_1 + h_2 = 1$")
    ax.set(xlim=(-0.2, 3.2), ylim=(-0.2, 3.2), xlabel="$h_1$", ylabel="$h_2$",
           title="Hidden space: the classes are now linearly separable")
    ax.legend()
    return ax
