"""boosting widgets, W1.2 bagging vs boosting."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, key, title
from .. import plots
from ..staged import FitCache, fit_adaboost, fit_bagging, moons_split
from ._common import _stage_xlim

__all__ = ["bagging_vs_boosting", "NOISE_LEVELS", "compute_bagging_vs_boosting", "render_bagging_vs_boosting",
           "BaggingVsBoostingState"]


# ------------------------------------------------------------------ W1.2 bagging vs boosting
NOISE_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5)
_MOONS_BOX = np.array([[-2.0, -1.6], [3.0, 2.1]])   # fixed view for every noise level
_ERROR_STYLES = {"bagging train": {"color": PALETTE["green"], "ls": "--"},
                 "bagging test": {"color": PALETTE["green"]},
                 "AdaBoost train": {"color": PALETTE["purple"], "ls": "--"},
                 "AdaBoost test": {"color": PALETTE["purple"]}}


@dataclass(frozen=True)
class BaggingVsBoostingState:
    """The state of :func:`bagging_vs_boosting`: what :func:`render_bagging_vs_boosting` draws."""

    n: int
    noise: float
    bag_depth: int | None
    boost_depth: int
    data: dict
    extent: tuple
    bag_scores: np.ndarray
    boost_scores: np.ndarray
    curves: dict
    bag_test_error: float
    boost_test_error: float
    fit_seconds: float


def compute_bagging_vs_boosting(cache: FitCache, fit_bag: Callable, grid: np.ndarray, extent: tuple,
                                n_max: int, n_estimators: int, noise: float, bag_depth: int | None,
                                boost_depth: int) -> BaggingVsBoostingState:
    """Select stage n of the cached fits for (noise, depth); fit them on a cache miss.

    ``fit_bag(data, grid, depth, n_max)`` bags trees (:func:`.staged.fit_bagging`).
    ``bag_depth`` 0 or None means fully grown trees (the dropdown uses 0: ipywidgets shows
    a None value as an empty selection).
    """
    bag_depth = bag_depth or None
    data, t_data = cache.get(("data", noise), lambda: moons_split(noise))
    bag, t_bag = cache.get(("bag", noise, bag_depth), lambda: fit_bag(data, grid, bag_depth, n_max))
    ada, t_ada = cache.get(("ada", noise, boost_depth), lambda: fit_adaboost(data, grid, boost_depth, n_max))
    n = n_estimators - 1
    return BaggingVsBoostingState(
        n=n_estimators, noise=noise, bag_depth=bag_depth, boost_depth=boost_depth,
        data=data, extent=extent, bag_scores=bag["grid"][n], boost_scores=ada["grid"][n],
        curves={"bagging train": bag["train"], "bagging test": bag["test"],
        "AdaBoost train": ada["train"], "AdaBoost test": ada["test"]},
        bag_test_error=float(bag["test"][n]), boost_test_error=float(ada["test"][n]),
        fit_seconds=t_data + t_bag + t_ada)


def _layout_bagging_vs_boosting(fig: Figure, extent: tuple[float, float, float, float], n_max: int) -> None:
    """Bagging's regions | AdaBoost's regions | errors against the number of trees."""
    gs = fig.add_gridspec(1, 3, left=0.04, right=0.99, bottom=0.12, top=0.86, wspace=0.2)
    ax_bag, ax_boost, ax_err = (fig.add_subplot(gs[0, k]) for k in range(3))
    for ax in (ax_bag, ax_boost):
        ax.set(xlim=extent[:2], ylim=extent[2:], xticks=[], yticks=[])
        ax.grid(False)
    plots.pinned_legend(ax_bag, plots.class_handles(("0", "1")), loc="lower left", handletextpad=0.2,
                        borderaxespad=0.2)
    ax_err.set(xlim=_stage_xlim(n_max), xlabel="number of estimators", ylabel="error")
    ax_err.locator_params(nbins=4)
    plots.pinned_legend(ax_err, plots.style_handles(_ERROR_STYLES), loc="upper right")
    freeze_static(fig, [ax_bag.xaxis, ax_bag.yaxis, ax_boost.xaxis, ax_boost.yaxis, ax_err.xaxis])


def render_bagging_vs_boosting(state: BaggingVsBoostingState, fig: Figure) -> None:
    ax_bag, ax_boost, ax_err = fig.axes
    d, n = state.data, state.n
    depth = "full" if state.bag_depth is None else state.bag_depth
    titles = (f"bagging: {n} trees, depth {depth}\ntest error {state.bag_test_error:.3f}",
              f"AdaBoost: {n} trees, depth {state.boost_depth}\ntest error {state.boost_test_error:.3f}")
    for ax, key, title in zip((ax_bag, ax_boost), ("bag_scores", "boost_scores"), titles):
        plots.plot_decision_regions(ax, getattr(state, key), state.extent, vmax=1.0)
        plots.plot_weighted_points(ax, d["X_train"], d["y_train"], base_area=12)
        ax.set_title(title, y=1.0)
    plots.plot_staged_errors(ax_err, state.curves, current=n, styles=_ERROR_STYLES, legend=False)
    ax_err.set_ylim(0, 1.4 * max(float(np.max(c)) for c in state.curves.values()))   # room for the legend
    fit = f"\n(fitted in {state.fit_seconds:.2f} s)" if state.fit_seconds > 0 else ""
    ax_err.set_title(f"error vs number of trees, noise {state.noise}{fit}", y=1.0)


def bagging_vs_boosting(n_max: int = 200, bagging_factory: Callable | None = None) -> Explorer:
    """W1.2: bagged deep trees vs boosted shallow trees on two moons, as n_estimators grows.

    ``bagging_factory(base_factory=, n_estimators=, random_state=)`` builds your bagging class
    (e.g. ``BaggingClassifierScratch``): the widget fits it once per setting and shows the
    majority vote of its first n ``estimators_``; default: scikit-learn's ``BaggingClassifier``.
    """
    cache = FitCache(max_size=24)          # <= 24 x 3.3 MB of staged grid scores at n_max=200
    grid, extent = plots.make_grid(_MOONS_BOX, n=64, pad=0.0)                  # (64*64, 2)
    fit_bag = functools.partial(fit_bagging, bagging_factory=bagging_factory)
    depths = [(str(d), d) for d in range(1, 9)] + [("full (None)", 0)]
    controls = {
        "n_estimators": ipw.IntSlider(10, min=1, max=n_max, description="n_estimators"),
        "noise": ipw.SelectionSlider(options=NOISE_LEVELS, value=0.3, description="noise",
                                   continuous_update=False),
        "bag_depth": ipw.Dropdown(options=depths, value=0, description="bagging depth"),
        "boost_depth": ipw.Dropdown(options=[1, 2, 3], value=1, description="AdaBoost depth"),
    }
    compute = functools.partial(compute_bagging_vs_boosting, cache, fit_bag, grid, extent, n_max)
    layout = functools.partial(_layout_bagging_vs_boosting, extent=extent, n_max=n_max)
    return Explorer(controls, compute, render_bagging_vs_boosting, layout=layout, figsize=(14, 4.4))
