"""training widgets, W4.4 vanishing gradients."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from ...plotting import PALETTE
from ...widgetkit import Explorer, title
from .. import plots

__all__ = ["vanishing_gradients", "VG_INITS", "compute_vanishing_gradients", "render_vanishing_gradients",
           "VanishingGradientsState"]


# --------------------------------------------------------------------------- W4.4 vanishing gradients
VG_INITS = {"N(0, 1)": "standard", "Xavier/Glorot": "glorot", "He": "he"}
_VG_WIDTH, _VG_N = 32, 256


@functools.lru_cache(maxsize=512)
def _grad_study(depth: int, activation: str, init: str, batchnorm: bool, residual: bool) -> dict:
    """Per-layer ‖dJ/dW‖ and hidden activations' std of a fresh deep MLP on a fixed moons batch."""
    import torch

    from ...data import two_moons
    from ..deep import deep_mlp
    from .. import reference as ref

    X, y = two_moons(_VG_N, 0.2, rng=0)
    model = deep_mlp(depth, _VG_WIDTH, activation, init, batchnorm, residual, seed=0, dtype=torch.float64)
    norms = ref.layer_grad_norms(model, X, y)
    hidden: list = []
    with torch.no_grad():
        model(torch.tensor(X), record=hidden)
    return {"grad_norms": np.array(norms), "act_std": np.array([float(h.std()) for h in hidden])}


@dataclass(frozen=True)
class VanishingGradientsState:
    """The state of :func:`vanishing_gradients`: what :func:`render_vanishing_gradients` draws."""

    depth: int
    activation: str
    init: str
    batchnorm: bool
    residual: bool
    grad_norms: np.ndarray
    act_std: np.ndarray
    ratio: float
    compute_ms: float


def compute_vanishing_gradients(depth: int, activation: str, init: str, batchnorm: bool,
                                residual: bool) -> VanishingGradientsState:
    start = time.perf_counter()
    study = _grad_study(depth, activation, VG_INITS.get(init, init), batchnorm, residual)
    g = study["grad_norms"]
    return VanishingGradientsState(
        depth=depth, activation=activation, init=init, batchnorm=batchnorm, residual=residual,
        grad_norms=g, act_std=study["act_std"], ratio=float(g[0] / g[-1]) if g[-1] > 0 else float("inf"),
        compute_ms=1000 * (time.perf_counter() - start))


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


def render_vanishing_gradients(state: VanishingGradientsState, fig: Figure) -> None:
    ax, ax_a = fig.axes
    g, a = state.grad_norms, state.act_std
    lo, hi = _log_limits(g)
    ax.set(xlim=(0.4, len(g) + 0.6), ylim=(lo, hi))
    plots.plot_layer_norms(ax, g, color=PALETTE["blue"], floor=lo)
    ax_a.plot(np.arange(1, len(a) + 1), np.maximum(a, 1e-30), color=PALETTE["vermillion"], marker="o", ms=3.5, lw=1.6)
    ax_a.set(xlim=(0.5, max(len(a), 1) + 0.5), ylim=_log_limits(a))
    tricks = " + ".join(n for n, on in (("batch norm", state.batchnorm), ("residual", state.residual)) if on)
    title(ax, f"{state.depth} layers, {state.activation}, {state.init} init"
               f"{' + ' + tricks if tricks else ''}\n‖∂J/∂W₁‖ / ‖∂J/∂W_L‖ = {state.ratio:.2g}")
    title(ax_a, "forward pass: spread of each layer's output")


def vanishing_gradients() -> Explorer:
    """W4.4: per-layer gradient norms ‖∂J/∂W_l‖ (log scale) of a fresh width-32 MLP on a fixed
    batch of 256 two-moons points (BCE, float64, seed 0), for a depth (Linear layers, output
    included), activation, initialisation, batch norm (before the activation) and residual
    shortcuts; beside it the std of each hidden layer's output. One forward and backward pass
    in torch per setting (a few ms; results cached)."""
    controls = {"depth": ipw.IntSlider(15, min=2, max=30, description="depth (layers)"),
                "activation": ipw.Dropdown(options=["sigmoid", "tanh", "relu"], value="sigmoid",
                                         description="activation"),
                "init": ipw.Dropdown(options=list(VG_INITS), value="N(0, 1)", description="init"),
                "batchnorm": ipw.Checkbox(False, description="batch norm"),
                "residual": ipw.Checkbox(False, description="residual")}
    return Explorer(controls, compute_vanishing_gradients, render_vanishing_gradients,
                    layout=_layout_vanishing_gradients, figsize=(11, 4.2))
