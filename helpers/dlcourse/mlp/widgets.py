"""Week 02 widgets (W2.1-W2.5): the only module of :mod:`dlcourse.mlp` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values (and, for the steppers, a small session object that the buttons advance) into
a state dict, and a ``render_*(state, fig)`` that draws the state on the emptied axes; an
:class:`~dlcourse.widgetkit.Explorer` binds them to the controls. Where a widget shows
something the students implement, the builder takes their function (default: the reference).
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
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ..boosting.plots import freeze_static
from ..data import backprop_222, toy_2d
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .activations import (_leaky_relu, _leaky_relu_grad, _relu, _relu_grad, _sigmoid, _sigmoid_grad, _tanh,
                          _tanh_grad)
from .backprop import _backward_222, _forward_222, _loss_222, _update_222
from .losses import _bce
from .network import _init_mlp, _mlp_forward, _mlp_loss, _train_mlp, accuracy
from .perceptron import _perceptron_epoch
from .textlayer import Label, TextLayer

__all__ = ["activation_explorer", "perceptron_explorer", "mlp_playground", "backprop_stepper", "loss_slice"]

ActivationPair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
REFERENCE_ACTIVATIONS: dict[str, ActivationPair] = {
    "sigmoid": (_sigmoid, _sigmoid_grad), "tanh": (_tanh, _tanh_grad),
    "relu": (_relu, _relu_grad), "leaky_relu": (_leaky_relu, _leaky_relu_grad)}


def _set_quietly(ex: Explorer, **values) -> None:
    """Set several controls, then redraw once (not once per control)."""
    ex.update = lambda: None                       # the observers call ex.update(): silence them
    try:
        for name, value in values.items():
            ex.controls[name].value = value
    finally:
        del ex.update
    ex.update()


def _title(ax, text: str, size: float = 11) -> None:
    """A title drawn by a :class:`TextLayer` (a matplotlib title costs ~3 ms per redraw)."""
    shift = ScaledTranslation(0, 5 / 72, ax.get_figure().dpi_scale_trans)
    TextLayer([Label(0.5, 1.0, text, size=size, va="bottom")]).add_to(ax, transform=ax.transAxes + shift)


def _evaluate(fn: Callable, z: np.ndarray, what: str) -> np.ndarray:
    out = np.asarray(fn(z), dtype=float)
    if out.shape != z.shape:
        raise ValueError(f"{what} returned shape {out.shape} for input of shape {z.shape}: it must be elementwise")
    return out


# --------------------------------------------------------------------------- W2.1 activations
_DEPTHS = np.arange(1, 11)


def compute_activation_explorer(functions: Mapping[str, ActivationPair], name: str, z_max: float) -> dict:
    """g and g' of ``functions[name]`` on [-z_max, z_max], its flat regions and the bound
    (max |g'|)^L on how much L such layers can pass back of a gradient (for every function)."""
    z = np.linspace(-z_max, z_max, 401)                                          # (G,)
    g, dg = (_evaluate(f, z, f"{name}{tick}(z)") for f, tick in zip(functions[name], ("", "′")))
    wide = np.linspace(-20, 20, 4001)                                            # max |g'| over a wide range
    max_dg = {k: float(np.max(np.abs(_evaluate(pair[1], wide, f"{k}′(z)")))) for k, pair in functions.items()}
    top = np.flatnonzero(np.abs(dg) >= np.max(np.abs(dg)) * (1 - 1e-9))         # where |g'| is largest
    where = f"at z = {z[top[0]]:.2g}" if len(top) <= 3 else f"for z in [{z[top[0]]:.2g}, {z[top[-1]]:.2g}]"
    return {"name": name, "z": z, "g": g, "dg": dg, "z_max": z_max,
            "regions": plots.saturated_regions(name, (-z_max, z_max), dg, z),
            "max_abs_grad": float(np.abs(dg[top[0]])), "argmax_z": float(z[top[0]]), "where_max": where,
            "max_grad_all": max_dg,
            "depth_bound": {n: m ** _DEPTHS for n, m in max_dg.items()}}


def _layout_activation_explorer(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.6, 1], left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    ax_g, ax_d = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax_g.set_xlabel("z")
    ax_g.locator_params(nbins=5)           # every tick label costs ~0.5 ms per redraw
    fig.legend(handles=[Line2D([], [], color=PALETTE["blue"], lw=2.2, label="g(z)"),
                        Line2D([], [], color=PALETTE["orange"], lw=2.2, ls="--", label="g′(z)")],
               loc="lower left", bbox_to_anchor=(0.0, 0.0), ncol=2, fontsize=9, frameon=False)
    ax_d.set_yscale("log")
    ax_d.set(xlim=(0.6, 10.4), ylim=(1e-7, 3), xlabel="layers L", xticks=[1, 4, 7, 10])
    ax_d.set_yticks([1e-6, 1e-4, 1e-2, 1], ["10⁻⁶", "10⁻⁴", "0.01", "1"])
    ax_d.minorticks_off()
    ax_d.set_title("gradient through L layers ≤ (max |g′|)ᴸ", fontsize=10, y=1.0)
    freeze_static(fig, [ax_d.xaxis, ax_d.yaxis, ax_d.title])    # drawn once: they never change


def render_activation_explorer(state: dict, fig: Figure) -> None:
    ax_g, ax_d = fig.axes
    plots.plot_activation(ax_g, state["z"], state["g"], state["dg"], state["regions"], name="g", legend=False)
    lo = min(float(np.min(state["g"])), float(np.min(state["dg"])), 0.0)
    hi = max(float(np.max(state["g"])), float(np.max(state["dg"])), 1.0)
    ax_g.set(xlim=(-state["z_max"], state["z_max"]), ylim=(lo - 0.08 * (hi - lo), hi + 0.12 * (hi - lo)))
    _title(ax_g, f"{state['name']}: max |g′(z)| = {state['max_abs_grad']:.4g} {state['where_max']}", 12)
    groups: dict[float, list[str]] = {}                  # functions with the same bound share a label
    for name, bound in state["depth_bound"].items():
        current = name == state["name"]
        ax_d.plot(_DEPTHS, np.maximum(bound, 1e-8), marker="o", ms=4 if current else 2, lw=2.5 if current else 1,
                  color=PALETTE["vermillion"] if current else "0.6", zorder=3 if current else 2)
        groups.setdefault(round(float(np.log10(max(bound[-1], 1e-8))), 1), []).append(name)
    labels = TextLayer().add_to(ax_d)
    for log_end, members in groups.items():
        current = state["name"] in members
        labels.add(9.8, 10 ** log_end / 2.2, ", ".join(members), ha="right", va="top", size=9, bold=current,
                   color=PALETTE["vermillion"] if current else "0.4")


def activation_explorer(functions: Mapping[str, ActivationPair] | None = None) -> Explorer:
    """W2.1: an activation g and its derivative g', with the regions where g' vanishes shaded.

    ``functions`` : name -> (g, g_prime), elementwise NumPy functions (yours); default the
    references sigmoid, tanh, relu, leaky_relu. Names containing sigmoid/tanh shade |z| > 4,
    relu z < 0; other names shade where |g'| < 5 % of its maximum.
    """
    functions = dict(functions or REFERENCE_ACTIVATIONS)
    controls = {"name": W.Dropdown(options=list(functions), value=next(iter(functions)), description="g"),
                "z_max": W.FloatSlider(6.0, min=1.0, max=20.0, step=0.5, description="z range ±")}
    return Explorer(controls, functools.partial(compute_activation_explorer, functions), render_activation_explorer,
                    layout=_layout_activation_explorer, figsize=(10, 3.8))


# --------------------------------------------------------------------------- W2.2 perceptron
@dataclass
class _PerceptronSession:
    rng: np.random.Generator
    history: dict[str, list[int]] = field(default_factory=dict)    # data set -> mistakes per epoch


_SHOWN_EPOCHS = 20
_W_MAX = 6.0          # the weight sliders' range is ±_W_MAX


def compute_perceptron_explorer(datasets: Mapping[str, tuple], grid: np.ndarray, extent: tuple,
                                session: _PerceptronSession, w1: float, w2: float, w0: float,
                                data: str) -> dict:
    """sigmoid(w·x + w0) on the grid, the line w·x + w0 = 0, BCE and accuracy on the data."""
    X, y = datasets[data]
    w = np.array([w1, w2])
    p = _sigmoid(X @ w + w0)                                                     # (N,)
    pred = (X @ w + w0 >= 0).astype(int)                                         # sign(0) = +1 -> class 1
    return {"w": w, "w0": w0, "data": data, "X": X, "y": y, "extent": extent,
            "grid_proba": _sigmoid(grid @ w + w0), "bce": _bce(y, p), "accuracy": float(np.mean(pred == y)),
            "wrong": pred != y, "history": list(session.history.get(data, []))}


def _layout_perceptron_explorer(fig: Figure, extent: tuple) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.5, 1], left=0.06, right=0.98, bottom=0.12, top=0.87, wspace=0.22)
    ax, ax_m = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(xlim=extent[:2], ylim=extent[2:], xlabel="x₁", ylabel="x₂")
    ax.grid(False)
    ax.locator_params(nbins=5)
    ax_m.set(xlabel=f"perceptron epoch (the last {_SHOWN_EPOCHS})", ylabel="mistakes",
             xlim=(0.3, _SHOWN_EPOCHS + 0.7), xticks=[1, 5, 10, 15, 20])
    ax_m.yaxis.set_major_locator(MaxNLocator(4, integer=True))
    ax_m.set_title("mistakes per epoch", fontsize=10, y=1.0)
    freeze_static(fig, [ax.xaxis, ax.yaxis, ax_m.xaxis, ax_m.title])


