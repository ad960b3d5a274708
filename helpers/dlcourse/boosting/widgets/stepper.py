"""boosting widgets, W1.1 AdaBoost stepper."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from ...data import adaboost_toy
from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, title
from .. import plots
from ..staged import precompute_adaboost, stump_geometry
from .. import reference as ref
from ._common import _sub

__all__ = ["adaboost_stepper", "compute_adaboost_stepper", "render_adaboost_stepper", "SLIDE_ALPHA3",
           "AdaboostStepperState"]

_TABLE_ROUNDS, _TABLE_SAMPLES = 10, 12   # the D_t table lists at most this many rounds / samples
_NUMBERED = 20                           # the stepper numbers the points of sets up to this size
SLIDE_ALPHA3 = 0.7378  # the slide's (wrong) alpha_3; the correct value is 1/2 ln(19/3) = 0.9229


# --------------------------------------------------------------------------- W1.1 AdaBoost stepper
@dataclass(frozen=True)
class AdaboostStepperState:
    """The state of :func:`adaboost_stepper`: what :func:`render_adaboost_stepper` draws."""

    t: int
    typo: bool
    alphas: np.ndarray
    alpha_t: float
    eps_t: float
    D: np.ndarray
    D_history: np.ndarray
    wrong: np.ndarray
    stump: Any
    X: np.ndarray
    y: np.ndarray
    train_pred: np.ndarray
    train_error: float
    grid_scores: np.ndarray
    extent: tuple
    grid_flipped: float


def compute_adaboost_stepper(run: dict, extent: tuple, t: int, use_typo: bool) -> AdaboostStepperState:
    """State after round t (1-based); ``use_typo`` replaces alpha_3 by the slide's 0.7378."""
    alphas = run["alphas"][:t].copy()                                           # (t,)
    typo = bool(use_typo and t >= 3)
    if typo:
        alphas[2] = SLIDE_ALPHA3
    score, grid_score = alphas @ run["h_train"][:t], alphas @ run["h_grid"][:t]  # (N,), (G,)
    true_grid = run["alphas"][:t] @ run["h_grid"][:t]                           # (G,)
    y_hat = np.where(score >= 0, 1, -1)
    return AdaboostStepperState(
        t=t, typo=typo, alphas=alphas, alpha_t=float(alphas[-1]),
        eps_t=float(run["errors"][t - 1]), D=run["weights"][t - 1],
        D_history=run["weights"][:t], wrong=run["h_train"][:t] != run["y"],
        stump=stump_geometry(run["learners"][t - 1], run["X"]), X=run["X"], y=run["y"],
        train_pred=y_hat, train_error=float(np.mean(y_hat != run["y"])),
        grid_scores=grid_score, extent=extent,
        grid_flipped=float(np.mean((grid_score >= 0) != (true_grid >= 0))))


def _layout_adaboost_stepper(fig: Figure, X: np.ndarray, extent: tuple[float, float, float, float]) -> None:
    """Points with the current stump | the ensemble's regions | the D_t table (an axes of its own)."""
    gs = fig.add_gridspec(1, 2, left=0.035, right=0.65, bottom=0.07, top=0.84, wspace=0.1)
    ax_pts, ax_reg = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    fig.add_axes((0.67, 0.07, 0.32, 0.77)).set_axis_off()
    x0, x1, y0, y1 = extent
    ax_pts.set(xlim=(x0, x1), ylim=(y0, y1))
    ax_pts.locator_params(nbins=3)        # every tick label costs ~0.5 ms to draw
    if len(X) <= _NUMBERED:               # sample numbers 5 and 4 points up-right of each (fixed) point
        shift = ax_pts.transData + ScaledTranslation(5 / 72, 4 / 72, fig.dpi_scale_trans)
        for i, (a, b) in enumerate(X):
            fig.text(a, b, str(i + 1), fontsize=8, transform=shift, zorder=4)
    ax_reg.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[])
    ax_reg.grid(False)
    plots.pinned_legend(ax_reg, plots.class_handles(), loc="upper right", handletextpad=0.2, borderaxespad=0.2)
    freeze_static(fig, [ax_pts.xaxis, ax_pts.yaxis, ax_reg.xaxis, ax_reg.yaxis])


