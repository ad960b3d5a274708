"""sequences widgets, W5.2 "hello" stepper."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data.text import HELLO_VOCAB, hello_sequences
from ...plotting import PALETTE, SEQUENTIAL
from ...widgetkit import Explorer, TextLayer, title
from ..rnn import _softmax, _train_hello
from .. import reference as ref
from ._common import _check_shape, _few_log_ticks

__all__ = ["hello_stepper", "compute_hello_stepper", "render_hello_stepper", "HelloStepperState"]


# --------------------------------------------------------------------------- W5.2 "hello" stepper
_HELLO_EVERY, _HELLO_STEPS = 10, 300


@functools.cache
def _hello_snapshots() -> tuple:
    return tuple(_train_hello(H=8, steps=_HELLO_STEPS, every=_HELLO_EVERY, seed=0))


@dataclass(frozen=True)
class HelloStepperState:
    """The state of :func:`hello_stepper`: what :func:`render_hello_stepper` draws."""

    step: int
    inputs: np.ndarray
    hidden: np.ndarray
    probs: np.ndarray
    targets: np.ndarray
    pred: str
    loss: float
    curve: np.ndarray


def compute_hello_stepper(rnn_step: Callable, snapshots: Sequence, step: int) -> HelloStepperState:
    """The unrolled "hello" RNN after ``step`` SGD steps: inputs, h_t, softmax outputs, prediction."""
    X, targets = hello_sequences()                                      # (4, 1, 4), (4, 1)
    k = min(int(step) // _HELLO_EVERY, len(snapshots) - 1)
    done, _, params = snapshots[k]
    H = params["W_hh"].shape[0]

    def checked_step(x_t, h_prev, W_xh, W_hh, b_h):
        return _check_shape("rnn_step", rnn_step(x_t, h_prev, W_xh, W_hh, b_h), (x_t.shape[0], H))

    Hs, logits = ref.rnn_forward(X, None, params, step=checked_step)
    probs = _softmax(logits[:, 0])                                      # (T, K)
    loss = float(-np.log(probs[np.arange(len(probs)), targets[:, 0]]).sum())
    pred = "".join(HELLO_VOCAB.itos[i] for i in probs.argmax(axis=1))
    return HelloStepperState(
        step=done, inputs=X[:, 0].T, hidden=Hs[:, 0].T, probs=probs.T, targets=targets[:, 0],
        pred=pred, loss=loss, curve=np.array([(s, l) for s, l, _ in snapshots]))


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


def render_hello_stepper(state: HelloStepperState, fig: Figure) -> None:
    ax_x, ax_h, ax_y, ax_l = fig.axes
    ax_x.imshow(state.inputs, cmap="Greys", vmin=0, vmax=1.6, aspect="auto")
    ax_h.imshow(state.hidden, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ax_y.imshow(state.probs, cmap=SEQUENTIAL, vmin=0, vmax=1, aspect="auto")
    chars = HELLO_VOCAB.itos
    for ax, rows in ((ax_x, chars), (ax_h, [f"h{j + 1}" for j in range(state.hidden.shape[0])]), (ax_y, chars)):
        _hello_axis_labels(ax, rows)
    cells = TextLayer().add_to(ax_y)
    hid = TextLayer().add_to(ax_h)
    for t in range(4):
        for k in range(state.probs.shape[0]):
            p = state.probs[k, t]
            cells.add(t, k, f"{p:.2f}", size=9, color="k" if p > 0.6 or k == state.targets[t] else "w",
                      bold=bool(k == state.targets[t]), box=bool(k == state.targets[t]))
        for j in range(state.hidden.shape[0]):
            hid.add(t, j, f"{state.hidden[j, t]:+.2f}", size=7.5)
    title(ax_x, "input x_t (one-hot)")
    title(ax_h, "hidden state h_t = tanh(…)")
    ok = state.pred == "ello"
    title(ax_y, f"ŷ_t (target boxed) → “{state.pred}” {'✓' if ok else ''}")
    curve = state.curve
    ax_l.plot(np.maximum(curve[:, 0], 0.5), curve[:, 1], color=PALETTE["blue"], lw=1.6)
    ax_l.plot([max(state.step, 0.5)], [state.loss], "o", color=PALETTE["vermillion"], ms=7)
    title(ax_l, f"after {state.step} steps: loss = {state.loss:.3f} (sum of the 4 cross-entropies)", 10)


def hello_stepper(rnn_step: Callable | None = None) -> Explorer:
    """W5.2: the RNN unrolled on "hell" -> "ello" (vocabulary h, e, l, o; H = 8).

    The weights come from 300 seeded SGD steps (snapshots every 10); the forward pass at each
    snapshot runs your ``rnn_step(x_t, h_prev, W_xh, W_hh, b_h)``. Columns are time steps: the
    one-hot input, the hidden state and the softmax over the next character (target boxed).
    "Train 50 steps" moves the slider on.
    """
    snapshots = _hello_snapshots()
    slider = ipw.IntSlider(0, min=0, max=_HELLO_STEPS, step=_HELLO_EVERY, description="training step")

    def train(ex: Explorer) -> None:
        slider.value = min(slider.value + 50, _HELLO_STEPS)

    return Explorer({"step": slider}, functools.partial(compute_hello_stepper, rnn_step or ref.rnn_step, snapshots),
                    render_hello_stepper, layout=_layout_hello_stepper, figsize=(10, 5.6),
                    buttons={"Train 50 steps": train, "Reset": lambda ex: setattr(slider, "value", 0)})
