"""Week 01 widgets (W1.1-W1.5): the only module of :mod:`dlcourse.boosting` that imports ipywidgets.

Each widget is three module-level functions bound to controls by :class:`~dlcourse.widgetkit.Explorer`:

* ``_layout_*(fig)`` creates the axes once, with everything that never changes (labels,
  ticks, fixed limits, legends drawn from proxy handles);
* ``compute_*`` turns precomputed fits (:mod:`.staged`) and control values into a state dict;
* ``render_*(state, fig)`` adds the state's data artists and titles to ``fig.axes``, which
  the Explorer has emptied of the previous state's (it keeps axes, ticks and legends).

Builders fit what is expensive when built (or on the first use of a setting, then cached),
so a control change only indexes arrays and redraws. Where a widget shows something the
students implement, the builder takes their function, with the reference as default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import ScaledTranslation

from ..data import adaboost_toy, lfw_faces, ml2_grades
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .gradient_boosting import _gb_fixed_partitions, _GradientBoostingRegressor
from .haar import HAAR_KINDS, haar_feature_matrix
from .staged import (FitCache, fit_adaboost, fit_bagging, fit_gradient_boosting, moons_split,
                     precompute_adaboost, sine_data, snap_haar_feature, stump_geometry)
from .stump import _fit_stump

__all__ = ["adaboost_stepper", "bagging_vs_boosting", "gradient_boosting_1d", "ml2_grade_table",
           "haar_explorer"]

_TABLE_ROUNDS, _TABLE_SAMPLES = 10, 12   # the D_t table lists at most this many rounds / samples
_NUMBERED = 20                           # the stepper numbers the points of sets up to this size
SLIDE_ALPHA3 = 0.7378  # the slide's (wrong) alpha_3; the correct value is 1/2 ln(19/3) = 0.9229
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    """Subscript digits: 12 -> '₁₂'."""
    return str(n).translate(_SUB)


def _stage_xlim(n_max: int) -> tuple[float, float]:
    """x limits for curves over stages 1..n_max: matplotlib's default 5 % margins, fixed."""
    pad = max(0.05 * (n_max - 1), 0.5)
    return 1 - pad, n_max + pad


# --------------------------------------------------------------------------- W1.1 AdaBoost stepper
def compute_adaboost_stepper(run: dict, extent: tuple, t: int, use_typo: bool) -> dict:
    """State after round t (1-based); ``use_typo`` replaces alpha_3 by the slide's 0.7378."""
    alphas = run["alphas"][:t].copy()                                           # (t,)
    typo = bool(use_typo and t >= 3)
    if typo:
        alphas[2] = SLIDE_ALPHA3
    score, grid_score = alphas @ run["h_train"][:t], alphas @ run["h_grid"][:t]  # (N,), (G,)
    true_grid = run["alphas"][:t] @ run["h_grid"][:t]                           # (G,)
    y_hat = np.where(score >= 0, 1, -1)
    return {"t": t, "typo": typo, "alphas": alphas, "alpha_t": float(alphas[-1]),
            "eps_t": float(run["errors"][t - 1]), "D": run["weights"][t - 1],
            "D_history": run["weights"][:t], "wrong": run["h_train"][:t] != run["y"],
            "stump": stump_geometry(run["learners"][t - 1], run["X"]), "X": run["X"], "y": run["y"],
            "train_pred": y_hat, "train_error": float(np.mean(y_hat != run["y"])),
            "grid_scores": grid_score, "extent": extent,
            "grid_flipped": float(np.mean((grid_score >= 0) != (true_grid >= 0)))}


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
    plots.freeze_static(fig, [ax_pts.xaxis, ax_pts.yaxis, ax_reg.xaxis, ax_reg.yaxis])


