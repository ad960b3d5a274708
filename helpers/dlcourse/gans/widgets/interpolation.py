"""Week 07 widget: latent interpolation in the conditional GAN (W7.3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import plots, reference as ref
from ..training import train_cgan

__all__ = ["latent_interpolation"]


# --------------------------------------------------------------------------- W7.3 latent interpolation
@dataclass(frozen=True)
class InterpState:
    label_start: int
    label_end: int
    t: float
    strip: np.ndarray      # (9, 16, 16) images along the path
    current: np.ndarray    # (16, 16) the image at t


def compute_interpolation(G, interpolate: Callable, z_pair: tuple, label_start: int, label_end: int,
                          t: float) -> InterpState:
    """Images of G along the straight path z0 -> z1 (and, for the label, one-hot y0 -> y1 when G takes
    a label embedding; here: the label switches at t = 0.5), with ``interpolate`` building the path."""
    z0, z1 = z_pair
    path = np.asarray(interpolate(z0, z1, 9), dtype=np.float32)                       # (9, Z)
    if path.shape != (9, len(z0)):
        raise ValueError(f"interpolate returned shape {path.shape}; expected (9, {len(z0)})")
    zt = (1 - t) * z0 + t * z1
    zs = torch.from_numpy(np.vstack([path, zt[None]]).astype(np.float32))             # (10, Z)
    ys = torch.tensor([label_start if i < 4.5 else label_end for i in range(9)] +
                      [label_start if t < 0.5 else label_end])
    with torch.no_grad():
        images = G(zs, ys).numpy()[:, 0]                                               # (10, 16, 16)
    return InterpState(int(label_start), int(label_end), float(t), images[:9], images[9])


def _layout_interp(fig: Figure) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=[3.2, 1], left=0.02, right=0.98, top=0.82, bottom=0.05, wspace=0.08)
    for cell in gs:
        ax = fig.add_subplot(cell)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)


def render_interpolation(state: InterpState, fig: Figure) -> None:
    ax_s, ax_c = fig.axes
    plots.image_grid(ax_s, state.strip, ncol=9)
    pos = 1 + state.t * 8 * 17 + 8
    ax_s.plot([pos, pos], [0, 17], color=PALETTE["orange"], lw=2)
    ax_c.imshow(state.current, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
    ax_s.text(0, -1.5, f"z0 → z1 in 9 steps (labels {state.label_start} then {state.label_end})", fontsize=9)
    ax_c.text(0, -1.5, f"t = {state.t:.2f}", fontsize=9)


def latent_interpolation(G=None, interpolate: Callable | None = None) -> Explorer:
    """W7.3: walk through the latent space of a trained conditional GAN ``G(z, y)``.

    Without ``G`` a conditional DCGAN is trained first (about 10 s). ``interpolate(z0, z1, n)``
    builds the path (default: the reference). Controls: start and end labels, the pair of
    noise vectors, and t.
    """
    G = G if G is not None else train_cgan(progress=False)["G"]
    G.eval()
    interpolate = interpolate or ref.interpolate
    pairs = [tuple(np.random.default_rng(s).standard_normal((2, G.z_dim)).astype(np.float32)) for s in range(5)]
    controls = {"label_start": widgets.Dropdown(options=list(range(10)), value=3, description="label at z0"),
                "label_end": widgets.Dropdown(options=list(range(10)), value=3, description="label at z1"),
                "pair": widgets.IntSlider(0, min=0, max=4, description="noise pair"),
                "t": widgets.FloatSlider(0.0, min=0.0, max=1.0, step=0.125, description="t")}

    def compute(label_start, label_end, pair, t):
        return compute_interpolation(G, interpolate, pairs[pair], label_start, label_end, t)

    return Explorer(controls, compute, render_interpolation, layout=_layout_interp, figsize=(9, 1.9))
