"""Notebook 1's widgets: the activation browser (W8.1) and the occlusion explorer.

A control change runs one forward pass of the trained digit CNN (cached trainer of
:mod:`..models`) on one 16x16 image: a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import plots
from .. import reference as ref
from ..models import trained_digit_cnn
from ._common import _N_IMAGES, _as_np, _image_axes

__all__ = ["activation_browser", "occlusion_explorer"]

_LAYERS = ("relu1", "relu2", "relu3")


# --------------------------------------------------------------------------- W8.1 activation browser
@dataclass(frozen=True)
class ActivationState:
    image: np.ndarray          # (16, 16)
    maps: np.ndarray           # (C, u, v) the layer's activation maps
    layer: str
    label: int
    prediction: int
    fraction_zero: float       # of the layer's entries (ReLU 'off')
    blank_maps: int            # maps that are zero everywhere


def compute_activations(get_activations: Callable, model, X: np.ndarray, y: np.ndarray, index: int,
                        layer: str) -> ActivationState:
    x = torch.as_tensor(X[index:index + 1])                              # (1, 1, 16, 16)
    acts = get_activations(model, x, [layer, "fc"])
    maps = _as_np(acts[layer])[0]                                        # (C, u, v)
    return ActivationState(X[index, 0], maps, layer, int(y[index]), int(_as_np(acts["fc"]).argmax()),
                           float((maps == 0).mean()), int((maps.reshape(len(maps), -1).max(axis=1) == 0).sum()))


def _layout_activations(fig: Figure) -> None:
    _image_axes(fig, 2, widths=[1, 2.6])


def render_activations(state: ActivationState, fig: Figure) -> None:
    ax_img, ax_maps = fig.axes
    plots.image(state.image, ax_img)
    ax_img.set_title(f"digit {state.label}, predicted {state.prediction}", fontsize=10)
    C = len(state.maps)
    plots.map_grid(state.maps, ax_maps, ncols=8)
    ax_maps.set_title(f"{state.layer}: {C} maps of {state.maps.shape[1]}x{state.maps.shape[2]}, "
                      f"{100 * state.fraction_zero:.0f} % of entries are 0, {state.blank_maps} maps blank", fontsize=10)


def activation_browser(get_activations: Callable | None = None) -> Explorer:
    """W8.1: every activation map of one ReLU layer of the trained digit CNN for one test image.

    Runs your ``get_activations(model, x, layers)`` on each change. Black = 0 (the unit is off);
    one colour scale per layer, so blank maps are really zero.
    """
    get_activations = get_activations or ref.get_activations
    trained = trained_digit_cnn()
    X, y = trained.X_test[:_N_IMAGES], trained.y_test[:_N_IMAGES]
    controls = {"index": widgets.IntSlider(value=0, min=0, max=_N_IMAGES - 1, description="test image"),
                "layer": widgets.Dropdown(options=list(_LAYERS), value="relu1", description="layer")}
    return Explorer(controls, lambda index, layer: compute_activations(get_activations, trained.model, X, y, index,
                                                                        layer),
                    render_activations, layout=_layout_activations, figsize=(9, 3.2),
                    title="<b>Activation maps</b> of the digit CNN: what each filter of a layer responds to")


# --------------------------------------------------------------------------- occlusion explorer
@dataclass(frozen=True)
class OcclusionState:
    image: np.ndarray          # (16, 16)
    heat: np.ndarray           # (rows, cols) drop of the class score
    label: int
    patch: int
    stride: int
    score: float               # the unoccluded class score


def compute_occlusion(occlusion_map: Callable, model, X: np.ndarray, y: np.ndarray, index: int, patch: int,
                      stride: int) -> OcclusionState:
    x = torch.as_tensor(X[index:index + 1])
    c = int(y[index])
    heat = _as_np(occlusion_map(model, x, c, int(patch), int(stride)))
    with torch.no_grad():
        score = float(model(x)[0, c])
    return OcclusionState(X[index, 0], heat, c, int(patch), int(stride), score)


def _layout_occlusion(fig: Figure) -> None:
    _image_axes(fig, 2)


def render_occlusion(state: OcclusionState, fig: Figure) -> None:
    ax_img, ax_heat = fig.axes
    plots.image(state.image, ax_img)
    ax_img.add_patch(Rectangle((-0.5, -0.5), state.patch, state.patch, fill=True, fc="0.5", ec=PALETTE["orange"], lw=2))
    ax_img.set_title(f"digit {state.label} (score {state.score:.1f}); grey = one {state.patch}x{state.patch} patch",
                     fontsize=10)
    m = max(float(np.abs(state.heat).max()), 1e-9)
    ax_heat.imshow(state.heat, cmap="RdBu_r", vmin=-m, vmax=m, interpolation="nearest")
    ax_heat.set_title(f"score drop, {state.heat.shape[0]}x{state.heat.shape[1]} positions (red: evidence)",
                      fontsize=10)


def occlusion_explorer(occlusion_map: Callable | None = None) -> Explorer:
    """Occlusion sensitivity (Zeiler & Fergus 2014) of the trained digit CNN: how far the true class's
    score falls when a grey-zero patch hides each part of the image; runs your ``occlusion_map``."""
    occlusion_map = occlusion_map or ref.occlusion_map
    trained = trained_digit_cnn()
    X, y = trained.X_test[:_N_IMAGES], trained.y_test[:_N_IMAGES]
    controls = {"index": widgets.IntSlider(value=0, min=0, max=_N_IMAGES - 1, description="test image"),
                "patch": widgets.IntSlider(value=4, min=2, max=8, description="patch"),
                "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride")}
    return Explorer(controls, lambda index, patch, stride: compute_occlusion(occlusion_map, trained.model, X, y, index,
                                                                               patch, stride),
                    render_occlusion, layout=_layout_occlusion, figsize=(8, 3.6),
                    title="<b>Occlusion</b>: hide a patch, watch the class score")
