"""Week 04 widgets (W4.1-W4.5, W4.7): the only module of :mod:`dlcourse.training` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values (and what the builder precomputed) into a state dict, and a
``render_*(state, fig)`` that draws the state on the emptied axes; an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders precompute what they can (all
learning rates of the optimiser race in one vectorised run, every batch size, ...), so light
controls only select and redraw; controls that retrain update on release and the figure
reports the time. Where a widget shows something the students implement, the builder takes
their function (default: the private reference).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from matplotlib.transforms import ScaledTranslation

from ..boosting.plots import freeze_static
from ..mlp.textlayer import TextLayer
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .augment import _augment
from .optimizers import _adam_step, _iterate_minibatches, _momentum_step, _rmsprop_step, _sgd_step
from .regularization import _EarlyStopping
from .schedules import _exp_decay, _slide_keras_scheduler, _step_decay, _time_decay, keras_lr_sequence
from .surfaces import SURFACES, diverged_at, run_optimizer

__all__ = ["optimizer_race", "batch_size_explorer", "schedule_plotter", "vanishing_gradients", "overfitting_lab",
           "augmentation_previewer"]

REFERENCE_STEPS: dict[str, Callable] = {"SGD": _sgd_step, "momentum": _momentum_step, "RMSProp": _rmsprop_step,
                                        "Adam": _adam_step}


def _title(ax, text: str, size: float = 11) -> None:
    """A title drawn by a :class:`TextLayer` (a matplotlib title costs ~3 ms per redraw)."""
    shift = ScaledTranslation(0, 5 / 72, ax.get_figure().dpi_scale_trans)
    TextLayer().add_to(ax, transform=ax.transAxes + shift).add(0.5, 1.0, text, size=size, va="bottom")


def _note(ax, x: float, y: float, text: str, **kwargs) -> None:
    """Text at (x, y) in axes fractions, from a TextLayer."""
    TextLayer().add_to(ax, transform=ax.transAxes).add(x, y, text, **kwargs)


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


def compute_optimizer_race(cache: _RaceCache, surface: str, optimizers: tuple, lr: float, n_steps: int) -> dict:
    """Each chosen optimiser's path (n_steps + 1, 2), loss per step and divergence step."""
    s = SURFACES[surface]
    runs = {}
    for name in optimizers:
        traj = cache.trajectory(surface, name, lr)[:n_steps + 1]
        d = diverged_at(traj)
        runs[name] = {"trajectory": traj, "loss": s.f(traj), "diverged_at": d,
                      "final_loss": float(s.f(traj[-1])) if d is None else float("nan"),
                      "distance": float(np.linalg.norm(traj[-1] - s.minimum)) if d is None else float("nan")}
    return {"surface": surface, "lr": lr, "n_steps": n_steps, "runs": runs,
            "colors": {n: plots.optimizer_color(n, i) for i, n in enumerate(cache.steps)}}


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


