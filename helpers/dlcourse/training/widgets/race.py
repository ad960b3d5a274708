"""training widgets, W4.1 optimiser race."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ...widgetkit import Explorer, TextLayer, freeze_static, key, title
from .. import plots
from ..surfaces import SURFACES, diverged_at, run_optimizer
from ._common import REFERENCE_STEPS

__all__ = ["optimizer_race", "compute_optimizer_race", "render_optimizer_race", "OptimizerRaceState"]


# --------------------------------------------------------------------------- W4.1 optimiser race
_LR_EXPONENTS = np.round(np.arange(-4.0, 1.0001, 0.25), 2)    # the lr slider's positions, log10
_MAX_STEPS = 300
_LOSS_FLOOR, _LOSS_TOP = 1e-10, 1e4


@dataclass
class _RaceCache:
    """Trajectories (MAX_STEPS + 1, n_lr, 2) per (surface, optimiser), computed on first use for
    every lr position at once; single runs for lr values off the slider's grid."""
    steps: dict
    runs: dict = field(default_factory=dict)

    def trajectory(self, surface: str, name: str, lr: float) -> np.ndarray:
        k = int(np.argmin(np.abs(_LR_EXPONENTS - np.log10(lr))))
        if abs(_LR_EXPONENTS[k] - np.log10(lr)) > 1e-6:                     # off the grid: one run
            key = (surface, name, float(lr))
            if key not in self.runs:
                self.runs[key] = run_optimizer(self.steps[name], SURFACES[surface], lr=lr, n_steps=_MAX_STEPS)
            return self.runs[key]
        key = (surface, name)
        if key not in self.runs:
            try:                                                             # all rates side by side
                self.runs[key] = run_optimizer(self.steps[name], SURFACES[surface], lr=10.0 ** _LR_EXPONENTS,
                                               n_steps=_MAX_STEPS)
            except Exception:                                                # a step that needs a scalar lr
                self.runs[key] = np.stack([run_optimizer(self.steps[name], SURFACES[surface], lr=10.0 ** e,
                                                         n_steps=_MAX_STEPS) for e in _LR_EXPONENTS], axis=1)
        return self.runs[key][:, k]


@dataclass(frozen=True)
class OptimizerRaceState:
    """The state of :func:`optimizer_race`: what :func:`render_optimizer_race` draws."""

    surface: str
    lr: float
    n_steps: int
    runs: dict
    colors: dict


def compute_optimizer_race(cache: _RaceCache, surface: str, optimizers: tuple, lr: float,
                           n_steps: int) -> OptimizerRaceState:
    """Each chosen optimiser's path (n_steps + 1, 2), loss per step and divergence step."""
    s = SURFACES[surface]
    runs = {}
    for name in optimizers:
        traj = cache.trajectory(surface, name, lr)[:n_steps + 1]
        d = diverged_at(traj)
        runs[name] = {"trajectory": traj, "loss": s.f(traj), "diverged_at": d,
                      "final_loss": float(s.f(traj[-1])) if d is None else float("nan"),
                      "distance": float(np.linalg.norm(traj[-1] - s.minimum)) if d is None else float("nan")}
    return OptimizerRaceState(
        surface=surface, lr=lr, n_steps=n_steps, runs=runs,
        colors={n: plots.optimizer_color(n, i) for i, n in enumerate(cache.steps)})


def _layout_optimizer_race(fig: Figure, names: list[str]) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.25, 1], left=0.05, right=0.98, bottom=0.2, top=0.88, wspace=0.2)
    ax, ax_l = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.grid(False)
    ax.locator_params(nbins=5)
    ax_l.set(yscale="log", ylim=(_LOSS_FLOOR, _LOSS_TOP), xlabel="step", ylabel="f(w)  (minimum 0)")
    ax_l.set_yticks([1e-10, 1e-7, 1e-4, 1e-1, 1e2], ["10⁻¹⁰", "10⁻⁷", "10⁻⁴", "0.1", "100"])
    ax_l.minorticks_off()
    ax_l.locator_params(axis="x", nbins=5)
    handles = [Line2D([], [], color=plots.optimizer_color(n, i), lw=2.2, label=n) for i, n in enumerate(names)]
    handles.append(Line2D([], [], color="0.3", marker="X", ms=9, ls="", label="diverged"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=10, frameon=False,
               bbox_to_anchor=(0.5, 0.0))
    freeze_static(fig, [ax_l.yaxis])


def render_optimizer_race(state: OptimizerRaceState, fig: Figure) -> None:
    ax, ax_l = fig.axes
    s = SURFACES[state.surface]
    plots.plot_surface(ax, s)
    ax.plot(*s.start, marker="o", ms=8, color="w", mec="k", ls="", zorder=4)
    lines = []
    for name, run in state.runs.items():
        color = state.colors[name]
        plots.plot_trajectory(ax, run["trajectory"], color, diverged=run["diverged_at"])
        plots.plot_loss_curves(ax_l, {name: run["loss"]}, {name: color}, floor=_LOSS_FLOOR)
        if run["diverged_at"] is not None:
            lines.append((f"{name}: diverged at step {run['diverged_at']}", color))
        else:
            lines.append((f"{name}: f = {run['final_loss']:.2g}, ‖w − w*‖ = {run['distance']:.2g}", color))
    ax_l.set_xlim(0, state.n_steps)
    text = TextLayer().add_to(ax_l, transform=ax_l.transAxes)
    for k, (line, color) in enumerate(reversed(lines)):
        text.add(0.02, 0.03 + 0.075 * k, line, ha="left", va="bottom", size=9, color=color, box=True)
    title(ax, f"{s.name}: η = {state.lr:.3g}, {state.n_steps} steps from ○ to ★")
    title(ax_l, "loss per step (log scale)")


def optimizer_race(steps: Mapping[str, Callable] | None = None) -> Explorer:
    """W4.1: optimisers racing on a 2-D surface (quadratic, ravine, Rosenbrock) from the same start.

    ``steps`` : name -> step function with the interface ``step(w, g, state, lr) -> new w``
    (``state`` a dict the step keeps its memory in; other hyperparameters at their defaults);
    default the references SGD, momentum, RMSProp, Adam. Every learning rate of the slider is
    run at once (w of shape (L, 2), lr of shape (L, 1)) on the first visit of a surface; a
    step that cannot broadcast is run once per rate. Diverged runs end in a cross.
    """
    steps = dict(steps or REFERENCE_STEPS)
    cache = _RaceCache(steps)
    names = list(steps)
    controls = {"surface": ipw.Dropdown(options=list(SURFACES), value="ravine", description="surface"),
                "optimizers": ipw.SelectMultiple(options=names, value=tuple(names), rows=min(len(names), 4),
                                               description="optimisers"),
                "lr": ipw.FloatLogSlider(10 ** -1.5, base=10, min=_LR_EXPONENTS[0], max=_LR_EXPONENTS[-1], step=0.25,
                                       description="η", readout_format=".3g"),
                "n_steps": ipw.IntSlider(100, min=10, max=_MAX_STEPS, step=10, description="steps")}
    return Explorer(controls, functools.partial(compute_optimizer_race, cache), render_optimizer_race,
                    layout=functools.partial(_layout_optimizer_race, names=names), figsize=(11, 4.6))
