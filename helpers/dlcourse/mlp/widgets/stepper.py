"""mlp widgets, W2.4 backprop stepper."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import backprop_222
from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, title
from .. import plots
from ..backprop import _backward_222, _forward_222, _loss_222, _update_222

__all__ = ["backprop_stepper", "STAGES", "compute_backprop_stepper", "render_backprop_stepper", "loss_slice",
           "compute_loss_slice", "render_loss_slice", "BackpropStepperState", "LossSliceState"]


# --------------------------------------------------------------------------- W2.4 backprop stepper
STAGES = ("start", "forward", "backward", "update")


@dataclass
class _StepperSession:
    """Where the stepper is: the current weights, what has been computed for them, the iteration."""
    weights: dict
    stage: str = "start"
    values: dict | None = None           # net_h, h, net_o, yhat as arrays, for the diagram
    cache: dict | None = None            # what forward returned, passed on to backward
    grads: dict | None = None
    iteration: int = 0
    history: list[float] = field(default_factory=list)   # J of each forward pass


def _check_answer(answer: float, grad: float | None) -> tuple[bool | None, str]:
    """Judge a typed dJ/dw5 against the computed one: (ok or None, message)."""
    if grad is None:
        return None, "run Forward and Backward, then type your ∂J/∂w5"
    if answer == 0:
        return None, "type your ∂J/∂w5 (by hand, with the chain rule)"
    rel = abs(answer - grad) / max(abs(grad), 1e-12)
    if rel < 1e-3:
        return True, f"✓ {answer:g} is right"
    if abs(answer + grad) / max(abs(grad), 1e-12) < 1e-3:
        return False, f"✗ {answer:g}: the sign is flipped"
    if rel < 5e-2:
        return False, f"✗ {answer:g} is close: give 4 significant digits"
    return False, f"✗ {answer:g} is not ∂J/∂w5"


@dataclass(frozen=True)
class BackpropStepperState:
    """The state of :func:`backprop_stepper`: what :func:`render_backprop_stepper` draws."""

    stage: str
    iteration: int
    weights: dict
    values: dict | None
    grads: dict | None
    new_weights: dict | None
    J: float | None
    history: list
    lr: float
    x: tuple
    target: tuple
    answer: float
    answer_ok: bool | None
    answer_message: str


def compute_backprop_stepper(session: _StepperSession, data: dict, update: Callable, lr: float,
                             answer: float) -> BackpropStepperState:
    """Everything the diagram shows at the session's stage; the update uses the current η."""
    grads = session.grads if session.stage in ("backward", "update") else None
    new_weights = dict(update(dict(session.weights), dict(grads), lr)) if session.stage == "update" else None
    ok, message = _check_answer(answer, None if grads is None else grads["w5"])
    J = None if session.values is None else _loss_222(session.values["yhat"], data["target"])
    return BackpropStepperState(
        stage=session.stage, iteration=session.iteration, weights=dict(session.weights),
        values=session.values, grads=grads, new_weights=new_weights, J=J,
        history=list(session.history), lr=lr, x=data["x"], target=data["target"],
        answer=answer, answer_ok=ok, answer_message=message)


def _layout_backprop_stepper(fig: Figure) -> None:
    fig.add_axes((0.0, 0.0, 1.0, 0.86))


def render_backprop_stepper(state: BackpropStepperState, fig: Figure) -> None:
    (ax,) = fig.axes
    stage = state.stage
    plots.plot_network_222(ax, state.weights, values=state.values, grads=state.grads,
                           new_weights=state.new_weights, x=state.x, target=state.target,
                           highlight=("w5", "o1", "h1") if state.grads is not None else ())
    steps = TextLayer().add_to(ax, transform=fig.transFigure)
    done = STAGES.index(stage)
    for k, (label, x) in enumerate((("① Forward", 0.03), ("② Backward", 0.17), ("③ Update", 0.32))):
        steps.add(x, 0.955, label, ha="left", size=13, bold=k + 1 == done,
                  color=PALETTE["blue"] if k + 1 <= done else "0.55")
    J = "J = ½Σ(ŷ − y)² = ?" if state.J is None else f"J = ½Σ(ŷ − y)² = {state.J:.9f}"
    steps.add(0.97, 0.955, f"iteration {state.iteration}:  {J}", ha="right", size=13)
    color = {True: PALETTE["green"], False: PALETTE["vermillion"], None: "0.35"}[state.answer_ok]
    steps.add(0.03, 0.895, state.answer_message, ha="left", size=12, color=color)
    if state.history:
        steps.add(0.97, 0.895, "J per iteration: " + ", ".join(f"{j:.4f}" for j in state.history[-4:]),
                  ha="right", size=11, color="0.35")
    if stage == "update":
        steps.add(0.97, 0.03, f"new weights: w ← w − η ∂J/∂w with η = {state.lr:g}\n"
                  "(the next Forward uses them)", ha="right", va="bottom", size=11, color=PALETTE["green"])