def render_optimizer_race(state: dict, fig: Figure) -> None:
    ax, ax_l = fig.axes
    s = SURFACES[state["surface"]]
    plots.plot_surface(ax, s)
    ax.plot(*s.start, marker="o", ms=8, color="w", mec="k", ls="", zorder=4)
    lines = []
    for name, run in state["runs"].items():
        color = state["colors"][name]
        plots.plot_trajectory(ax, run["trajectory"], color, diverged=run["diverged_at"])
        plots.plot_loss_curves(ax_l, {name: run["loss"]}, {name: color}, floor=_LOSS_FLOOR)
        if run["diverged_at"] is not None:
            lines.append((f"{name}: diverged at step {run['diverged_at']}", color))
        else:
            lines.append((f"{name}: f = {run['final_loss']:.2g}, ‖w − w*‖ = {run['distance']:.2g}", color))
    ax_l.set_xlim(0, state["n_steps"])
    text = TextLayer().add_to(ax_l, transform=ax_l.transAxes)
    for k, (line, color) in enumerate(reversed(lines)):
        text.add(0.02, 0.03 + 0.075 * k, line, ha="left", va="bottom", size=9, color=color, box=True)
    _title(ax, f"{s.name}: η = {state['lr']:.3g}, {state['n_steps']} steps from ○ to ★")
    _title(ax_l, "loss per step (log scale)")


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
    controls = {"surface": W.Dropdown(options=list(SURFACES), value="ravine", description="surface"),
                "optimizers": W.SelectMultiple(options=names, value=tuple(names), rows=min(len(names), 4),
                                               description="optimisers"),
                "lr": W.FloatLogSlider(10 ** -1.5, base=10, min=_LR_EXPONENTS[0], max=_LR_EXPONENTS[-1], step=0.25,
                                       description="η", readout_format=".3g"),
                "n_steps": W.IntSlider(100, min=10, max=_MAX_STEPS, step=10, description="steps")}
    return Explorer(controls, functools.partial(compute_optimizer_race, cache), render_optimizer_race,
                    layout=functools.partial(_layout_optimizer_race, names=names), figsize=(11, 4.6))


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
    W_, B_ = np.meshgrid(np.linspace(-1.5, 3.0, 120), np.linspace(-2.0, 2.0, 120))
    Z = _full_loss(x, y, np.stack([W_, B_], axis=-1))
    gen = contourpy.contour_generator(W_, B_, Z)
    return [seg for level in Z.min() + np.geomspace(0.01, 6, 9) for seg in gen.lines(level) if len(seg) > 1]


def compute_batch_size_explorer(runs_for: Callable[[float], dict], batch_size: int, lr: float) -> dict:
    runs = runs_for(lr)
    x, y = _regression_data()
    best = np.linalg.lstsq(np.c_[x, np.ones_like(x)], y, rcond=None)[0]
    return {"batch_size": batch_size, "lr": lr, "runs": runs, "run": runs[batch_size], "optimum": best,
            "min_loss": float(_full_loss(x, y, best)), "contours": _contour_wb()}


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


def render_batch_size_explorer(state: dict, fig: Figure) -> None:
    from matplotlib.collections import LineCollection

    ax_p, ax_e, ax_u = fig.axes
    B, run, floor = state["batch_size"], state["run"], 1e-6
    ax_p.add_collection(LineCollection(state["contours"], colors="0.7", linewidths=0.8))
    full = state["runs"][_BS_N]["path"]
    ax_p.plot(full[:, 0], full[:, 1], color="0.35", lw=1.2, ls="--")
    ax_p.plot(run["path"][:, 0], run["path"][:, 1], color=PALETTE["vermillion"], lw=0.9, alpha=0.9)
    ax_p.plot(*state["optimum"], marker="*", ms=14, color=PALETTE["yellow"], mec="k", ls="", zorder=4)
    ax_p.plot(*_BS_START, marker="o", ms=7, color="w", mec="k", ls="", zorder=4)
    for b, r in state["runs"].items():
        if b != B:
            ax_e.plot(np.arange(_BS_EPOCHS + 1), np.maximum(r["epoch_loss"] - state["min_loss"], floor),
                      color="0.75", lw=0.8)
    ax_e.plot(np.arange(_BS_EPOCHS + 1), np.maximum(run["epoch_loss"] - state["min_loss"], floor),
              color=PALETTE["vermillion"], lw=2)
    full_loss = state["runs"][_BS_N]["loss"]
    ax_u.plot(np.arange(1, len(full_loss) + 1), np.maximum(full_loss - state["min_loss"], floor),
              color="0.35", lw=1.2, ls="--")
    ax_u.plot(np.arange(1, len(run["loss"]) + 1), np.maximum(run["loss"] - state["min_loss"], floor),
              color=PALETTE["vermillion"], lw=1.2)
    kind = "batch GD" if B == _BS_N else ("SGD" if B == 1 else "mini-batch")
    _title(ax_p, f"B = {B} ({kind}): path of (w, b)\ndashed: batch GD (B = {_BS_N})")
    _title(ax_e, f"{run['updates_per_epoch']} updates per epoch\n(grey: the other batch sizes)")
    _title(ax_u, f"{run['updates_per_epoch'] * _BS_EPOCHS} updates in {_BS_EPOCHS} epochs\n"
                 f"{run['ms_per_epoch']:.2f} ms per epoch here (η = {state['lr']:.3g})")


