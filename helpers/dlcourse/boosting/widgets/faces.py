"""boosting widgets, W1.5 Haar explorer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import lfw_faces
from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, note
from .. import plots
from ..haar import HAAR_KINDS, haar_feature_matrix
from ..staged import snap_haar_feature
from .. import reference as ref

__all__ = ["haar_explorer", "compute_haar_explorer", "render_haar_explorer", "HaarExplorerState"]


# ------------------------------------------------------------------ W1.5 Haar explorer
@dataclass(frozen=True)
class HaarExplorerState:
    """The state of :func:`haar_explorer`: what :func:`render_haar_explorer` draws."""

    feature: tuple
    note: str
    values: np.ndarray
    y: np.ndarray
    image: np.ndarray
    image_index: int
    threshold: float
    accuracy: float


def compute_haar_explorer(images: np.ndarray, y: np.ndarray, responses: Callable, kind: str,
                          row: int, col: int, height: int, width: int, image: int) -> HaarExplorerState:
    """One feature's response on all images (N,), and the best single threshold on it."""
    feature, note = snap_haar_feature(kind, row, col, height, width, images.shape[1:])
    values = np.asarray(responses(feature), float)                                 # (N,)
    if values.shape != y.shape:
        raise ValueError(f"feature responses must have shape {y.shape}, got {values.shape}")
    spread = values.max() > values.min()
    stump = ref.fit_stump(values[:, None], 2 * y - 1, np.full(len(y), 1 / len(y))) if spread else None
    return HaarExplorerState(
        feature=feature, note=note, values=values, y=y, image=images[image],
        image_index=image, threshold=None if stump is None else stump.threshold,
        accuracy=0.5 if stump is None else 1 - stump.error)


_HIST_NAMES = ("non-faces", "faces")


def _layout_haar_explorer(fig: Figure, shape: tuple[int, int]) -> None:
    """The face (H, W) with the feature on top | histograms of the feature's values per class."""
    gs = fig.add_gridspec(1, 2, width_ratios=[1, 1.6], left=0.02, right=0.98, bottom=0.13,
                          top=0.83, wspace=0.12)
    ax_img, ax_hist = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    H, W = shape
    ax_img.set(xlim=(-0.5, W - 0.5), ylim=(H - 0.5, -0.5), xticks=[], yticks=[], aspect="equal")
    ax_img.grid(False)
    ax_hist.set(xlabel="feature value", ylabel="images")
    ax_hist.locator_params(nbins=4)
    plots.pinned_legend(ax_hist, plots.class_handles(_HIST_NAMES, patch=True), loc="upper right", fontsize=9)
    freeze_static(fig, [ax_img.xaxis, ax_img.yaxis])                  # the histogram's ranges follow the state


def render_haar_explorer(state: HaarExplorerState, fig: Figure) -> None:
    ax_img, ax_hist = fig.axes
    kind, r, c, h, w = state.feature
    plots.plot_haar_feature(ax_img, state.image, state.feature)
    ax_img.set_title(f"face {state.image_index}: '{kind}' at row {r}, col {c}, {h}×{w}\n"
                     "value = Σ grey (orange) − Σ white (blue)", y=1.0)
    if state.note:               # in figure coordinates, but owned by ax_img: cleared with it
        ax_img.text(0.01, 0.02, state.note, color=PALETTE["vermillion"], fontsize=10, transform=fig.transFigure)
    plots.plot_class_histograms(ax_hist, state.values, state.y, names=_HIST_NAMES, legend=False, headroom=1.35)
    if state.threshold is not None:
        ax_hist.axvline(state.threshold, color=PALETTE["black"], ls="--", lw=1.2)
    ax_hist.set_title(f"responses on 100 faces vs 100 non-faces\nbest single threshold (dashed): "
                      f"accuracy {state.accuracy:.3f}", y=1.0)


def haar_explorer(integral_image: Callable | None = None, haar_feature: Callable | None = None) -> Explorer:
    """W1.5: move and resize a Haar feature over a 25x25 face and see how well it separates faces.

    Pass your own ``integral_image(img)`` and ``haar_feature(ii, kind, r, c, h, w)`` (both,
    with the same padding convention) to see your code at work; default: the vectorised reference.
    """
    images, y = lfw_faces()                                                        # (200, 25, 25), (200,)
    if integral_image is None or haar_feature is None:
        responses = lambda f: haar_feature_matrix(images, [f])[:, 0]
    else:
        iis = functools.cache(lambda: [integral_image(img) for img in images])
        responses = lambda f: np.array([haar_feature(ii, *f) for ii in iis()], float)
    H, W = images.shape[1:]
    controls = {"kind": ipw.Dropdown(options=list(HAAR_KINDS), value="2v", description="kind"),
                "row": ipw.IntSlider(6, min=0, max=H - 1, description="row"),
                "col": ipw.IntSlider(3, min=0, max=W - 1, description="col"),
                "height": ipw.IntSlider(6, min=1, max=H, description="height"),
                "width": ipw.IntSlider(18, min=1, max=W, description="width"),
                "image": ipw.IntSlider(0, min=0, max=int(y.sum()) - 1, description="face #")}
    compute = functools.partial(compute_haar_explorer, images, y, responses)
    return Explorer(controls, compute, render_haar_explorer, figsize=(9, 4.2),
                    layout=functools.partial(_layout_haar_explorer, shape=(H, W)))
