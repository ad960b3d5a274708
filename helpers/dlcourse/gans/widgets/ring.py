"""Week 07 widget: the ring mode-collapse lab (W7.2)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ...data.generative import ring_centers
from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import plots, reference as ref
from ..training import train_ring

__all__ = ["ring_lab"]


# --------------------------------------------------------------------------- W7.2 ring mode-collapse lab
_RING_STEPS, _RING_EVERY, _RING_LR = 400, 50, 3e-3
RING_LOSSES = {"non-saturating -log D": "nonsat", "minimax log(1 - D)": "minimax"}
RING_SPEEDS = {"equal (3e-3 both)": (1.0, 1.0), "D 10x slower": (1.0, 0.1), "D 10x faster": (0.1, 1.0)}


@dataclass(frozen=True)
class RingState:
    trained: bool
    label: str
    iteration: int
    samples: np.ndarray | None     # (2000, 2)
    d_prob: np.ndarray | None      # (61, 61)
    grid: np.ndarray | None
    modes_curve: np.ndarray | None  # (n_snapshots, 2): iteration, modes
    table: tuple                   # ((label, final modes), ...) of every run so far


def _ring_key(loss: str, k_d: int, speed: str) -> tuple:
    return (loss, int(k_d), speed)


def _ring_label(key: tuple) -> str:
    return f"{key[0].split()[0]}, k = {key[1]}, {key[2].split(' (')[0]}"


def _run_ring(key: tuple, train_gan: Callable, d_step: Callable, g_step: Callable | None, seed: int = 0) -> dict:
    loss, k_d, speed = key
    g_scale, d_scale = RING_SPEEDS[speed]
    step = g_step if RING_LOSSES[loss] == "nonsat" else None          # minimax: the reference G step variant
    return train_ring(seed=seed, steps=_RING_STEPS, k_d=k_d, lr_g=_RING_LR * g_scale, lr_d=_RING_LR * d_scale,
                      loss=RING_LOSSES[loss], snapshot_every=_RING_EVERY, train_gan=train_gan, d_step=d_step,
                      g_step=step)


_CURVES: dict = {}


def _modes_curve(key: int, run: dict) -> np.ndarray:
    """(iteration, modes covered) of every snapshot of a run, computed once per run."""
    if key not in _CURVES or _CURVES[key][0] is not run:
        _CURVES[key] = (run, np.array([(s["step"], ref.count_modes(s["samples"], ring_centers())) for s in run["snapshots"]]))
    return _CURVES[key][1]


def compute_ring_lab(runs: dict, loss: str, k_d: int, speed: str, iteration: int) -> RingState:
    """Select the snapshot of the chosen configuration (if it has been trained)."""
    key = _ring_key(loss, k_d, speed)
    table = tuple((_ring_label(k), r["modes"]) for k, r in runs.items())
    if key not in runs:
        return RingState(False, _ring_label(key), int(iteration), None, None, None, None, table)
    run = runs[key]
    snaps = run["snapshots"]
    k = min(int(iteration) // _RING_EVERY, len(snaps) - 1)
    curve = _modes_curve(id(run), run)
    return RingState(True, _ring_label(key), snaps[k]["step"], snaps[k]["samples"], snaps[k]["d_prob"], run["grid"],
                     curve, table)


def _layout_ring(fig: Figure) -> None:
    ax, ax_m = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.1], "wspace": 0.3})
    fig.subplots_adjust(left=0.06, right=0.97, top=0.88, bottom=0.13)
    ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", xticks=[], yticks=[])   # coordinates carry no meaning here
    ax_m.set(xlim=(0, _RING_STEPS), ylim=(-0.3, 8.5), xlabel="iteration", ylabel="modes covered (of 8)",
             xticks=[0, 200, 400], yticks=[0, 4, 8])
    for a in (ax, ax_m):
        a.grid(False)


def render_ring_lab(state: RingState, fig: Figure) -> None:
    ax, ax_m = fig.axes
    if not state.trained:
        ax.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal")
        ax.text(0, 0, f"{state.label}\nnot trained yet:\npress “Train”", ha="center", va="center", fontsize=10)
    else:
        plots.plot_ring(ax, state.samples, ring_centers(), d_prob=state.d_prob, grid=state.grid)
        ax.text(-2.9, 2.9, f"iteration {state.iteration}", va="top", fontsize=9)
        ax_m.plot(state.modes_curve[:, 0], state.modes_curve[:, 1], "o-", color=PALETTE["orange"], lw=1.6)
        ax_m.axvline(state.iteration, color=PALETTE["black"], lw=0.8, ls=":")
    lines = [f"{label}: {modes} of 8" for label, modes in state.table[-5:]]
    ax_m.text(_RING_STEPS * 0.3, 0.2, f"shown: {state.label}\nruns (modes after 400 iterations):\n" + "\n".join(lines),
              fontsize=8, va="bottom")


def ring_lab(train_gan: Callable | None = None, d_step: Callable | None = None, g_step: Callable | None = None,
             initial: dict | None = None) -> Explorer:
    """W7.2: train the ring GAN with a loss variant, D steps per G step and learning-rate balance of your
    choice (400 iterations, seed 0, behind the "Train" button: about 3 s), then scrub through snapshots.

    ``initial`` : a finished :func:`~dlcourse.gans.training.train_ring` run of the default settings
    (snapshots every 50) to show at once; without it the default is trained when the lab is built.
    Uses your ``train_gan`` / ``d_step`` / ``g_step`` (the minimax variant uses the reference G step).
    """
    train_gan, d_step = train_gan or ref.train_gan, d_step or ref.d_step
    controls = {"loss": widgets.Dropdown(options=list(RING_LOSSES), value="non-saturating -log D", description="G loss"),
                "k_d": widgets.IntSlider(1, min=1, max=5, description="D steps per G step"),
                "speed": widgets.Dropdown(options=list(RING_SPEEDS), value="equal (3e-3 both)", description="learning rates"),
                "iteration": widgets.IntSlider(_RING_STEPS, min=0, max=_RING_STEPS, step=_RING_EVERY,
                                               description="iteration")}
    default = _ring_key("non-saturating -log D", 1, "equal (3e-3 both)")
    runs = {default: initial if initial is not None else _run_ring(default, train_gan, d_step, g_step)}

    def train(ex: Explorer) -> None:
        key = _ring_key(*(ex.controls[n].value for n in ("loss", "k_d", "speed")))
        if key not in runs:
            runs[key] = _run_ring(key, train_gan, d_step, g_step)
        ex.update()

    return Explorer(controls, functools.partial(compute_ring_lab, runs), render_ring_lab, layout=_layout_ring,
                    figsize=(8, 3.6), buttons={"Train these settings": train})