def batch_size_explorer(iterate_minibatches: Callable | None = None) -> Explorer:
    """W4.2: mini-batch gradient descent on a noisy linear regression y = 1.5 x - 0.5 + noise
    (N = 200), 20 epochs, for batch sizes 1 (SGD) ... 200 (batch GD). Shows the path of
    (w, b) over the loss contours, the full-data loss per epoch and per update.

    ``iterate_minibatches(N, batch_size, rng, shuffle=True)`` (yours; default the reference)
    yields one epoch of index arrays; it is checked to cover every index exactly once.
    All batch sizes are run when the widget is built and again when η is released.
    """
    iterate = iterate_minibatches or _iterate_minibatches
    runs_for = functools.lru_cache(maxsize=8)(lambda lr: _run_batch_sizes(iterate, lr))
    controls = {"batch_size": W.SelectionSlider(options=BATCH_SIZES, value=8, description="batch size B"),
                "lr": W.FloatLogSlider(0.05, base=10, min=-3, max=-0.5, step=0.25, description="η",
                                       readout_format=".3g", continuous_update=False)}
    return Explorer(controls, functools.partial(compute_batch_size_explorer, runs_for), render_batch_size_explorer,
                    layout=_layout_batch_size_explorer, figsize=(12, 4.2))


# --------------------------------------------------------------------------- W4.3 schedules
_SCHED_EPOCHS = 40
REFERENCE_SCHEDULES: dict[str, Callable] = {
    "time-based η₀/(1+kt)": _time_decay,
    "step η₀·e^(−10k)^⌊t/10⌋": lambda eta0, k, t: _step_decay(eta0, np.exp(-10 * k), 10, t),
    "exponential η₀e^(−kt)": _exp_decay,
}


def compute_schedule_plotter(schedules: Mapping[str, Callable], schedule: str, eta0: float, k: float,
                             slide: bool) -> dict:
    """Every schedule's rate at epochs 0..40, and the slide's compounding Keras scheduler with
    the same k (it waits 10 epochs, then multiplies the rate by e^{-k·epoch} every epoch)."""
    t = np.arange(_SCHED_EPOCHS + 1)
    curves = {}
    for name, f in schedules.items():
        lr = np.broadcast_to(np.asarray(f(eta0, k, t), dtype=float), t.shape)
        curves[name] = lr
    keras = keras_lr_sequence(functools.partial(_slide_keras_scheduler, k=k), eta0, len(t))
    return {"t": t, "curves": curves, "schedule": schedule, "eta0": eta0, "k": k, "slide": slide,
            "keras": keras, "exp_14": float(eta0 * np.exp(-k * 14)), "keras_14": float(keras[14])}


def _layout_schedule_plotter(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, left=0.07, right=0.98, bottom=0.14, top=0.86, wspace=0.22)
    ax, ax_log = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    for a in (ax, ax_log):
        a.set(xlabel="epoch t", xlim=(0, _SCHED_EPOCHS), xticks=[0, 10, 20, 30, 40])
    ax.set_ylabel("learning rate η")
    ax_log.set_yscale("log")
    freeze_static(fig, [ax.xaxis, ax_log.xaxis])


def render_schedule_plotter(state: dict, fig: Figure) -> None:
    ax, ax_log = fig.axes
    t, eta0 = state["t"], state["eta0"]
    for a, floor in ((ax, 0.0), (ax_log, eta0 * 1e-8)):
        for name, lr in state["curves"].items():
            chosen = name == state["schedule"]
            plots.plot_schedule(a, t, np.maximum(lr, floor), color=PALETTE["blue"] if chosen else "0.7",
                                lw=2.4 if chosen else 1.0, zorder=3 if chosen else 2)
        if state["slide"]:
            plots.plot_schedule(a, t, np.maximum(state["keras"], floor), color=PALETTE["vermillion"], lw=2, ls="--",
                                zorder=4)
    ax.set_ylim(0, eta0 * 1.08)
    ax_log.set_ylim(eta0 * 1e-8, eta0 * 2)
    _title(ax, f"{state['schedule']}:  η₀ = {eta0:.3g}, k = {state['k']:.2f}\n(grey: the other schedules)")
    if state["slide"]:
        _title(ax_log, f"dashed: the slide's Keras scheduler (compounds from epoch 10)\n"
                       f"epoch 14: η₀e^(−14k) = {state['exp_14']:.3g}, the slide's {state['keras_14']:.3g}")
    else:
        _title(ax_log, "log scale: exponential decay is a straight line")


