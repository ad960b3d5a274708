"""sequences widgets, W5.4 gradient flow."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ...plotting import PALETTE, SEQUENTIAL
from ...widgetkit import Explorer, key, title
from .. import plots
from ._common import _few_log_ticks

__all__ = ["gradient_flow", "FLOW_RADII", "FLOW_LENGTHS", "compute_gradient_flow", "render_gradient_flow",
           "GradientFlowState"]


# --------------------------------------------------------------------------- W5.4 gradient flow
FLOW_RADII = tuple(np.round(np.arange(0.5, 1.51, 0.1), 1))
FLOW_LENGTHS = (10, 25, 50, 100)
_FLOW_CLIP = 1.0
_FLOW_LOG_RANGE = (-16.0, 8.0)


@functools.lru_cache(maxsize=128)
def _flow_grid(kind: str, T: int, forget_bias: float, clip: bool, activation: str) -> np.ndarray:
    from ..gradflow import grad_norm_grid
    return grad_norm_grid(kind, T, 32, FLOW_RADII, forget_bias, seed=0, clip=_FLOW_CLIP if clip else None,
                          activation=activation)


@dataclass(frozen=True)
class GradientFlowState:
    """The state of :func:`gradient_flow`: what :func:`render_gradient_flow` draws."""

    rnn: np.ndarray
    lstm: np.ndarray
    row: int
    radius: float
    T: int
    forget_bias: float
    activation: str
    clip: bool
    ratio: dict


def compute_gradient_flow(spectral_radius: float, T: int, forget_bias: float, activation: str,
                          clip: bool) -> GradientFlowState:
    """Norm grids (radius x step) for both cells and the curves at the chosen radius."""
    rnn = _flow_grid("rnn", int(T), 0.0, bool(clip), activation)
    lstm = _flow_grid("lstm", int(T), float(forget_bias), bool(clip), "tanh")
    row = int(np.argmin(np.abs(np.array(FLOW_RADII) - spectral_radius)))
    return GradientFlowState(
        rnn=rnn, lstm=lstm, row=row, radius=FLOW_RADII[row], T=int(T),
        forget_bias=float(forget_bias), activation=activation, clip=bool(clip),
        ratio={k: float(g[row, 0] / g[row, -1]) if g[row, -1] > 0 else float("inf")
        for k, g in (("rnn", rnn), ("lstm", lstm))})


def _layout_gradient_flow(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 3, width_ratios=[1, 1, 1.15], left=0.06, right=0.98, bottom=0.14, top=0.86, wspace=0.32)
    for j in range(2):
        ax = fig.add_subplot(gs[0, j])
        ax.set(xlabel="step k", ylabel="spectral radius of W_hh" if j == 0 else "", yticks=[0.5, 1.0, 1.5])
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.grid(False)
    ax = fig.add_subplot(gs[0, 2])
    ax.set(yscale="log", xlabel="step k", ylabel="‖∂L/∂h_k‖ (log)")
    ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    _few_log_ticks(ax)


def render_gradient_flow(state: GradientFlowState, fig: Figure) -> None:
    ax_r, ax_l, ax_c = fig.axes
    T, R = state.T, len(FLOW_RADII)
    lo, hi = _FLOW_LOG_RANGE
    extent = (-0.5, T - 0.5, FLOW_RADII[0] - 0.05, FLOW_RADII[-1] + 0.05)
    for ax, kind in ((ax_r, "rnn"), (ax_l, "lstm")):
        img = np.log10(np.maximum(getattr(state, kind), 1e-300))
        ax.imshow(np.clip(img, lo, hi), cmap=SEQUENTIAL, vmin=lo, vmax=hi, aspect="auto", origin="lower",
                  extent=extent, interpolation="nearest")
        ax.axhline(state.radius, color=PALETTE["vermillion"], lw=1.2, ls="--")
        ax.set(xlim=extent[:2], ylim=extent[2:])
    act = "" if state.activation == "tanh" else " (linear)"
    title(ax_r, f"vanilla RNN{act}: log₁₀‖∂L/∂h_k‖", 10)
    title(ax_l, f"LSTM, forget bias {state.forget_bias:g}: log₁₀‖∂L/∂h_k‖", 10)
    row = state.row
    curves = {f"rnn{act}": state.rnn[row], "lstm": state.lstm[row]}
    plots.plot_grad_norms(ax_c, curves, floor=1e-30, legend=False)
    _few_log_ticks(ax_c)
    key(ax_c, [(name, plots.CELL_COLORS[name.split()[0]]) for name in curves], x=0.62, top=0.2, step=0.09)
    vals = np.concatenate([np.maximum(c, 1e-30) for c in curves.values()])
    ax_c.set(xlim=(0, T - 1), ylim=(max(vals.min() / 10, 1e-30), vals.max() * 10))
    clip = f", clip {_FLOW_CLIP:g}" if state.clip else ""
    title(ax_c, f"radius {state.radius:g}, T = {T}{clip}; first / last:\n"
                 f"RNN {state.ratio['rnn']:.1e}, LSTM {state.ratio['lstm']:.1e}", 9)


def gradient_flow() -> Explorer:
    """W5.4: how much of the error at the last step reaches step k, vanilla RNN against LSTM.

    Heat maps: rows are spectral radii of the recurrent matrix (0.5-1.5), columns are steps,
    colour is log10 ||dL/dh_k|| (clipped to [-16, 8]); the dashed row is the slider's radius,
    drawn as curves on the right. Set-up of :func:`dlcourse.sequences.gradflow.grad_norm_grid`
    (H = 32, seed 0); "linear" removes the RNN's tanh to show pure explosion; "clip" rescales
    each row's gradient to global norm 1 at most. Grids are computed once per setting.
    """
    controls = {"spectral_radius": ipw.SelectionSlider(options=list(FLOW_RADII), value=1.0,
                                                     description="spectral radius"),
                "T": ipw.SelectionSlider(options=list(FLOW_LENGTHS), value=50, description="length T"),
                "forget_bias": ipw.FloatSlider(1.0, min=-2, max=5, step=1.0, description="LSTM forget bias"),
                "activation": ipw.Dropdown(options=["tanh", "linear"], value="tanh", description="RNN activation"),
                "clip": ipw.Checkbox(False, description=f"clip (global norm {_FLOW_CLIP:g})")}
    return Explorer(controls, compute_gradient_flow, render_gradient_flow, layout=_layout_gradient_flow,
                    figsize=(12, 4.2))
