"""boosting widgets, W1.3 1-D gradient boosting."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import ml2_grades
from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, key
from .. import plots
from ..gradient_boosting import _GradientBoostingRegressor
from .. import reference as ref
from ..staged import FitCache, fit_gradient_boosting, sine_data
from ._common import _stage_xlim, _sub

__all__ = ["gradient_boosting_1d", "compute_gradient_boosting_1d", "render_gradient_boosting_1d",
           "ml2_grade_table", "compute_ml2_grade_table", "render_ml2_grade_table", "GradientBoosting1dState",
           "Ml2GradeTableState"]


# ------------------------------------------------------------------ W1.3 1-D gradient boosting
_FIT_STYLES = {"data": {"ls": "", "marker": "o", "ms": 4, "mfc": PALETTE["sky"], "mec": "k", "mew": 0.3},
               "sin x": {"color": "0.5", "ls": "--", "lw": 1.2},
               "$F_M(x)$": {"color": PALETTE["vermillion"], "lw": 2}}
_MSE_STYLES = {"train MSE": {"color": PALETTE["blue"], "ls": "--"},
               "validation MSE": {"color": PALETTE["orange"]}}


@dataclass(frozen=True)
class GradientBoosting1dState:
    """The state of :func:`gradient_boosting_1d`: what :func:`render_gradient_boosting_1d` draws."""

    M: int
    nu: float
    max_depth: int
    x: np.ndarray
    y: np.ndarray
    x_grid: np.ndarray
    F_grid: np.ndarray
    residuals: np.ndarray
    h_grid: np.ndarray
    train_mse: np.ndarray
    val_mse: np.ndarray
    best_M: int
    fit_seconds: float


def compute_gradient_boosting_1d(cache: FitCache, factory: Callable, n_max: int, nu: float,
                                 n_stages: int, max_depth: int, outliers: bool) -> GradientBoosting1dState:
    """Stage M of the cached fit for (nu, depth, outliers): F_M, the residuals it fits, the losses."""
    data, t_data = cache.get(("data", outliers), lambda: sine_data(outliers))
    key = ("gb", round(nu, 6), max_depth, outliers)
    fit, t_fit = cache.get(key, lambda: fit_gradient_boosting(data, factory, nu, max_depth, n_max))
    M = n_stages
    return GradientBoosting1dState(
        M=M, nu=nu, max_depth=max_depth, x=data["x"][:, 0], y=data["y"],
        x_grid=data["x_grid"], F_grid=fit["grid"][M],
        residuals=data["y"] - fit["train"][M - 1],                          # (N,) y - F_{M-1}
        h_grid=(fit["grid"][M] - fit["grid"][M - 1]) / nu,                  # (G,) the tree h_M
        train_mse=fit["train_mse"], val_mse=fit["val_mse"],
        best_M=int(np.argmin(fit["val_mse"])) + 1, fit_seconds=t_data + t_fit)


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
    freeze_static(fig, [ax_fit.xaxis, ax_res.xaxis, ax_loss.xaxis])     # the y ranges follow the state


def render_gradient_boosting_1d(state: GradientBoosting1dState, fig: Figure) -> None:
    ax_fit, ax_res, ax_loss = fig.axes
    M, x, xg = state.M, state.x, state.x_grid
    plots.plot_1d_fit(ax_fit, x, state.y, xg, {"sin x": np.sin(xg), "$F_M(x)$": state.F_grid},
                      styles=_FIT_STYLES, legend=None)
    ax_fit.set_ylim(_padded(state.y, state.F_grid, [-1.0, 1.0]))
    ax_fit.set_title(f"data and F{_sub(M)}(x): ν = {state.nu:.3g}, tree depth {state.max_depth}", y=1.0)
    plots.plot_1d_fit(ax_res, x, state.residuals, xg, {"h_M(x)": state.h_grid},
                      styles={"h_M(x)": {"color": PALETTE["green"]}}, label="residuals", legend=None)
    ax_res.set_ylim(_padded(state.residuals, state.h_grid))
    ax_res.set_title(f"residuals y − F{_sub(M - 1)}(x) and the tree h{_sub(M)} fitted to them", y=1.0)
    curves = {"train MSE": state.train_mse, "validation MSE": state.val_mse}
    plots.plot_staged_errors(ax_loss, curves, current=M, ylabel="MSE", xlabel="number of trees M",
                             styles=_MSE_STYLES, legend=False)
    for values, style in zip(curves.values(), _MSE_STYLES.values()):
        ax_loss.plot([M], [values[M - 1]], "o", color=style["color"], mec="k", zorder=4)
    _log_ticks(ax_loss, np.r_[state.train_mse, state.val_mse])
    fit = f"; refitted in {state.fit_seconds:.2f} s" if state.fit_seconds > 0 else ""
    ax_loss.set_title(f"M = {M}: validation MSE {state.val_mse[M - 1]:.3f} "
                      f"(lowest at M = {state.best_M}{fit})", y=1.0)


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
        "nu": ipw.FloatLogSlider(0.1, base=10, min=-2, max=0, step=0.25, description="ν",
                               continuous_update=False, readout_format=".3g"),
        "n_stages": ipw.IntSlider(1, min=1, max=n_max, description="M"),
        "max_depth": ipw.IntSlider(1, min=1, max=4, description="tree depth", continuous_update=False),
        "outliers": ipw.Checkbox(False, description="add 6 outliers"),
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


@dataclass(frozen=True)
class Ml2GradeTableState:
    """The state of :func:`ml2_grade_table`: what :func:`render_ml2_grade_table` draws."""

    nu: float
    y: np.ndarray
    F0: float
    r1: np.ndarray
    F1: np.ndarray
    r2: np.ndarray
    F2: np.ndarray
    r3: np.ndarray
    leaf_values: list
    new_gammas: list
    new_F1: float
    new_prediction: float
    as_lecture: bool
    X: np.ndarray
    new_student: np.ndarray
    partitions: list


def compute_ml2_grade_table(data: dict, gb_fixed_partitions: Callable, nu: float,
                            **marks: float) -> Ml2GradeTableState:
    """Gradient boosting by hand on the lecture's table; ``marks`` = y1..y6 (ML2 marks)."""
    y = np.array([marks[f"y{i + 1}"] for i in range(len(data["y"]))], float)   # (6,)
    out = gb_fixed_partitions(y, data["partitions"], lr=nu)
    r, F = np.asarray(out["residuals"], float), np.asarray(out["predictions"], float)  # (2, 6) each
    gammas = [out["leaf_values"][k][leaf] for k, leaf in enumerate(data["new_student_leaves"])]
    as_lecture = bool(np.isclose(nu, 0.1) and np.allclose(y, data["y"]))
    return Ml2GradeTableState(
        nu=nu, y=y, F0=float(out["F0"]), r1=r[0], F1=F[0], r2=r[1], F2=F[1],
        r3=y - F[1], leaf_values=out["leaf_values"], new_gammas=gammas,
        new_F1=float(out["F0"] + nu * gammas[0]), new_prediction=float(out["F0"] + nu * sum(gammas)),
        as_lecture=as_lecture, X=data["X"], new_student=data["new_student"],
        partitions=data["partitions"])


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