def schedule_plotter(schedules: Mapping[str, Callable] | None = None) -> Explorer:
    """W4.3: learning-rate schedules η(t) for epochs t = 0..40, linear and log scale.

    ``schedules`` : name -> f(eta0, k, t) (yours; t an int array); default time-based
    η₀/(1 + kt), a step staircase η₀·(e^{-10k})^⌊t/10⌋ (it meets η₀e^{-kt} every 10 epochs) and
    exponential η₀e^{-kt}. The checkbox overlays the slide's compounding Keras scheduler.
    """
    schedules = dict(schedules or REFERENCE_SCHEDULES)
    names = list(schedules)
    controls = {"schedule": W.Dropdown(options=names, value=names[-1], description="schedule"),
                "eta0": W.FloatLogSlider(0.01, base=10, min=-4, max=0, step=0.25, description="η₀",
                                         readout_format=".3g"),
                "k": W.FloatSlider(0.1, min=0.0, max=0.5, step=0.01, description="k"),
                "slide": W.Checkbox(True, description="slide's Keras scheduler")}
    return Explorer(controls, functools.partial(compute_schedule_plotter, schedules), render_schedule_plotter,
                    layout=_layout_schedule_plotter, figsize=(11, 4.2))


# --------------------------------------------------------------------------- W4.4 vanishing gradients
VG_INITS = {"N(0, 1)": "standard", "Xavier/Glorot": "glorot", "He": "he"}
_VG_WIDTH, _VG_N = 32, 256


@functools.lru_cache(maxsize=512)
def _grad_study(depth: int, activation: str, init: str, batchnorm: bool, residual: bool) -> dict:
    """Per-layer ‖dJ/dW‖ and hidden activations' std of a fresh deep MLP on a fixed moons batch."""
    import torch

    from ..data import two_moons
    from .deep import _layer_grad_norms, deep_mlp

    X, y = two_moons(_VG_N, 0.2, rng=0)
    model = deep_mlp(depth, _VG_WIDTH, activation, init, batchnorm, residual, seed=0, dtype=torch.float64)
    norms = _layer_grad_norms(model, X, y)
    hidden: list = []
    with torch.no_grad():
        model(torch.tensor(X), record=hidden)
    return {"grad_norms": np.array(norms), "act_std": np.array([float(h.std()) for h in hidden])}


def compute_vanishing_gradients(depth: int, activation: str, init: str, batchnorm: bool, residual: bool) -> dict:
    start = time.perf_counter()
    study = _grad_study(depth, activation, VG_INITS.get(init, init), batchnorm, residual)
    g = study["grad_norms"]
    return {"depth": depth, "activation": activation, "init": init, "batchnorm": batchnorm, "residual": residual,
            **study, "ratio": float(g[0] / g[-1]) if g[-1] > 0 else float("inf"),
            "compute_ms": 1000 * (time.perf_counter() - start)}


def _layout_vanishing_gradients(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.4, 1], left=0.07, right=0.98, bottom=0.13, top=0.84, wspace=0.22)
    ax, ax_a = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(yscale="log", xlabel="layer (1 = input side)", ylabel="‖∂J/∂W‖")
    ax_a.set(yscale="log", xlabel="hidden layer", ylabel="std of activations")
    for a in (ax, ax_a):                       # few tick labels: each costs ~0.5 ms per redraw
        a.yaxis.set_major_locator(LogLocator(numticks=5))
        a.yaxis.set_minor_locator(NullLocator())
        a.xaxis.set_major_locator(MaxNLocator(6, integer=True))


