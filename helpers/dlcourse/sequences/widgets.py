"""Week 05 widgets (W5.2-W5.6 and the sampling temperature of the character model).

Same pattern as every course widget: ``_layout_*(fig)`` creates the axes once, ``compute_*``
turns the control values into a state dict, ``render_*(state, fig)`` draws it; an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders take the students' functions (default:
the private references) and precompute what is slow (training snapshots, trained models,
gradient grids), so each callback stays well under 50 ms.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator
from matplotlib.transforms import ScaledTranslation

from ..data.text import HELLO_VOCAB, hello_sequences
from ..mlp.textlayer import TextLayer
from ..plotting import PALETTE, SEQUENTIAL
from ..widgetkit import Explorer
from . import plots
from .attention import WORKED_EXAMPLE, _attention_weights, _context_vector, _score_additive, _score_dot, \
    _score_general
from .lstm import _lstm_forward, _lstm_step
from .rnn import _rnn_forward, _rnn_step, _softmax, _train_hello

__all__ = ["hello_stepper", "lstm_gate_lab", "gradient_flow", "sampling_temperature", "attention_calculator",
           "attention_heatmap"]


def _title(ax, text: str, size: float = 11) -> None:
    """A title drawn by a :class:`TextLayer` (a matplotlib title costs ~3 ms per redraw)."""
    shift = ScaledTranslation(0, 5 / 72, ax.get_figure().dpi_scale_trans)
    TextLayer().add_to(ax, transform=ax.transAxes + shift).add(0.5, 1.0, text, size=size, va="bottom")


def _key(ax, items: Sequence[tuple[str, str]], x: float = 1.02, top: float = 1.0, step: float = 0.13) -> None:
    """A legend as coloured text at the right of ``ax`` (a matplotlib legend costs ~5 ms per redraw)."""
    layer = TextLayer().add_to(ax, transform=ax.transAxes)
    for k, (label, color) in enumerate(items):
        layer.add(x, top - step * k, f"— {label}", color=color, ha="left", va="top", size=9)


def _few_log_ticks(ax) -> None:
    """Few major and no minor ticks on a log axis: tick labels are most of a redraw's cost."""
    ax.yaxis.set_major_locator(LogLocator(numticks=5))
    ax.yaxis.set_minor_locator(NullLocator())


def _check_shape(what: str, value, shape: tuple) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{what} returned shape {arr.shape}; expected {shape}")
    return arr


# --------------------------------------------------------------------------- W5.2 "hello" stepper
_HELLO_EVERY, _HELLO_STEPS = 10, 300


@functools.cache
def _hello_snapshots() -> tuple:
    return tuple(_train_hello(H=8, steps=_HELLO_STEPS, every=_HELLO_EVERY, seed=0))


