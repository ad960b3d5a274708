"""Week 09 widgets of notebook 3: attention's cost against the sequence length (measured live on a
button) and the ViT tokeniser on a digit.

The cost widget's controls only select and redraw: the formulas are evaluated at once, and the
timings come from the "Measure" button, which runs attention for every N of the grid on this
machine (about a second) and keeps the result per (d_model, heads) setting.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, note, pinned_legend, title
from .. import reference as ref

__all__ = ["cost_explorer", "patch_explorer"]

NS = (64, 128, 256, 512, 1024, 2048)            # the sequence lengths the cost widget measures

# Families of efficient attention, named in the widget and in notebook 3 (examples, not an exhaustive list).
EFFICIENT_FAMILIES = (
    ("local / sparse", "each token attends to a window or a fixed pattern (Longformer, BigBird): O(N w)"),
    ("low-rank", "keys and values projected to k << N rows (Linformer): O(N k)"),
    ("kernel", "softmax replaced by a feature map, (Q' K'^T) V = Q' (K'^T V) (Performer): O(N)"),
    ("IO-aware exact", "the same attention in tiles that never store N x N (FlashAttention): O(N) memory"),
)


def _reference_cost(N: int, d: int, n_heads: int, bytes_per_value: int = 4) -> tuple[int, int]:
    return ref.attention_cost(N, d, n_heads, bytes_per_value)


def measure_attention(N: int, d: int, n_heads: int, repeats: int = 3) -> tuple[float, int]:
    """Seconds (best of ``repeats``) of one explicit attention softmax(Q K^T / sqrt(hs)) V over N tokens
    (batch 1, ``n_heads`` heads of size d / n_heads, float32), and the bytes of the weight tensor it built."""
    import torch

    g = torch.Generator().manual_seed(N)
    q, k, v = (torch.randn(1, n_heads, N, d // n_heads, generator=g) for _ in range(3))
    best, nbytes = float("inf"), 0
    with torch.no_grad():
        for _ in range(repeats):
            start = time.perf_counter()
            w = torch.softmax(q @ k.transpose(-2, -1) / (d // n_heads) ** 0.5, dim=-1)   # (1, nh, N, N)
            _ = w @ v
            best = min(best, time.perf_counter() - start)
            nbytes = w.numel() * w.element_size()
            del w
    return best, nbytes


@dataclass(frozen=True)
class CostState:
    Ns: tuple[int, ...]
    d: int
    n_heads: int
    flops: np.ndarray           # (len(Ns),) by the formula
    memory: np.ndarray          # (len(Ns),) bytes of the weights, by the formula
    seconds: np.ndarray | None  # (len(Ns),) measured, or None before "Measure"
    measured_bytes: np.ndarray | None
    measure_seconds: float      # how long the last measurement took (0 before)


def compute_attention_cost(cost_fn: Callable, measured: dict, d: int, n_heads: int) -> CostState:
    """Formulas for every N of :data:`NS`, and the stored measurement of this (d, n_heads), if any."""
    pairs = [cost_fn(N, d, n_heads) for N in NS]
    run = measured.get((d, n_heads))
    return CostState(NS, int(d), int(n_heads), np.array([p[0] for p in pairs], dtype=float),
                     np.array([p[1] for p in pairs], dtype=float),
                     None if run is None else run[0], None if run is None else run[1],
                     0.0 if run is None else run[2])


def _layout_cost(fig: Figure) -> None:
    from matplotlib.lines import Line2D

    ax_t, ax_m = fig.subplots(1, 2, gridspec_kw={"wspace": 0.38, "left": 0.09, "right": 0.97, "top": 0.84,
                                                  "bottom": 0.16})
    for ax in (ax_t, ax_m):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(list(NS), [str(n) for n in NS])
        ax.minorticks_off()
        ax.set_xlim(NS[0] / 1.3, NS[-1] * 1.3)
        ax.set_xlabel("sequence length N")
    ax_t.set_ylabel("seconds per attention")
    ax_m.set_ylabel("bytes of the N x N weights")
    ax_t.set_ylim(1e-6, 10)
    ax_m.set_ylim(1e3, 1e10)
    pinned_legend(ax_t, [Line2D([], [], marker="o", color=PALETTE["blue"], label="measured"),
                         Line2D([], [], ls="--", color=PALETTE["orange"], label="FLOPs 4 N² d, scaled")],
                  loc="upper left")
    pinned_legend(ax_m, [Line2D([], [], marker="o", ls="", color=PALETTE["blue"], label="tensor built"),
                         Line2D([], [], color=PALETTE["vermillion"], label="formula")], loc="upper left")
    freeze_static(fig, [a for ax in (ax_t, ax_m) for a in (ax.xaxis, ax.yaxis)])


def render_attention_cost(state: CostState, fig: Figure) -> None:
    ax_t, ax_m = fig.axes
    Ns = np.array(state.Ns, dtype=float)
    if state.seconds is None:
        note(ax_t, "press “Measure” to time attention on this machine", x=0.05, y=0.5, va="center")
        title(ax_t, f"d = {state.d}, {state.n_heads} heads: not measured yet", size=10)
    else:
        ax_t.plot(Ns, state.seconds, "o-", color=PALETTE["blue"])
        c = state.seconds[-1] / state.flops[-1]                         # seconds per FLOP at the largest N
        ax_t.plot(Ns, c * state.flops, "--", color=PALETTE["orange"])
        ratio = state.seconds[-1] / state.seconds[-2]
        title(ax_t, f"d = {state.d}: N ×2 → time ×{ratio:.1f} (measured in {state.measure_seconds:.1f} s)", size=10)
        ax_m.plot(Ns, state.measured_bytes, "o", color=PALETTE["blue"], ms=7)
    ax_m.plot(Ns, state.memory, "-", color=PALETTE["vermillion"])
    title(ax_m, f"{state.n_heads} heads at N = {state.Ns[-1]}: {state.memory[-1] / 2**20:.0f} MiB per layer", size=10)


def cost_explorer(cost_fn: Callable | None = None) -> Explorer:
    """Attention's FLOPs and weight memory against N by ``cost_fn(N, d, n_heads) -> (flops, bytes)`` (default
    the reference formulas), and its time measured on this machine by the "Measure" button."""
    measured: dict = {}
    controls = {"d": widgets.SelectionSlider(options=[32, 64, 128, 256], value=64, description="d_model"),
                "n_heads": widgets.SelectionSlider(options=[1, 2, 4, 8], value=4, description="heads")}

    def measure(ex: Explorer) -> None:
        d, nh = ex.controls["d"].value, ex.controls["n_heads"].value
        start = time.perf_counter()
        runs = [measure_attention(N, d, nh) for N in NS]
        measured[(d, nh)] = (np.array([r[0] for r in runs]), np.array([r[1] for r in runs], dtype=float),
                             time.perf_counter() - start)
        ex.update()

    return Explorer(controls, functools.partial(compute_attention_cost, cost_fn or _reference_cost, measured),
                    render_attention_cost, layout=_layout_cost, figsize=(9, 3.4), buttons={"Measure": measure})


# --------------------------------------------------------------------------- ViT patches of a digit
@dataclass(frozen=True)
class PatchState:
    image: np.ndarray           # (H, W) the digit
    patch: int                  # p
    tokens: np.ndarray          # (n, p * p) one row per patch, in reading order
    n_tokens: int               # n = (H / p)(W / p), the class token not counted


def compute_patches(patchify: Callable, image: np.ndarray, patch: int) -> PatchState:
    """Cut one (H, W) image into p x p patches with ``patchify(imgs (N, C, H, W), p) -> (N, n, C p p)``."""
    import torch

    tokens = patchify(torch.as_tensor(image, dtype=torch.float32)[None, None], patch)[0]
    tokens = tokens.detach().numpy() if hasattr(tokens, "detach") else np.asarray(tokens)
    return PatchState(np.asarray(image), int(patch), tokens, int(tokens.shape[0]))


def _layout_patches(fig: Figure) -> None:
    ax_img = fig.add_axes((0.03, 0.06, 0.36, 0.8))
    ax_tok = fig.add_axes((0.47, 0.06, 0.5, 0.8))
    for ax in (ax_img, ax_tok):
        ax.grid(False)
        ax.set(xticks=[], yticks=[], xlim=(0, 1), ylim=(1, 0))
    freeze_static(fig, [])


def render_patches(state: PatchState, fig: Figure) -> None:
    ax_img, ax_tok = fig.axes
    H, W = state.image.shape
    p = state.patch
    ax_img.imshow(state.image, cmap="gray_r", vmin=0, vmax=1, extent=(0, 1, 1, 0), interpolation="nearest")
    grid = np.arange(0, H + 1, p) / H
    ax_img.hlines(grid, 0, 1, color=PALETTE["vermillion"], lw=1.5)
    ax_img.vlines(grid, 0, 1, color=PALETTE["vermillion"], lw=1.5)
    n, v = state.tokens.shape
    if n <= 16:                                                         # number the patches in reading order
        for k in range(n):
            i, j = divmod(k, W // p)
            ax_img.text((j + 0.5) * p / W, (i + 0.5) * p / H, str(k + 1), ha="center", va="center", size=9,
                        color=PALETTE["blue"], weight="bold")
    ax_tok.imshow(state.tokens, cmap="gray_r", vmin=0, vmax=1, aspect="auto", interpolation="nearest",
                  extent=(0, 1, 1, 0))
    title(ax_img, f"p = {p}: {n} patches + 1 class token", size=10)
    title(ax_tok, f"the sequence: {n} rows (tokens 1..{n}) of {v} values", size=10)


def patch_explorer(patchify: Callable | None = None, digit: int = 0) -> Explorer:
    """An 8 x 8 digit cut into p x p patches by ``patchify`` (default the reference), and the token sequence."""
    from sklearn.datasets import load_digits

    data = load_digits()
    image = data.images[int(np.flatnonzero(data.target == digit)[0])] / 16.0
    controls = {"patch": widgets.SelectionSlider(options=[1, 2, 4, 8], value=2, description="patch size p")}
    return Explorer(controls, functools.partial(compute_patches, patchify or ref.patchify, image), render_patches,
                    layout=_layout_patches, figsize=(8, 3.4))