def render_perceptron_explorer(state: dict, fig: Figure) -> None:
    ax, ax_m = fig.axes
    plots.plot_probability_map(ax, state["grid_proba"], state["extent"], alpha=0.7)
    plots.plot_points(ax, state["X"], state["y"], highlight=state["wrong"])
    plots.plot_decision_line(ax, state["w"], state["w0"], state["extent"])
    w1, w2 = state["w"]
    signed = lambda v: f"{'−' if v < 0 else '+'} {abs(v):.2f}"                   # noqa: E731
    first = f"{'−' if w1 < 0 else ''}{abs(w1):.2f}"
    _title(ax, f"σ({first}·x₁ {signed(w2)}·x₂ {signed(state['w0'])}):  BCE = {state['bce']:.3f},  "
               f"accuracy = {state['accuracy']:.1%}", 12)
    history = state["history"][-_SHOWN_EPOCHS:]
    ax_m.set_ylim(0, max(max(history, default=1), 1) * 1.15)
    if history:
        ax_m.bar(np.arange(1, len(history) + 1), history, color=PALETTE["blue"])
        TextLayer().add_to(ax_m).add(len(history), history[-1], f"{history[-1]}", va="bottom", size=9)
    else:
        TextLayer().add_to(ax_m, transform=ax_m.transAxes).add(0.5, 0.5, "press “Perceptron epoch”", color="0.4")