def compute_hello_stepper(rnn_step: Callable, snapshots: Sequence, step: int) -> dict:
    """The unrolled "hello" RNN after ``step`` SGD steps: inputs, h_t, softmax outputs, prediction."""
    X, targets = hello_sequences()                                      # (4, 1, 4), (4, 1)
    k = min(int(step) // _HELLO_EVERY, len(snapshots) - 1)
    done, _, params = snapshots[k]
    H = params["W_hh"].shape[0]

    def checked_step(x_t, h_prev, W_xh, W_hh, b_h):
        return _check_shape("rnn_step", rnn_step(x_t, h_prev, W_xh, W_hh, b_h), (x_t.shape[0], H))

    Hs, logits = _rnn_forward(X, None, params, step=checked_step)
    probs = _softmax(logits[:, 0])                                      # (T, K)
    loss = float(-np.log(probs[np.arange(len(probs)), targets[:, 0]]).sum())
    pred = "".join(HELLO_VOCAB.itos[i] for i in probs.argmax(axis=1))
    return {"step": done, "inputs": X[:, 0].T, "hidden": Hs[:, 0].T, "probs": probs.T, "targets": targets[:, 0],
            "pred": pred, "loss": loss, "curve": np.array([(s, l) for s, l, _ in snapshots])}


def _layout_hello_stepper(fig: Figure) -> None:
    gs = fig.add_gridspec(2, 3, width_ratios=[1, 1.1, 1], height_ratios=[1, 0.55], left=0.06, right=0.98,
                          bottom=0.1, top=0.9, hspace=0.55, wspace=0.3)
    for j, rows in enumerate((4, 8, 4)):
        ax = fig.add_subplot(gs[0, j])
        ax.set(xticks=[], yticks=[], xlim=(-0.5, 3.5), ylim=(rows - 0.5, -0.5))   # labels: a TextLayer
        ax.grid(False)
    ax_l = fig.add_subplot(gs[1, :])
    ax_l.set(yscale="log", xlabel="training step (SGD, lr 0.1, clip 5)", ylabel="loss", xlim=(0, _HELLO_STEPS),
             ylim=(5e-3, 20))
    _few_log_ticks(ax_l)


def _hello_axis_labels(ax, rows: Sequence[str]) -> None:
    layer = TextLayer().add_to(ax)
    for t, ch in enumerate("hell"):
        layer.add(t, len(rows) - 0.5 + 0.15 * len(rows) / 4, f"t={t + 1}  '{ch}'", va="top", size=9)
    for k, name in enumerate(rows):
        layer.add(-0.6, k, name, ha="right", size=9)


def render_hello_stepper(state: dict, fig: Figure) -> None:
    ax_x, ax_h, ax_y, ax_l = fig.axes
    ax_x.imshow(state["inputs"], cmap="Greys", vmin=0, vmax=1.6, aspect="auto")
    ax_h.imshow(state["hidden"], cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax_y.imshow(state["probs"], cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto")
    chars = HELLO_VOCAB.itos
    for ax, rows in ((ax_x, chars), (ax_h, [f"h{j + 1}" for j in range(state["hidden"].shape[0])]), (ax_y, chars)):
        _hello_axis_labels(ax, rows)
    cells = TextLayer().add_to(ax_y)
    hid = TextLayer().add_to(ax_h)
    for t in range(4):
        for k in range(state["probs"].shape[0]):
            p = state["probs"][k, t]
            cells.add(t, k, f"{p:.2f}", size=9, color="k" if p > 0.6 or k == state["targets"][t] else "w",
                      bold=bool(k == state["targets"][t]), box=bool(k == state["targets"][t]))
        for j in range(state["hidden"].shape[0]):
            hid.add(t, j, f"{state['hidden'][j, t]:+.2f}", size=7.5)
    _title(ax_x, "input x_t (one-hot)")
    _title(ax_h, "hidden state h_t = tanh(…)")
    ok = state["pred"] == "ello"
    _title(ax_y, f"ŷ_t (target boxed) → “{state['pred']}” {'✓' if ok else ''}")
    curve = state["curve"]
    ax_l.plot(np.maximum(curve[:, 0], 0.5), curve[:, 1], color=PALETTE["blue"], lw=1.6)
    ax_l.plot([max(state["step"], 0.5)], [state["loss"]], "o", color=PALETTE["vermillion"], ms=7)
    _title(ax_l, f"after {state['step']} steps: loss = {state['loss']:.3f} (sum of the 4 cross-entropies)", 10)


def hello_stepper(rnn_step: Callable | None = None) -> Explorer:
    """W5.2: the RNN unrolled on "hell" -> "ello" (vocabulary h, e, l, o; H = 8).

    The weights come from 300 seeded SGD steps (snapshots every 10); the forward pass at each
    snapshot runs your ``rnn_step(x_t, h_prev, W_xh, W_hh, b_h)``. Columns are time steps: the
    one-hot input, the hidden state and the softmax over the next character (target boxed).
    "Train 50 steps" moves the slider on.
    """
    snapshots = _hello_snapshots()
    slider = W.IntSlider(0, min=0, max=_HELLO_STEPS, step=_HELLO_EVERY, description="training step")

    def train(ex: Explorer) -> None:
        slider.value = min(slider.value + 50, _HELLO_STEPS)

    return Explorer({"step": slider}, functools.partial(compute_hello_stepper, rnn_step or _rnn_step, snapshots),
                    render_hello_stepper, layout=_layout_hello_stepper, figsize=(10, 5.6),
                    buttons={"Train 50 steps": train, "Reset": lambda ex: setattr(slider, "value", 0)})


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


def compute_lstm_gate_lab(lstm_step: Callable, forget_bias: float, input_bias: float, output_bias: float,
                          force: str) -> dict:
    """Run the one-unit LSTM over both sequences with ``lstm_step``; what is left of the bit at T."""
    X = _gate_task()
    P = _gate_params(forget_bias, input_bias, output_bias, GATE_FORCING[force])

    def checked_step(x_t, h_prev, c_prev, params):
        h, c, gates = lstm_step(x_t, h_prev, c_prev, params)
        return _check_shape("lstm_step's h", h, (2, 1)), _check_shape("lstm_step's c", c, (2, 1)), \
            {k: _check_shape(f"gate {k!r}", gates[k], (2, 1)) for k in ("f", "i", "c_tilde", "o")}

    Hs, Cs, G = _lstm_forward(X, P, step=checked_step)                  # (T, 2, 1) each
    recalled = np.sign(Hs[-1, :, 0])
    return {"X": X, "H": Hs[:, :, 0], "C": Cs[:, :, 0], "gates": {k: v[:, 0, 0] for k, v in G.items()},
            "recalled": recalled, "correct": recalled == X[0, :, 0], "force": force,
            "biases": (forget_bias, input_bias, output_bias)}


def _layout_lstm_gate_lab(fig: Figure) -> None:
    axes = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [0.7, 1, 1.2], "hspace": 0.45})
    fig.subplots_adjust(left=0.09, right=0.8, bottom=0.09, top=0.92)
    axes[0].set(ylim=(-1.5, 1.5), yticks=[-1, 0, 1], ylabel="input value")
    axes[1].set(ylim=(-0.05, 1.05), ylabel="gate")
    axes[2].set(ylim=(-1.1, 1.1), ylabel="state", xlabel="time step t", xlim=(-0.5, _GATE_T - 0.5))


def render_lstm_gate_lab(state: dict, fig: Figure) -> None:
    ax_x, ax_g, ax_s = fig.axes
    t = np.arange(_GATE_T)
    colors = (PALETTE["vermillion"], PALETTE["sky"])   # distinct from the gate colours below
    for n in range(2):
        ax_x.step(t, state["X"][:, n, 0], where="mid", color=colors[n], lw=1.3, alpha=0.85)
        ax_s.plot(t, state["C"][:, n], color=colors[n], lw=2)
        ax_s.plot(t, state["H"][:, n], color=colors[n], lw=1.3, ls="--")
    ax_x.axvline(0, color=PALETTE["black"], lw=0.8, ls=":")
    plots.plot_gates(ax_g, state["gates"])
    ax_s.axhline(0, color=PALETTE["black"], lw=0.6)
    top = max(1.1, 1.05 * float(np.abs(state["C"]).max()))          # c_t is not bounded by 1
    ax_s.set_ylim(-top, top)
    seqs = [f"sequence {n + 1} (bit {int(state['X'][0, n, 0]):+d})" for n in range(2)]
    _key(ax_x, list(zip(seqs, colors)), step=0.25)
    _key(ax_g, [(name, plots.GATE_COLORS[k]) for k, name in (("f", "forget f"), ("i", "input i"), ("o", "output o"))],
         step=0.17)
    _key(ax_s, [("c_t solid, h_t dashed", PALETTE["black"]), *zip(seqs, colors)], step=0.15)
    marks = ["✓" if ok else "✗" for ok in state["correct"]]
    got = ", ".join(f"{int(r):+d} {m}" if r else f"0 {m}" for r, m in zip(state["recalled"], marks))
    b_f, b_i, b_o = state["biases"]
    forced = "" if GATE_FORCING[state["force"]] is None else f"   [{state['force']}]"
    _title(ax_x, f"remember the first bit for {_GATE_T} steps: sign(h_T) = {got}", 11)
    _title(ax_g, f"gates (biases b_f = {b_f:g}, b_i = {b_i:g}, b_o = {b_o:g}){forced}", 10)
    _title(ax_s, f"cell state c_t (solid) and h_t = o_t tanh(c_t) (dashed); c_T = "
                 f"{state['C'][-1, 0]:+.3f}, {state['C'][-1, 1]:+.3f}", 10)


def lstm_gate_lab(lstm_step: Callable | None = None) -> Explorer:
    """W5.3: a one-unit LSTM that must remember the first input bit for 30 steps.

    Inputs are [value, marker]: at t = 0 the bit (+1 in sequence 1, -1 in sequence 2) with the
    marker on, then random +-1 distractors. The marker opens the input gate (weight 10), the
    candidate is tanh(3 value); sliders set the gate biases, the dropdown forces one gate
    (bias +-50, weights 0). Runs your ``lstm_step(x_t, h_prev, c_prev, P) -> (h, c, gates)``.
    """
    controls = {"forget_bias": W.FloatSlider(3.0, min=-4, max=8, step=0.5, description="forget bias b_f"),
                "input_bias": W.FloatSlider(-5.0, min=-8, max=4, step=0.5, description="input bias b_i"),
                "output_bias": W.FloatSlider(2.0, min=-4, max=6, step=0.5, description="output bias b_o"),
                "force": W.Dropdown(options=list(GATE_FORCING), value="none (use the biases)", description="force")}
    return Explorer(controls, functools.partial(compute_lstm_gate_lab, lstm_step or _lstm_step),
                    render_lstm_gate_lab, layout=_layout_lstm_gate_lab, figsize=(10, 6))


# --------------------------------------------------------------------------- W5.4 gradient flow
FLOW_RADII = tuple(np.round(np.arange(0.5, 1.51, 0.1), 1))
FLOW_LENGTHS = (10, 25, 50, 100)
_FLOW_CLIP = 1.0
_FLOW_LOG_RANGE = (-16.0, 8.0)


@functools.lru_cache(maxsize=128)
def _flow_grid(kind: str, T: int, forget_bias: float, clip: bool, activation: str) -> np.ndarray:
    from .gradflow import grad_norm_grid
    return grad_norm_grid(kind, T, 32, FLOW_RADII, forget_bias, seed=0, clip=_FLOW_CLIP if clip else None,
                          activation=activation)


def compute_gradient_flow(spectral_radius: float, T: int, forget_bias: float, activation: str, clip: bool) -> dict:
    """Norm grids (radius x step) for both cells and the curves at the chosen radius."""
    rnn = _flow_grid("rnn", int(T), 0.0, bool(clip), activation)
    lstm = _flow_grid("lstm", int(T), float(forget_bias), bool(clip), "tanh")
    row = int(np.argmin(np.abs(np.array(FLOW_RADII) - spectral_radius)))
    return {"rnn": rnn, "lstm": lstm, "row": row, "radius": FLOW_RADII[row], "T": int(T),
            "forget_bias": float(forget_bias), "activation": activation, "clip": bool(clip),
            "ratio": {k: float(g[row, 0] / g[row, -1]) if g[row, -1] > 0 else float("inf")
                      for k, g in (("rnn", rnn), ("lstm", lstm))}}


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


def render_gradient_flow(state: dict, fig: Figure) -> None:
    ax_r, ax_l, ax_c = fig.axes
    T, R = state["T"], len(FLOW_RADII)
    lo, hi = _FLOW_LOG_RANGE
    extent = (-0.5, T - 0.5, FLOW_RADII[0] - 0.05, FLOW_RADII[-1] + 0.05)
    for ax, kind in ((ax_r, "rnn"), (ax_l, "lstm")):
        img = np.log10(np.maximum(state[kind], 1e-300))
        ax.imshow(np.clip(img, lo, hi), cmap=SEQUENTIAL, vmin=lo, vmax=hi, aspect="auto", origin="lower",
                  extent=extent, interpolation="nearest")
        ax.axhline(state["radius"], color=PALETTE["vermillion"], lw=1.2, ls="--")
        ax.set(xlim=extent[:2], ylim=extent[2:])
    act = "" if state["activation"] == "tanh" else " (linear)"
    _title(ax_r, f"vanilla RNN{act}: log₁₀‖∂L/∂h_k‖", 10)
    _title(ax_l, f"LSTM, forget bias {state['forget_bias']:g}: log₁₀‖∂L/∂h_k‖", 10)
    row = state["row"]
    curves = {f"rnn{act}": state["rnn"][row], "lstm": state["lstm"][row]}
    plots.plot_grad_norms(ax_c, curves, floor=1e-30, legend=False)
    _few_log_ticks(ax_c)
    _key(ax_c, [(name, plots.CELL_COLORS[name.split()[0]]) for name in curves], x=0.62, top=0.2, step=0.09)
    vals = np.concatenate([np.maximum(c, 1e-30) for c in curves.values()])
    ax_c.set(xlim=(0, T - 1), ylim=(max(vals.min() / 10, 1e-30), vals.max() * 10))
    clip = f", clip {_FLOW_CLIP:g}" if state["clip"] else ""
    _title(ax_c, f"radius {state['radius']:g}, T = {T}{clip}; first / last:\n"
                 f"RNN {state['ratio']['rnn']:.1e}, LSTM {state['ratio']['lstm']:.1e}", 9)


def gradient_flow() -> Explorer:
    """W5.4: how much of the error at the last step reaches step k, vanilla RNN against LSTM.

    Heat maps: rows are spectral radii of the recurrent matrix (0.5-1.5), columns are steps,
    colour is log10 ||dL/dh_k|| (clipped to [-16, 8]); the dashed row is the slider's radius,
    drawn as curves on the right. Set-up of :func:`dlcourse.sequences.gradflow.grad_norm_grid`
    (H = 32, seed 0); "linear" removes the RNN's tanh to show pure explosion; "clip" rescales
    each row's gradient to global norm 1 at most. Grids are computed once per setting.
    """
    controls = {"spectral_radius": W.SelectionSlider(options=list(FLOW_RADII), value=1.0,
                                                     description="spectral radius"),
                "T": W.SelectionSlider(options=list(FLOW_LENGTHS), value=50, description="length T"),
                "forget_bias": W.FloatSlider(1.0, min=-2, max=5, step=1.0, description="LSTM forget bias"),
                "activation": W.Dropdown(options=["tanh", "linear"], value="tanh", description="RNN activation"),
                "clip": W.Checkbox(False, description=f"clip (global norm {_FLOW_CLIP:g})")}
    return Explorer(controls, compute_gradient_flow, render_gradient_flow, layout=_layout_gradient_flow,
                    figsize=(12, 4.2))


# --------------------------------------------------------------------------- sampling temperature
SAMPLE_PREFIXES = ("Beautiful is better than ", "Flat is better than ", "Now is better than ", "Errors should ",
                   "If the implementation is ", "Special cases")
_N_SAMPLES, _SAMPLE_LEN, _TOP = 4, 90, 14


def compute_sampling_temperature(model, vocab, temperature: float, prefix: str, seed: int) -> dict:
    """Next-character distribution after ``prefix`` at ``temperature`` and 4 continuations."""
    from .charmodel import next_char_probs, sample_text
    probs = next_char_probs(model, vocab, prefix, temperature)
    samples = sample_text(model, vocab, prefix, _SAMPLE_LEN, temperature, rng=seed, n_samples=_N_SAMPLES)
    top = np.argsort(-probs, kind="stable")[:_TOP]
    nz = probs[probs > 0]
    return {"temperature": float(temperature), "prefix": prefix, "seed": int(seed), "top_chars":
            [vocab.itos[i] for i in top], "top_probs": probs[top], "entropy": float(-(nz * np.log2(nz)).sum()),
            "samples": samples}


def _layout_sampling_temperature(fig: Figure) -> None:
    ax_p = fig.add_axes((0.07, 0.62, 0.9, 0.28))
    ax_t = fig.add_axes((0.02, 0.02, 0.96, 0.48))
    ax_p.set(ylim=(0, 1.1), ylabel="P(next)", xlim=(-0.6, _TOP - 0.4), xticks=[])
    ax_t.set_axis_off()
    ax_t.set(xlim=(0, 1), ylim=(0, 1))


def _show(ch: str) -> str:
    return {" ": "␣", "\n": "⏎"}.get(ch, ch)


def render_sampling_temperature(state: dict, fig: Figure) -> None:
    ax_p, ax_t = fig.axes
    x = np.arange(len(state["top_probs"]))
    ax_p.bar(x, state["top_probs"], color=PALETTE["blue"], width=0.7)
    labels = TextLayer().add_to(ax_p)
    for k, (ch, p) in enumerate(zip(state["top_chars"], state["top_probs"])):
        labels.add(k, -0.03, _show(ch), va="top", size=11)
        if p >= 0.01:
            labels.add(k, p + 0.02, f"{p:.2f}", va="bottom", size=8)
    _title(ax_p, f"P(next character | “{state['prefix']}”) at T = {state['temperature']:g}: "
                 f"entropy {state['entropy']:.2f} bits", 11)
    text = TextLayer().add_to(ax_t, transform=ax_t.transAxes)
    text.add(0.0, 1.0, f"{_N_SAMPLES} samples of {_SAMPLE_LEN} characters (⏎ = new line), seed {state['seed']}:",
             ha="left", va="top", size=10, color=PALETTE["black"])
    for k, s in enumerate(state["samples"]):
        line = state["prefix"] + s.replace("\n", "⏎")
        text.add(0.0, 0.82 - 0.22 * k, line, ha="left", va="top", size=10, color=PALETTE["blue"])


def sampling_temperature(model=None, vocab=None) -> Explorer:
    """The character LSTM's next-character distribution and samples against the temperature.

    ``model``, ``vocab`` from :func:`dlcourse.sequences.charmodel.train_char_model` (default:
    trained here on the Zen of Python, ~3 s). Temperature 0 is greedy (always the argmax);
    "New samples" draws with the next seed.
    """
    if model is None or vocab is None:
        from ..data.text import zen_text
        from .charmodel import train_char_model
        model, vocab, _ = train_char_model(zen_text(), seed=0, progress=False)
    prefixes = [p for p in SAMPLE_PREFIXES if set(p) <= set(vocab.itos)] or [vocab.itos[0]]
    seed = W.BoundedIntText(0, min=0, max=2**31 - 1, description="seed", layout=W.Layout(width="150px"))

    def new_samples(ex: Explorer) -> None:
        seed.value += 1

    controls = {"temperature": W.FloatSlider(1.0, min=0.0, max=2.0, step=0.1, description="temperature T"),
                "prefix": W.Dropdown(options=prefixes, value=prefixes[0], description="prefix"), "seed": seed}
    return Explorer(controls, functools.partial(compute_sampling_temperature, model, vocab),
                    render_sampling_temperature, layout=_layout_sampling_temperature, figsize=(11, 4.6),
                    buttons={"New samples": new_samples})


def _fmt(v: np.ndarray) -> str:
    """A vector as "[5, 6.94e-11, 1]" (3 significant digits)."""
    return "[" + ", ".join(f"{x:.3g}" for x in np.asarray(v, dtype=float).ravel()) + "]"


def _parse_vector(text: str) -> np.ndarray:
    return np.array([float(x) for x in text.replace(",", " ").split()], dtype=float)


def _parse_matrix(text: str) -> np.ndarray:
    rows = [_parse_vector(r) for r in text.split(";") if r.strip()]
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError("enc_h: rows separated by ';', all of the same length")
    return np.stack(rows)


# --------------------------------------------------------------------------- W5.5 attention calculator
SCORE_CHOICES = {"dot:  h_sᵀ h_t": "dot", "general, W_a = I": "general_I", "general, random W_a": "general_W",
                 "additive, random W_1, W_2, v_a": "additive"}
_ATTN_DIM = 4


def _random_weights(H_d: int, H_e: int) -> dict[str, np.ndarray]:
    """Fixed (seeded) weights for the general and additive scores of these sizes."""
    g = np.random.default_rng(0)
    return {"W_a": g.normal(size=(H_d, H_e)) / np.sqrt(H_e), "W_1": g.normal(size=(_ATTN_DIM, H_d)) / np.sqrt(H_d),
            "W_2": g.normal(size=(_ATTN_DIM, H_e)) / np.sqrt(H_e), "v_a": g.normal(size=_ATTN_DIM)}


def compute_attention_calculator(score_fns: Mapping[str, Callable], weights_fn: Callable, score: str,
                                 temperature: float, dec_h: str, enc_h: str) -> dict:
    """Scores of the chosen function, softmax(scores / T) by ``weights_fn``, the context and [c; h_t]."""
    h, Hs = _parse_vector(dec_h), _parse_matrix(enc_h)                   # (H_d,), (S, H_e)
    state = {"score": score, "temperature": float(temperature), "dec_h": h, "enc_h": Hs, "error": None}
    if score == "dot" and len(h) != Hs.shape[1]:
        state["error"] = f"the dot score needs len(dec_h) = {len(h)} == the width of enc_h = {Hs.shape[1]}"
        return state
    w = _random_weights(len(h), Hs.shape[1])
    if score == "dot":
        scores = score_fns["dot"](h, Hs)
    elif score == "general_I":
        if len(h) != Hs.shape[1]:
            state["error"] = "W_a = I needs len(dec_h) == the width of enc_h"
            return state
        scores = score_fns["general"](h, Hs, np.eye(len(h)))
    elif score == "general_W":
        scores = score_fns["general"](h, Hs, w["W_a"])
    else:
        scores = score_fns["additive"](h, Hs, w["W_1"], w["W_2"], w["v_a"])
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(Hs),):
        raise ValueError(f"the score function returned shape {scores.shape}; expected ({len(Hs)},), "
                         "one score per encoder state")
    alpha = np.asarray(weights_fn(scores / temperature), dtype=float)
    if alpha.shape != scores.shape:
        raise ValueError(f"the softmax returned shape {alpha.shape}; expected {scores.shape}")
    context = _context_vector(alpha, Hs)
    state.update(scores=scores, weights=alpha, context=context, concat=np.concatenate([context, h]),
                 weight_sum=float(alpha.sum()))
    return state