def backprop_stepper(forward: Callable | None = None, backward: Callable | None = None,
                     update: Callable | None = None) -> Explorer:
    """W2.4: the lecture's 2-2-2 network, one pass at a time: Forward, Backward, Update, repeat.

    Pass your own functions to watch them at work (defaults: the references), with the
    signatures of the graded exercise:

    * ``forward(weights, x) -> dict`` with keys ``net_h``, ``h``, ``net_o``, ``yhat`` (each two
      numbers: hidden / output neurons 1 and 2); ``weights`` = {"w1".."w8", "b1", "b2"},
      ``x`` = (i1, i2);
    * ``backward(weights, x, target, cache) -> dict`` of dJ/dw for "w1".."w8", "b1", "b2",
      where ``cache`` is what ``forward`` returned and J = ½ Σ (ŷ - y)²;
    * ``update(weights, grads, lr) -> dict`` of new weights.

    Buttons advance the stage (a Backward before a Forward runs both); after Update, the
    next Forward starts a new iteration from the updated weights. Type dJ/dw5 in the box to
    check your hand calculation.
    """
    forward, backward, update = forward or _forward_222, backward or _backward_222, update or _update_222
    data = backprop_222()
    session = _StepperSession(weights=dict(data["weights"]))
    controls = {"lr": ipw.BoundedFloatText(data["lr"], min=0.0, max=100.0, step=0.1, description="η",
                                         layout=ipw.Layout(width="140px")),
                "answer": ipw.FloatText(0.0, description="your ∂J/∂w5", layout=ipw.Layout(width="220px"))}

    def forward_pass(lr: float) -> None:
        if session.stage == "update":              # commit the update, start the next iteration
            session.weights = dict(update(dict(session.weights), dict(session.grads), lr))
            session.iteration += 1
        session.cache = forward(dict(session.weights), data["x"])  # copies: your code may modify them
        missing = {"net_h", "h", "net_o", "yhat"} - set(session.cache)
        if missing:
            raise ValueError(f"forward must return a dict with net_h, h, net_o and yhat; {sorted(missing)} missing")
        session.values = {k: np.asarray(session.cache[k], dtype=float) for k in ("net_h", "h", "net_o", "yhat")}
        session.history.append(_loss_222(session.values["yhat"], data["target"]))
        session.grads, session.stage = None, "forward"

    def backward_pass(lr: float) -> None:
        if session.stage in ("start", "update"):
            forward_pass(lr)
        grads = backward(dict(session.weights), data["x"], data["target"], session.cache)
        session.grads, session.stage = {k: float(v) for k, v in grads.items()}, "backward"

    def update_step(lr: float) -> None:
        if session.stage != "backward":
            backward_pass(lr)
        session.stage = "update"

    def button(step: Callable[[float], None]) -> Callable[[Explorer], None]:
        def click(ex: Explorer) -> None:
            step(ex.controls["lr"].value)
            ex.update()
        return click

    def reset(ex: Explorer) -> None:
        session.__init__(weights=dict(data["weights"]))
        ex.update()

    return Explorer(controls, functools.partial(compute_backprop_stepper, session, data, update),
                    render_backprop_stepper, layout=_layout_backprop_stepper, figsize=(12, 6.4),
                    buttons={"Forward": button(forward_pass), "Backward": button(backward_pass),
                             "Update": button(update_step), "Reset": reset})


