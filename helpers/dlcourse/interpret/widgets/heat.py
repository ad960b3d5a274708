"""Notebook 2's CAM / Grad-CAM explorer (W8.5) on the clean and the shortcut digit CNN.

A control change runs one forward and one backward pass of a tiny CNN on one 16x16 image.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ...data.canvas import TAG_SIZE, add_tag
from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import plots
from .. import reference as ref
from ..attribution import heat_mass
from ..models import SHORTCUT_CLASS, trained_digit_cnn, trained_shortcut_cnn
from ._common import _N_IMAGES, _as_np, _image_axes

__all__ = ["gradcam_explorer"]


# --------------------------------------------------------------------------- W8.5 CAM / Grad-CAM explorer
@dataclass(frozen=True)
class HeatState:
    image: np.ndarray          # (16, 16), tagged or not
    cam: np.ndarray            # (8, 8) CAM of the class (signed)
    grad_cam: np.ndarray       # (8, 8) Grad-CAM of the class (>= 0)
    target: int                # the class explained
    label: int
    prediction: int
    model_name: str
    tag_mass: float            # fraction of Grad-CAM's mass in the tag's quadrant
    alpha: float


def compute_heat(grad_cam: Callable, cam: Callable, models: dict, X: np.ndarray, y: np.ndarray, index: int,
                 model_name: str, tagged: bool, target: int, alpha: float) -> HeatState:
    model = models[model_name]
    img = add_tag(X[index:index + 1]) if tagged else X[index:index + 1]
    x = torch.as_tensor(img, dtype=torch.float32)                        # (1, 1, 16, 16)
    A = ref.get_activations(model, x, ["relu3", "fc"])                     # maps (1, K, 8, 8), scores (1, 10)
    prediction = int(A["fc"].argmax())
    c = prediction if target < 0 else int(target)
    cam_map = _as_np(cam(A["relu3"][0], model.fc.weight.detach(), c))
    gc = _as_np(grad_cam(model, x, model.relu3, c))
    half = gc.shape[0] // 2
    return HeatState(img[0, 0], cam_map, gc, c, int(y[index]), prediction, model_name,
                     heat_mass(gc, slice(0, half), slice(0, half)), float(alpha))


def _layout_heat(fig: Figure) -> None:
    _image_axes(fig, 3)


def render_heat(state: HeatState, fig: Figure) -> None:
    ax_img, ax_cam, ax_gc = fig.axes
    plots.image(state.image, ax_img)
    ax_img.set_title(f"digit {state.label} → predicted {state.prediction} ({state.model_name})", fontsize=10)
    plots.overlay(state.image, state.cam, ax_cam, alpha=state.alpha, signed=True)
    ax_cam.set_title(f"CAM of class {state.target} (signed)", fontsize=10)
    plots.overlay(state.image, state.grad_cam, ax_gc, alpha=state.alpha)
    ax_gc.add_patch(Rectangle((-0.5, -0.5), 8, 8, fill=False, ec=PALETTE["orange"], lw=1.5, ls="--"))
    ax_gc.set_title(f"Grad-CAM: {100 * state.tag_mass:.0f} % of the mass in the tag quadrant", fontsize=10)


def gradcam_explorer(grad_cam: Callable | None = None, cam: Callable | None = None) -> Explorer:
    """W8.5: CAM beside Grad-CAM (last conv layer) for the clean digit CNN and the shortcut model.

    Runs your ``grad_cam(model, x, target_layer, c)`` and ``cam(A, W_fc, c)``. "tag" stamps the
    corner tag that every training image of class 3 carried for the shortcut model; class -1
    explains the predicted class. The dashed square is the tag's quadrant.
    """
    grad_cam, cam = grad_cam or ref.grad_cam, cam or ref.cam
    clean, shortcut = trained_digit_cnn(), trained_shortcut_cnn()
    models = {"clean": clean.model, "shortcut": shortcut.model}
    X, y = clean.X_test[:_N_IMAGES], clean.y_test[:_N_IMAGES]
    controls = {"index": widgets.IntSlider(value=int(np.argmax(y == SHORTCUT_CLASS)), min=0, max=_N_IMAGES - 1,
                                           description="test image"),
                "model_name": widgets.ToggleButtons(options=["clean", "shortcut"], value="shortcut", description="model"),
                "tagged": widgets.Checkbox(value=True, description=f"tag ({TAG_SIZE}x{TAG_SIZE} corner)"),
                "target": widgets.IntSlider(value=-1, min=-1, max=9, description="class (-1 = predicted)"),
                "alpha": widgets.FloatSlider(value=0.6, min=0.0, max=1.0, step=0.1, description="opacity")}
    return Explorer(controls, lambda **p: compute_heat(grad_cam, cam, models, X, y, **p), render_heat,
                    layout=_layout_heat, figsize=(10, 3.6),
                    title="<b>CAM and Grad-CAM</b>: where the evidence for a class is")