def _layout_attention_calculator(fig: Figure) -> None:
    gs = fig.add_gridspec(2, 2, height_ratios=[1, 0.42], left=0.07, right=0.98, bottom=0.04, top=0.9,
                          hspace=0.35, wspace=0.22)
    ax_s, ax_w, ax_t = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, :])
    ax_s.set_ylabel("score")
    ax_w.set(ylim=(0, 1.12), ylabel="weight α")
    ax_t.set_axis_off()


def render_attention_calculator(state: dict, fig: Figure) -> None:
    ax_s, ax_w, ax_t = fig.axes
    text = TextLayer().add_to(ax_t, transform=ax_t.transAxes)
    if state["error"]:
        text.add(0.0, 0.8, state["error"], color=PALETTE["vermillion"], ha="left", size=11)
        return
    S = len(state["scores"])
    x = np.arange(S)
    names = [f"h_{s + 1}" for s in range(S)]
    scores, alpha = state["scores"], state["weights"]
    ax_s.bar(x, scores, color=PALETTE["blue"], width=0.6)
    lo, hi = min(0.0, scores.min()), max(0.0, scores.max())
    pad = 0.15 * (hi - lo or 1.0)
    ax_s.set_ylim(lo - (pad if lo < 0 else 0), hi + pad)
    ax_w.bar(x, alpha, color=PALETTE["orange"], width=0.6)
    up = ScaledTranslation(0, 3 / 72, fig.dpi_scale_trans)
    labels_s = TextLayer().add_to(ax_s, transform=ax_s.transData + up)
    labels_w = TextLayer().add_to(ax_w, transform=ax_w.transData + up)
    for k in range(S):
        labels_s.add(k, scores[k], f"{scores[k]:.3g}", va="bottom", size=9)
        labels_w.add(k, alpha[k], f"{alpha[k]:.3g}", va="bottom", size=9)
    if getattr(ax_s, "_n_bars", None) != S:                             # tick labels are costly: only on change
        for ax in (ax_s, ax_w):
            ax.set_xticks(x, names)
            ax.set_xlim(-0.6, S - 0.4)
            ax._n_bars = S
    name = {v: k for k, v in SCORE_CHOICES.items()}[state["score"]]
    _title(ax_s, f"scores ({name})")
    _title(ax_w, f"weights α = softmax(scores / {state['temperature']:.3g}), sum = {state['weight_sum']:.6g}")
    lines = [f"decoder state h_t = {_fmt(state['dec_h'])}",
             f"context c = Σ α_s h_s = {_fmt(state['context'])}",
             f"[c; h_t] = {_fmt(state['concat'])}   (input of tanh(W_c [c; h_t]))"]
    for k, line in enumerate(lines):
        text.add(0.0, 0.95 - 0.33 * k, line, ha="left", va="top", size=11,
                 color=PALETTE["black"] if k == 0 else PALETTE["vermillion"] if k == 1 else PALETTE["blue"])


