"""training widgets, W4.3 schedules."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, title
from .. import plots
from ..schedules import _slide_keras_scheduler, keras_lr_sequence
from .. import reference as ref

__all__ = ["schedule_plotter", "compute_schedule_plotter", "render_schedule_plotter", "REFERENCE_SCHEDULES",
           "SchedulePlotterState"]


# --------------------------------------------------------------------------- W4.3 schedules
_SCHED_EPOCHS = 40
REFERENCE_SCHEDULES: dict[str, Callable] = {
    "time-based η₀/(1+kt)": ref.time_decay,
    "step η₀·e^(−10k)^⌊t/10⌋": lambda eta0, k, t: ref.step_decay(eta0, np.exp(-10 * k), 10, t),
    "exponential η₀e^(−kt)": ref.exp_decay,
}


@dataclass(frozen=True)
class SchedulePlotterState:
    """The state of :func:`schedule_plotter`: what :func:`render_schedule_plotter` draws."""

    t: np.ndarray
    curves: dict
    schedule: str
    eta0: float
    k: float
    slide: bool
    keras: np.ndarray
    exp_14: float
    keras_14: float


def compute_schedule_plotter(schedules: Mapping[str, Callable], schedule: str, eta0: float, k: float,
                             slide: bool) -> SchedulePlotterState:
    """Every schedule's rate at epochs 0..40, and the slide's compounding Keras scheduler with
    the same k (it waits 10 epochs, then multiplies the rate by e^{-k·epoch} every epoch)."""
    t = np.arange(_SCHED_EPOCHS + 1)
    curves = {}
    for name, f in schedules.items():
        lr = np.broadcast_to(np.asarray(f(eta0, k, t), dtype=float), t.shape)
        curves[name] = lr
    keras = keras_lr_sequence(functools.partial(_slide_keras_scheduler, k=k), eta0, len(t))
    return SchedulePlotterState(
        t=t, curves=curves, schedule=schedule, eta0=eta0, k=k, slide=slide,
        keras=keras, exp_14=float(eta0 * np.exp(-k * 14)), keras_14=float(keras[14]))


def _layout_schedule_plotter(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, left=0.07, right=0.98, bottom=0.14, top=0.86, wspace=0.22)
    ax, ax_log = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    for a in (ax, ax_log):
        a.set(xlabel="epoch t", xlim=(0, _SCHED_EPOCHS), xticks=[0, 10, 20, 30, 40])
    ax.set_ylabel("learning rate η")
    ax_log.set_yscale("log")
    freeze_static(fig, [ax.xaxis, ax_log.xaxis])


def render_schedule_plotter(state: SchedulePlotterState, fig: Figure) -> None:
    ax, ax_log = fig.axes
    t, eta0 = state.t, state.eta0
    for a, floor in ((ax, 0.0), (ax_log, eta0 * 1e-8)):
        for name, lr in state.curves.items():
            chosen = name == state.schedule
            plots.plot_schedule(a, t, np.maximum(lr, floor), color=PALETTE["blue"] if chosen else "0.7",
                                lw=2.4 if chosen else 1.0, zorder=3 if chosen else 2)
        if state.slide:
            plots.plot_schedule(a, t, np.maximum(state.keras, floor), color=PALETTE["vermillion"], lw=2, ls="--",
                                zorder=4)
    ax.set_ylim(0, eta0 * 1.08)
    ax_log.set_ylim(eta0 * 1e-8, eta0 * 2)
    title(ax, f"{state.schedule}:  η₀ = {eta0:.3g}, k = {state.k:.2f}\n(grey: the other schedules)")
    if state.slide:
        title(ax_log, f"dashed: the slide's Keras scheduler (compounds from epoch 10)\n"
                       f"epoch 14: η₀e^(−14k) = {state.exp_14:.3g}, the slide's {state.keras_14:.3g}")
    else:
        title(ax_log, "log scale: exponential decay is a straight line")


def schedule_plotter(schedules: Mapping[str, Callable] | None = None) -> Explorer:
    """W4.3: learning-rate schedules η(t) for epochs t = 0..40, linear and log scale.

    ``schedules`` : name -> f(eta0, k, t) (yours; t an int array); default time-based
    η₀/(1 + kt), a step staircase η₀·(e^{-10k})^⌊t/10⌋ (it meets η₀e^{-kt} every 10 epochs) and
    exponential η₀e^{-kt}. The checkbox overlays the slide's compounding Keras scheduler.
    """
    schedules = dict(schedules or REFERENCE_SCHEDULES)
    names = list(schedules)
    controls = {"schedule": ipw.Dropdown(options=names, value=names[-1], description="schedule"),
                "eta0": ipw.FloatLogSlider(0.01, base=10, min=-4, max=0, step=0.25, description="η₀",
                                         readout_format=".3g"),
                "k": ipw.FloatSlider(0.1, min=0.0, max=0.5, step=0.01, description="k"),
                "slide": ipw.Checkbox(True, description="slide's Keras scheduler")}
    return Explorer(controls, functools.partial(compute_schedule_plotter, schedules), render_schedule_plotter,
                    layout=_layout_schedule_plotter, figsize=(11, 4.2))
