"""cnn widgets, W3.4 receptive field."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static
from .. import plots
from ..architectures import _format_layers, _layer_sizes, _parse_layers, _receptive_region, _stack_params
from .. import reference as ref
from ._common import BAD, GOOD

__all__ = ["receptive_field_explorer", "compute_receptive_field", "render_receptive_field", "STACK_PRESETS",
           "ReceptiveFieldExplorerState"]


# --------------------------------------------------------------------------- W3.4 receptive field
STACK_PRESETS: dict[str, str] = {
    "conv3": "conv3", "conv3 x2": "conv3 conv3", "conv3 x3": "conv3 conv3 conv3", "conv5": "conv5",
    "conv7": "conv7", "conv3-pool2-conv3": "conv3 pool2 conv3", "VGG block": "conv3 conv3 pool2",
    "two VGG blocks": "conv3 conv3 pool2 conv3 conv3 pool2", "strided conv3/2 x3": "conv3/2 conv3/2 conv3/2",
}
_TOP = 5                # pixels per side of the top layer: the input is sized so the stack outputs 5x5
_MAX_INPUT = 96


@dataclass(frozen=True)
class ReceptiveFieldExplorerState:
    """The state of :func:`receptive_field_explorer`: what :func:`render_receptive_field` draws."""

    stack: str
    layers: list
    text: str
    sizes: list
    r: int
    jump: int
    row: int
    col: int
    regions: list
    input_rows: tuple
    input_cols: tuple
    student: int
    channels: int
    stack_params: int
    vgg: dict


def compute_receptive_field(receptive_field: Callable, stack: str, layers: str, row: int, col: int,
                            channels: int) -> ReceptiveFieldExplorerState:
    """The stack parsed from ``layers``, an input sized so the top layer is 5x5, the region each
    layer's cells contribute to top pixel (row, col), and the student's receptive_field."""
    parsed = _parse_layers(layers)
    if not parsed:
        raise ValueError("the stack is empty: type layers such as 'conv3 pool2 conv3'")
    if len(parsed) > 10:
        raise ValueError(f"{len(parsed)} layers are too many to draw here (at most 10)")
    r, regions_col, regions_row = ref.receptive_field(parsed), [], []
    jump = _receptive_region(parsed, 1)[0]
    n = r + (_TOP - 1) * jump
    if n > _MAX_INPUT:
        raise ValueError(f"this stack needs a {n}-pixel input to show a 5x5 output: too big to draw "
                         f"(at most {_MAX_INPUT}); use fewer or smaller layers")
    sizes = _layer_sizes(parsed, n)                                              # input, then each layer
    for level in range(len(parsed) + 1):                                         # the top's region in each layer
        regions_col.append(_receptive_region(parsed[level:], col))
        regions_row.append(_receptive_region(parsed[level:], row))
    student = receptive_field([tuple(layer) for layer in parsed])
    return ReceptiveFieldExplorerState(
        stack=stack, layers=parsed, text=_format_layers(parsed), sizes=sizes, r=r,
        jump=jump, row=row, col=col, regions=regions_col, input_rows=regions_row[0],
        input_cols=regions_col[0], student=student, channels=channels,
        stack_params=_stack_params(parsed, channels),
        vgg={"two 3×3 (18C²)": 18 * channels ** 2, "one 5×5 (25C²)": 25 * channels ** 2,
        "three 3×3 (27C²)": 27 * channels ** 2, "one 7×7 (49C²)": 49 * channels ** 2})


def _layout_receptive_field(fig: Figure) -> None:
    ax = fig.add_axes((0.11, 0.04, 0.49, 0.80))
    ax.set_axis_off()
    ax_in = fig.add_axes((0.64, 0.34, 0.41 * 4.8 / 11, 0.41))          # square: 2 x 2 inches
    plots.grid_axes(ax_in, 1, 1)
    ax_bar = fig.add_axes((0.8, 0.03, 0.15, 0.23))
    ax_bar.set(yticks=[], xticks=[])
    ax_bar.grid(False)
    ax_bar.spines[["left", "bottom"]].set_visible(False)
    freeze_static(fig)


def render_receptive_field(state: ReceptiveFieldExplorerState, fig: Figure) -> None:
    ax, ax_in, ax_bar = fig.axes
    sizes, n = state.sizes, state.sizes[0]
    names = ["input"] + [f"{k}{w}" + ("" if s == (1 if k == "conv" else w) else f"/{s}") for k, w, s in state.layers]
    names = [f"{name} ({size})" for name, size in zip(names, sizes)]
    plots.plot_receptive_stack(ax, sizes, state.regions, names, state.col)
    ax.set(xlim=(-0.5, n + 0.5), ylim=(-0.6, len(sizes) - 0.4))
    plots.axes_title(ax, f"one row of each layer: output pixel (row {state.row}, col {state.col}) "
                         "sees the orange cells", size=11)
    plots.grid_axes(ax_in, n, n)
    rgb = np.ones((n, n, 3))
    (r0, r1), (c0, c1) = state.input_rows, state.input_cols
    rgb[r0:r1, c0:c1] = to_rgb(PALETTE["orange"])
    plots.show_image(ax_in, rgb)
    if n <= 48:
        plots.cell_lines(ax_in, n, n, color="0.7", lw=0.4)
    plots.axes_title(ax_in, f"the {n}×{n} input: region {r1 - r0}×{c1 - c0}", size=10)
    ok = state.student == state.r
    status = TextLayer().add_to(ax_in, transform=fig.transFigure)
    for k, (text, color) in enumerate([(f"stack: {state.text}", "k"),
                                       (f"your receptive_field(layers) = {state.student}", GOOD if ok else BAD),
                                       (f"the region is {state.r} pixels wide" + ("  ✓" if ok else "  ✗ differs"),
                                        GOOD if ok else BAD)]):
        status.add(0.64, 0.97 - 0.052 * k, text, color=color, ha="left", va="top", size=10.5)
    C = state.channels
    plots.plot_cost_bars(ax_bar, ["this stack's convs", *state.vgg], [state.stack_params, *state.vgg.values()],
                         colors=[PALETTE["vermillion"], PALETTE["blue"], "0.6", PALETTE["blue"], "0.6"])
    plots.axes_title(ax_bar, f"weights, C = {C} channels in and out", size=10)


def receptive_field_explorer(receptive_field: Callable | None = None) -> Explorer:
    """W3.4: how far down a stack of conv / pool layers one output pixel can see.

    ``receptive_field(layers) -> int`` with layers a list of (kind, k, s) tuples, kind "conv" or
    "pool" (yours; default the reference). Pick a preset or type a stack ("conv3 conv3 pool2",
    "conv3/2" for stride 2, "conv3 x3" repeats); the input is sized so the stack outputs 5x5
    pixels; row/col choose one of them. Left: one row of every layer, with the cells the chosen
    pixel depends on shaded; right: that region on the input, and VGG's argument in weights
    (two 3x3 convs see as far as one 5x5 with 18C² instead of 25C² weights).
    """
    receptive_field = receptive_field or ref.receptive_field
    controls = {"stack": ipw.Dropdown(options=[*STACK_PRESETS, "custom"], value="conv3-pool2-conv3",
                                    description="preset"),
                "layers": ipw.Text(STACK_PRESETS["conv3-pool2-conv3"], description="layers", continuous_update=False,
                                 layout=ipw.Layout(width="340px")),
                "channels": ipw.IntSlider(64, min=1, max=512, description="C (channels)"),
                "row": ipw.IntSlider(2, min=0, max=_TOP - 1, description="output row"),
                "col": ipw.IntSlider(2, min=0, max=_TOP - 1, description="output col")}

    def fill(change) -> None:
        if not ex.held and change["new"] in STACK_PRESETS:
            with ex.hold(redraw=False):
                controls["layers"].value = STACK_PRESETS[change["new"]]

    def typed(change) -> None:
        if not ex.held and STACK_PRESETS.get(controls["stack"].value) != change["new"]:
            with ex.hold(redraw=False):
                controls["stack"].value = "custom"
    controls["stack"].observe(fill, names="value")
    controls["layers"].observe(typed, names="value")
    ex = Explorer(controls, functools.partial(compute_receptive_field, receptive_field), render_receptive_field,
                  layout=_layout_receptive_field, figsize=(11, 4.8))
    return ex
