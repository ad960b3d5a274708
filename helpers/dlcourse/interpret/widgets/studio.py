"""Notebook 2's activation-maximisation studio (W8.3).

The ascent (150 steps) runs only on the "Run" button, which reports its time; the controls
just select among the runs already made.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import reference as ref
from ..models import trained_digit_cnn
from ..synthesis import class_unit
from ._common import _as_np

__all__ = ["am_studio"]


# --------------------------------------------------------------------------- W8.3 activation-maximisation studio
_AM_STEPS, _AM_LR, _AM_EVERY = 150, 0.5, 10


@dataclass(frozen=True)
class StudioState:
    params: tuple              # (class, l2, blur_sigma, clip_pct)
    image: np.ndarray | None   # (16, 16) the synthesised input, None if not run yet
    history: tuple             # the objective per step
    score: float               # S_c of the result
    seconds: float             # wall time of the run


def compute_studio(results: dict, c: int, l2: float, blur_sigma: float, clip_pct: float) -> StudioState:
    """Select the stored run for these settings (the "Run" button computes it)."""
    key = (int(c), float(l2), float(blur_sigma), float(clip_pct))
    if key not in results:
        return StudioState(key, None, (), float("nan"), 0.0)
    image, history, score, seconds = results[key]
    return StudioState(key, image, history, score, seconds)


def run_studio(activation_maximization: Callable, model, key: tuple) -> tuple:
    """One ascent of 150 steps (lr 0.5; blur and clip every 10 steps) on the class score ``S_c``."""
    c, l2, blur_sigma, clip_pct = key
    start = time.perf_counter()
    x, history = activation_maximization(class_unit(model, c), (1, 1, 16, 16), steps=_AM_STEPS, lr=_AM_LR, l2=l2,
                                         every=_AM_EVERY, blur_sigma=blur_sigma, clip_pct=clip_pct)
    with torch.no_grad():
        score = float(class_unit(model, c)(torch.as_tensor(x)))
    return _as_np(x)[0, 0], tuple(float(h) for h in history), score, time.perf_counter() - start


def _layout_studio(fig: Figure) -> None:
    ax_img, ax_hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.16, top=0.88, wspace=0.25)
    ax_img.set(xticks=[], yticks=[])
    ax_img.grid(False)
    ax_hist.set(xlabel="ascent step", ylabel="objective S_c(x) - lambda ||x||^2")


def render_studio(state: StudioState, fig: Figure) -> None:
    ax_img, ax_hist = fig.axes
    c, l2, blur, clip = state.params
    if state.image is None:
        ax_img.set_title(f"class {c}: not run yet — press Run", fontsize=10)
        ax_hist.set_title("", fontsize=10)
        return
    m = max(float(np.abs(state.image).max()), 1e-9)
    ax_img.imshow(state.image, cmap="gray", vmin=-m, vmax=m, interpolation="nearest")
    ax_img.set_title(f"class {c}: S_c = {state.score:.0f}, max|x| = {m:.1f}", fontsize=10)
    ax_hist.plot(np.arange(len(state.history)), state.history, color=PALETTE["blue"])
    ax_hist.relim()
    ax_hist.autoscale_view()
    ax_hist.set_title(f"lambda {l2}, blur {blur}, clip {clip:.0f} %: {state.seconds:.2f} s for {_AM_STEPS} steps",
                      fontsize=10)


def am_studio(activation_maximization: Callable | None = None) -> Explorer:
    """W8.3: synthesise the input that maximises a class score of the digit CNN with your
    ``activation_maximization``. Choose the settings, then press "Run" (150 ascent steps,
    lr 0.5, blur and clip every 10 steps; the time is shown). Runs are kept: going back to
    settings already run shows them at once."""
    activation_maximization = activation_maximization or ref.activation_maximization
    model = trained_digit_cnn().model
    results: dict = {}
    controls = {"c": widgets.Dropdown(options=list(range(10)), value=7, description="class"),
                "l2": widgets.Dropdown(options=[0.0, 0.01, 0.05, 0.2], value=0.05, description="lambda (L2)"),
                "blur_sigma": widgets.Dropdown(options=[0.0, 0.3, 0.6, 1.0], value=0.6, description="blur sigma"),
                "clip_pct": widgets.Dropdown(options=[0.0, 15.0, 30.0, 50.0], value=30.0, description="clip %")}

    def run(explorer: Explorer) -> None:
        key = compute_studio(results, **explorer.params()).params
        results[key] = run_studio(activation_maximization, model, key)
        explorer.update()

    explorer = Explorer(controls, lambda **p: compute_studio(results, **p), render_studio, layout=_layout_studio,
                        figsize=(8, 3.2), buttons={"Run": run},
                        title="<b>Activation maximisation</b>: gradient ascent on a class score")
    run(explorer)                                                        # the default settings, once
    return explorer
