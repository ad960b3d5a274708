"""cnn widgets, W3.3 kernel playground."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import PHOTOS, XO_FILTERS, photo
from ...plotting import REGION_CMAP
from ...widgetkit import Explorer, freeze_static
from .. import plots
from .. import reference as ref

__all__ = ["kernel_playground", "PLAYGROUND_SIZE", "compute_kernel_playground", "render_kernel_playground",
           "KERNEL_PRESETS", "KernelPlaygroundState"]


# --------------------------------------------------------------------------- W3.3 kernel playground
KERNEL_PRESETS: dict[str, np.ndarray] = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], float),
    "Sobel x": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float),
    "Sobel y": np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], float),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float),
    "box blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], float),
    "lecture f1 (diagonal)": XO_FILTERS["f1"].copy(),
}
_CELLS = [f"w{i}{j}" for i in range(3) for j in range(3)]
PLAYGROUND_SIZE = 128          # photo side: a change renders in ~15 ms with the vectorised reference conv


@dataclass(frozen=True)
class KernelPlaygroundState:
    """The state of :func:`kernel_playground`: what :func:`render_kernel_playground` draws."""

    image_name: str
    preset: str
    x: np.ndarray
    kernel: np.ndarray
    fmap: np.ndarray
    relu: np.ndarray
    pooled: np.ndarray
    vmax: float


def compute_kernel_playground(conv: Callable, pool: Callable, photos: dict, image: str, preset: str,
                              **weights: float) -> KernelPlaygroundState:
    """x -> conv(x, w, b=0, stride 1, padding 1) -> ReLU -> pool(2, 2, floor), all with the student's code."""
    x = photos[image][None, None]                                                # (1, 1, H, W)
    w = np.array([weights[k] for k in _CELLS], float).reshape(1, 1, 3, 3)            # (K=1, C=1, 3, 3)
    fmap = np.asarray(conv(x.copy(), w.copy(), np.zeros(1), 1, 1), dtype=float)
    if fmap.shape != x.shape:
        raise ValueError(f"conv(x, w, b, stride=1, padding=1) returned shape {fmap.shape}; for x of shape "
                         f"{x.shape} and a 3x3 kernel it should keep the shape {x.shape}")
    relu = np.maximum(fmap, 0.0)
    pooled = np.asarray(pool(relu.copy(), 2, 2, False), dtype=float)
    H = x.shape[2]
    if pooled.shape != (1, 1, H // 2, H // 2):
        raise ValueError(f"pool(x, 2, 2, False) returned shape {pooled.shape}; expected {(1, 1, H // 2, H // 2)}")
    return KernelPlaygroundState(
        image_name=image, preset=preset, x=x[0, 0], kernel=w[0, 0], fmap=fmap[0, 0],
        relu=relu[0, 0], pooled=pooled[0, 0],
        vmax=max(float(np.percentile(np.abs(fmap), 97)), 1e-12))   # robust: a few border pixels saturate


def _layout_kernel_playground(fig: Figure) -> None:
    for k in range(4):
        ax = fig.add_axes((0.01 + k * 0.2475, 0.03, 0.232, 0.232 * 11.5 / 3.3))
        plots.grid_axes(ax, PLAYGROUND_SIZE, PLAYGROUND_SIZE)
    half = PLAYGROUND_SIZE // 2                                                  # the pooled map
    fig.axes[3].set(xlim=(-0.5, half - 0.5), ylim=(half - 0.5, -0.5))
    freeze_static(fig)


def render_kernel_playground(state: KernelPlaygroundState, fig: Figure) -> None:
    ax_x, ax_c, ax_r, ax_p = fig.axes
    plots.show_image(ax_x, state.x, cmap="gray", vmin=0, vmax=1)
    plots.axes_title(ax_x, f"input x ({state.image_name}, {state.x.shape[0]}×{state.x.shape[1]})")
    v = state.vmax
    plots.show_image(ax_c, state.fmap, cmap=REGION_CMAP, vmin=-v, vmax=v)
    plots.axes_title(ax_c, f"conv(x, w): {state.preset}, ±{v:.2g}")
    plots.show_image(ax_r, state.relu, cmap="gray", vmin=0, vmax=v)
    plots.axes_title(ax_r, "ReLU: negatives set to 0")
    plots.show_image(ax_p, state.pooled, cmap="gray", vmin=0, vmax=v)
    plots.axes_title(ax_p, f"2×2 max-pool → {state.pooled.shape[0]}×{state.pooled.shape[1]}")


def kernel_playground(conv: Callable | None = None, pool: Callable | None = None) -> Explorer:
    """W3.3: a photo through one 3x3 convolution, ReLU and 2x2 max-pooling.

    ``conv(x, w, b, stride, padding)`` with x (N, C, H, W), w (K, C, 3, 3), b (K,) -> (N, K, H', W')
    (cross-correlation, like torch) and ``pool(x, k, stride, ceil_mode)`` -> (N, C, H', W'): yours
    or the references, called positionally as conv(x, w, b, 1, 1) and pool(x, 2, 2, False). The
    photo is 128x128 so a change redraws in ~15 ms with the vectorised reference; a naive
    loop-per-pixel conv takes about 0.1 s more per change - expected, and still usable.
    Type any kernel into the 3x3 grid or pick a preset (picking fills the grid; editing a cell
    makes the preset "custom").
    """
    conv, pool = conv or ref.conv2d, pool or ref.max_pool2d
    photos = {name: photo(name, PLAYGROUND_SIZE) for name in PHOTOS}
    presets = {**KERNEL_PRESETS, "custom": None}
    cells = {name: ipw.FloatText(float(KERNEL_PRESETS["Sobel x"].ravel()[k]), step=0.1, layout=ipw.Layout(width="72px"))
             for k, name in enumerate(_CELLS)}
    controls = {"image": ipw.Dropdown(options=list(PHOTOS), value="camera", description="photo"),
                "preset": ipw.Dropdown(options=list(presets), value="Sobel x", description="kernel"), **cells}

    def fill(change) -> None:                  # a preset fills the grid (before the Explorer redraws)
        if ex.held or presets[change["new"]] is None:
            return
        with ex.hold(redraw=False):
            for name, value in zip(_CELLS, presets[change["new"]].ravel()):
                cells[name].value = float(value)

    def edited(_change) -> None:               # a typed kernel is "custom" unless it equals the preset
        kernel = presets[controls["preset"].value]
        if ex.held or kernel is None:
            return
        if not np.allclose([cells[n].value for n in _CELLS], kernel.ravel()):
            with ex.hold(redraw=False):
                controls["preset"].value = "custom"
    controls["preset"].observe(fill, names="value")
    for cell in cells.values():
        cell.observe(edited, names="value")
    ex = Explorer(controls, functools.partial(compute_kernel_playground, conv, pool, photos),
                  render_kernel_playground, layout=_layout_kernel_playground, figsize=(11.5, 3.3))
    grid = ipw.GridBox(list(cells.values()), layout=ipw.Layout(grid_template_columns="repeat(3, 76px)",
                                                           grid_gap="2px"))
    ex.widget = ipw.VBox([ipw.HBox([ipw.VBox([controls["image"], controls["preset"]]),
                                ipw.HBox([ipw.HTML("<b>w</b> (3×3):"), grid])]), ex.image, ex.message])
    return ex
