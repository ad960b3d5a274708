"""Week 08 widgets: an activation browser (W8.1), an occlusion explorer, an activation-maximisation
studio (W8.3) and a CAM / Grad-CAM explorer (W8.5).

Every widget is ``compute_*(...) -> state`` (a small frozen dataclass), ``render_*(state, fig)``
on axes made once by ``_layout_*``, and a builder on :class:`~dlcourse.widgetkit.Explorer`.
Builders take the students' functions (default: the private references) and the trained
models come from the cached trainers of :mod:`.models`, so a control change runs one forward
(and backward) pass of a tiny CNN on one 16x16 image: a few milliseconds. The studio's ascent
(150 steps) runs only on its "Run" button, which reports its time; its controls just select.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import time

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..data.canvas import TAG_SIZE, add_tag
from ..plotting import PALETTE
from ..widgetkit import Explorer
from . import plots
from .attribution import heat_mass
from .models import SHORTCUT_CLASS, trained_digit_cnn, trained_shortcut_cnn
from .synthesis import class_unit
from . import reference as ref

__all__ = ["activation_browser", "occlusion_explorer", "am_studio", "gradcam_explorer"]

_N_IMAGES = 30
_LAYERS = ("relu1", "relu2", "relu3")


def _as_np(a) -> np.ndarray:
    return a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a, dtype=float)


def _image_axes(fig: Figure, n: int, widths=None) -> None:
    axes = fig.subplots(1, n, gridspec_kw={"width_ratios": widths} if widths else None)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.88, wspace=0.08)
    for ax in np.atleast_1d(axes):
        ax.set(xticks=[], yticks=[])
        ax.grid(False)


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


# --------------------------------------------------------------------------- W8.3 activation-maximisation studio
_AM_STEPS, _AM_LR, _AM_EVERY = 150, 0.5, 10


@dataclass(frozen=True)
class StudioState:
    params: tuple              # (class, l2, blur_sigma, clip_pct)
    image: np.ndarray | None   # (16, 16) the synthesised input, None if not run yet
    history: tuple             # the objective per step
    score: float               # S_c of the result
    seconds: float             # wall time of the run


def compute_studio(results: dict, c: int, l2: float, blur_sigma: float, clip_pct: float) -> StudioState:
    """Select the stored run for these settings (the "Run" button computes it)."""
    key = (int(c), float(l2), float(blur_sigma), float(clip_pct))
    if key not in results:
        return StudioState(key, None, (), float("nan"), 0.0)
    image, history, score, seconds = results[key]
    return StudioState(key, image, history, score, seconds)


def run_studio(activation_maximization: Callable, model, key: tuple) -> tuple:
    """One ascent of 150 steps (lr 0.5; blur and clip every 10 steps) on the class score ``S_c``."""
    c, l2, blur_sigma, clip_pct = key
    start = time.perf_counter()
    x, history = activation_maximization(class_unit(model, c), (1, 1, 16, 16), steps=_AM_STEPS, lr=_AM_LR, l2=l2,
                                         every=_AM_EVERY, blur_sigma=blur_sigma, clip_pct=clip_pct)
    with torch.no_grad():
        score = float(class_unit(model, c)(torch.as_tensor(x)))
    return _as_np(x)[0, 0], tuple(float(h) for h in history), score, time.perf_counter() - start


def _layout_studio(fig: Figure) -> None:
    ax_img, ax_hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.16, top=0.88, wspace=0.25)
    ax_img.set(xticks=[], yticks=[])
    ax_img.grid(False)
    ax_hist.set(xlabel="ascent step", ylabel="objective S_c(x) - lambda ||x||^2")


def render_studio(state: StudioState, fig: Figure) -> None:
    ax_img, ax_hist = fig.axes
    c, l2, blur, clip = state.params
    if state.image is None:
        ax_img.set_title(f"class {c}: not run yet — press Run", fontsize=10)
        ax_hist.set_title("", fontsize=10)
        return
    m = max(float(np.abs(state.image).max()), 1e-9)
    ax_img.imshow(state.image, cmap="gray", vmin=-m, vmax=m, interpolation="nearest")
    ax_img.set_title(f"class {c}: S_c = {state.score:.0f}, max|x| = {m:.1f}", fontsize=10)
    ax_hist.plot(np.arange(len(state.history)), state.history, color=PALETTE["blue"])
    ax_hist.relim()
    ax_hist.autoscale_view()
    ax_hist.set_title(f"lambda {l2}, blur {blur}, clip {clip:.0f} %: {state.seconds:.2f} s for {_AM_STEPS} steps",
                      fontsize=10)


def am_studio(activation_maximization: Callable | None = None) -> Explorer:
    """W8.3: synthesise the input that maximises a class score of the digit CNN with your
    ``activation_maximization``. Choose the settings, then press "Run" (150 ascent steps,
    lr 0.5, blur and clip every 10 steps; the time is shown). Runs are kept: going back to
    settings already run shows them at once."""
    activation_maximization = activation_maximization or ref.activation_maximization
    model = trained_digit_cnn().model
    results: dict = {}
    controls = {"c": widgets.Dropdown(options=list(range(10)), value=7, description="class"),
                "l2": widgets.Dropdown(options=[0.0, 0.01, 0.05, 0.2], value=0.05, description="lambda (L2)"),
                "blur_sigma": widgets.Dropdown(options=[0.0, 0.3, 0.6, 1.0], value=0.6, description="blur sigma"),
                "clip_pct": widgets.Dropdown(options=[0.0, 15.0, 30.0, 50.0], value=30.0, description="clip %")}

    def run(explorer: Explorer) -> None:
        key = compute_studio(results, **explorer.params()).params
        results[key] = run_studio(activation_maximization, model, key)
        explorer.update()

    explorer = Explorer(controls, lambda **p: compute_studio(results, **p), render_studio, layout=_layout_studio,
                        figsize=(8, 3.2), buttons={"Run": run},
                        title="<b>Activation maximisation</b>: gradient ascent on a class score")
    run(explorer)                                                        # the default settings, once
    return explorer