def _log_limits(values: np.ndarray, floor: float = 1e-30) -> tuple[float, float]:
    v = np.maximum(values, floor)
    lo, hi = np.floor(np.log10(v.min())) - 0.3, np.ceil(np.log10(v.max())) + 0.3
    return 10 ** min(lo, -1.3), 10 ** max(hi, 0.3)


def render_vanishing_gradients(state: dict, fig: Figure) -> None:
    ax, ax_a = fig.axes
    g, a = state["grad_norms"], state["act_std"]
    lo, hi = _log_limits(g)
    ax.set(xlim=(0.4, len(g) + 0.6), ylim=(lo, hi))
    plots.plot_layer_norms(ax, g, color=PALETTE["blue"], floor=lo)
    ax_a.plot(np.arange(1, len(a) + 1), np.maximum(a, 1e-30), color=PALETTE["vermillion"], marker="o", ms=3.5, lw=1.6)
    ax_a.set(xlim=(0.5, max(len(a), 1) + 0.5), ylim=_log_limits(a))
    tricks = " + ".join(n for n, on in (("batch norm", state["batchnorm"]), ("residual", state["residual"])) if on)
    _title(ax, f"{state['depth']} layers, {state['activation']}, {state['init']} init"
               f"{' + ' + tricks if tricks else ''}\n‖∂J/∂W₁‖ / ‖∂J/∂W_L‖ = {state['ratio']:.2g}")
    _title(ax_a, "forward pass: spread of each layer's output")


def vanishing_gradients() -> Explorer:
    """W4.4: per-layer gradient norms ‖∂J/∂W_l‖ (log scale) of a fresh width-32 MLP on a fixed
    batch of 256 two-moons points (BCE, float64, seed 0), for a depth (Linear layers, output
    included), activation, initialisation, batch norm (before the activation) and residual
    shortcuts; beside it the std of each hidden layer's output. One forward and backward pass
    in torch per setting (a few ms; results cached)."""
    controls = {"depth": W.IntSlider(15, min=2, max=30, description="depth (layers)"),
                "activation": W.Dropdown(options=["sigmoid", "tanh", "relu"], value="sigmoid",
                                         description="activation"),
                "init": W.Dropdown(options=list(VG_INITS), value="N(0, 1)", description="init"),
                "batchnorm": W.Checkbox(False, description="batch norm"),
                "residual": W.Checkbox(False, description="residual")}
    return Explorer(controls, compute_vanishing_gradients, render_vanishing_gradients,
                    layout=_layout_vanishing_gradients, figsize=(11, 4.2))


# --------------------------------------------------------------------------- W4.5 over-fitting lab
_OF_EPOCHS, _OF_GRID = 300, 60
OF_WIDTHS = (4, 16, 64, 128)
OF_LAMBDAS = (0.0, 1e-4, 1e-3, 1e-2, 1e-1)
OF_KEEP = (1.0, 0.9, 0.8, 0.5)


@functools.cache
def _moons_split() -> dict:
    from ..data import two_moons
    from ..mlp.plots import make_grid

    X, y = two_moons(100, 0.3, rng=0)
    X_val, y_val = two_moons(400, 0.3, rng=1)
    grid, extent = make_grid(np.vstack([X, X_val]), n=_OF_GRID, pad=0.4)
    return {"X": X, "y": y, "X_val": X_val, "y_val": y_val, "grid": grid, "extent": extent}


@functools.lru_cache(maxsize=64)
def _fit_lab(width: int, depth: int, penalty: str, lam: float, keep_prob: float) -> dict:
    from .overfit import fit_regularised_mlp

    d = _moons_split()
    return fit_regularised_mlp(d["X"], d["y"], d["X_val"], d["y_val"], hidden=(width,) * depth,
                               penalty=penalty.lower(), lam=lam, keep_prob=keep_prob, epochs=_OF_EPOCHS)


@functools.lru_cache(maxsize=256)
def _lab_map(width: int, depth: int, penalty: str, lam: float, keep_prob: float, epoch: int) -> np.ndarray:
    """P(class 1) on the lab's grid with the weights of ``epoch`` (1-based)."""
    from .overfit import proba_at

    return proba_at(_fit_lab(width, depth, penalty, lam, keep_prob), epoch, _moons_split()["grid"])