# --------------------------------------------------------------------------- W2.5 loss slice
@dataclass(frozen=True)
class LossSliceState:
    """The state of :func:`loss_slice`: what :func:`render_loss_slice` draws."""

    weight: str
    value: float
    J: float
    slope: float
    fd_slope: float
    tangent: tuple
    curve_w: np.ndarray
    curve_J: np.ndarray
    lecture_value: float


def compute_loss_slice(curve: dict, loss_at: Callable[[float], tuple[float, float]], weight: str,
                       value: float) -> LossSliceState:
    """J and dJ/dweight (by backprop) at ``value``, the tangent line there, and a central
    finite-difference slope for comparison."""
    J, slope = loss_at(value)
    h = 1e-5
    fd = (loss_at(value + h)[0] - loss_at(value - h)[0]) / (2 * h)
    half = 0.2 * (curve["curve_w"][-1] - curve["curve_w"][0])
    tx = np.array([value - half, value + half])
    return LossSliceState(
        weight=weight, value=value, J=J, slope=slope, fd_slope=fd,
        tangent=(tx, J + slope * (tx - value)), curve_w=curve["curve_w"],
        curve_J=curve["curve_J"], lecture_value=curve["lecture_value"])


def _layout_loss_slice(fig: Figure, curve: dict, weight: str) -> None:
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.72))
    lo, hi = float(curve["curve_J"].min()), float(curve["curve_J"].max())
    ax.set(xlim=(curve["curve_w"][0], curve["curve_w"][-1]), ylim=(lo - 0.15 * (hi - lo), hi + 0.1 * (hi - lo)),
           xlabel=weight, ylabel="J")
    ax.locator_params(nbins=6)
    freeze_static(fig, [ax.xaxis, ax.yaxis])


def render_loss_slice(state: LossSliceState, fig: Figure) -> None:
    (ax,) = fig.axes
    ax.plot(state.curve_w, state.curve_J, color=PALETTE["blue"], lw=2.2)
    ax.plot(*state.tangent, color=PALETTE["vermillion"], lw=1.8, ls="--", zorder=3)
    ax.plot([state.value], [state.J], "o", ms=8, color=PALETTE["vermillion"], mec="k", zorder=4)
    ax.axvline(state.lecture_value, color="0.6", lw=1, ls=":", zorder=1)
    w = state.weight
    title(ax, f"J({w} = {state.value:.2f}) = {state.J:.6f},   ∂J/∂{w} = {state.slope:.6f} (backprop), "
               f"{state.fd_slope:.6f} (finite diff.)\nall other weights as in the lecture; "
               f"dotted: the lecture's {w} = {state.lecture_value:g}")


def loss_slice(weight: str = "w5", lo: float = -2.0, hi: float = 3.0, forward: Callable | None = None,
               backward: Callable | None = None) -> Explorer:
    """W2.5: J of the lecture's 2-2-2 network as one weight varies (all others fixed), with the
    tangent whose slope backprop gives. ``forward`` / ``backward`` as in :func:`backprop_stepper`."""
    forward, backward = forward or _forward_222, backward or _backward_222
    data = backprop_222()

    def loss_at(v: float) -> tuple[float, float]:
        weights = {**data["weights"], weight: float(v)}
        cache = forward(weights, data["x"])
        return _loss_222(cache["yhat"], data["target"]), float(backward(weights, data["x"], data["target"], cache)[weight])

    w = np.linspace(lo, hi, 201)                                                  # (201,)
    curve = {"curve_w": w, "curve_J": np.array([loss_at(v)[0] for v in w]), "lecture_value": data["weights"][weight]}
    controls = {"value": ipw.FloatSlider(float(np.clip(data["weights"][weight], lo, hi)), min=lo, max=hi, step=0.01,
                                       description=weight, readout_format=".2f")}
    layout = functools.partial(_layout_loss_slice, curve=curve, weight=weight)
    return Explorer(controls, functools.partial(compute_loss_slice, curve, loss_at, weight), render_loss_slice,
                    layout=layout, figsize=(8, 4.2))
