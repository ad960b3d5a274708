"""training widgets, W4.7 augmentation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...widgetkit import Explorer, title
from .. import plots
from .. import reference as ref

__all__ = ["augmentation_previewer", "compute_augmentation_previewer", "render_augmentation_previewer",
           "AugmentationPreviewerState"]


# --------------------------------------------------------------------------- W4.7 augmentation
@functools.cache
def _preview_images() -> dict[str, tuple[np.ndarray, str]]:
    """name -> (image in [0, 1], colour map). Photos if dlcourse.data has them, and a digit."""
    from sklearn.datasets import load_digits

    images: dict[str, tuple[np.ndarray, str]] = {}
    try:
        from ...data.images import photo
        for name in ("chelsea", "astronaut"):
            images[f"photo: {name}"] = (photo(name, 64), "gray")
    except (ImportError, ValueError, OSError):
        pass
    digits = load_digits()
    for d in (7, 2):
        images[f"digit {d} (8×8)"] = (digits.images[np.flatnonzero(digits.target == d)[0]] / 16.0, "gray_r")
    return images


@dataclass
class _AugmentSession:
    seed: int = 0


@dataclass(frozen=True)
class AugmentationPreviewerState:
    """The state of :func:`augmentation_previewer`: what :func:`render_augmentation_previewer` draws."""

    image: np.ndarray
    cmap: str
    samples: np.ndarray
    name: str
    seed: int
    rotation: float
    shift: float
    zoom: float
    hflip: bool


def compute_augmentation_previewer(augment: Callable, session: _AugmentSession, image: str, rotation: float,
                                   shift: float, zoom: float, hflip: bool) -> AugmentationPreviewerState:
    """Nine augmentations of ``image`` drawn from one generator seeded with the session's seed."""
    img, cmap = _preview_images()[image]
    rng = np.random.default_rng(session.seed)
    samples = []
    for _ in range(9):
        out = np.asarray(augment(img, rng, rotation=rotation, shift=shift, zoom=zoom, hflip=hflip))
        if out.shape != img.shape:
            raise ValueError(f"augment returned shape {out.shape} for an image of shape {img.shape}: "
                             "it must keep the shape")
        samples.append(out)
    return AugmentationPreviewerState(
        image=img, cmap=cmap, samples=np.array(samples), name=image, seed=session.seed,
        rotation=rotation, shift=shift, zoom=zoom, hflip=hflip)


def _layout_augmentation_previewer(fig: Figure) -> None:
    ax_o = fig.add_axes((0.02, 0.2, 0.3, 0.6))
    ax_g = fig.add_axes((0.38, 0.02, 0.6, 0.83))
    for a in (ax_o, ax_g):
        a.set_axis_off()


def render_augmentation_previewer(state: AugmentationPreviewerState, fig: Figure) -> None:
    ax_o, ax_g = fig.axes
    cmap = state.cmap
    ax_o.imshow(state.image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    plots.plot_image_grid(ax_g, state.samples, 3, cmap=cmap, fill=0.0 if cmap == "gray_r" else 1.0)
    title(ax_o, f"original ({state.name})")
    title(ax_g, f"9 random augmentations (sample set {state.seed})\nrotation ±{state.rotation:g}°, "
                 f"shift ±{state.shift:.0%}, zoom ×[{1 - state.zoom:.2f}, {1 + state.zoom:.2f}]"
                 f"{', flip ½ of them' if state.hflip else ''}")


def augmentation_previewer(augment: Callable | None = None) -> Explorer:
    """W4.7: a 3x3 grid of random augmentations of a photo (if dlcourse.data provides
    ``photo``) or an 8x8 digit; rotation, shift, zoom and flip controls; "New samples" draws
    another nine. The same samples move smoothly as a range changes (same random numbers).

    ``augment(img, rng, rotation=, shift=, zoom=, hflip=)`` (yours; default the reference):
    img (H, W) in [0, 1], returns an image of the same shape.
    """
    augment = augment or ref.augment
    session = _AugmentSession()
    names = list(_preview_images())
    controls = {"image": ipw.Dropdown(options=names, value=names[0], description="image"),
                "rotation": ipw.FloatSlider(40.0, min=0.0, max=180.0, step=5.0, description="rotation ±°"),
                "shift": ipw.FloatSlider(0.2, min=0.0, max=0.5, step=0.05, description="shift ±"),
                "zoom": ipw.FloatSlider(0.2, min=0.0, max=0.5, step=0.05, description="zoom ±"),
                "hflip": ipw.Checkbox(True, description="horizontal flip")}

    def new_samples(ex: Explorer) -> None:
        session.seed += 1
        ex.update()

    return Explorer(controls, functools.partial(compute_augmentation_previewer, augment, session),
                    render_augmentation_previewer, layout=_layout_augmentation_previewer, figsize=(10, 5.2),
                    buttons={"New samples": new_samples})