def attention_calculator(scores: Mapping[str, Callable] | Callable | None = None,
                         weights: Callable | None = None) -> Explorer:
    """W5.5: the lecture's worked example (editable), a score function and a temperature.

    Parameters
    ----------
    scores : the students' score functions, a dict with any of the keys ``"dot"`` ->
        ``f(h_t, Hs)``, ``"general"`` -> ``f(h_t, Hs, W_a)``, ``"additive"`` ->
        ``f(h_t, Hs, W_1, W_2, v_a)`` (a single function counts as ``"dot"``); missing keys use
        the references.
    weights : the students' softmax ``f(scores (S,)) -> (S,)``; the temperature T is applied
        as ``f(scores / T)``. Default: the reference.

    ``dec_h`` is typed as "10 5 10", ``enc_h`` as rows separated by ";". The random weights of
    the general and additive scores are fixed (seed 0) for each size.
    """
    fns = {"dot": _score_dot, "general": _score_general, "additive": _score_additive}
    if callable(scores):
        scores = {"dot": scores}
    fns.update(scores or {})
    controls = {"score": W.Dropdown(options=list(SCORE_CHOICES.items()), value="dot", description="score"),
                "temperature": W.FloatLogSlider(1.0, base=10, min=-1, max=2, step=0.05, description="temperature T",
                                                readout_format=".3g"),
                "dec_h": W.Text(" ".join(f"{v:g}" for v in WORKED_EXAMPLE["dec_h"]), description="dec_h",
                                continuous_update=False),
                "enc_h": W.Text("; ".join(" ".join(f"{v:g}" for v in row) for row in WORKED_EXAMPLE["enc_h"]),
                                description="enc_h (rows; ...)", continuous_update=False)}
    return Explorer(controls, functools.partial(compute_attention_calculator, fns, weights or _attention_weights),
                    render_attention_calculator, layout=_layout_attention_calculator, figsize=(10, 5.2))


