"""sequences widgets, W5.3 LSTM gate lab."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, key, title
from .. import plots
from .. import reference as ref
from ._common import _check_shape

__all__ = ["lstm_gate_lab", "GATE_FORCING", "compute_lstm_gate_lab", "render_lstm_gate_lab", "LstmGateLabState"]


# --------------------------------------------------------------------------- W5.3 LSTM gate lab
_GATE_T = 30
GATE_FORCING = {"none (use the biases)": None, "forget gate f = 1": ("f", 50.0), "forget gate f = 0": ("f", -50.0),
                "input gate i = 1 (always write)": ("i", 50.0), "output gate o = 0": ("o", -50.0)}


@functools.cache
def _gate_task() -> np.ndarray:
    """Two sequences of 30 steps, inputs [value, marker]: the bit (+1 / -1) with marker 1 at t = 0,
    then random +-1 distractors with marker 0. X (T, 2, 2)."""
    X = np.zeros((_GATE_T, 2, 2))
    X[0, :, 0] = [1.0, -1.0]
    X[0, :, 1] = 1.0
    X[1:, :, 0] = np.random.default_rng(0).choice([-1.0, 1.0], size=(_GATE_T - 1, 2))
    return X


def _gate_params(b_f: float, b_i: float, b_o: float, force: tuple | None) -> dict[str, np.ndarray]:
    """A one-unit LSTM (H = 1, M = 2) wired for the task: the marker opens the input gate, the
    candidate is tanh(3 * value); columns of each W are [h, value, marker]."""
    P = {"W_f": np.zeros((1, 3)), "W_i": np.array([[0.0, 0.0, 10.0]]), "W_c": np.array([[0.0, 3.0, 0.0]]),
         "W_o": np.zeros((1, 3)), "b_f": np.array([b_f]), "b_i": np.array([b_i]), "b_c": np.zeros(1),
         "b_o": np.array([b_o])}
    if force is not None:
        gate, bias = force
        P[f"W_{gate}"] = np.zeros((1, 3))
        P[f"b_{gate}"] = np.array([bias])
    return P


@dataclass(frozen=True)
class LstmGateLabState:
    """The state of :func:`lstm_gate_lab`: what :func:`render_lstm_gate_lab` draws."""

    X: np.ndarray
    H: np.ndarray
    C: np.ndarray
    gates: dict
    recalled: np.ndarray
    correct: np.ndarray
    force: str
    biases: tuple


def compute_lstm_gate_lab(lstm_step: Callable, forget_bias: float, input_bias: float, output_bias: float,
                          force: str) -> LstmGateLabState:
    """Run the one-unit LSTM over both sequences with ``lstm_step``; what is left of the bit at T."""
    X = _gate_task()
    P = _gate_params(forget_bias, input_bias, output_bias, GATE_FORCING[force])

    def checked_step(x_t, h_prev, c_prev, params):
        h, c, gates = lstm_step(x_t, h_prev, c_prev, params)
        return _check_shape("lstm_step's h", h, (2, 1)), _check_shape("lstm_step's c", c, (2, 1)), \
            {k: _check_shape(f"gate {k!r}", gates[k], (2, 1)) for k in ("f", "i", "c_tilde", "o")}

    Hs, Cs, G = ref.lstm_forward(X, P, step=checked_step)                  # (T, 2, 1) each
    recalled = np.sign(Hs[-1, :, 0])
    return LstmGateLabState(
        X=X, H=Hs[:, :, 0], C=Cs[:, :, 0], gates={k: v[:, 0, 0] for k, v in G.items()},
        recalled=recalled, correct=recalled == X[0, :, 0], force=force,
        biases=(forget_bias, input_bias, output_bias))


def _layout_lstm_gate_lab(fig: Figure) -> None:
    axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [0.7, 1, 1.2], "hspace": 0.45})
    fig.subplots_adjust(left=0.09, right=0.8, bottom=0.09, top=0.92)
    axes[0].set(ylim=(-1.5, 1.5), yticks=[-1, 0, 1], ylabel="input value")
    axes[1].set(ylim=(-0.05, 1.05), ylabel="gate")
    axes[2].set(ylim=(-1.1, 1.1), ylabel="state", xlabel="time step t", xlim=(-0.5, _GATE_T - 0.5))


def render_lstm_gate_lab(state: LstmGateLabState, fig: Figure) -> None:
    ax_x, ax_g, ax_s = fig.axes
    t = np.arange(_GATE_T)
    colors = (PALETTE["vermillion"], PALETTE["sky"])   # distinct from the gate colours below
    for n in range(2):
        ax_x.step(t, state.X[:, n, 0], where="mid", color=colors[n], lw=1.3, alpha=0.85)
        ax_s.plot(t, state.C[:, n], color=colors[n], lw=2)
        ax_s.plot(t, state.H[:, n], color=colors[n], lw=1.3, ls="--")
    ax_x.axvline(0, color=PALETTE["black"], lw=0.8, ls=":")
    plots.plot_gates(ax_g, state.gates)
    ax_s.axhline(0, color=PALETTE["black"], lw=0.6)
    top = max(1.1, 1.05 * float(np.abs(state.C).max()))          # c_t is not bounded by 1
    ax_s.set_ylim(-top, top)
    seqs = [f"sequence {n + 1} (bit {int(state.X[0, n, 0]):+d})" for n in range(2)]
    key(ax_x, list(zip(seqs, colors)), step=0.25)
    key(ax_g, [(name, plots.GATE_COLORS[k]) for k, name in (("f", "forget f"), ("i", "input i"), ("o", "output o"))],
         step=0.17)
    key(ax_s, [("c_t solid, h_t dashed", PALETTE["black"]), *zip(seqs, colors)], step=0.15)
    marks = ["✓" if ok else "✗" for ok in state.correct]
    got = ", ".join(f"{int(r):+d} {m}" if r else f"0 {m}" for r, m in zip(state.recalled, marks))
    b_f, b_i, b_o = state.biases
    forced = "" if GATE_FORCING[state.force] is None else f"   [{state.force}]"
    title(ax_x, f"remember the first bit for {_GATE_T} steps: sign(h_T) = {got}", 11)
    title(ax_g, f"gates (biases b_f = {b_f:g}, b_i = {b_i:g}, b_o = {b_o:g}){forced}", 10)
    title(ax_s, f"cell state c_t (solid) and h_t = o_t tanh(c_t) (dashed); c_T = "
                 f"{state.C[-1, 0]:+.3f}, {state.C[-1, 1]:+.3f}", 10)


def lstm_gate_lab(lstm_step: Callable | None = None) -> Explorer:
    """W5.3: a one-unit LSTM that must remember the first input bit for 30 steps.

    Inputs are [value, marker]: at t = 0 the bit (+1 in sequence 1, -1 in sequence 2) with the
    marker on, then random +-1 distractors. The marker opens the input gate (weight 10), the
    candidate is tanh(3 value); sliders set the gate biases, the dropdown forces one gate
    (bias +-50, weights 0). Runs your ``lstm_step(x_t, h_prev, c_prev, P) -> (h, c, gates)``.
    """
    controls = {"forget_bias": ipw.FloatSlider(3.0, min=-4, max=8, step=0.5, description="forget bias b_f"),
                "input_bias": ipw.FloatSlider(-5.0, min=-8, max=4, step=0.5, description="input bias b_i"),
                "output_bias": ipw.FloatSlider(2.0, min=-4, max=6, step=0.5, description="output bias b_o"),
                "force": ipw.Dropdown(options=list(GATE_FORCING), value="none (use the biases)", description="force")}
    return Explorer(controls, functools.partial(compute_lstm_gate_lab, lstm_step or ref.lstm_step),
                    render_lstm_gate_lab, layout=_layout_lstm_gate_lab, figsize=(10, 6))
