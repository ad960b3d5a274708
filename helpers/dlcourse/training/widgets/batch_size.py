"""training widgets, W4.2 batch size."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, title
from ..optimizers import _sgd_step
from .. import reference as ref

__all__ = ["batch_size_explorer", "BATCH_SIZES", "compute_batch_size_explorer", "render_batch_size_explorer",
           "BatchSizeExplorerState"]


# --------------------------------------------------------------------------- W4.2 batch size
_BS_N, _BS_EPOCHS = 200, 20
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, _BS_N)
_TRUE_WB = (1.5, -0.5)
_BS_START = (-1.0, 1.5)


@functools.cache
def _regression_data() -> tuple[np.ndarray, np.ndarray]:
    g = np.random.default_rng(0)
    x = g.uniform(-2, 2, _BS_N)
    return x, _TRUE_WB[0] * x + _TRUE_WB[1] + 0.5 * g.standard_normal(_BS_N)


def _full_loss(x: np.ndarray, y: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """J(w, b) = ½ mean((w x + b - y)²) for many (..., 2) points, via the data's moments."""
    w, b = wb[..., 0], wb[..., 1]
    mx, my, mxx, mxy, myy = x.mean(), y.mean(), (x * x).mean(), (x * y).mean(), (y * y).mean()
    return 0.5 * (w * w * mxx + b * b + myy + 2 * w * b * mx - 2 * w * mxy - 2 * b * my)


def _check_epoch(batches: list, N: int) -> None:
    seen = np.concatenate([np.asarray(b, dtype=int).ravel() for b in batches]) if batches else np.array([], int)
    counts = np.bincount(seen, minlength=N) if seen.size and seen.min() >= 0 else None
    if counts is None or len(counts) != N or not np.all(counts == 1):
        missing = [] if counts is None else np.flatnonzero(counts == 0)[:3].tolist()
        twice = [] if counts is None else np.flatnonzero(counts > 1)[:3].tolist()
        raise ValueError(f"one epoch of your mini-batches must hold every index 0..{N - 1} exactly once; "
                         f"missing e.g. {missing}, repeated e.g. {twice}")


def _run_batch_sizes(iterate: Callable, lr: float, seed: int = 0) -> dict:
    """Mini-batch GD on the regression for every batch size: paths, full loss per update/epoch."""
    x, y = _regression_data()
    out = {}
    for B in BATCH_SIZES:
        rng, wb, path, start = np.random.default_rng(seed), np.array(_BS_START), [np.array(_BS_START)], time.perf_counter()
        epoch_ends = []
        with np.errstate(all="ignore"):
            for _ in range(_BS_EPOCHS):
                batches = list(iterate(_BS_N, B, rng))
                _check_epoch(batches, _BS_N)
                for idx in batches:
                    r = wb[0] * x[idx] + wb[1] - y[idx]                              # (B,) residuals
                    wb = _sgd_step(wb, np.array([np.mean(r * x[idx]), np.mean(r)]), {}, lr)
                    path.append(wb)
                epoch_ends.append(len(path) - 1)
        path = np.array(path)                                                        # (updates + 1, 2)
        loss = _full_loss(x, y, path)
        out[B] = {"path": path, "loss": loss, "epoch_loss": loss[[0, *epoch_ends]],
                  "updates_per_epoch": epoch_ends[0], "ms_per_epoch": 1000 * (time.perf_counter() - start) / _BS_EPOCHS}
    return out


@functools.lru_cache(maxsize=4)
def _contour_wb() -> list[np.ndarray]:
    import contourpy

    x, y = _regression_data()
    w_grid, b_grid = np.meshgrid(np.linspace(-1.5, 3.0, 120), np.linspace(-2.0, 2.0, 120))
    Z = _full_loss(x, y, np.stack([w_grid, b_grid], axis=-1))
    gen = contourpy.contour_generator(w_grid, b_grid, Z)
    return [seg for level in Z.min() + np.geomspace(0.01, 6, 9) for seg in gen.lines(level) if len(seg) > 1]


@dataclass(frozen=True)
class BatchSizeExplorerState:
    """The state of :func:`batch_size_explorer`: what :func:`render_batch_size_explorer` draws."""

    batch_size: int
    lr: float
    runs: dict
    run: dict
    optimum: np.ndarray
    min_loss: float
    contours: list


def compute_batch_size_explorer(runs_for: Callable[[float], dict], batch_size: int,
                                lr: float) -> BatchSizeExplorerState:
    runs = runs_for(lr)
    x, y = _regression_data()
    best = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    return BatchSizeExplorerState(
        batch_size=batch_size, lr=lr, runs=runs, run=runs[batch_size], optimum=best,
        min_loss=float(_full_loss(x, y, best)), contours=_contour_wb())


