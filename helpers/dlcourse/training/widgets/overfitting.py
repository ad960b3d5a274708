"""training widgets, W4.5 over-fitting lab."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ...plotting import PALETTE, make_grid, plot_points, plot_probability_map
from ...widgetkit import Explorer, freeze_static, title
from .. import plots
from .. import reference as ref

__all__ = ["overfitting_lab", "OF_WIDTHS", "OF_LAMBDAS", "OF_KEEP", "compute_overfitting_lab",
           "render_overfitting_lab", "OverfittingLabState"]


# --------------------------------------------------------------------------- W4.5 over-fitting lab
_OF_EPOCHS, _OF_GRID = 300, 60
OF_WIDTHS = (4, 16, 64, 128)
OF_LAMBDAS = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)
OF_KEEP = (1.0, 0.9, 0.8, 0.5)


@functools.cache
def _moons_split() -> dict:
    from ...data import two_moons

    X, y = two_moons(100, 0.3, rng=0)
    X_val, y_val = two_moons(400, 0.3, rng=1)
    grid, extent = make_grid(np.vstack([X, X_val]), n=_OF_GRID, pad=0.4)
    return {"X": X, "y": y, "X_val": X_val, "y_val": y_val, "grid": grid, "extent": extent}


@functools.lru_cache(maxsize=64)
def _fit_lab(width: int, depth: int, penalty: str, lam: float, keep_prob: float) -> dict:
    from ..overfit import fit_regularised_mlp

    d = _moons_split()
    return fit_regularised_mlp(d["X"], d["y"], d["X_val"], d["y_val"], hidden=(width,) * depth,
                               penalty=penalty.lower(), lam=lam, keep_prob=keep_prob, epochs=_OF_EPOCHS)


@functools.lru_cache(maxsize=256)
def _lab_map(width: int, depth: int, penalty: str, lam: float, keep_prob: float, epoch: int) -> np.ndarray:
    """P(class 1) on the lab's grid with the weights of ``epoch`` (1-based)."""
    from ..overfit import proba_at

    return proba_at(_fit_lab(width, depth, penalty, lam, keep_prob), epoch, _moons_split()["grid"])


@dataclass(frozen=True)
class OverfittingLabState:
    """The state of :func:`overfitting_lab`: what :func:`render_overfitting_lab` draws."""

    X: np.ndarray
    y: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    grid: np.ndarray
    extent: tuple
    fit: dict
    width: int
    depth: int
    penalty: str
    lam: float
    keep_prob: float
    patience: int
    stop_epoch: int | None
    best_epoch: int | None
    shown_epoch: int
    grid_proba: np.ndarray
    val_acc: float
    train_acc: float


def compute_overfitting_lab(early_stopping: type, width: int, depth: int, penalty: str, lam: float,
                            keep_prob: float, patience: int) -> OverfittingLabState:
    """The recorded run of this model (trained on first use, then cached) and early stopping
    replayed on its validation curve: stop epoch, restored (best) epoch - epochs from 1."""
    fit = _fit_lab(width, depth, penalty, lam, keep_prob)
    stop = best = None
    if patience > 0:
        es = early_stopping(patience=patience, min_delta=0.001)
        for e, v in enumerate(fit["val_loss"], start=1):
            if es.step(float(v)):
                stop = e
                break
        best = int(es.best_epoch) + 1
    shown = best if stop is not None else _OF_EPOCHS
    d = _moons_split()
    return OverfittingLabState(
        X=d["X"], y=d["y"], X_val=d["X_val"], y_val=d["y_val"], grid=d["grid"],
        extent=d["extent"], fit=fit, width=width, depth=depth, penalty=penalty, lam=lam,
        keep_prob=keep_prob, patience=patience, stop_epoch=stop, best_epoch=best,
        shown_epoch=shown, grid_proba=_lab_map(width, depth, penalty, lam, keep_prob, shown),
        val_acc=float(fit["val_acc"][shown - 1]), train_acc=float(fit["train_acc"][shown - 1]))