def render_adaboost_stepper(state: dict, fig: Figure) -> None:
    ax_pts, ax_reg, ax_tab = fig.axes
    t, (x0, x1, y0, y1), X, y = state["t"], state["extent"], state["X"], state["y"]
    small = len(y) <= _NUMBERED                           # the toy set: big markers (numbered in the layout)
    plots.plot_weighted_points(ax_pts, X, y, state["D"], base_area=90 if small else 20)
    if state["stump"] is not None:
        plots.plot_stump(ax_pts, state["stump"], (x0, x1), (y0, y1))
    ax_pts.set_title(f"h{_sub(t)} trained on D{_sub(t)} (area ∝ D{_sub(t)}(i))\n"
                     f"ε{_sub(t)} = {state['eps_t']:.4f},  α{_sub(t)} = {state['alpha_t']:.4f}"
                     + (" (the slide's typo)" if state["typo"] and t == 3 else ""), y=1.0)
    plots.plot_decision_regions(ax_reg, state["grid_scores"], state["extent"], vmax=state["alphas"].sum())
    plots.plot_weighted_points(ax_reg, X, y, base_area=30)
    wrong = int(np.sum(state["train_pred"] != y))
    title = f"H{_sub(t)} = sign(Σ αₛhₛ), s ≤ {t}: training error {wrong}/{len(y)}"
    if state["typo"]:
        title += (f"\nwith the slide's α₃ = {SLIDE_ALPHA3}: {100 * state['grid_flipped']:.1f}% "
                  f"of the plane flips")
    ax_reg.set_title(title, color=PALETTE["vermillion"] if state["typo"] else "k", y=1.0)
    first = max(1, t - _TABLE_ROUNDS + 1)                 # the last <= 10 rounds ...
    D = state["D_history"][first - 1:]
    shown = None if len(y) <= _TABLE_SAMPLES else np.sort(np.argsort(-D[-1])[:_TABLE_SAMPLES])
    cells, labels, marked = plots.weights_table_cells(D, state["wrong"][first - 1:], samples=shown,
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
    run = functools.cache(lambda: precompute_adaboost(X, y, fit_stump or _fit_stump, n_rounds, grid))
    controls = {"t": W.IntSlider(1, min=1, max=n_rounds, description="round t"),
                "use_typo": W.Checkbox(False, description="use the slide's α₃ = 0.74 typo")}
    step = lambda ex: setattr(ex.controls["t"], "value", min(ex.controls["t"].value + 1, n_rounds))
    return Explorer(controls, lambda **p: compute_adaboost_stepper(run(), extent, **p), render_adaboost_stepper,
                    layout=functools.partial(_layout_adaboost_stepper, X=X, extent=extent), figsize=(14, 4.6),
                    buttons={"Next round": step, "Reset": lambda ex: setattr(ex.controls["t"], "value", 1)})


# ------------------------------------------------------------------ W1.2 bagging vs boosting
NOISE_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5)
_MOONS_BOX = np.array([[-2.0, -1.6], [3.0, 2.1]])   # fixed view for every noise level
_ERROR_STYLES = {"bagging train": {"color": PALETTE["green"], "ls": "--"},
                 "bagging test": {"color": PALETTE["green"]},
                 "AdaBoost train": {"color": PALETTE["purple"], "ls": "--"},
                 "AdaBoost test": {"color": PALETTE["purple"]}}


def compute_bagging_vs_boosting(cache: FitCache, fit_bag: Callable, grid: np.ndarray, extent: tuple,
                                n_max: int, n_estimators: int, noise: float, bag_depth: int | None,
                                boost_depth: int) -> dict:
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
    return {"n": n_estimators, "noise": noise, "bag_depth": bag_depth, "boost_depth": boost_depth,
            "data": data, "extent": extent, "bag_scores": bag["grid"][n], "boost_scores": ada["grid"][n],
            "curves": {"bagging train": bag["train"], "bagging test": bag["test"],
                       "AdaBoost train": ada["train"], "AdaBoost test": ada["test"]},
            "bag_test_error": float(bag["test"][n]), "boost_test_error": float(ada["test"][n]),
            "fit_seconds": t_data + t_bag + t_ada}


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
    plots.freeze_static(fig, [ax_bag.xaxis, ax_bag.yaxis, ax_boost.xaxis, ax_boost.yaxis, ax_err.xaxis])