def _layout_batch_size_explorer(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 3, width_ratios=[1.1, 1, 1], left=0.05, right=0.98, bottom=0.14, top=0.84, wspace=0.28)
    ax_p, ax_e, ax_u = (fig.add_subplot(gs[0, k]) for k in range(3))
    ax_p.set(xlim=(-1.5, 3.0), ylim=(-2.0, 2.0), xlabel="w (slope)", ylabel="b (intercept)")
    ax_p.grid(False)
    ax_e.set(yscale="log", xlabel="epoch", ylabel="J − J*  (full data)", xlim=(0, _BS_EPOCHS), ylim=(1e-6, 10),
             xticks=[0, 5, 10, 15, 20])
    ax_u.set(xscale="log", yscale="log", xlabel="updates (log)", xlim=(0.8, _BS_N * _BS_EPOCHS * 1.3),
             ylim=(1e-6, 10))
    for a in (ax_e, ax_u):
        a.set_yticks([1e-6, 1e-4, 1e-2, 1], ["10⁻⁶", "10⁻⁴", "0.01", "1"])
        a.minorticks_off()
    ax_u.set_xticks([1, 10, 100, 1000], ["1", "10", "100", "1000"])
    freeze_static(fig, [ax_p.xaxis, ax_p.yaxis, ax_e.xaxis, ax_e.yaxis, ax_u.xaxis, ax_u.yaxis])


def render_batch_size_explorer(state: BatchSizeExplorerState, fig: Figure) -> None:
    from matplotlib.collections import LineCollection

    ax_p, ax_e, ax_u = fig.axes
    B, run, floor = state.batch_size, state.run, 1e-6
    ax_p.add_collection(LineCollection(state.contours, colors="0.7", linewidths=0.8))
    full = state.runs[_BS_N]["path"]
    ax_p.plot(full[:, 0], full[:, 1], color="0.35", lw=1.2, ls="--")
    ax_p.plot(run["path"][:, 0], run["path"][:, 1], color=PALETTE["vermillion"], lw=0.9, alpha=0.9)
    ax_p.plot(*state.optimum, marker="*", ms=14, color=PALETTE["yellow"], mec="k", ls="", zorder=4)
    ax_p.plot(*_BS_START, marker="o", ms=7, color="w", mec="k", ls="", zorder=4)
    for b, r in state.runs.items():
        if b != B:
            ax_e.plot(np.arange(_BS_EPOCHS + 1), np.maximum(r["epoch_loss"] - state.min_loss, floor),
                      color="0.75", lw=0.8)
    ax_e.plot(np.arange(_BS_EPOCHS + 1), np.maximum(run["epoch_loss"] - state.min_loss, floor),
              color=PALETTE["vermillion"], lw=2)
    full_loss = state.runs[_BS_N]["loss"]
    ax_u.plot(np.arange(1, len(full_loss) + 1), np.maximum(full_loss - state.min_loss, floor),
              color="0.35", lw=1.2, ls="--")
    ax_u.plot(np.arange(1, len(run["loss"]) + 1), np.maximum(run["loss"] - state.min_loss, floor),
              color=PALETTE["vermillion"], lw=1.2)
    kind = "batch GD" if B == _BS_N else ("SGD" if B == 1 else "mini-batch")
    title(ax_p, f"B = {B} ({kind}): path of (w, b)\ndashed: batch GD (B = {_BS_N})")
    title(ax_e, f"{run['updates_per_epoch']} updates per epoch\n(grey: the other batch sizes)")
    title(ax_u, f"{run['updates_per_epoch'] * _BS_EPOCHS} updates in {_BS_EPOCHS} epochs\n"
                 f"{run['ms_per_epoch']:.2f} ms per epoch here (η = {state.lr:.3g})")


def batch_size_explorer(iterate_minibatches: Callable | None = None) -> Explorer:
    """W4.2: mini-batch gradient descent on a noisy linear regression y = 1.5 x - 0.5 + noise
    (N = 200), 20 epochs, for batch sizes 1 (SGD) ... 200 (batch GD). Shows the path of
    (w, b) over the loss contours, the full-data loss per epoch and per update.

    ``iterate_minibatches(N, batch_size, rng, shuffle=True)`` (yours; default the reference)
    yields one epoch of index arrays; it is checked to cover every index exactly once.
    All batch sizes are run when the widget is built and again when η is released.
    """
    iterate = iterate_minibatches or ref.iterate_minibatches
    runs_for = functools.lru_cache(maxsize=8)(lambda lr: _run_batch_sizes(iterate, lr))
    controls = {"batch_size": ipw.SelectionSlider(options=BATCH_SIZES, value=8, description="batch size B"),
                "lr": ipw.FloatLogSlider(0.05, base=10, min=-3, max=-0.5, step=0.25, description="η",
                                       readout_format=".3g", continuous_update=False)}
    return Explorer(controls, functools.partial(compute_batch_size_explorer, runs_for), render_batch_size_explorer,
                    layout=_layout_batch_size_explorer, figsize=(12, 4.2))