def perceptron_explorer(X: np.ndarray | None = None, y: np.ndarray | None = None, lr: float = 0.1) -> Explorer:
    """W2.2: a single neuron σ(w1 x1 + w2 x2 + w0) on 2-D data; sliders move w, the button runs
    one epoch of the perceptron rule (w += lr·y·x on each mistake, in a shuffled order) from
    the sliders' weights and moves the sliders there (if a weight would leave the sliders'
    range ±6, all three are scaled down together: the line stays where the rule put it).

    ``X`` (N, 2), ``y`` (N,) in {0, 1} or {-1, +1}; default: separable blobs, with an XOR set to
    switch to (where the perceptron never stops making mistakes).
    """
    if X is None or y is None:
        datasets = {"blobs": toy_2d("blobs", 200, rng=0), "xor": toy_2d("xor", 200, rng=0)}
    else:
        y = np.asarray(y)
        datasets = {"data": (np.asarray(X, dtype=float), np.where(y > 0, 1, 0))}
    grid, extent = plots.make_grid(np.vstack([d[0] for d in datasets.values()]), n=100, pad=0.6)
    session = _PerceptronSession(np.random.default_rng(0))
    slider = functools.partial(W.FloatSlider, min=-_W_MAX, max=_W_MAX, step=0.05, readout_format=".2f")
    controls = {"w1": slider(0.5, description="w₁"), "w2": slider(-1.0, description="w₂"),
                "w0": slider(0.0, description="w₀"),
                "data": W.Dropdown(options=list(datasets), value=next(iter(datasets)), description="data")}

    def epoch(ex: Explorer) -> None:
        Xd, yd = datasets[ex.controls["data"].value]
        p = ex.params()
        w, w0, mistakes = _perceptron_epoch(Xd, 2 * yd - 1, [p["w1"], p["w2"]], p["w0"], lr,
                                            order=session.rng.permutation(len(Xd)))
        session.history.setdefault(p["data"], []).append(mistakes)
        scale = min(1.0, _W_MAX / max(np.max(np.abs(w)), abs(w0), 1e-12))     # stay on the sliders: shrink
        _set_quietly(ex, w1=float(scale * w[0]), w2=float(scale * w[1]), w0=float(scale * w0))   # (same line)

    def reset(ex: Explorer) -> None:
        session.history.clear()
        _set_quietly(ex, w1=0.5, w2=-1.0, w0=0.0)

    compute = functools.partial(compute_perceptron_explorer, datasets, grid, extent, session)
    return Explorer(controls, compute, render_perceptron_explorer, figsize=(10, 4.2),
                    layout=functools.partial(_layout_perceptron_explorer, extent=extent),
                    buttons={"Perceptron epoch": epoch, "Reset": reset})