def _layout_overfitting_lab(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.3, 1], left=0.06, right=0.98, bottom=0.22, top=0.85, wspace=0.15)
    ax, ax_b = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(xlabel="epoch", ylabel="BCE (drawn at most 1)", xlim=(0, _OF_EPOCHS), ylim=(0, 1.02),
           xticks=[0, 100, 200, 300])
    ax_b.set(xticks=[], yticks=[])
    ax_b.grid(False)
    fig.legend(handles=[Line2D([], [], color=PALETTE["blue"], lw=2, label="train"),
                        Line2D([], [], color=PALETTE["orange"], lw=2, label="validation"),
                        Line2D([], [], color=PALETTE["vermillion"], ls="--", lw=1.3, label="early stop"),
                        Line2D([], [], color=PALETTE["vermillion"], marker="o", mec="k", ls="", label="best (restored)")],
               loc="lower left", bbox_to_anchor=(0.05, 0.0), fontsize=9, frameon=False, ncol=4)
    freeze_static(fig, [ax.xaxis, ax.yaxis])


def render_overfitting_lab(state: OverfittingLabState, fig: Figure) -> None:
    ax, ax_b = fig.axes
    fit = state.fit
    plots.plot_train_val(ax, np.minimum(fit["train_loss"], 1.0), np.minimum(fit["val_loss"], 1.0),
                         best_epoch=state.best_epoch if state.stop_epoch else None,
                         stop_epoch=state.stop_epoch)
    ext = state.extent
    plot_probability_map(ax_b, state.grid_proba, ext)
    plot_points(ax_b, state.X, state.y, size=16)
    ax_b.set(xlim=ext[:2], ylim=ext[2:])
    reg = f"{state.penalty} λ = {state.lam:g}" if state.lam else "no penalty"
    title(ax, f"2 → {' → '.join([str(state.width)] * state.depth)} → 1 ({fit['n_params']} parameters), "
               f"{reg}, keep_prob = {state.keep_prob:g}\ntrained {_OF_EPOCHS} epochs in {fit['seconds']:.2f} s; "
               f"best validation BCE {fit['val_loss'].min():.3f} at epoch {int(fit['val_loss'].argmin()) + 1}")
    if state.stop_epoch:
        what = f"stopped at epoch {state.stop_epoch}, restored epoch {state.best_epoch}"
    elif state.patience:
        what = f"patience {state.patience}: never stopped; epoch {_OF_EPOCHS}"
    else:
        what = f"no early stopping: epoch {_OF_EPOCHS}"
    title(ax_b, f"{what}\ntrain acc {state.train_acc:.0%}, validation acc {state.val_acc:.0%}")


def overfitting_lab(early_stopping: type | None = None) -> Explorer:
    """W4.5: a ReLU MLP on 100 noisy two-moons points (validation: 400 more), full-batch Adam
    for 300 epochs, with an L2 or L1 penalty and dropout; train/validation BCE curves and the
    decision map. Early stopping (min_delta 0.001; patience 0 = off) is replayed on the
    recorded validation curve, so the patience slider is instant; the map shows the restored
    (best) epoch. Model controls update on release: a new setting trains (0.2-2 s, reported).

    ``early_stopping`` : your class with ``__init__(patience, min_delta)``, ``.step(val_loss) ->
    bool`` (True = stop) and ``.best_epoch`` (0-based); default the reference.
    """
    early_stopping = early_stopping or ref.EarlyStopping
    on_release = {"continuous_update": False}
    controls = {"width": ipw.SelectionSlider(options=OF_WIDTHS, value=64, description="width", **on_release),
                "depth": ipw.IntSlider(2, min=1, max=3, description="hidden layers", **on_release),
                "penalty": ipw.Dropdown(options=["L2", "L1"], value="L2", description="penalty"),
                "lam": ipw.SelectionSlider(options=OF_LAMBDAS, value=0.0, description="λ", **on_release),
                "keep_prob": ipw.SelectionSlider(options=OF_KEEP, value=1.0, description="keep_prob", **on_release),
                "patience": ipw.IntSlider(0, min=0, max=50, description="patience (0 = off)")}
    return Explorer(controls, functools.partial(compute_overfitting_lab, early_stopping), render_overfitting_lab,
                    layout=_layout_overfitting_lab, figsize=(11, 4.6))
