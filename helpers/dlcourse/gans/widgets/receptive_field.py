"""Week 07 widget: the PatchGAN receptive-field overlay (W7.5)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as widgets
from matplotlib.figure import Figure

from ...data.images import photo
from ...plotting import PALETTE
from ...widgetkit import Explorer
from .. import reference as ref
from ..tools import PIX2PIX_70, receptive_field_box

__all__ = ["receptive_field_overlay"]


# --------------------------------------------------------------------------- W7.5 receptive field overlay
RF_PRESETS = {
    "pix2pix 70x70 PatchGAN (5 convs)": (PIX2PIX_70["kernels"], PIX2PIX_70["strides"], (1, 1, 1, 1, 1)),
    "3 convs k4: s2, s2, s1": ((4, 4, 4), (2, 2, 1), (1, 1, 1)),
    "1 conv k4 s2 (a 4x4 PatchGAN)": ((4,), (2,), (1,)),
    "6 convs k4: s2 x 4, s1 x 2": ((4,) * 6, (2, 2, 2, 2, 1, 1), (1,) * 6),
}
_RF_SIZE = 256


@dataclass(frozen=True)
class RFState:
    preset: str
    rf: int
    out_size: int
    row: int
    col: int
    box_rows: tuple
    box_cols: tuple


def _out_size(n: int, kernels, strides, paddings) -> int:
    for k, s, p in zip(kernels, strides, paddings):
        n = (n + 2 * p - k) // s + 1
    return n


def compute_receptive_field(rf_fn: Callable, preset: str, row: float, col: float) -> RFState:
    """The input box seen by output unit (row, col) (given as fractions of the output map)."""
    kernels, strides, pads = RF_PRESETS[preset]
    rf = int(rf_fn(list(kernels), list(strides)))
    n_out = _out_size(_RF_SIZE, kernels, strides, pads)
    r, c = int(round(row * (n_out - 1))), int(round(col * (n_out - 1)))
    return RFState(preset, rf, n_out, r, c, receptive_field_box(kernels, strides, pads, r, rf_fn=rf_fn),
                   receptive_field_box(kernels, strides, pads, c, rf_fn=rf_fn))


def _layout_rf(fig: Figure) -> None:
    ax = fig.add_subplot(1, 1, 1)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.02)
    ax.set(xticks=[], yticks=[], xlim=(-40, _RF_SIZE + 40), ylim=(_RF_SIZE + 40, -40))
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def render_receptive_field(state: RFState, fig: Figure) -> None:
    from matplotlib.patches import Rectangle

    ax = fig.axes[0]
    ax.imshow(photo("camera", _RF_SIZE), cmap="gray", vmin=0, vmax=1,
              extent=(-0.5, _RF_SIZE - 0.5, _RF_SIZE - 0.5, -0.5))
    (r0, r1), (c0, c1) = state.box_rows, state.box_cols
    ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False, lw=2, ec=PALETTE["orange"]))
    ax.add_patch(Rectangle((-0.5, -0.5), _RF_SIZE, _RF_SIZE, fill=False, lw=1, ec=PALETTE["sky"], ls="--"))
    ax.text(-38, -44, f"{state.preset}\noutput map {state.out_size}x{state.out_size}; unit ({state.row}, {state.col}) "
            f"sees {state.rf}x{state.rf} input pixels", fontsize=9, va="bottom")


def receptive_field_overlay(receptive_field: Callable | None = None) -> Explorer:
    """W7.5: the patch of a 256x256 image that one output unit of a PatchGAN discriminator sees.

    ``receptive_field(kernels, strides) -> int`` gives the patch size (default: the reference);
    the box's position follows from the strides and paddings. Sliders choose the output unit.
    """
    rf_fn = receptive_field or ref.receptive_field
    controls = {"preset": widgets.Dropdown(options=list(RF_PRESETS), value=list(RF_PRESETS)[0],
                                           description="discriminator"),
                "row": widgets.FloatSlider(0.5, min=0, max=1, step=0.05, description="output row"),
                "col": widgets.FloatSlider(0.5, min=0, max=1, step=0.05, description="output column")}
    return Explorer(controls, functools.partial(compute_receptive_field, rf_fn), render_receptive_field,
                    layout=_layout_rf, figsize=(5.5, 5.5))