def render_adaboost_stepper(state: AdaboostStepperState, fig: Figure) -> None:
    ax_pts, ax_reg, ax_tab = fig.axes
    t, (x0, x1, y0, y1), X, y = state.t, state.extent, state.X, state.y
    small = len(y) <= _NUMBERED                           # the toy set: big markers (numbered in the layout)
    plots.plot_weighted_points(ax_pts, X, y, state.D, base_area=90 if small else 20)
    if state.stump is not None:
        plots.plot_stump(ax_pts, state.stump, (x0, x1), (y0, y1))
    ax_pts.set_title(f"h{_sub(t)} trained on D{_sub(t)} (area ∝ D{_sub(t)}(i))\n"
                     f"ε{_sub(t)} = {state.eps_t:.4f},  α{_sub(t)} = {state.alpha_t:.4f}"
                     + (" (the slide's typo)" if state.typo and t == 3 else ""), y=1.0)
    plots.plot_decision_regions(ax_reg, state.grid_scores, state.extent, vmax=state.alphas.sum())
    plots.plot_weighted_points(ax_reg, X, y, base_area=30)
    wrong = int(np.sum(state.train_pred != y))
    title = f"H{_sub(t)} = sign(Σ αₛhₛ), s ≤ {t}: training error {wrong}/{len(y)}"
    if state.typo:
        title += (f"\nwith the slide's α₃ = {SLIDE_ALPHA3}: {100 * state.grid_flipped:.1f}% "
                  f"of the plane flips")
    ax_reg.set_title(title, color=PALETTE["vermillion"] if state.typo else "k", y=1.0)
    first = max(1, t - _TABLE_ROUNDS + 1)                 # the last <= 10 rounds ...
    D = state.D_history[first - 1:]
    shown = None if len(y) <= _TABLE_SAMPLES else np.sort(np.argsort(-D[-1])[:_TABLE_SAMPLES])
    cells, labels, marked = plots.weights_table_cells(D, state.wrong[first - 1:], samples=shown,
                                                      first_round=first)
    plots.plot_text_table(ax_tab, cells, labels, highlight=marked, fontsize=9 if len(labels) <= 7 else 8)
    heading = "Dₜ(i); shaded: hₜ got sample i wrong"
    if shown is not None:                                 # ... of the <= 12 heaviest samples
        heading += f"\n(the {_TABLE_SAMPLES} heaviest of {len(y)} samples)"
    ax_tab.set_title(heading, fontsize=11, y=1.0)


def adaboost_stepper(X: np.ndarray | None = None, y: np.ndarray | None = None,
                     fit_stump: Callable | None = None, n_rounds: int = 10) -> Explorer:
    """W1.1: step through AdaBoost rounds on the lecture's toy set (or X (N, 2), y) with your ``fit_stump``.

    ``fit_stump(X, y, w) -> model`` with ``.predict(X)`` in {-1, +1} (and, to draw the split,
    ``feature``/``threshold``/``polarity``); default: the reference weighted stump.
    """
    if X is None or y is None:
        X, y = adaboost_toy()
    y = np.where(np.asarray(y) > 0, 1, -1)                # {0, 1} labels work too
    grid, extent = plots.make_grid(X, n=80, pad=1.0)                           # (G, 2)
    # fitted on the first update, so a broken fit_stump is reported under the figure
    run = functools.cache(lambda: precompute_adaboost(X, y, fit_stump or ref.fit_stump, n_rounds, grid))
    controls = {"t": ipw.IntSlider(1, min=1, max=n_rounds, description="round t"),
                "use_typo": ipw.Checkbox(False, description="use the slide's α₃ = 0.74 typo")}
    step = lambda ex: setattr(ex.controls["t"], "value", min(ex.controls["t"].value + 1, n_rounds))
    return Explorer(controls, lambda **p: compute_adaboost_stepper(run(), extent, **p), render_adaboost_stepper,
                    layout=functools.partial(_layout_adaboost_stepper, X=X, extent=extent), figsize=(14, 4.6),
                    buttons={"Next round": step, "Reset": lambda ex: setattr(ex.controls["t"], "value", 1)})