# --------------------------------------------------------------------------- W5.6 attention heat map
DEFAULT_DATE_EXAMPLES = ("12 march 2024", "wednesday 30 september 2015", "march 1, 1999", "01.02.1970",
                         "2049 dec 31", "7 jul 1985")
_MAX_TEXT = 40
_GRADIENT = np.linspace(0, 1, 256)[:, None]                              # the colour bar (redrawn each time)


def compute_attention_heatmap(translate_one: Callable[[str], tuple[str, np.ndarray]], allowed: frozenset,
                              example: str, text: str) -> dict:
    """The translation of ``text`` (lower-cased, trimmed) and its (T_out, T_in) attention weights."""
    clean = " ".join(text.lower().split())[:_MAX_TEXT]
    bad = sorted(set(clean) - allowed)
    state = {"text": clean, "error": None}
    if not clean or bad:
        state["error"] = (f"characters the model has never seen: {' '.join(map(repr, bad))}" if bad
                          else "type a date, e.g. 12 march 2024")
        return state
    output, alpha = translate_one(clean)
    state.update(output=output, alpha=alpha, input_chars=list(clean), output_chars=list(output))
    return state


def _layout_attention_heatmap(fig: Figure) -> None:
    ax = fig.add_axes((0.1, 0.1, 0.78, 0.74))
    cax = fig.add_axes((0.91, 0.1, 0.02, 0.74))
    cax.set(xlim=(0, 1), ylim=(0, 1), xticks=[])
    cax.yaxis.tick_right()
    cax.yaxis.set_label_position("right")
    cax.set_ylabel("attention weight α")
    cax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def render_attention_heatmap(state: dict, fig: Figure) -> None:
    ax, cax = fig.axes
    cax.imshow(_GRADIENT, cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto", origin="lower", extent=(0, 1, 0, 1))
    if state["error"]:
        ax.set(xlim=(0, 1), ylim=(0, 1))
        TextLayer().add_to(ax, transform=ax.transAxes).add(0.5, 0.5, state["error"], color=PALETTE["vermillion"],
                                                           size=11)
        return
    alpha = state["alpha"]                                               # (T_out, T_in)
    T_out, T_in = alpha.shape
    ax.imshow(alpha, cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto", interpolation="nearest",
              extent=(-0.5, T_in - 0.5, T_out - 0.5, -0.5))
    ax.set(xlim=(-0.5, T_in - 0.5), ylim=(T_out - 0.5, -0.5))
    ticks = TextLayer().add_to(ax)
    for j, ch in enumerate(state["input_chars"]):
        ticks.add(j, T_out - 0.5 + 0.35, "␣" if ch == " " else ch, va="top", size=11)
    for i, ch in enumerate(state["output_chars"]):
        ticks.add(-0.5 - 0.25 * T_in / 28, i, ch, ha="right", size=11)
    _title(ax, f"“{state['text']}”  →  “{state['output']}”   (rows: output characters, columns: input)", 11)


def attention_heatmap(model=None, texts: Sequence[str] | None = None) -> Explorer:
    """W5.6: a trained :class:`~dlcourse.sequences.seq2seq.DateTranslator`'s alignment, per input text.

    ``model`` default: a translator with Luong's general score trained here (200 steps on 3,000
    generated pairs, ~8 s). Type a date in the text box (updates on Enter) or pick one of
    ``texts`` (default: one of each date format). The heat map has one row per output character
    and one column per input character; each row is the softmax the decoder used for that
    character. Translations are cached per text.
    """
    from .seq2seq import DateTranslator, attention_map, train_translator   # torch only when this widget is built

    if model is None:
        from ..data.text import date_pairs
        model = DateTranslator(seed=0)
        train_translator(model, date_pairs(3000, rng=0), steps=200, seed=0, progress=False)

    translate_one = functools.lru_cache(maxsize=256)(lambda t: attention_map(model, t))
    allowed = frozenset(ch for ch in model.src_vocab.itos if len(ch) == 1)
    examples = list(texts or DEFAULT_DATE_EXAMPLES)
    text = W.Text(examples[0], description="date", continuous_update=False)
    example = W.Dropdown(options=examples, value=examples[0], description="examples")
    example.observe(lambda change: setattr(text, "value", change["new"]), names="value")   # before the Explorer's
    return Explorer({"example": example, "text": text},
                    functools.partial(compute_attention_heatmap, translate_one, allowed),
                    render_attention_heatmap, layout=_layout_attention_heatmap, figsize=(8, 4.6))