def render_bagging_vs_boosting(state: dict, fig: Figure) -> None:
    ax_bag, ax_boost, ax_err = fig.axes
    d, n = state["data"], state["n"]
    depth = "full" if state["bag_depth"] is None else state["bag_depth"]
    titles = (f"bagging: {n} trees, depth {depth}\ntest error {state['bag_test_error']:.3f}",
              f"AdaBoost: {n} trees, depth {state['boost_depth']}\ntest error {state['boost_test_error']:.3f}")
    for ax, key, title in zip((ax_bag, ax_boost), ("bag_scores", "boost_scores"), titles):
        plots.plot_decision_regions(ax, state[key], state["extent"], vmax=1.0)
        plots.plot_weighted_points(ax, d["X_train"], d["y_train"], base_area=12)
        ax.set_title(title, y=1.0)
    plots.plot_staged_errors(ax_err, state["curves"], current=n, styles=_ERROR_STYLES, legend=False)
    ax_err.set_ylim(0, 1.4 * max(float(np.max(c)) for c in state["curves"].values()))   # room for the legend
    fit = f"\n(fitted in {state['fit_seconds']:.2f} s)" if state["fit_seconds"] > 0 else ""
    ax_err.set_title(f"error vs number of trees, noise {state['noise']}{fit}", y=1.0)


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
        "n_estimators": W.IntSlider(10, min=1, max=n_max, description="n_estimators"),
        "noise": W.SelectionSlider(options=NOISE_LEVELS, value=0.3, description="noise",
                                   continuous_update=False),
        "bag_depth": W.Dropdown(options=depths, value=0, description="bagging depth"),
        "boost_depth": W.Dropdown(options=[1, 2, 3], value=1, description="AdaBoost depth"),
    }
    compute = functools.partial(compute_bagging_vs_boosting, cache, fit_bag, grid, extent, n_max)
    layout = functools.partial(_layout_bagging_vs_boosting, extent=extent, n_max=n_max)
    return Explorer(controls, compute, render_bagging_vs_boosting, layout=layout, figsize=(14, 4.4))


# ------------------------------------------------------------------ W1.3 1-D gradient boosting
_FIT_STYLES = {"data": {"ls": "", "marker": "o", "ms": 4, "mfc": PALETTE["sky"], "mec": "k", "mew": 0.3},
               "sin x": {"color": "0.5", "ls": "--", "lw": 1.2},
               "$F_M(x)$": {"color": PALETTE["vermillion"], "lw": 2}}
_MSE_STYLES = {"train MSE": {"color": PALETTE["blue"], "ls": "--"},
               "validation MSE": {"color": PALETTE["orange"]}}


def compute_gradient_boosting_1d(cache: FitCache, factory: Callable, n_max: int, nu: float,
                                 n_stages: int, max_depth: int, outliers: bool) -> dict:
    """Stage M of the cached fit for (nu, depth, outliers): F_M, the residuals it fits, the losses."""
    data, t_data = cache.get(("data", outliers), lambda: sine_data(outliers))
    key = ("gb", round(nu, 6), max_depth, outliers)
    fit, t_fit = cache.get(key, lambda: fit_gradient_boosting(data, factory, nu, max_depth, n_max))
    M = n_stages
    return {"M": M, "nu": nu, "max_depth": max_depth, "x": data["x"][:, 0], "y": data["y"],
            "x_grid": data["x_grid"], "F_grid": fit["grid"][M],
            "residuals": data["y"] - fit["train"][M - 1],                          # (N,) y - F_{M-1}
            "h_grid": (fit["grid"][M] - fit["grid"][M - 1]) / nu,                  # (G,) the tree h_M
            "train_mse": fit["train_mse"], "val_mse": fit["val_mse"],
            "best_M": int(np.argmin(fit["val_mse"])) + 1, "fit_seconds": t_data + t_fit}