def compute_overfitting_lab(early_stopping: type, width: int, depth: int, penalty: str, lam: float,
                            keep_prob: float, patience: int) -> dict:
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
    return {**_moons_split(), "fit": fit, "width": width, "depth": depth, "penalty": penalty, "lam": lam,
            "keep_prob": keep_prob, "patience": patience, "stop_epoch": stop, "best_epoch": best,
            "shown_epoch": shown, "grid_proba": _lab_map(width, depth, penalty, lam, keep_prob, shown),
            "val_acc": float(fit["val_acc"][shown - 1]), "train_acc": float(fit["train_acc"][shown - 1])}


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


def render_overfitting_lab(state: dict, fig: Figure) -> None:
    from ..mlp.plots import plot_points, plot_probability_map

    ax, ax_b = fig.axes
    fit = state["fit"]
    plots.plot_train_val(ax, np.minimum(fit["train_loss"], 1.0), np.minimum(fit["val_loss"], 1.0),
                         best_epoch=state["best_epoch"] if state["stop_epoch"] else None,
                         stop_epoch=state["stop_epoch"])
    ext = state["extent"]
    plot_probability_map(ax_b, state["grid_proba"], ext)
    plot_points(ax_b, state["X"], state["y"], size=16)
    ax_b.set(xlim=ext[:2], ylim=ext[2:])
    reg = f"{state['penalty']} λ = {state['lam']:g}" if state["lam"] else "no penalty"
    _title(ax, f"2 → {' → '.join([str(state['width'])] * state['depth'])} → 1 ({fit['n_params']} parameters), "
               f"{reg}, keep_prob = {state['keep_prob']:g}\ntrained {_OF_EPOCHS} epochs in {fit['seconds']:.2f} s; "
               f"best validation BCE {fit['val_loss'].min():.3f} at epoch {int(fit['val_loss'].argmin()) + 1}")
    if state["stop_epoch"]:
        what = f"stopped at epoch {state['stop_epoch']}, restored epoch {state['best_epoch']}"
    elif state["patience"]:
        what = f"patience {state['patience']}: never stopped; epoch {_OF_EPOCHS}"
    else:
        what = f"no early stopping: epoch {_OF_EPOCHS}"
    _title(ax_b, f"{what}\ntrain acc {state['train_acc']:.0%}, validation acc {state['val_acc']:.0%}")


def overfitting_lab(early_stopping: type | None = None) -> Explorer:
    """W4.5: a ReLU MLP on 100 noisy two-moons points (validation: 400 more), full-batch Adam
    for 300 epochs, with an L2 or L1 penalty and dropout; train/validation BCE curves and the
    decision map. Early stopping (min_delta 0.001; patience 0 = off) is replayed on the
    recorded validation curve, so the patience slider is instant; the map shows the restored
    (best) epoch. Model controls update on release: a new setting trains (0.2-2 s, reported).

    ``early_stopping`` : your class with ``__init__(patience, min_delta)``, ``.step(val_loss) ->
    bool`` (True = stop) and ``.best_epoch`` (0-based); default the reference.
    """
    early_stopping = early_stopping or _EarlyStopping
    on_release = {"continuous_update": False}
    controls = {"width": W.SelectionSlider(options=OF_WIDTHS, value=64, description="width", **on_release),
                "depth": W.IntSlider(2, min=1, max=3, description="hidden layers", **on_release),
                "penalty": W.Dropdown(options=["L2", "L1"], value="L2", description="penalty"),
                "lam": W.SelectionSlider(options=OF_LAMBDAS, value=0.0, description="λ", **on_release),
                "keep_prob": W.SelectionSlider(options=OF_KEEP, value=1.0, description="keep_prob", **on_release),
                "patience": W.IntSlider(0, min=0, max=50, description="patience (0 = off)")}
    return Explorer(controls, functools.partial(compute_overfitting_lab, early_stopping), render_overfitting_lab,
                    layout=_layout_overfitting_lab, figsize=(11, 4.6))


