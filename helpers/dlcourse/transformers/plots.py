"""Week 09 figures: pure ``(ax, data...) -> Axes`` helpers, no state, no ipywidgets."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from ..plotting import PALETTE, SEQUENTIAL

__all__ = ["plot_pe", "plot_weights", "plot_training", "plot_attention_cost", "plot_loss_curves", "plot_cross_attention",
           "plot_copy_losses", "plot_head_maps"]


def plot_pe(ax: Axes, pe: np.ndarray) -> Axes:
    """A positional-encoding table (T, d) as a heat map: rows are positions, columns dimensions."""
    ax.imshow(pe, aspect="auto", cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    ax.set(xlabel="dimension", ylabel="position")
    ax.grid(False)
    return ax


def plot_weights(ax: Axes, weights: np.ndarray, rows: Sequence[str] | None = None,
                 cols: Sequence[str] | None = None) -> Axes:
    """Attention weights (T, S) as a heat map: row i = query i, column j = key j."""
    ax.imshow(weights, cmap=SEQUENTIAL, vmin=0, vmax=1, interpolation="nearest")
    if rows is not None:
        ax.set_yticks(range(len(rows)), rows)
    if cols is not None:
        ax.set_xticks(range(len(cols)), cols)
    ax.set(xlabel="key j", ylabel="query i")
    ax.grid(False)
    return ax


def plot_training(ax: Axes, history: dict) -> Axes:
    """Training loss per step (thin) and validation loss at its evaluation steps (dots)."""
    loss = np.asarray(history["loss"])
    ax.plot(np.arange(1, len(loss) + 1), loss, color=PALETTE["blue"], lw=0.8, label="training batch")
    if history.get("val"):
        steps, val = zip(*history["val"])
        ax.plot(steps, val, "o-", color=PALETTE["vermillion"], label="validation")
    ax.set(xlabel="step", ylabel="cross-entropy (nats per character)")
    ax.legend()
    return ax


def plot_attention_cost(ax: Axes, Ns: Sequence[int], seconds: Sequence[float], flops: Sequence[float]) -> Axes:
    """Measured time of one attention against N (log-log), with the FLOP formula scaled to the last point."""
    Ns, seconds, flops = (np.asarray(v, dtype=float) for v in (Ns, seconds, flops))
    ax.loglog(Ns, seconds * 1e3, "o-", color=PALETTE["blue"], label="measured")
    ax.loglog(Ns, flops / flops[-1] * seconds[-1] * 1e3, "--", color=PALETTE["vermillion"], label="∝ N² (FLOPs)")
    ax.loglog(Ns, Ns / Ns[-1] * seconds[-1] * 1e3, ":", color=PALETTE["black"], label="∝ N")
    ax.set(xlabel="sequence length N", ylabel="time per attention (ms)")
    ax.legend()
    return ax


def plot_loss_curves(ax: Axes, losses: dict, title: str) -> Axes:
    """Training losses per step (log scale), one labelled line per model (blue, orange, green)."""
    for (name, loss), color in zip(losses.items(), [PALETTE["blue"], PALETTE["orange"], PALETTE["green"]]):
        ax.plot(loss, color=color, label=name)
    ax.set(yscale="log", xlabel="training step", ylabel="cross-entropy per character", title=title)
    ax.legend()
    return ax


def plot_cross_attention(ax: Axes, text: str, output: str, weights: np.ndarray) -> Axes:
    """Cross-attention weights (T_out, S) of a translation: a row per output character, a column
    per source character of ``text``."""
    ax.imshow(weights, cmap="Blues", vmin=0, aspect="auto")
    ax.set(xticks=range(len(text)), xticklabels=list(text), yticks=range(len(output)),
           yticklabels=list(output), title="cross-attention of the last decoder block (heads averaged)")
    ax.grid(False)
    return ax


def plot_copy_losses(ax: Axes, steps, first, second) -> Axes:
    """The induction task's loss on the first copy and on the second copy of [A, A] against the step."""
    ax.plot(steps, first, "o-", color=PALETTE["blue"], label="first copy (unpredictable)")
    ax.plot(steps, second, "o-", color=PALETTE["orange"], label="second copy")
    ax.set(xlabel="training step", ylabel="cross-entropy", title="loss on [A, A]")
    ax.legend(fontsize=8)
    return ax


def plot_head_maps(axes, maps: np.ndarray, heads: Sequence[tuple[int, int]]):
    """Attention maps ``maps (layers, heads, T, T)`` of the chosen (layer, head) pairs, one per axes,
    in [0, 1]; the first axes carries the "query" label."""
    for ax, (layer, head) in zip(axes, heads):
        ax.imshow(maps[layer, head], cmap="Blues", vmin=0, vmax=1)
        ax.set(title=f"layer {layer}, head {head}", xlabel="key", ylabel="query" if ax is axes[0] else None)
        ax.grid(False)
    return axes