def _padded(*arrays: np.ndarray, margin: float = 0.06) -> tuple[float, float]:
    """(lo, hi) spanning every array, widened by ``margin`` of the span on each side."""
    lo, hi = min(float(np.min(a)) for a in arrays), max(float(np.max(a)) for a in arrays)
    pad = margin * (hi - lo) or 0.5
    return lo - pad, hi + pad


def _layout_gradient_boosting_1d(fig: Figure, n_max: int) -> None:
    """Data and F_M | residuals and the tree h_M | train and validation MSE (log) against M."""
    gs = fig.add_gridspec(3, 1, left=0.09, right=0.97, bottom=0.08, top=0.95, hspace=0.5)
    ax_fit, ax_res, ax_loss = (fig.add_subplot(gs[k, 0]) for k in range(3))
    for ax in (ax_fit, ax_res):       # few explicit ticks: each one costs ~1 ms per redraw
        ax.set_xlim(-0.1 * np.pi, 2.1 * np.pi)
        ax.set_xticks([0, np.pi, 2 * np.pi], ["0", "π", "2π"])
        ax.locator_params(axis="y", nbins=3)
    plots.pinned_legend(ax_fit, plots.style_handles(_FIT_STYLES), loc="lower left", ncol=3)
    ax_loss.set_yscale("log")
    ax_loss.minorticks_off()
    ax_loss.set(xlim=_stage_xlim(n_max), xlabel="number of trees M", ylabel="MSE")
    ax_loss.locator_params(axis="x", nbins=4)
    plots.pinned_legend(ax_loss, plots.style_handles(_MSE_STYLES), loc="upper right")
    plots.freeze_static(fig, [ax_fit.xaxis, ax_res.xaxis, ax_loss.xaxis])     # the y ranges follow the state


def render_gradient_boosting_1d(state: dict, fig: Figure) -> None:
    ax_fit, ax_res, ax_loss = fig.axes
    M, x, xg = state["M"], state["x"], state["x_grid"]
    plots.plot_1d_fit(ax_fit, x, state["y"], xg, {"sin x": np.sin(xg), "$F_M(x)$": state["F_grid"]},
                      styles=_FIT_STYLES, legend=None)
    ax_fit.set_ylim(_padded(state["y"], state["F_grid"], [-1.0, 1.0]))
    ax_fit.set_title(f"data and F{_sub(M)}(x): ν = {state['nu']:.3g}, tree depth {state['max_depth']}", y=1.0)
    plots.plot_1d_fit(ax_res, x, state["residuals"], xg, {"h_M(x)": state["h_grid"]},
                      styles={"h_M(x)": {"color": PALETTE["green"]}}, label="residuals", legend=None)
    ax_res.set_ylim(_padded(state["residuals"], state["h_grid"]))
    ax_res.set_title(f"residuals y − F{_sub(M - 1)}(x) and the tree h{_sub(M)} fitted to them", y=1.0)
    curves = {"train MSE": state["train_mse"], "validation MSE": state["val_mse"]}
    plots.plot_staged_errors(ax_loss, curves, current=M, ylabel="MSE", xlabel="number of trees M",
                             styles=_MSE_STYLES, legend=False)
    for values, style in zip(curves.values(), _MSE_STYLES.values()):
        ax_loss.plot([M], [values[M - 1]], "o", color=style["color"], mec="k", zorder=4)
    _log_ticks(ax_loss, np.r_[state["train_mse"], state["val_mse"]])
    fit = f"; refitted in {state['fit_seconds']:.2f} s" if state["fit_seconds"] > 0 else ""
    ax_loss.set_title(f"M = {M}: validation MSE {state['val_mse'][M - 1]:.3f} "
                      f"(lowest at M = {state['best_M']}{fit})", y=1.0)


