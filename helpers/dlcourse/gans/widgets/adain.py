"""Week 07 widget: the AdaIN style demo (W7.4)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure

from ...widgetkit import Explorer
from .. import reference as ref

__all__ = ["adain_style"]


# --------------------------------------------------------------------------- W7.4 AdaIN style demo
@functools.lru_cache(maxsize=4)
def _rgb(name: str) -> np.ndarray:
    """A bundled scikit-image colour photo, downsampled to about 100 x 150, float in [0, 1], (H, W, 3)."""
    import skimage.data
    from skimage.transform import resize

    image = getattr(skimage.data, name)() / 255.0
    h, w = image.shape[:2]
    return resize(image, (100, int(round(100 * w / h))), anti_aliasing=True)


@dataclass(frozen=True)
class AdainState:
    original: np.ndarray   # (H, W, 3)
    styled: np.ndarray     # (H, W, 3), clipped to [0, 1]
    y_s: tuple             # per channel
    y_b: tuple
    out_mean: tuple        # measured channel statistics of the output (before clipping)
    out_std: tuple


def compute_adain_style(adain: Callable, y_s: tuple, y_b: tuple, name: str = "coffee") -> AdainState:
    """AdaIN of the photo's R, G, B channels (as 3 feature maps) with the given styles."""
    image = _rgb(name)
    x = torch.from_numpy(image.transpose(2, 0, 1)[None].astype(np.float32))               # (1, 3, H, W)
    out = adain(x, torch.tensor([y_s], dtype=torch.float32), torch.tensor([y_b], dtype=torch.float32))
    out = np.asarray(out.detach() if hasattr(out, "detach") else out, dtype=float)
    if out.shape != x.shape:
        raise ValueError(f"adain returned shape {out.shape}; expected {tuple(x.shape)}")
    styled = out[0].transpose(1, 2, 0)
    return AdainState(image, np.clip(styled, 0, 1), tuple(y_s), tuple(y_b),
                      tuple(float(v) for v in styled.mean(axis=(0, 1))), tuple(float(v) for v in styled.std(axis=(0, 1))))


def _layout_adain(fig: Figure) -> None:
    for j in range(2):
        ax = fig.add_subplot(1, 2, j + 1)
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.82, bottom=0.02, wspace=0.04)


def render_adain_style(state: AdainState, fig: Figure) -> None:
    ax_o, ax_s = fig.axes
    ax_o.imshow(state.original)
    ax_s.imshow(state.styled)
    ax_o.text(0, -4, "input (channels R, G, B as 3 feature maps)", fontsize=9)
    means = ", ".join(f"{v:.2f}" for v in state.out_mean)
    stds = ", ".join(f"{v:.2f}" for v in state.out_std)
    ax_s.text(0, -4, f"AdaIN output: R, G, B means {means}; stds {stds}", fontsize=9)


def adain_style(adain: Callable | None = None) -> Explorer:
    """W7.4: AdaIN on the three colour channels of scikit-image's bundled coffee photo.

    Each channel is normalised to mean 0 and std 1, then given the style (y_s, y_b) of the
    sliders: scale = contrast, bias = brightness of that colour. "Copy the astronaut's style"
    sets the sliders to the channel statistics of another bundled photo. Uses your
    ``adain(x, y_s, y_b)`` (default: the reference).
    """
    fn = adain or ref.adain
    controls = {f"{k}_{c}": widgets.FloatSlider(v, min=0.0 if k == "s" else -0.2, max=0.5 if k == "s" else 1.2,
                                                step=0.01, description=f"{'scale' if k == 's' else 'bias'} {c}",
                                                continuous_update=False)
                for k, v in (("s", 0.25), ("b", 0.5)) for c in "RGB"}

    def compute(s_R, s_G, s_B, b_R, b_G, b_B):
        return compute_adain_style(fn, (s_R, s_G, s_B), (b_R, b_G, b_B))

    def copy_style(ex: Explorer) -> None:
        other = _rgb("astronaut")
        for c, m, sd in zip("RGB", other.mean(axis=(0, 1)), other.std(axis=(0, 1))):
            ex.controls[f"s_{c}"].value = round(float(sd), 2)
            ex.controls[f"b_{c}"].value = round(float(m), 2)

    return Explorer(controls, compute, render_adain_style, layout=_layout_adain, figsize=(8, 2.9),
                    buttons={"Copy the astronaut's style": copy_style})