# --------------------------------------------------------------------------- W2.3 MLP playground
PLAYGROUND_DATASETS = ("moons", "circles", "xor", "spirals")
_TRAIN_EPOCHS, _BATCH = 50, 32


@dataclass
class _PlaygroundSession:
    """The model being trained: its architecture key, parameters and loss history."""
    key: tuple | None = None
    params: dict | None = None
    losses: list[float] = field(default_factory=list)
    seed: int = 0
    train_seconds: float = 0.0
    rng: np.random.Generator | None = None


@functools.cache
def _playground_data(name: str) -> dict:
    X, y = toy_2d(name, 240, rng=0)
    grid, extent = plots.make_grid(X, n=70, pad=0.4)
    return {"X": X, "y": y, "grid": grid, "extent": extent}


def compute_mlp_playground(session: _PlaygroundSession, dataset: str, hidden: int, layers: int,
                           activation: str, lr: float) -> dict:
    """The current model on ``dataset``; a changed architecture starts a fresh (cheap) model."""
    d = _playground_data(dataset)
    key = (dataset, hidden, layers, activation)
    if session.key != key:                          # new architecture: new initial weights, no training
        scheme = "he" if activation == "relu" else "xavier"
        session.rng = np.random.default_rng(session.seed)
        session.key, session.losses, session.train_seconds = key, [], 0.0
        session.params = _init_mlp([2, *[hidden] * layers, 1], session.rng, scheme)
    out, cache = _mlp_forward(session.params, d["X"], activation, "sigmoid")
    grid_out, _ = _mlp_forward(session.params, d["grid"], activation, "sigmoid")
    return {"dataset": dataset, "hidden": hidden, "layers": layers, "activation": activation, "lr": lr,
            "X": d["X"], "y": d["y"], "extent": d["extent"], "grid_proba": grid_out[:, 0],
            "loss": _mlp_loss(cache, d["y"], "bce"), "accuracy": accuracy(d["y"], out),
            "losses": list(session.losses), "epochs": len(session.losses), "train_seconds": session.train_seconds,
            "n_params": sum(p.size for p in session.params.values())}


def _layout_mlp_playground(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.25, 1], left=0.05, right=0.98, bottom=0.12, top=0.87, wspace=0.2)
    ax, ax_l = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(xticks=[], yticks=[])               # coordinates of toy data mean nothing: no tick labels to draw
    ax.grid(False)
    ax_l.set(xlabel="epoch", ylabel="training loss (BCE)", ylim=(0, 1.0), yticks=[0, 0.25, 0.5, 0.75, 1.0])
    ax_l.locator_params(axis="x", nbins=5)
    freeze_static(fig, [ax.xaxis, ax.yaxis, ax_l.yaxis])