def _log_ticks(ax, values: np.ndarray, floor: float = 1e-3) -> None:
    """Limits of a log y-axis over ``values`` (clipped below at ``floor``: a perfect fit has
    MSE 0) with a handful of labelled 1-2-5 ticks (decades only if those would crowd)."""
    lo, hi = max(float(np.min(values)), floor), max(float(np.max(values)), 2 * floor)
    ax.set_ylim(lo / 1.3, hi * 1.3)
    candidates = np.outer(10.0 ** np.arange(-3, 3), [1, 2, 5])                 # (6, 3): 0.001, 0.002, ...
    ticks = [float(v) for v in candidates.ravel() if lo / 1.3 <= v <= hi * 1.3]
    if len(ticks) > 5:
        ticks = [float(v) for v in candidates[:, 0] if lo / 1.3 <= v <= hi * 1.3]
    ax.set_yticks(ticks, [f"{v:g}" for v in ticks])


def gradient_boosting_1d(n_max: int = 200, regressor: Callable | None = None) -> Explorer:
    """W1.3: gradient boosting on y = sin x + noise, one tree at a time.

    ``regressor(n_estimators=, learning_rate=, max_depth=)`` returns an estimator with
    ``fit`` and ``staged_predict`` (squared loss); default: the reference implementation.
    """
    cache = FitCache(max_size=24)
    factory = regressor or functools.partial(_GradientBoostingRegressor, random_state=0)
    controls = {
        "nu": W.FloatLogSlider(0.1, base=10, min=-2, max=0, step=0.25, description="ν",
                               continuous_update=False, readout_format=".3g"),
        "n_stages": W.IntSlider(1, min=1, max=n_max, description="M"),
        "max_depth": W.IntSlider(1, min=1, max=4, description="tree depth", continuous_update=False),
        "outliers": W.Checkbox(False, description="add 6 outliers"),
    }
    m = controls["n_stages"]
    buttons = {"Step": lambda ex: setattr(m, "value", min(m.value + 1, n_max)),
               "Reset": lambda ex: setattr(m, "value", 1)}
    compute = functools.partial(compute_gradient_boosting_1d, cache, factory, n_max)
    return Explorer(controls, compute, render_gradient_boosting_1d, figsize=(8, 7.6), buttons=buttons,
                    layout=functools.partial(_layout_gradient_boosting_1d, n_max=n_max))


# ------------------------------------------------------------------ W1.4 ML2-grade table
def _fmt(v: float) -> str:
    """Up to three decimals, trailing zeros dropped: 75.090 -> '75.09', 17.0 -> '17'."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text.replace("-", "−")


def compute_ml2_grade_table(data: dict, gb_fixed_partitions: Callable, nu: float, **marks: float) -> dict:
    """Gradient boosting by hand on the lecture's table; ``marks`` = y1..y6 (ML2 marks)."""
    y = np.array([marks[f"y{i + 1}"] for i in range(len(data["y"]))], float)   # (6,)
    out = gb_fixed_partitions(y, data["partitions"], lr=nu)
    r, F = np.asarray(out["residuals"], float), np.asarray(out["predictions"], float)  # (2, 6) each
    gammas = [out["leaf_values"][k][leaf] for k, leaf in enumerate(data["new_student_leaves"])]
    as_lecture = bool(np.isclose(nu, 0.1) and np.allclose(y, data["y"]))
    return {"nu": nu, "y": y, "F0": float(out["F0"]), "r1": r[0], "F1": F[0], "r2": r[1], "F2": F[1],
            "r3": y - F[1], "leaf_values": out["leaf_values"], "new_gammas": gammas,
            "new_F1": float(out["F0"] + nu * gammas[0]), "new_prediction": float(out["F0"] + nu * sum(gammas)),
            "as_lecture": as_lecture, "X": data["X"], "new_student": data["new_student"],
            "partitions": data["partitions"]}


def _leaf_text(partitions: list, leaf_values: list) -> str:
    """One line per tree: its leaves (1-based samples) and their values gamma."""
    trees = []
    for k, (leaves, gammas) in enumerate(zip(partitions, leaf_values)):
        parts = ", ".join("{" + ",".join(str(i + 1) for i in leaf) + "}" + f": γ = {_fmt(g)}"
                          for leaf, g in zip(leaves, gammas))
        trees.append(f"tree {k + 1} leaves  {parts}")
    return "\n".join(trees)


