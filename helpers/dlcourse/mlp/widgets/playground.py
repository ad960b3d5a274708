"""mlp widgets, W2.3 MLP playground."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import toy_2d
from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, key, title
from .. import plots
from ..network import _mlp_loss, _train_mlp, accuracy
from .. import reference as ref

__all__ = ["mlp_playground", "PLAYGROUND_DATASETS", "compute_mlp_playground", "render_mlp_playground",
           "MlpPlaygroundState"]


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


@dataclass(frozen=True)
class MlpPlaygroundState:
    """The state of :func:`mlp_playground`: what :func:`render_mlp_playground` draws."""

    dataset: str
    hidden: int
    layers: int
    activation: str
    lr: float
    X: np.ndarray
    y: np.ndarray
    extent: tuple
    grid_proba: np.ndarray
    loss: float
    accuracy: float
    losses: list
    epochs: int
    train_seconds: float
    n_params: int


def compute_mlp_playground(session: _PlaygroundSession, dataset: str, hidden: int, layers: int,
                           activation: str, lr: float) -> MlpPlaygroundState:
    """The current model on ``dataset``; a changed architecture starts a fresh (cheap) model."""
    d = _playground_data(dataset)
    key = (dataset, hidden, layers, activation)
    if session.key != key:                          # new architecture: new initial weights, no training
        scheme = "he" if activation == "relu" else "xavier"
        session.rng = np.random.default_rng(session.seed)
        session.key, session.losses, session.train_seconds = key, [], 0.0
        session.params = ref.init_mlp([2, *[hidden] * layers, 1], session.rng, scheme)
    out, cache = ref.mlp_forward(session.params, d["X"], activation, "sigmoid")
    grid_out, _ = ref.mlp_forward(session.params, d["grid"], activation, "sigmoid")
    return MlpPlaygroundState(
        dataset=dataset, hidden=hidden, layers=layers, activation=activation, lr=lr,
        X=d["X"], y=d["y"], extent=d["extent"], grid_proba=grid_out[:, 0],
        loss=_mlp_loss(cache, d["y"], "bce"), accuracy=accuracy(d["y"], out),
        losses=list(session.losses), epochs=len(session.losses), train_seconds=session.train_seconds,
        n_params=sum(p.size for p in session.params.values()))


def _layout_mlp_playground(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[1.25, 1], left=0.05, right=0.98, bottom=0.12, top=0.87, wspace=0.2)
    ax, ax_l = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax.set(xticks=[], yticks=[])               # coordinates of toy data mean nothing: no tick labels to draw
    ax.grid(False)
    ax_l.set(xlabel="epoch", ylabel="training loss (BCE)", ylim=(0, 1.0), yticks=[0, 0.25, 0.5, 0.75, 1.0])
    ax_l.locator_params(axis="x", nbins=5)
    freeze_static(fig, [ax.xaxis, ax.yaxis, ax_l.yaxis])


def render_mlp_playground(state: MlpPlaygroundState, fig: Figure) -> None:
    ax, ax_l = fig.axes
    ext = state.extent
    plots.plot_probability_map(ax, state.grid_proba, ext)
    plots.plot_points(ax, state.X, state.y, size=14)
    ax.set(xlim=ext[:2], ylim=ext[2:])
    arch = " → ".join(["2", *[str(state.hidden)] * state.layers, "1"])
    title(ax, f"{arch} ({state.activation}, {state.n_params} parameters)\n"
               f"epoch {state.epochs}: training accuracy {state.accuracy:.1%}")
    losses = state.losses
    if losses:
        ax_l.plot(np.arange(1, len(losses) + 1), np.minimum(losses, 1.0), color=PALETTE["vermillion"], lw=1.8)
        ax_l.set_xlim(0, len(losses) + 1)
        title(ax_l, f"loss {losses[-1]:.3f}; the last {_TRAIN_EPOCHS} epochs took "
                     f"{state.train_seconds:.2f} s\n(η = {state.lr:.3g}; losses above 1 drawn at 1)")
    else:
        ax_l.set_xlim(0, _TRAIN_EPOCHS)
        title(ax_l, f"untrained: loss {state.loss:.3f}")
        TextLayer().add_to(ax_l, transform=ax_l.transAxes).add(0.5, 0.5, f"press “Train {_TRAIN_EPOCHS} epochs”",
                                                               color="0.4")


def mlp_playground(seed: int = 0) -> Explorer:
    """W2.3: train a small NumPy MLP (sigmoid output, BCE, mini-batch gradient descent) on 2-D data.

    Changing the data, width, depth or activation starts a fresh model (He init for ReLU,
    Xavier otherwise); "Train 50 epochs" continues training with the current η and reports
    its time; "Reset" draws new initial weights.
    """
    session = _PlaygroundSession(seed=seed)
    controls = {"dataset": ipw.Dropdown(options=PLAYGROUND_DATASETS, value="moons", description="data"),
                "hidden": ipw.IntSlider(8, min=1, max=32, description="hidden units"),
                "layers": ipw.IntSlider(1, min=1, max=3, description="hidden layers"),
                "activation": ipw.Dropdown(options=["relu", "tanh", "sigmoid"], value="relu", description="activation"),
                "lr": ipw.FloatLogSlider(0.3, base=10, min=-3, max=1, step=0.25, description="η",
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