def render_mlp_playground(state: dict, fig: Figure) -> None:
    ax, ax_l = fig.axes
    ext = state["extent"]
    plots.plot_probability_map(ax, state["grid_proba"], ext)
    plots.plot_points(ax, state["X"], state["y"], size=14)
    ax.set(xlim=ext[:2], ylim=ext[2:])
    arch = " → ".join(["2", *[str(state["hidden"])] * state["layers"], "1"])
    _title(ax, f"{arch} ({state['activation']}, {state['n_params']} parameters)\n"
               f"epoch {state['epochs']}: training accuracy {state['accuracy']:.1%}")
    losses = state["losses"]
    if losses:
        ax_l.plot(np.arange(1, len(losses) + 1), np.minimum(losses, 1.0), color=PALETTE["vermillion"], lw=1.8)
        ax_l.set_xlim(0, len(losses) + 1)
        _title(ax_l, f"loss {losses[-1]:.3f}; the last {_TRAIN_EPOCHS} epochs took "
                     f"{state['train_seconds']:.2f} s\n(η = {state['lr']:.3g}; losses above 1 drawn at 1)")
    else:
        ax_l.set_xlim(0, _TRAIN_EPOCHS)
        _title(ax_l, f"untrained: loss {state['loss']:.3f}")
        TextLayer().add_to(ax_l, transform=ax_l.transAxes).add(0.5, 0.5, f"press “Train {_TRAIN_EPOCHS} epochs”",
                                                               color="0.4")


def mlp_playground(seed: int = 0) -> Explorer:
    """W2.3: train a small NumPy MLP (sigmoid output, BCE, mini-batch gradient descent) on 2-D data.

    Changing the data, width, depth or activation starts a fresh model (He init for ReLU,
    Xavier otherwise); "Train 50 epochs" continues training with the current η and reports
    its time; "Reset" draws new initial weights.
    """
    session = _PlaygroundSession(seed=seed)
    controls = {"dataset": W.Dropdown(options=PLAYGROUND_DATASETS, value="moons", description="data"),
                "hidden": W.IntSlider(8, min=1, max=32, description="hidden units"),
                "layers": W.IntSlider(1, min=1, max=3, description="hidden layers"),
                "activation": W.Dropdown(options=["relu", "tanh", "sigmoid"], value="relu", description="activation"),
                "lr": W.FloatLogSlider(0.3, base=10, min=-3, max=1, step=0.25, description="η",
                                       readout_format=".3g")}

    def train(ex: Explorer) -> None:
        p, d = ex.params(), _playground_data(ex.params()["dataset"])
        start = time.perf_counter()
        _, losses = _train_mlp(d["X"], d["y"], activation=p["activation"], lr=p["lr"], epochs=_TRAIN_EPOCHS,
                               rng=session.rng, batch_size=_BATCH, params=session.params)
        session.losses += losses
        session.train_seconds = time.perf_counter() - start
        ex.update()

    def reset(ex: Explorer) -> None:
        session.seed += 1
        session.key = None
        ex.update()

    return Explorer(controls, functools.partial(compute_mlp_playground, session), render_mlp_playground,
                    layout=_layout_mlp_playground, figsize=(10, 4.4),
                    buttons={f"Train {_TRAIN_EPOCHS} epochs": train, "Reset": reset})


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


def compute_backprop_stepper(session: _StepperSession, data: dict, update: Callable, lr: float,
                             answer: float) -> dict:
    """Everything the diagram shows at the session's stage; the update uses the current η."""
    grads = session.grads if session.stage in ("backward", "update") else None
    new_weights = dict(update(dict(session.weights), dict(grads), lr)) if session.stage == "update" else None
    ok, message = _check_answer(answer, None if grads is None else grads["w5"])
    J = None if session.values is None else _loss_222(session.values["yhat"], data["target"])
    return {"stage": session.stage, "iteration": session.iteration, "weights": dict(session.weights),
            "values": session.values, "grads": grads, "new_weights": new_weights, "J": J,
            "history": list(session.history), "lr": lr, "x": data["x"], "target": data["target"],
            "answer": answer, "answer_ok": ok, "answer_message": message}


def _layout_backprop_stepper(fig: Figure) -> None:
    fig.add_axes((0.0, 0.0, 1.0, 0.86))


