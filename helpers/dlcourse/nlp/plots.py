"""Figures of the NLP week: ``(data, ax) -> ax``, no state. Text panels are one multi-line
text artist each (many small text artists would make widget redraws slow)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..plotting import PALETTE, SEQUENTIAL

__all__ = ["plot_matrix", "plot_word_map", "plot_text_panel", "plot_bars", "word_map_image"]


def _title(ax, text: str) -> None:
    """A title as a plain text artist: ``set_title`` re-lays out the axes on every draw (slow in widgets)."""
    ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=10)


def plot_matrix(M: np.ndarray, rows: Sequence[str], cols: Sequence[str], ax, *, title: str = "",
                annotate: bool = True, fmt: str = "{:.2g}", highlight_col: int | None = None, cmap=SEQUENTIAL):
    """A heat map of ``M (R, C)`` with row and column labels, values written in the cells if small."""
    M = np.asarray(M, float)
    ax.imshow(M, cmap=cmap, aspect="auto", vmin=min(0.0, M.min()), vmax=max(M.max(), 1e-12))
    if len(cols):
        ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=8)
    else:
        ax.set_xticks([])
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.grid(False)
    if annotate and M.size <= 120:
        hi = M.max() if M.size else 0
        text = [(j, i, fmt.format(M[i, j])) for i in range(M.shape[0]) for j in range(M.shape[1]) if M[i, j] != 0]
        for j, i, s in text:
            ax.text(j, i, s, ha="center", va="center", fontsize=7, color="w" if M[i, j] < 0.6 * hi else "k")
    if highlight_col is not None:
        ax.axvline(highlight_col - 0.5, color=PALETTE["vermillion"], lw=2)
        ax.axvline(highlight_col + 0.5, color=PALETTE["vermillion"], lw=2)
    if title:
        _title(ax, title)
    return ax


def plot_word_map(P: np.ndarray, words: Sequence[str], ax, *, highlight: Sequence[str] = (), title: str = "",
                  colors: Sequence[str] | None = None):
    """Words at their 2-D coordinates ``P (V, 2)``; ``highlight`` words in bold vermillion."""
    P = np.asarray(P, float)
    colors = list(colors) if colors is not None else [PALETTE["blue"]] * len(words)
    ax.scatter(P[:, 0], P[:, 1], s=12, c=colors)
    for (x, y), w, c in zip(P, words, colors):
        hot = w in highlight
        ax.text(x, y, " " + w, fontsize=10 if hot else 9, color=PALETTE["vermillion"] if hot else c,
                fontweight="bold" if hot else "normal", va="center")
    pad = 0.1 * (np.ptp(P, axis=0) + 1e-9)
    ax.set_xlim(P[:, 0].min() - pad[0], P[:, 0].max() + 3 * pad[0])
    ax.set_ylim(P[:, 1].min() - pad[1], P[:, 1].max() + pad[1])
    if title:
        _title(ax, title)
    return ax


def plot_text_panel(lines: Sequence[str], ax, *, title: str = "", size: float = 9):
    """Lines of monospaced text in an axes without ticks."""
    ax.set_axis_off()
    ax.text(0.0, 1.0, "\n".join(lines), family="monospace", fontsize=size, va="top", ha="left",
            transform=ax.transAxes)
    if title:
        ax.text(0.0, 1.02, title, transform=ax.transAxes, ha="left", va="bottom", fontsize=10)
    return ax


def plot_bars(labels: Sequence[str], values: Sequence[float], ax, *, highlight: int | None = None, title: str = "",
              color: str = PALETTE["blue"]):
    """Vertical bars with their labels; bar ``highlight`` in vermillion."""
    colors = [PALETTE["vermillion"] if i == highlight else color for i in range(len(values))]
    ax.bar(range(len(values)), values, color=colors)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    if title:
        _title(ax, title)
    return ax


def word_map_image(P: np.ndarray, words: Sequence[str], xlim: tuple[float, float], ylim: tuple[float, float],
                   size: tuple[int, int] = (430, 200), dpi: int = 72) -> np.ndarray:
    """The word map of ``P (V, 2)`` drawn once into an RGBA image ``(h, w, 4)`` covering ``xlim`` x ``ylim``.

    Widgets show it with ``imshow(extent=(*xlim, *ylim))`` and draw only what changes on top:
    drawing dozens of labels on every redraw would cost most of the time budget.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set(xlim=xlim, ylim=ylim)
    ax.scatter(P[:, 0], P[:, 1], s=12, c=PALETTE["blue"])
    for (x, y), w in zip(P, words):
        ax.text(x, y, " " + w, fontsize=9, color=PALETTE["blue"], va="center")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()
