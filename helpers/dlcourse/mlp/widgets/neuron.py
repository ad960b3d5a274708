"""mlp widgets, W2.2 perceptron."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ...data import toy_2d
from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, title
from .. import plots
from .. import reference as ref
from ..network import accuracy
from ..perceptron import _perceptron_epoch

__all__ = ["perceptron_explorer", "compute_perceptron_explorer", "render_perceptron_explorer",
           "PerceptronExplorerState"]


# --------------------------------------------------------------------------- W2.2 perceptron
@dataclass
class _PerceptronSession:
    rng: np.random.Generator
    history: dict[str, list[int]] = field(default_factory=dict)    # data set -> mistakes per epoch


_SHOWN_EPOCHS = 20
_W_MAX = 6.0          # the weight sliders' range is ±_W_MAX


@dataclass(frozen=True)
class PerceptronExplorerState:
    """The state of :func:`perceptron_explorer`: what :func:`render_perceptron_explorer` draws."""

    w: np.ndarray
    w0: float
    data: str
    X: np.ndarray
    y: np.ndarray
    extent: tuple
    grid_proba: np.ndarray
    bce: float
    accuracy: float
    wrong: np.ndarray
    history: list


def compute_perceptron_explorer(datasets: Mapping[str, tuple], grid: np.ndarray, extent: tuple,
                                session: _PerceptronSession, w1: float, w2: float, w0: float,
                                data: str) -> PerceptronExplorerState:
    """sigmoid(w·x + w0) on the grid, the line w·x + w0 = 0, BCE and accuracy on the data."""
    X, y = datasets[data]
    w = np.array([w1, w2])
    p = ref.sigmoid(X @ w + w0)                                                     # (N,)
    pred = (X @ w + w0 >= 0).astype(int)                                         # sign(0) = +1 -> class 1
    return PerceptronExplorerState(
        w=w, w0=w0, data=data, X=X, y=y, extent=extent,
        grid_proba=ref.sigmoid(grid @ w + w0), bce=ref.bce(y, p), accuracy=float(np.mean(pred == y)),
        wrong=pred != y, history=list(session.history.get(data, [])))


def _layout_perceptron_explorer(fig: Figure, extent: tuple) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.5, 1], left=0.06, right=0.98, bottom=0.12, top=0.87, wspace=0.22)
    ax, ax_m = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂")
    ax.grid(False)
    ax.locator_params(nbins=5)
    ax_m.set(xlabel=f"perceptron epoch (the last {_SHOWN_EPOCHS})", ylabel="mistakes",
             xlim=(0.3, _SHOWN_EPOCHS + 0.7), xticks=[1, 5, 10, 15, 20])
    ax_m.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax_m.set_title("mistakes per epoch", fontsize=10, y=1.0)
    freeze_static(fig, [ax.xaxis, ax.yaxis, ax_m.xaxis, ax_m.title])


def render_perceptron_explorer(state: PerceptronExplorerState, fig: Figure) -> None:
    ax, ax_m = fig.axes
    plots.plot_probability_map(ax, state.grid_proba, state.extent, alpha=0.7)
    plots.plot_points(ax, state.X, state.y, highlight=state.wrong)
    plots.plot_decision_line(ax, state.w, state.w0, state.extent)
    w1, w2 = state.w
    signed = lambda v: f"{'−' if v < 0 else '+'} {abs(v):.2f}"                   # noqa: E731
    first = f"{'−' if w1 < 0 else ''}{abs(w1):.2f}"
    title(ax, f"σ({first}·x₁ {signed(w2)}·x₂ {signed(state.w0)}):  BCE = {state.bce:.3f},  "
               f"accuracy = {state.accuracy:.1%}", 12)
    history = state.history[-_SHOWN_EPOCHS:]
    ax_m.set_ylim(0, max(max(history, default=1), 1) * 1.15)
    if history:
        ax_m.bar(np.arange(1, len(history) + 1), history, color=PALETTE["blue"])
        TextLayer().add_to(ax_m).add(len(history), history[-1], f"{history[-1]}", va="bottom", size=9)
    else:
        TextLayer().add_to(ax_m, transform=ax_m.transAxes).add(0.5, 0.5, "press “Perceptron epoch”", color="0.4")


def perceptron_explorer(X: np.ndarray | None = None, y: np.ndarray | None = None, lr: float = 0.1) -> Explorer:
    """W2.2: a single neuron σ(w1 x1 + w2 x2 + w0) on 2-D data; sliders move w, the button runs
    one epoch of the perceptron rule (w += lr·y·x on each mistake, in a shuffled order) from
    the sliders' weights and moves the sliders there (if a weight would leave the sliders'
    range ±6, all three are scaled down together: the line stays where the rule put it).

    ``X`` (N, 2), ``y`` (N,) in {0, 1} or {-1, +1}; default: separable blobs, with an XOR set to
    switch to (where the perceptron never stops making mistakes).
    """
    if X is None or y is None:
        datasets = {"blobs": toy_2d("blobs", 200, rng=0), "xor": toy_2d("xor", 200, rng=0)}
    else:
        y = np.asarray(y)
        datasets = {"data": (np.asarray(X, dtype=float), np.where(y > 0, 1, 0))}
    grid, extent = plots.make_grid(np.vstack([d[0] for d in datasets.values()]), n=100, pad=0.6)
    session = _PerceptronSession(np.random.default_rng(0))
    slider = functools.partial(ipw.FloatSlider, min=-_W_MAX, max=_W_MAX, step=0.05, readout_format=".2f")
    controls = {"w1": slider(0.5, description="w₁"), "w2": slider(-1.0, description="w₂"),
                "w0": slider(0.0, description="w₀"),
                "data": ipw.Dropdown(options=list(datasets), value=next(iter(datasets)), description="data")}

    def epoch(ex: Explorer) -> None:
        Xd, yd = datasets[ex.controls["data"].value]
        p = ex.params()
        w, w0, mistakes = _perceptron_epoch(Xd, 2 * yd - 1, [p["w1"], p["w2"]], p["w0"], lr,
                                            order=session.rng.permutation(len(Xd)))
        session.history.setdefault(p["data"], []).append(mistakes)
        scale = min(1.0, _W_MAX / max(np.max(np.abs(w)), abs(w0), 1e-12))     # stay on the sliders: shrink
        with ex.hold():                                                         # one redraw, same line
            for name, value in zip(("w1", "w2", "w0"), (scale * w[0], scale * w[1], scale * w0)):
                ex.controls[name].value = float(value)

    def reset(ex: Explorer) -> None:
        session.history.clear()
        with ex.hold():
            for name, value in (("w1", 0.5), ("w2", -1.0), ("w0", 0.0)):
                ex.controls[name].value = value

    compute = functools.partial(compute_perceptron_explorer, datasets, grid, extent, session)
    return Explorer(controls, compute, render_perceptron_explorer, figsize=(10, 4.2),
                    layout=functools.partial(_layout_perceptron_explorer, extent=extent),
                    buttons={"Perceptron epoch": epoch, "Reset": reset})
