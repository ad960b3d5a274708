"""cnn widgets, W3.1 X/O matcher."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure

from ...data import XO_FILTERS, xo_images
from ...plotting import PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, note, title
from .. import plots
from ..conv import _xo_filter_map
from .. import reference as ref
from ._common import BAD, _fig_rect

__all__ = ["xo_matcher", "compute_xo_matcher", "render_xo_matcher", "XoMatcherState"]


# --------------------------------------------------------------------------- W3.1 X/O matcher
_CELL = 0.4            # inches per cell in the X/O figure


@dataclass(frozen=True)
class XoMatcherState:
    """The state of :func:`xo_matcher`: what :func:`render_xo_matcher` draws."""

    image_name: str
    filter_name: str
    image: np.ndarray
    filter: np.ndarray
    row: int
    col: int
    products: np.ndarray
    sum: float
    mean: float
    fmap: np.ndarray
    value: float
    agrees: bool
    relu: bool
    pool: bool
    shown: np.ndarray
    pooled: np.ndarray | None


def compute_xo_matcher(match: Callable, images: dict, image: str, filter: str, row: int, col: int,
                       relu: bool, pool: bool) -> XoMatcherState:
    """The student's feature map of ``image`` under ``filter``, the window at (row, col), its
    products and their mean; ReLU and the lecture's 2x2 max-pool (ceil mode) on request."""
    x, f = images[image], XO_FILTERS[filter]
    fmap = np.asarray(match(x.copy(), f.copy()), dtype=float)
    shape = (x.shape[0] - f.shape[0] + 1, x.shape[1] - f.shape[1] + 1)
    if fmap.shape != shape:
        raise ValueError(f"match(image, kernel) returned shape {fmap.shape}: a 3x3 kernel fits a 9x9 image "
                         f"at {shape[0]}x{shape[1]} positions (valid, stride 1)")
    products = x[row:row + 3, col:col + 3] * f                                    # (3, 3)
    shown = np.maximum(fmap, 0.0) if relu else fmap
    pooled = ref.max_pool2d(shown[None, None], 2, 2, ceil_mode=True)[0, 0] if pool else None   # (4, 4)
    return XoMatcherState(
        image_name=image, filter_name=filter, image=x, filter=f, row=row, col=col,
        products=products, sum=float(products.sum()), mean=float(products.mean()),
        fmap=fmap, value=float(fmap[row, col]), agrees=bool(abs(products.mean() - fmap[row, col]) < 1e-9),
        relu=relu, pool=pool, shown=shown, pooled=pooled)


def _layout_xo_matcher(fig: Figure) -> None:
    c, b = _CELL, 0.75
    _fig_rect(fig, 0.2, b, 9 * c, 9 * c)                        # the image
    _fig_rect(fig, 4.35, b + 6 * c, 3 * c, 3 * c)               # the filter (top) ...
    _fig_rect(fig, 4.35, b, 3 * c, 3 * c)                       # ... and the window's products
    _fig_rect(fig, 6.25, b + c, 7 * c, 7 * c)                   # the feature map
    _fig_rect(fig, 9.55, b + 2.5 * c, 4 * c, 4 * c)             # the pooled map
    for ax, n in zip(fig.axes, (9, 3, 3, 7, 4)):
        plots.grid_axes(ax, n, n)
    freeze_static(fig)


def _ninths(v: float) -> str:
    return f"{v:.2f}"


def render_xo_matcher(state: XoMatcherState, fig: Figure) -> None:
    ax_img, ax_f, ax_p, ax_map, ax_pool = fig.axes
    r, c = state.row, state.col
    plots.show_image(ax_img, state.image, cmap="gray_r", vmin=-1, vmax=1)
    plots.cell_lines(ax_img, 9, 9, color="0.6", lw=0.5)
    plots.outline_cells(ax_img, r, c, 3, 3, color=PALETTE["vermillion"], lw=3)
    plots.axes_title(ax_img, f"image {state.image_name} (black = +1, white = −1)")
    note(ax_img, [(f"window at row {r}, col {c}", PALETTE["vermillion"])], y=-0.03)
    ints = lambda a: np.vectorize(lambda v: f"{v:g}")(a)                        # noqa: E731
    plots.number_grid(ax_f, state.filter, text=ints(state.filter), size=10)
    plots.axes_title(ax_f, f"filter {state.filter_name}")
    plots.number_grid(ax_p, state.products, text=ints(state.products), size=10)
    plots.axes_title(ax_p, "window × filter")
    mean_color = "k" if state.agrees else BAD
    note(ax_p, [(f"mean = {state.sum:g}/9 = {state.mean:.2f}", mean_color)], x=-0.1, y=-0.06, size=11)
    plots.number_grid(ax_map, state.shown, fmt="{:.2f}", size=8)
    plots.outline_cells(ax_map, r, c, color=PALETTE["vermillion"], lw=3)
    title = "ReLU(feature map)" if state.relu else "feature map = match(image, filter)"
    plots.axes_title(ax_map, title)
    if not state.agrees:
        note(ax_map, [(f"your match gives {state.value:.2f} here,", BAD),
                       (f"the window's products average {state.mean:.2f}", BAD)], y=-0.03)
    if state.pool:
        plots.cell_lines(ax_map, 7, 7, color="k", lw=1.6, step=2, zorder=3.5)
        plots.number_grid(ax_pool, state.pooled, fmt="{:.2f}", size=8)
        plots.outline_cells(ax_pool, r // 2, c // 2, color=PALETTE["vermillion"], lw=3)
        plots.outline_cells(ax_map, 2 * (r // 2), 2 * (c // 2), min(2, 7 - 2 * (r // 2)), min(2, 7 - 2 * (c // 2)),
                            color="k", lw=3, ls="--", zorder=5)
        plots.axes_title(ax_pool, "2×2 max-pool, stride 2")
        note(ax_pool, [("ceil mode: the last row and", "0.3"), ("column pool 1 or 2 cells", "0.3")], y=-0.04, size=9)
    else:
        TextLayer().add_to(ax_pool, transform=ax_pool.transAxes).add(0.5, 0.5, "tick “pool”\nto max-pool\nthe map",
                                                                     color="0.45")


def xo_matcher(match: Callable | None = None) -> Explorer:
    """W3.1: the lecture's X and O (9x9, pixels ±1) matched against its three 3x3 filters.

    ``match(image (H, W), kernel (F, F)) -> (H - F + 1, W - F + 1)``: at every valid position,
    the mean of the window times the kernel (yours; default the reference). Slide the window
    with row/col: the products, their mean and the map's cell at that position are shown; if
    your map disagrees with the products' mean there, it says so in red. ReLU and the 2x2
    max-pool (stride 2, ceil mode: 7x7 -> 4x4, as in the lecture) apply to your map.
    """
    match = match or _xo_filter_map
    images = xo_images()
    controls = {"image": ipw.ToggleButtons(options=["X", "O"], value="X", description="image"),
                "filter": ipw.ToggleButtons(options=list(XO_FILTERS), value="f1", description="filter"),
                "relu": ipw.Checkbox(False, description="ReLU"),
                "row": ipw.IntSlider(0, min=0, max=6, description="window row"),
                "col": ipw.IntSlider(0, min=0, max=6, description="window col"),
                "pool": ipw.Checkbox(False, description="pool")}
    for toggle in (controls["image"], controls["filter"]):
        toggle.style.button_width = "44px"
    return Explorer(controls, functools.partial(compute_xo_matcher, match, images), render_xo_matcher,
                    layout=_layout_xo_matcher, figsize=(11.3, 4.85))