def render_backprop_stepper(state: dict, fig: Figure) -> None:
    (ax,) = fig.axes
    stage = state["stage"]
    plots.plot_network_222(ax, state["weights"], values=state["values"], grads=state["grads"],
                           new_weights=state["new_weights"], x=state["x"], target=state["target"],
                           highlight=("w5", "o1", "h1") if state["grads"] is not None else ())
    steps = TextLayer().add_to(ax, transform=fig.transFigure)
    done = STAGES.index(stage)
    for k, (label, x) in enumerate((("① Forward", 0.03), ("② Backward", 0.17), ("③ Update", 0.32))):
        steps.add(x, 0.955, label, ha="left", size=13, bold=k + 1 == done,
                  color=PALETTE["blue"] if k + 1 <= done else "0.55")
    J = "J = ½Σ(ŷ − y)² = ?" if state["J"] is None else f"J = ½Σ(ŷ − y)² = {state['J']:.9f}"
    steps.add(0.97, 0.955, f"iteration {state['iteration']}:  {J}", ha="right", size=13)
    color = {True: PALETTE["green"], False: PALETTE["vermillion"], None: "0.35"}[state["answer_ok"]]
    steps.add(0.03, 0.895, state["answer_message"], ha="left", size=12, color=color)
    if state["history"]:
        steps.add(0.97, 0.895, "J per iteration: " + ", ".join(f"{j:.4f}" for j in state["history"][-4:]),
                  ha="right", size=11, color="0.35")
    if stage == "update":
        steps.add(0.97, 0.03, f"new weights: w ← w − η ∂J/∂w with η = {state['lr']:g}\n"
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
    controls = {"lr": W.BoundedFloatText(data["lr"], min=0.0, max=100.0, step=0.1, description="η",
                                         layout=W.Layout(width="140px")),
                "answer": W.FloatText(0.0, description="your ∂J/∂w5", layout=W.Layout(width="220px"))}

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
def compute_loss_slice(curve: dict, loss_at: Callable[[float], tuple[float, float]], weight: str,
                       value: float) -> dict:
    """J and dJ/dweight (by backprop) at ``value``, the tangent line there, and a central
    finite-difference slope for comparison."""
    J, slope = loss_at(value)
    h = 1e-5
    fd = (loss_at(value + h)[0] - loss_at(value - h)[0]) / (2 * h)
    half = 0.2 * (curve["curve_w"][-1] - curve["curve_w"][0])
    tx = np.array([value - half, value + half])
    return {"weight": weight, "value": value, "J": J, "slope": slope, "fd_slope": fd,
            "tangent": (tx, J + slope * (tx - value)), **curve}


def _layout_loss_slice(fig: Figure, curve: dict, weight: str) -> None:
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.72))
    lo, hi = float(curve["curve_J"].min()), float(curve["curve_J"].max())
    ax.set(xlim=(curve["curve_w"][0], curve["curve_w"][-1]), ylim=(lo - 0.15 * (hi - lo), hi + 0.1 * (hi - lo)),
           xlabel=weight, ylabel="J")
    ax.locator_params(nbins=6)
    freeze_static(fig, [ax.xaxis, ax.yaxis])


def render_loss_slice(state: dict, fig: Figure) -> None:
    (ax,) = fig.axes
    ax.plot(state["curve_w"], state["curve_J"], color=PALETTE["blue"], lw=2.2)
    ax.plot(*state["tangent"], color=PALETTE["vermillion"], lw=1.8, ls="--", zorder=3)
    ax.plot([state["value"]], [state["J"]], "o", ms=8, color=PALETTE["vermillion"], mec="k", zorder=4)
    ax.axvline(state["lecture_value"], color="0.6", lw=1, ls=":", zorder=1)
    w = state["weight"]
    _title(ax, f"J({w} = {state['value']:.2f}) = {state['J']:.6f},   ∂J/∂{w} = {state['slope']:.6f} (backprop), "
               f"{state['fd_slope']:.6f} (finite diff.)\nall other weights as in the lecture; "
               f"dotted: the lecture's {w} = {state['lecture_value']:g}")


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
    controls = {"value": W.FloatSlider(float(np.clip(data["weights"][weight], lo, hi)), min=lo, max=hi, step=0.01,
                                       description=weight, readout_format=".2f")}
    layout = functools.partial(_layout_loss_slice, curve=curve, weight=weight)
    return Explorer(controls, functools.partial(compute_loss_slice, curve, loss_at, weight), render_loss_slice,
                    layout=layout, figsize=(8, 4.2))