def _layout_ml2_grade_table(fig: Figure) -> None:
    """One axes over the whole figure, axis off: positions below are figure fractions."""
    fig.add_axes((0, 0, 1, 1)).set_axis_off()


def render_ml2_grade_table(state: dict, fig: Figure) -> None:
    (ax,) = fig.axes
    cols = ["#", "lectures", "labs", "CS bg", "ML1", "ML2 (y)", "r1", "F1", "r2", "F2", "r3"]
    rows = [[str(i + 1), *(_fmt(v) for v in x[:2]), "yes" if x[2] else "no", _fmt(x[3]),
             *(_fmt(state[k][i]) for k in ("y", "r1", "F1", "r2", "F2", "r3"))]
            for i, x in enumerate(state["X"])]
    s = state["new_student"]
    rows.append(["new", _fmt(s[0]), _fmt(s[1]), "yes" if s[2] else "no", _fmt(s[3]), "?", "",
                 _fmt(state["new_F1"]), "", _fmt(state["new_prediction"]), ""])
    marked = {(2, 9), (2, 10), (6, 9)}
    plots.plot_text_table(ax, rows, cols, highlight=marked, bold=marked, fontsize=10, rect=(0.01, 0.33, 0.98, 0.56))
    ax.text(0.5, 0.92, f"Predict your ML2 grade: F₀ = mean(y) = {_fmt(state['F0'])}, ν = {state['nu']:.2f}",
            ha="center", fontsize=12, transform=ax.transAxes)
    g1, g2 = state["new_gammas"]
    lines = [_leaf_text(state["partitions"], state["leaf_values"]),
             f"new student: F₂ = {_fmt(state['F0'])} + ν·{_fmt(g1)} + ν·{_fmt(g2)} = "
             f"{_fmt(state['new_prediction'])}",
             f"sample 3: F₂ = {_fmt(state['F2'][2])}, r₃ = {_fmt(state['r3'][2])}"
             + ("  (the slide printed 73.11 and 10.89: a sign slip, 74.1 − 0.99 for 74.1 + 0.99)"
                if state["as_lecture"] else "  (the lecture's numbers are for ν = 0.1 and the original marks)")]
    ax.text(0.02, 0.29, "\n".join(lines), fontsize=10, va="top", linespacing=1.5, transform=ax.transAxes)


def ml2_grade_table(gb_fixed_partitions: Callable | None = None) -> Explorer:
    """W1.4: the lecture's "Predict your ML2 grade" table, live in ν and the marks.

    ``gb_fixed_partitions(y, partitions, lr) -> dict`` (F0, residuals, leaf_values,
    predictions); default: the reference implementation.
    """
    data = ml2_grades()
    controls = {"nu": W.FloatSlider(0.1, min=0.01, max=1.0, step=0.01, description="ν",
                                    readout_format=".2f")}
    for i, mark in enumerate(data["y"]):
        controls[f"y{i + 1}"] = W.FloatText(float(mark), description=f"ML2 #{i + 1}",
                                            layout=W.Layout(width="150px"),
                                            style={"description_width": "55px"})
    compute = functools.partial(compute_ml2_grade_table, data, gb_fixed_partitions or _gb_fixed_partitions)
    return Explorer(controls, compute, render_ml2_grade_table, layout=_layout_ml2_grade_table, figsize=(10, 4.2))


# ------------------------------------------------------------------ W1.5 Haar explorer
def compute_haar_explorer(images: np.ndarray, y: np.ndarray, responses: Callable, kind: str,
                          row: int, col: int, height: int, width: int, image: int) -> dict:
    """One feature's response on all images (N,), and the best single threshold on it."""
    feature, note = snap_haar_feature(kind, row, col, height, width, images.shape[1:])
    values = np.asarray(responses(feature), float)                                 # (N,)
    if values.shape != y.shape:
        raise ValueError(f"feature responses must have shape {y.shape}, got {values.shape}")
    spread = values.max() > values.min()
    stump = _fit_stump(values[:, None], 2 * y - 1, np.full(len(y), 1 / len(y))) if spread else None
    return {"feature": feature, "note": note, "values": values, "y": y, "image": images[image],
            "image_index": image, "threshold": None if stump is None else stump.threshold,
            "accuracy": 0.5 if stump is None else 1 - stump.error}


