"""Week 07 widget: the 1-D GAN stepper (W7.1)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ...data.generative import mixture_1d_density
from ...widgetkit import Explorer
from .. import plots, reference as ref
from ..training import mixture_setup

__all__ = ["gan1d_stepper"]


# --------------------------------------------------------------------------- W7.1 1-D GAN stepper
_G1_EVERY, _G1_STEPS = 25, 600
_G1_X = np.linspace(-5, 5, 201)
_G1_BINS = np.linspace(-5, 5, 61)


@dataclass(frozen=True)
class Gan1dState:
    iteration: int
    fake_density: np.ndarray      # (60,) histogram of G(z) as a density
    d_prob: np.ndarray            # (201,) D(x) on the grid
    d_loss: np.ndarray            # (iteration,) losses so far
    g_loss: np.ndarray


def _train_gan1d(d_step: Callable, g_step: Callable, seed: int = 0) -> tuple[list, dict]:
    s = mixture_setup(seed)
    z = torch.randn(2000, 1, generator=torch.Generator().manual_seed(99))
    xg = torch.from_numpy(_G1_X.astype(np.float32))[:, None]

    def snap():
        with torch.no_grad():
            fake = s.G(z).numpy().ravel()
            return (np.histogram(fake, _G1_BINS, density=True)[0], torch.sigmoid(s.D(xg)).numpy().ravel())

    snaps, history = [snap()], {"d_loss": [], "g_loss": []}
    for _ in range(_G1_STEPS // _G1_EVERY):
        part = ref.train_gan(s.G, s.D, s.opt_g, s.opt_d, s.sample_real, s.sample_z, _G1_EVERY, d_step=d_step,
                          g_step=g_step)
        history["d_loss"] += part["d_loss"]
        history["g_loss"] += part["g_loss"]
        snaps.append(snap())
    return snaps, history


def compute_gan1d(snaps: list, history: dict, iteration: int) -> Gan1dState:
    """Select the snapshot at ``iteration`` (a multiple of 25)."""
    k = min(int(iteration) // _G1_EVERY, len(snaps) - 1)
    fake, d_prob = snaps[k]
    n = k * _G1_EVERY
    return Gan1dState(n, fake, d_prob, np.asarray(history["d_loss"][:n]), np.asarray(history["g_loss"][:n]))


def _layout_gan1d(fig: Figure) -> None:
    ax, ax_l = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1.6, 1], "hspace": 0.45})
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.1)
    ax.set(xlim=(-5, 5), ylim=(0, 1.05), xlabel="x", xticks=[-4, -2, 0, 2, 4], yticks=[0, 0.5, 1])
    ax_l.set(xlim=(0, _G1_STEPS), ylim=(0, 3), xlabel="iteration", ylabel="loss", xticks=[0, 200, 400, 600],
             yticks=[0, 1, 2, 3])                                        # few ticks: tick labels dominate a redraw
    for a in (ax, ax_l):
        a.grid(False)


def render_gan1d(state: Gan1dState, fig: Figure) -> None:
    ax, ax_l = fig.axes
    plots.plot_gan1d(ax, _G1_X, mixture_1d_density(_G1_X), _G1_BINS, np.minimum(state.fake_density, 1.05),
                     state.d_prob)
    ax.text(-4.9, 0.98, f"iteration {state.iteration}: p_data (blue), G(z) (orange), D(x) (black)", va="top",
            fontsize=9)
    if state.iteration:
        ax_l.plot(state.d_loss, color=plots.D_COLOR, lw=0.8)
        ax_l.plot(state.g_loss, color=plots.FAKE_COLOR, lw=0.8)
    ax_l.axhline(2 * np.log(2), color=plots.D_COLOR, lw=0.6, ls=":")
    ax_l.axhline(np.log(2), color=plots.FAKE_COLOR, lw=0.6, ls=":")
    ax_l.text(5, 2.85, "D loss (black; 2 ln 2 dotted), G loss (orange; ln 2 dotted)", va="top", fontsize=9)


def gan1d_stepper(d_step: Callable | None = None, g_step: Callable | None = None) -> Explorer:
    """W7.1: a GAN on a 1-D two-Gaussian mixture, trained with your ``d_step`` / ``g_step``.

    600 iterations (one D step per G step, Adam 2e-3, batches of 128) run when the widget is
    built; the slider and the buttons move through snapshots every 25 iterations.
    """
    snaps, history = _train_gan1d(d_step or ref.d_step, g_step or ref.g_step)
    slider = widgets.IntSlider(0, min=0, max=_G1_STEPS, step=_G1_EVERY, description="iteration")

    def forward(ex: Explorer) -> None:
        slider.value = min(slider.value + _G1_EVERY, _G1_STEPS)

    return Explorer({"iteration": slider}, functools.partial(compute_gan1d, snaps, history), render_gan1d,
                    layout=_layout_gan1d, figsize=(7, 4.2),
                    buttons={f"+{_G1_EVERY} iterations": forward, "Reset": lambda ex: setattr(slider, "value", 0)})