def render_ml2_grade_table(state: Ml2GradeTableState, fig: Figure) -> None:
    (ax,) = fig.axes
    cols = ["#", "lectures", "labs", "CS bg", "ML1", "ML2 (y)", "r1", "F1", "r2", "F2", "r3"]
    rows = [[str(i + 1), *(_fmt(v) for v in x[:2]), "yes" if x[2] else "no", _fmt(x[3]),
             *(_fmt(getattr(state, k)[i]) for k in ("y", "r1", "F1", "r2", "F2", "r3"))]
            for i, x in enumerate(state.X)]
    s = state.new_student
    rows.append(["new", _fmt(s[0]), _fmt(s[1]), "yes" if s[2] else "no", _fmt(s[3]), "?", "",
                 _fmt(state.new_F1), "", _fmt(state.new_prediction), ""])
    marked = {(2, 9), (2, 10), (6, 9)}
    plots.plot_text_table(ax, rows, cols, highlight=marked, bold=marked, fontsize=10, rect=(0.01, 0.33, 0.98, 0.56))
    ax.text(0.5, 0.92, f"Predict your ML2 grade: F₀ = mean(y) = {_fmt(state.F0)}, ν = {state.nu:.2f}",
            ha="center", fontsize=12, transform=ax.transAxes)
    g1, g2 = state.new_gammas
    lines = [_leaf_text(state.partitions, state.leaf_values),
             f"new student: F₂ = {_fmt(state.F0)} + ν·{_fmt(g1)} + ν·{_fmt(g2)} = "
             f"{_fmt(state.new_prediction)}",
             f"sample 3: F₂ = {_fmt(state.F2[2])}, r₃ = {_fmt(state.r3[2])}"
             + ("  (the slide printed 73.11 and 10.89: a sign slip, 74.1 − 0.99 for 74.1 + 0.99)"
                if state.as_lecture else "  (the lecture's numbers are for ν = 0.1 and the original marks)")]
    ax.text(0.02, 0.29, "\n".join(lines), fontsize=10, va="top", linespacing=1.5, transform=ax.transAxes)


def ml2_grade_table(gb_fixed_partitions: Callable | None = None) -> Explorer:
    """W1.4: the lecture's "Predict your ML2 grade" table, live in ν and the marks.

    ``gb_fixed_partitions(y, partitions, lr) -> dict`` (F0, residuals, leaf_values,
    predictions); default: the reference implementation.
    """
    data = ml2_grades()
    controls = {"nu": ipw.FloatSlider(0.1, min=0.01, max=1.0, step=0.01, description="ν",
                                    readout_format=".2f")}
    for i, mark in enumerate(data["y"]):
        controls[f"y{i + 1}"] = ipw.FloatText(float(mark), description=f"ML2 #{i + 1}",
                                            layout=ipw.Layout(width="150px"),
                                            style={"description_width": "55px"})
    compute = functools.partial(compute_ml2_grade_table, data, gb_fixed_partitions or ref.gb_fixed_partitions)
    return Explorer(controls, compute, render_ml2_grade_table, layout=_layout_ml2_grade_table, figsize=(10, 4.2))