_HIST_NAMES = ("non-faces", "faces")


def _layout_haar_explorer(fig: Figure, shape: tuple[int, int]) -> None:
    """The face (H, W) with the feature on top | histograms of the feature's values per class."""
    gs = fig.add_gridspec(1, 2, width_ratios=[1, 1.6], left=0.02, right=0.98, bottom=0.13,
                          top=0.83, wspace=0.12)
    ax_img, ax_hist = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    H, Wd = shape
    ax_img.set(xlim=(-0.5, Wd - 0.5), ylim=(H - 0.5, -0.5), xticks=[], yticks=[], aspect="equal")
    ax_img.grid(False)
    ax_hist.set(xlabel="feature value", ylabel="images")
    ax_hist.locator_params(nbins=4)
    plots.pinned_legend(ax_hist, plots.class_handles(_HIST_NAMES, patch=True), loc="upper right", fontsize=9)
    plots.freeze_static(fig, [ax_img.xaxis, ax_img.yaxis])                  # the histogram's ranges follow the state


def render_haar_explorer(state: dict, fig: Figure) -> None:
    ax_img, ax_hist = fig.axes
    kind, r, c, h, w = state["feature"]
    plots.plot_haar_feature(ax_img, state["image"], state["feature"])
    ax_img.set_title(f"face {state['image_index']}: '{kind}' at row {r}, col {c}, {h}×{w}\n"
                     "value = Σ grey (orange) − Σ white (blue)", y=1.0)
    if state["note"]:               # in figure coordinates, but owned by ax_img: cleared with it
        ax_img.text(0.01, 0.02, state["note"], color=PALETTE["vermillion"], fontsize=10, transform=fig.transFigure)
    plots.plot_class_histograms(ax_hist, state["values"], state["y"], names=_HIST_NAMES, legend=False, headroom=1.35)
    if state["threshold"] is not None:
        ax_hist.axvline(state["threshold"], color=PALETTE["black"], ls="--", lw=1.2)
    ax_hist.set_title(f"responses on 100 faces vs 100 non-faces\nbest single threshold (dashed): "
                      f"accuracy {state['accuracy']:.3f}", y=1.0)


def haar_explorer(integral_image: Callable | None = None, haar_feature: Callable | None = None) -> Explorer:
    """W1.5: move and resize a Haar feature over a 25x25 face and see how well it separates faces.

    Pass your own ``integral_image(img)`` and ``haar_feature(ii, kind, r, c, h, w)`` (both,
    with the same padding convention) to see your code at work; default: the vectorised reference.
    """
    images, y = lfw_faces()                                                        # (200, 25, 25), (200,)
    if integral_image is None or haar_feature is None:
        responses = lambda f: haar_feature_matrix(images, [f])[:, 0]
    else:
        iis = functools.cache(lambda: [integral_image(img) for img in images])
        responses = lambda f: np.array([haar_feature(ii, *f) for ii in iis()], float)
    H, Wd = images.shape[1:]
    controls = {"kind": W.Dropdown(options=list(HAAR_KINDS), value="2v", description="kind"),
                "row": W.IntSlider(6, min=0, max=H - 1, description="row"),
                "col": W.IntSlider(3, min=0, max=Wd - 1, description="col"),
                "height": W.IntSlider(6, min=1, max=H, description="height"),
                "width": W.IntSlider(18, min=1, max=Wd, description="width"),
                "image": W.IntSlider(0, min=0, max=int(y.sum()) - 1, description="face #")}
    compute = functools.partial(compute_haar_explorer, images, y, responses)
    return Explorer(controls, compute, render_haar_explorer, figsize=(9, 4.2),
                    layout=functools.partial(_layout_haar_explorer, shape=(H, Wd)))