# --------------------------------------------------------------------------- W4.7 augmentation
@functools.cache
def _preview_images() -> dict[str, tuple[np.ndarray, str]]:
    """name -> (image in [0, 1], colour map). Photos if dlcourse.data has them, and a digit."""
    from sklearn.datasets import load_digits

    images: dict[str, tuple[np.ndarray, str]] = {}
    try:
        from ..data.images import photo
        for name in ("chelsea", "astronaut"):
            images[f"photo: {name}"] = (photo(name, 64), "gray")
    except (ImportError, ValueError, OSError):
        pass
    digits = load_digits()
    for d in (7, 2):
        images[f"digit {d} (8×8)"] = (digits.images[np.flatnonzero(digits.target == d)[0]] / 16.0, "gray_r")
    return images


@dataclass
class _AugmentSession:
    seed: int = 0


def compute_augmentation_previewer(augment: Callable, session: _AugmentSession, image: str, rotation: float,
                                   shift: float, zoom: float, hflip: bool) -> dict:
    """Nine augmentations of ``image`` drawn from one generator seeded with the session's seed."""
    img, cmap = _preview_images()[image]
    rng = np.random.default_rng(session.seed)
    samples = []
    for _ in range(9):
        out = np.asarray(augment(img, rng, rotation=rotation, shift=shift, zoom=zoom, hflip=hflip))
        if out.shape != img.shape:
            raise ValueError(f"augment returned shape {out.shape} for an image of shape {img.shape}: "
                             "it must keep the shape")
        samples.append(out)
    return {"image": img, "cmap": cmap, "samples": np.array(samples), "name": image, "seed": session.seed,
            "rotation": rotation, "shift": shift, "zoom": zoom, "hflip": hflip}


def _layout_augmentation_previewer(fig: Figure) -> None:
    ax_o = fig.add_axes((0.02, 0.2, 0.3, 0.6))
    ax_g = fig.add_axes((0.38, 0.02, 0.6, 0.83))
    for a in (ax_o, ax_g):
        a.set_axis_off()


def render_augmentation_previewer(state: dict, fig: Figure) -> None:
    ax_o, ax_g = fig.axes
    cmap = state["cmap"]
    ax_o.imshow(state["image"], cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    plots.plot_image_grid(ax_g, state["samples"], 3, cmap=cmap, fill=0.0 if cmap == "gray_r" else 1.0)
    _title(ax_o, f"original ({state['name']})")
    _title(ax_g, f"9 random augmentations (sample set {state['seed']})\nrotation ±{state['rotation']:g}°, "
                 f"shift ±{state['shift']:.0%}, zoom ×[{1 - state['zoom']:.2f}, {1 + state['zoom']:.2f}]"
                 f"{', flip ½ of them' if state['hflip'] else ''}")


def augmentation_previewer(augment: Callable | None = None) -> Explorer:
    """W4.7: a 3x3 grid of random augmentations of a photo (if dlcourse.data provides
    ``photo``) or an 8x8 digit; rotation, shift, zoom and flip controls; "New samples" draws
    another nine. The same samples move smoothly as a range changes (same random numbers).

    ``augment(img, rng, rotation=, shift=, zoom=, hflip=)`` (yours; default the reference):
    img (H, W) in [0, 1], returns an image of the same shape.
    """
    augment = augment or _augment
    session = _AugmentSession()
    names = list(_preview_images())
    controls = {"image": W.Dropdown(options=names, value=names[0], description="image"),
                "rotation": W.FloatSlider(40.0, min=0.0, max=180.0, step=5.0, description="rotation ±°"),
                "shift": W.FloatSlider(0.2, min=0.0, max=0.5, step=0.05, description="shift ±"),
                "zoom": W.FloatSlider(0.2, min=0.0, max=0.5, step=0.05, description="zoom ±"),
                "hflip": W.Checkbox(True, description="horizontal flip")}

    def new_samples(ex: Explorer) -> None:
        session.seed += 1
        ex.update()

    return Explorer(controls, functools.partial(compute_augmentation_previewer, augment, session),
                    render_augmentation_previewer, layout=_layout_augmentation_previewer, figsize=(10, 5.2),
                    buttons={"New samples": new_samples})
