"""Week 03 widgets (W3.1-W3.5): the only module of :mod:`dlcourse.cnn` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values into a state dict (calling the student's function), and a ``render_*(state,
fig)`` that draws it; an :class:`~dlcourse.widgetkit.Explorer` binds them to the controls.
Every builder takes the student's function(s), default the private reference in
:mod:`dlcourse.cnn`, so students watch their own code at work; what their function returns
is checked (shape, type) and a clear message appears under the figure when it is wrong.

Controls that steer other controls (a preset that fills a kernel, a stack that sets a
slider's range) are wired by observers registered *before* the Explorer's, which change the
other controls quietly (no redraw), so one user action gives one redraw.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable

import ipywidgets as W
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..boosting.plots import freeze_static
from ..data import PHOTOS, SHAPE_CLASSES, XO_FILTERS, photo, shapes_dataset, xo_images
from ..mlp.textlayer import TextLayer
from ..plotting import CLASS_COLORS, PALETTE, REGION_CMAP
from ..widgetkit import Explorer
from . import plots
from .architectures import (_format_layers, _layer_sizes, _parse_layers, _receptive_field, _receptive_region,
                            _stack_params)
from .conv import _conv2d, _conv_output_size, _conv_param_count, _max_pool2d, _xo_filter_map
from .detection import _iou, _nms, _yolo_decode, _yolo_encode

__all__ = ["xo_matcher", "conv_arithmetic", "kernel_playground", "receptive_field_explorer", "yolo_grid"]

GOOD, BAD = PALETTE["green"], PALETTE["vermillion"]


class _Quiet:
    """Lets an observer that runs before the Explorer's change other controls without redraws."""

    def __init__(self) -> None:
        self.explorer: Explorer | None = None
        self.busy = False

    @contextlib.contextmanager
    def __call__(self):
        ex, self.busy = self.explorer, True
        if ex is not None:
            ex.update = lambda: None                  # the Explorer's observers call ex.update()
        try:
            yield
        finally:
            self.busy = False
            if ex is not None:
                del ex.update


def _note(ax, lines: list[tuple[str, str]], x: float = 0.0, y: float = -0.04, size: float = 10,
          va: str = "top") -> TextLayer:
    """Lines of (text, colour) under (or wherever) ``ax``, in axes fractions."""
    layer = TextLayer().add_to(ax, transform=ax.transAxes)
    step = 1.3 * size / 72 / ax.get_position().height / ax.get_figure().get_figheight()
    for k, (text, color) in enumerate(lines):
        layer.add(x, y - k * step, text, color=color, ha="left", va=va, size=size)
    return layer


def _fig_rect(fig: Figure, left: float, bottom: float, width: float, height: float):
    """An axes placed in inches (so cells keep their size on any figure)."""
    fw, fh = fig.get_size_inches()
    return fig.add_axes((left / fw, bottom / fh, width / fw, height / fh))


# --------------------------------------------------------------------------- W3.1 X/O matcher
_CELL = 0.4            # inches per cell in the X/O figure


def compute_xo_matcher(match: Callable, images: dict, image: str, filter: str, row: int, col: int,
                       relu: bool, pool: bool) -> dict:
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
    pooled = _max_pool2d(shown[None, None], 2, 2, ceil_mode=True)[0, 0] if pool else None   # (4, 4)
    return {"image_name": image, "filter_name": filter, "image": x, "filter": f, "row": row, "col": col,
            "products": products, "sum": float(products.sum()), "mean": float(products.mean()),
            "fmap": fmap, "value": float(fmap[row, col]), "agrees": bool(abs(products.mean() - fmap[row, col]) < 1e-9),
            "relu": relu, "pool": pool, "shown": shown, "pooled": pooled}


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


def render_xo_matcher(state: dict, fig: Figure) -> None:
    ax_img, ax_f, ax_p, ax_map, ax_pool = fig.axes
    r, c = state["row"], state["col"]
    plots.show_image(ax_img, state["image"], cmap="gray_r", vmin=-1, vmax=1)
    plots.cell_lines(ax_img, 9, 9, color="0.6", lw=0.5)
    plots.outline_cells(ax_img, r, c, 3, 3, color=PALETTE["vermillion"], lw=3)
    plots.axes_title(ax_img, f"image {state['image_name']} (black = +1, white = −1)")
    _note(ax_img, [(f"window at row {r}, col {c}", PALETTE["vermillion"])], y=-0.03)
    ints = lambda a: np.vectorize(lambda v: f"{v:g}")(a)                        # noqa: E731
    plots.number_grid(ax_f, state["filter"], text=ints(state["filter"]), size=10)
    plots.axes_title(ax_f, f"filter {state['filter_name']}")
    plots.number_grid(ax_p, state["products"], text=ints(state["products"]), size=10)
    plots.axes_title(ax_p, "window × filter")
    mean_color = "k" if state["agrees"] else BAD
    _note(ax_p, [(f"mean = {state['sum']:g}/9 = {state['mean']:.2f}", mean_color)], x=-0.1, y=-0.06, size=11)
    plots.number_grid(ax_map, state["shown"], fmt="{:.2f}", size=8)
    plots.outline_cells(ax_map, r, c, color=PALETTE["vermillion"], lw=3)
    title = "ReLU(feature map)" if state["relu"] else "feature map = match(image, filter)"
    plots.axes_title(ax_map, title)
    if not state["agrees"]:
        _note(ax_map, [(f"your match gives {state['value']:.2f} here,", BAD),
                       (f"the window's products average {state['mean']:.2f}", BAD)], y=-0.03)
    if state["pool"]:
        plots.cell_lines(ax_map, 7, 7, color="k", lw=1.6, step=2, zorder=3.5)
        plots.number_grid(ax_pool, state["pooled"], fmt="{:.2f}", size=8)
        plots.outline_cells(ax_pool, r // 2, c // 2, color=PALETTE["vermillion"], lw=3)
        plots.outline_cells(ax_map, 2 * (r // 2), 2 * (c // 2), min(2, 7 - 2 * (r // 2)), min(2, 7 - 2 * (c // 2)),
                            color="k", lw=3, ls="--", zorder=5)
        plots.axes_title(ax_pool, "2×2 max-pool, stride 2")
        _note(ax_pool, [("ceil mode: the last row and", "0.3"), ("column pool 1 or 2 cells", "0.3")], y=-0.04, size=9)
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
    controls = {"image": W.ToggleButtons(options=["X", "O"], value="X", description="image"),
                "filter": W.ToggleButtons(options=list(XO_FILTERS), value="f1", description="filter"),
                "relu": W.Checkbox(False, description="ReLU"),
                "row": W.IntSlider(0, min=0, max=6, description="window row"),
                "col": W.IntSlider(0, min=0, max=6, description="window col"),
                "pool": W.Checkbox(False, description="pool")}
    for toggle in (controls["image"], controls["filter"]):
        toggle.style.button_width = "44px"
    return Explorer(controls, functools.partial(compute_xo_matcher, match, images), render_xo_matcher,
                    layout=_layout_xo_matcher, figsize=(11.3, 4.85))


# --------------------------------------------------------------------------- W3.2 conv arithmetic
def _window_count(n: int, F: int, S: int) -> int:
    """Windows per row that fit a padded width n (floor, like torch); 0 if none fits."""
    return (n - F) // S + 1 if n >= F else 0


def compute_conv_arithmetic(output_size: Callable, param_count: Callable, W1: int, F: int, S: int, P: int,
                            K: int, D1: int, window: int) -> dict:
    """Output width and parameter count from the student's functions; windows and coverage
    of the padded input as a (torch-like, flooring) conv layer would place them."""
    n = W1 + 2 * P
    per_row = _window_count(n, F, S)
    error = None
    try:
        W2 = output_size(W1, F, S, P)
    except ValueError as exc:                       # the lecture: such a configuration is invalid
        W2, error = None, str(exc)
    if W2 is not None:
        value = float(W2)
        if value != int(value) or value < 1:
            error = (f"your output_size returned {W2!r}: not a positive whole number; an invalid "
                     "configuration should raise ValueError")
            W2 = None
        else:
            W2 = int(value)
    params = param_count(F, D1, K, True)
    starts = np.arange(per_row) * S                                             # (per_row,) window starts
    cover_1d = np.zeros(n, bool)
    for s in starts:
        cover_1d[s:s + F] = True
    covered = cover_1d[:, None] & cover_1d[None, :]                             # (n, n)
    inside = np.zeros(n, bool)
    inside[P:P + W1] = True
    uncovered_1d = inside & ~cover_1d
    uncovered = int(W1 * W1 - (inside & cover_1d).sum() ** 2)
    k = min(window, per_row * per_row - 1) if per_row else 0
    wr, wc = divmod(k, per_row) if per_row else (0, 0)
    return {"W1": W1, "F": F, "S": S, "P": P, "K": K, "D1": D1, "n": n, "per_row": per_row, "W2": W2,
            "error": error, "params": params, "covered": covered, "uncovered": uncovered,
            "uncovered_cols": np.flatnonzero(uncovered_1d) - P, "starts": starts, "window": k,
            "window_rc": (wr, wc), "span": W1 - F + 2 * P}


def _layout_conv_arithmetic(fig: Figure) -> None:
    fig.add_axes((0.01, 0.04, 0.40, 0.84))
    fig.add_axes((0.43, 0.30, 0.20, 0.58))
    text = fig.add_axes((0.66, 0.04, 0.33, 0.84))
    text.set_axis_off()
    freeze_static(fig)


def render_conv_arithmetic(state: dict, fig: Figure) -> None:
    ax_in, ax_out, ax_txt = fig.axes
    n, P, F, S, W1 = state["n"], state["P"], state["F"], state["S"], state["W1"]
    plots.grid_axes(ax_in, n, n)
    plots.show_image(ax_in, plots.padded_input_rgb(W1, P, state["covered"]))
    if n <= 48:
        plots.cell_lines(ax_in, n, n, color="0.5", lw=0.5 if n <= 24 else 0.25)
    if P:
        plots.outline_cells(ax_in, P, P, W1, W1, color="k", lw=1.5, zorder=3)
    per_row, (wr, wc) = state["per_row"], state["window_rc"]
    if per_row:
        corners = state["starts"]
        cx, cy = np.meshgrid(corners, corners)
        ax_in.scatter(cx.ravel(), cy.ravel(), s=14 if n <= 24 else 6, color="k", zorder=5, linewidths=0)
        plots.outline_cells(ax_in, wr * S, wc * S, F, F, color=PALETTE["vermillion"], lw=3, zorder=6)
    plots.axes_title(ax_in, f"input {W1}×{W1}, padding {P} (grey); dots: where windows start")
    plots.grid_axes(ax_out, max(per_row, 1), max(per_row, 1))
    if per_row:
        out = np.zeros((per_row, per_row, 3)) + 0.93
        out[wr, wc] = to_rgb(PALETTE["vermillion"])
        plots.show_image(ax_out, out)
        if per_row <= 48:
            plots.cell_lines(ax_out, per_row, per_row, color="0.5", lw=0.5 if per_row <= 24 else 0.25)
    plots.axes_title(ax_out, f"output {per_row}×{per_row}×{state['K']}" if per_row else "no output")
    _note(ax_out, [(f"window {state['window'] + 1} of {per_row * per_row}" if per_row else "no window fits",
                    PALETTE["vermillion"])], y=-0.04)
    lines = [("W2 = (W1 − F + 2P)/S + 1", "k"),
             (f"     = ({W1} − {F} + 2·{P})/{S} + 1 = {state['span']}/{S} + 1" +
              (f" = {state['span'] // S + 1}" if state["span"] >= 0 and state["span"] % S == 0 else ""), "k")]
    if state["error"]:
        lines += [("⚠ INVALID configuration:", BAD), *[(f"  {part}", BAD) for part in _wrap(state["error"], 44)]]
        if per_row:
            lines += [(f"torch would floor: {per_row} windows per row,", "0.3"),
                      ("leaving the red cells unused.", "0.3")]
    else:
        ok = state["W2"] == per_row
        lines += [(f"your output_size: W2 = {state['W2']}", "k" if ok else BAD)]
        if not ok:
            lines += [(f"⚠ but {per_row} windows fit per row", BAD)]
    lines += [("", "k"), ("parameters = K·(F·F·D1 + 1)", "k"),
              (f"     = {state['K']}·({F}·{F}·{state['D1']} + 1) = {state['K'] * (F * F * state['D1'] + 1):,}", "k"),
              (f"your param_count: {state['params']:,}",
               "k" if state["params"] == state["K"] * (F * F * state["D1"] + 1) else BAD), ("", "k")]
    if not per_row:
        lines += [(f"⚠ the {F}×{F} filter does not fit the padded {n}×{n} input", BAD)]
    elif state["uncovered"]:
        lines += [(f"⚠ {state['uncovered']} input cells (red) are never seen:", BAD),
                  ("the last windows do not reach them", BAD)]
    else:
        lines += [("every input cell is covered", GOOD)]
    _note(ax_txt, lines, x=0.0, y=1.0, size=11)


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return (lines + [line])[:4]


def conv_arithmetic(output_size: Callable | None = None, param_count: Callable | None = None) -> Explorer:
    """W3.2: output size W2 = (W1 - F + 2P)/S + 1 and parameter count K(F·F·D1 + 1), live.

    ``output_size(W, F, S, P) -> int`` must raise ``ValueError`` for an invalid configuration
    ((W - F + 2P) not divisible by S, or the filter does not fit); ``param_count(F, C_in, K,
    bias=True) -> int``. Yours, or the references. The picture shows the padded input (padding
    grey), where each window starts (dots), the selected window (slider "window"), input cells
    no window ever covers (red) and the output grid, as a flooring layer (torch) places them.
    """
    output_size = output_size or _conv_output_size
    param_count = param_count or _conv_param_count
    quiet = _Quiet()
    controls = {"W1": W.IntSlider(5, min=1, max=40, description="W1 (input)"),
                "F": W.IntSlider(3, min=1, max=11, description="F (filter)"),
                "S": W.IntSlider(2, min=1, max=5, description="S (stride)"),
                "P": W.IntSlider(1, min=0, max=5, description="P (padding)"),
                "K": W.IntSlider(2, min=1, max=512, description="K (filters)"),
                "D1": W.IntSlider(3, min=1, max=512, description="D1 (depth)"),
                "window": W.IntSlider(0, min=0, max=8, description="window")}

    def set_window_range(_change=None) -> None:
        p = {k: controls[k].value for k in ("W1", "F", "S", "P")}
        per_row = _window_count(p["W1"] + 2 * p["P"], p["F"], p["S"])
        with quiet():
            controls["window"].max = max(per_row * per_row - 1, 0)
    for name in ("W1", "F", "S", "P"):
        controls[name].observe(set_window_range, names="value")
    ex = Explorer(controls, functools.partial(compute_conv_arithmetic, output_size, param_count),
                  render_conv_arithmetic, layout=_layout_conv_arithmetic, figsize=(11, 4.6))
    quiet.explorer = ex
    row = lambda *names: W.HBox([controls[name] for name in names])            # noqa: E731
    ex.widget = W.VBox([row("W1", "F", "S"), row("P", "K", "D1"), row("window"), ex.image, ex.message])
    return ex


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
_W = [f"w{i}{j}" for i in range(3) for j in range(3)]
PLAYGROUND_SIZE = 128          # photo side: a change renders in ~15 ms with the vectorised reference conv


def compute_kernel_playground(conv: Callable, pool: Callable, photos: dict, image: str, preset: str,
                              **weights: float) -> dict:
    """x -> conv(x, w, b=0, stride 1, padding 1) -> ReLU -> pool(2, 2, floor), all with the student's code."""
    x = photos[image][None, None]                                                # (1, 1, H, W)
    w = np.array([weights[k] for k in _W], float).reshape(1, 1, 3, 3)            # (K=1, C=1, 3, 3)
    fmap = np.asarray(conv(x.copy(), w.copy(), np.zeros(1), 1, 1), dtype=float)
    if fmap.shape != x.shape:
        raise ValueError(f"conv(x, w, b, stride=1, padding=1) returned shape {fmap.shape}; for x of shape "
                         f"{x.shape} and a 3x3 kernel it should keep the shape {x.shape}")
    relu = np.maximum(fmap, 0.0)
    pooled = np.asarray(pool(relu.copy(), 2, 2, False), dtype=float)
    H = x.shape[2]
    if pooled.shape != (1, 1, H // 2, H // 2):
        raise ValueError(f"pool(x, 2, 2, False) returned shape {pooled.shape}; expected {(1, 1, H // 2, H // 2)}")
    return {"image_name": image, "preset": preset, "x": x[0, 0], "kernel": w[0, 0], "fmap": fmap[0, 0],
            "relu": relu[0, 0], "pooled": pooled[0, 0],
            "vmax": max(float(np.percentile(np.abs(fmap), 97)), 1e-12)}   # robust: a few border pixels saturate


def _layout_kernel_playground(fig: Figure) -> None:
    for k in range(4):
        ax = fig.add_axes((0.01 + k * 0.2475, 0.03, 0.232, 0.232 * 11.5 / 3.3))
        plots.grid_axes(ax, PLAYGROUND_SIZE, PLAYGROUND_SIZE)
    half = PLAYGROUND_SIZE // 2                                                  # the pooled map
    fig.axes[3].set(xlim=(-0.5, half - 0.5), ylim=(half - 0.5, -0.5))
    freeze_static(fig)


def render_kernel_playground(state: dict, fig: Figure) -> None:
    ax_x, ax_c, ax_r, ax_p = fig.axes
    plots.show_image(ax_x, state["x"], cmap="gray", vmin=0, vmax=1)
    plots.axes_title(ax_x, f"input x ({state['image_name']}, {state['x'].shape[0]}×{state['x'].shape[1]})")
    v = state["vmax"]
    plots.show_image(ax_c, state["fmap"], cmap=REGION_CMAP, vmin=-v, vmax=v)
    plots.axes_title(ax_c, f"conv(x, w): {state['preset']}, ±{v:.2g}")
    plots.show_image(ax_r, state["relu"], cmap="gray", vmin=0, vmax=v)
    plots.axes_title(ax_r, "ReLU: negatives set to 0")
    plots.show_image(ax_p, state["pooled"], cmap="gray", vmin=0, vmax=v)
    plots.axes_title(ax_p, f"2×2 max-pool → {state['pooled'].shape[0]}×{state['pooled'].shape[1]}")


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
    conv, pool = conv or _conv2d, pool or _max_pool2d
    photos = {name: photo(name, PLAYGROUND_SIZE) for name in PHOTOS}
    quiet = _Quiet()
    presets = {**KERNEL_PRESETS, "custom": None}
    cells = {name: W.FloatText(float(KERNEL_PRESETS["Sobel x"].ravel()[k]), step=0.1, layout=W.Layout(width="72px"))
             for k, name in enumerate(_W)}
    controls = {"image": W.Dropdown(options=list(PHOTOS), value="camera", description="photo"),
                "preset": W.Dropdown(options=list(presets), value="Sobel x", description="kernel"), **cells}

    def fill(change) -> None:                  # a preset fills the grid (before the Explorer redraws)
        if quiet.busy or presets[change["new"]] is None:
            return
        with quiet():
            for name, value in zip(_W, presets[change["new"]].ravel()):
                cells[name].value = float(value)

    def edited(_change) -> None:               # a typed kernel is "custom" unless it equals the preset
        kernel = presets[controls["preset"].value]
        if quiet.busy or kernel is None:
            return
        if not np.allclose([cells[n].value for n in _W], kernel.ravel()):
            with quiet():
                controls["preset"].value = "custom"
    controls["preset"].observe(fill, names="value")
    for cell in cells.values():
        cell.observe(edited, names="value")
    ex = Explorer(controls, functools.partial(compute_kernel_playground, conv, pool, photos),
                  render_kernel_playground, layout=_layout_kernel_playground, figsize=(11.5, 3.3))
    quiet.explorer = ex
    grid = W.GridBox(list(cells.values()), layout=W.Layout(grid_template_columns="repeat(3, 76px)",
                                                           grid_gap="2px"))
    ex.widget = W.VBox([W.HBox([W.VBox([controls["image"], controls["preset"]]),
                                W.HBox([W.HTML("<b>w</b> (3×3):"), grid])]), ex.image, ex.message])
    return ex


# --------------------------------------------------------------------------- W3.4 receptive field
STACK_PRESETS: dict[str, str] = {
    "conv3": "conv3", "conv3 x2": "conv3 conv3", "conv3 x3": "conv3 conv3 conv3", "conv5": "conv5",
    "conv7": "conv7", "conv3-pool2-conv3": "conv3 pool2 conv3", "VGG block": "conv3 conv3 pool2",
    "two VGG blocks": "conv3 conv3 pool2 conv3 conv3 pool2", "strided conv3/2 x3": "conv3/2 conv3/2 conv3/2",
}
_TOP = 5                # pixels per side of the top layer: the input is sized so the stack outputs 5x5
_MAX_INPUT = 96


def compute_receptive_field(receptive_field: Callable, stack: str, layers: str, row: int, col: int,
                            channels: int) -> dict:
    """The stack parsed from ``layers``, an input sized so the top layer is 5x5, the region each
    layer's cells contribute to top pixel (row, col), and the student's receptive_field."""
    parsed = _parse_layers(layers)
    if not parsed:
        raise ValueError("the stack is empty: type layers such as 'conv3 pool2 conv3'")
    if len(parsed) > 10:
        raise ValueError(f"{len(parsed)} layers are too many to draw here (at most 10)")
    r, regions_col, regions_row = _receptive_field(parsed), [], []
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
    return {"stack": stack, "layers": parsed, "text": _format_layers(parsed), "sizes": sizes, "r": r,
            "jump": jump, "row": row, "col": col, "regions": regions_col, "input_rows": regions_row[0],
            "input_cols": regions_col[0], "student": student, "channels": channels,
            "stack_params": _stack_params(parsed, channels),
            "vgg": {"two 3×3 (18C²)": 18 * channels ** 2, "one 5×5 (25C²)": 25 * channels ** 2,
                    "three 3×3 (27C²)": 27 * channels ** 2, "one 7×7 (49C²)": 49 * channels ** 2}}


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


def render_receptive_field(state: dict, fig: Figure) -> None:
    ax, ax_in, ax_bar = fig.axes
    sizes, n = state["sizes"], state["sizes"][0]
    names = ["input"] + [f"{k}{w}" + ("" if s == (1 if k == "conv" else w) else f"/{s}") for k, w, s in state["layers"]]
    names = [f"{name} ({size})" for name, size in zip(names, sizes)]
    plots.plot_receptive_stack(ax, sizes, state["regions"], names, state["col"])
    ax.set(xlim=(-0.5, n + 0.5), ylim=(-0.6, len(sizes) - 0.4))
    plots.axes_title(ax, f"one row of each layer: output pixel (row {state['row']}, col {state['col']}) "
                         "sees the orange cells", size=11)
    plots.grid_axes(ax_in, n, n)
    rgb = np.ones((n, n, 3))
    (r0, r1), (c0, c1) = state["input_rows"], state["input_cols"]
    rgb[r0:r1, c0:c1] = to_rgb(PALETTE["orange"])
    plots.show_image(ax_in, rgb)
    if n <= 48:
        plots.cell_lines(ax_in, n, n, color="0.7", lw=0.4)
    plots.axes_title(ax_in, f"the {n}×{n} input: region {r1 - r0}×{c1 - c0}", size=10)
    ok = state["student"] == state["r"]
    status = TextLayer().add_to(ax_in, transform=fig.transFigure)
    for k, (text, color) in enumerate([(f"stack: {state['text']}", "k"),
                                       (f"your receptive_field(layers) = {state['student']}", GOOD if ok else BAD),
                                       (f"the region is {state['r']} pixels wide" + ("  ✓" if ok else "  ✗ differs"),
                                        GOOD if ok else BAD)]):
        status.add(0.64, 0.97 - 0.052 * k, text, color=color, ha="left", va="top", size=10.5)
    C = state["channels"]
    plots.plot_cost_bars(ax_bar, ["this stack's convs", *state["vgg"]], [state["stack_params"], *state["vgg"].values()],
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
    receptive_field = receptive_field or _receptive_field
    quiet = _Quiet()
    controls = {"stack": W.Dropdown(options=[*STACK_PRESETS, "custom"], value="conv3-pool2-conv3",
                                    description="preset"),
                "layers": W.Text(STACK_PRESETS["conv3-pool2-conv3"], description="layers", continuous_update=False,
                                 layout=W.Layout(width="340px")),
                "channels": W.IntSlider(64, min=1, max=512, description="C (channels)"),
                "row": W.IntSlider(2, min=0, max=_TOP - 1, description="output row"),
                "col": W.IntSlider(2, min=0, max=_TOP - 1, description="output col")}

    def fill(change) -> None:
        if not quiet.busy and change["new"] in STACK_PRESETS:
            with quiet():
                controls["layers"].value = STACK_PRESETS[change["new"]]

    def typed(change) -> None:
        if not quiet.busy and STACK_PRESETS.get(controls["stack"].value) != change["new"]:
            with quiet():
                controls["stack"].value = "custom"
    controls["stack"].observe(fill, names="value")
    controls["layers"].observe(typed, names="value")
    ex = Explorer(controls, functools.partial(compute_receptive_field, receptive_field), render_receptive_field,
                  layout=_layout_receptive_field, figsize=(11, 4.8))
    quiet.explorer = ex
    return ex


# --------------------------------------------------------------------------- W3.5 YOLO grid
_CANDIDATES = 24         # candidate boxes per image (default mode)


def _nms_scored(boxes: np.ndarray, scores: np.ndarray, score_threshold: float, iou_threshold: float) -> np.ndarray:
    """NMS with a score filter (Coursera DLS rule): drop scores <= score_threshold, then greedy NMS (IoU >= threshold suppressed)."""
    idx = np.flatnonzero(np.asarray(scores) > score_threshold)
    return idx[_nms(np.asarray(boxes)[idx], np.asarray(scores)[idx], iou_threshold)]


def _jittered_candidates(boxes: np.ndarray, labels: np.ndarray, size: int, rng: np.random.Generator,
                         n: int = _CANDIDATES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fake detector output: jittered copies of each true box, scored by how well they fit
    (plus noise), and a few random low-scoring boxes; sorted by score (best first)."""
    out_b, out_s, out_l = [], [], []
    per = max(1, min(7, (n - 2) // max(len(boxes), 1)))
    for box, label in zip(boxes, labels):
        w, h = box[2] - box[0], box[3] - box[1]
        for _ in range(per):
            c = (box[:2] + box[2:]) / 2 + rng.normal(0, 0.1, 2) * (w, h)
            wh = np.array([w, h]) * np.exp(rng.normal(0, 0.12, 2))
            cand = np.clip(np.r_[c - wh / 2, c + wh / 2], 0, size)
            fit = float(_iou(cand, box))
            out_b.append(cand)
            out_s.append(float(np.clip(0.3 + 0.65 * fit + rng.normal(0, 0.06), 0.02, 0.99)))
            out_l.append(int(label))
    while len(out_b) < n:                                                        # false positives
        wh = rng.uniform(0.15, 0.4, 2) * size
        x1y1 = rng.uniform(0, 1, 2) * (size - wh)
        out_b.append(np.r_[x1y1, x1y1 + wh])
        out_s.append(float(rng.uniform(0.05, 0.5)))
        out_l.append(int(rng.integers(len(SHAPE_CLASSES))))
    order = np.argsort(-np.array(out_s), kind="stable")[:n]
    return np.array(out_b)[order], np.array(out_s)[order], np.array(out_l, dtype=np.int64)[order]


def _scenes_default(n_images: int, size: int, seed: int) -> dict:
    images, boxes, labels = shapes_dataset(n_images, size=size, max_objects=3, rng=seed)
    rng = np.random.default_rng(seed + 1)
    cands = [_jittered_candidates(b, lab, size, rng) for b, lab in zip(boxes, labels)]
    return {"images": images.transpose(0, 2, 3, 1), "boxes": boxes, "labels": labels, "candidates": cands,
            "size": size, "fixed_S": None, "cell_scores": None, "class_names": SHAPE_CLASSES}


def _scenes_predictions(predictions: tuple, n_candidates: int = _CANDIDATES) -> dict:
    images, grids = (np.asarray(a, float) for a in predictions)
    if images.ndim != 4 or images.shape[1] != 3 or grids.ndim != 4 or grids.shape[1] != grids.shape[2] \
            or len(images) != len(grids) or grids.shape[3] < 6:
        raise ValueError(f"predictions must be (images (n, 3, H, W), grids (n, S, S, 5 + C)); got shapes "
                         f"{images.shape} and {grids.shape}")
    size, S, C = images.shape[2], grids.shape[1], grids.shape[3] - 5
    cands, cell_scores = [], []
    for grid in grids:
        b, s, lab = _yolo_decode(grid, conf_threshold=0.01, image_size=size)
        order = np.argsort(-s, kind="stable")[:n_candidates]
        cands.append((np.clip(b[order], 0, size), s[order], lab[order]))
        cell_scores.append(grid[..., 4] * grid[..., 5:].max(axis=-1))            # (S, S)
    names = SHAPE_CLASSES if C == len(SHAPE_CLASSES) else tuple(f"class {k}" for k in range(C))
    return {"images": np.clip(images.transpose(0, 2, 3, 1), 0, 1), "boxes": None, "labels": None,
            "candidates": cands, "size": size, "fixed_S": S, "cell_scores": cell_scores, "class_names": names}


def compute_yolo_grid(iou: Callable, nms: Callable, scenes: dict, image: int, S: int, score_threshold: float,
                      iou_threshold: float, candidate: int) -> dict:
    """Cell ownership of each object's centre on an S x S grid, the student's NMS (per class) on
    the candidates, and what happened to the selected candidate (with the student's IoU)."""
    size = scenes["size"]
    boxes, scores, labels = scenes["candidates"][image]
    kept: list[int] = []
    for cls in np.unique(labels):                                                # NMS per class
        idx = np.flatnonzero(labels == cls)
        keep = np.asarray(nms(boxes[idx].copy(), scores[idx].copy(), score_threshold, iou_threshold)).astype(int)
        if keep.size and (keep.min() < 0 or keep.max() >= len(idx)):
            raise ValueError(f"nms returned index {keep.max()} for {len(idx)} boxes: it must return indices "
                             "into the boxes it was given")
        kept += list(idx[keep.reshape(-1)])
    kept = sorted(kept, key=lambda i: -scores[i])
    i = min(candidate, len(scores) - 1)
    info = {"index": i, "score": float(scores[i]), "label": int(labels[i]), "kept": i in kept}
    if i in kept:
        info["why"] = "kept" if scores[i] > score_threshold else \
            f"kept, but its score {scores[i]:.2f} ≤ {score_threshold:.2f}: nms must drop it first"
    elif scores[i] <= score_threshold:
        info["why"] = f"score {scores[i]:.2f} ≤ {score_threshold:.2f}: dropped before NMS"
    else:
        rivals = [(k, float(iou(boxes[i].copy(), boxes[k].copy()))) for k in kept
                  if labels[k] == labels[i] and scores[k] >= scores[i] and k != i]
        hit = [(k, v) for k, v in rivals if v >= iou_threshold]
        info["why"] = (f"suppressed by box #{hit[0][0]}: IoU {hit[0][1]:.2f} ≥ {iou_threshold:.2f}" if hit else
                       "not kept, yet no kept box of its class has IoU ≥ "
                       f"{iou_threshold:.2f} with it: check your nms")
    gt = None
    if scenes["boxes"] is not None:
        gts = scenes["boxes"][image]
        ious = [float(iou(boxes[i].copy(), g.copy())) for g in gts]
        gt = {"boxes": gts, "labels": scenes["labels"][image], "best": int(np.argmax(ious)) if ious else None,
              "iou": max(ious) if ious else 0.0,
              "kept_iou": [max((float(iou(boxes[k].copy(), g.copy())) for g in gts), default=0.0) for k in kept],
              "target": _yolo_encode(gts, scenes["labels"][image], S, len(scenes["class_names"]), size)}
    shown_S = scenes["fixed_S"] or S
    return {"image": scenes["images"][image], "size": size, "S": shown_S, "boxes": boxes, "scores": scores,
            "labels": labels, "kept": kept, "above": np.flatnonzero(scores > score_threshold),
            "score_threshold": score_threshold, "iou_threshold": iou_threshold, "selected": info, "gt": gt,
            "cell_scores": None if scenes["cell_scores"] is None else scenes["cell_scores"][image],
            "class_names": scenes["class_names"]}


def _layout_yolo_grid(fig: Figure, size: int) -> None:
    for left in (0.03, 0.53):
        ax = fig.add_axes((left, 0.18, 0.42, 0.42 * 10 / 5.6))
        ax.set(xlim=(0, size), ylim=(size, 0), xticks=[], yticks=[], aspect="equal")
        ax.grid(False)
    freeze_static(fig)


def _class_color(label: int) -> str:
    return CLASS_COLORS[(label + 2) % len(CLASS_COLORS)]       # green, purple, sky: not the image's hues


def render_yolo_grid(state: dict, fig: Figure) -> None:
    ax_g, ax_n = fig.axes
    size, S, names = state["size"], state["S"], state["class_names"]
    for ax in (ax_g, ax_n):
        plots.show_image(ax, state["image"], extent=(0, size, size, 0))
    edges = np.arange(1, S) * size / S
    ax_g.vlines(edges, 0, size, colors="w", lw=0.8, alpha=0.8)
    ax_g.hlines(edges, 0, size, colors="w", lw=0.8, alpha=0.8)
    notes = []
    if state["gt"] is not None:
        gt, target = state["gt"], state["gt"]["target"]
        owners: dict[tuple[int, int], int] = {}
        for k, (box, lab) in enumerate(zip(gt["boxes"], gt["labels"])):
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            col, row = min(int(cx / size * S), S - 1), min(int(cy / size * S), S - 1)
            color = _class_color(int(lab))
            first = (row, col) not in owners
            owners.setdefault((row, col), k)
            x0, y0 = col * size / S, row * size / S
            ax_g.add_patch(Rectangle((x0, y0), size / S, size / S, facecolor=color, alpha=0.35 if first else 0,
                                           edgecolor=color, lw=2.5))
            ax_g.plot([cx], [cy], "o", ms=6, color=color, mec="w", mew=1.2, zorder=5)
            if first:
                x, y, w, h = target[row, col, :4]
                notes.append((f"{names[lab]} → cell (row {row}, col {col}): x={x:.2f} y={y:.2f} w={w:.2f} h={h:.2f}",
                              color))
            else:
                notes.append((f"{names[lab]} shares cell (row {row}, col {col}): dropped (one box per cell)", BAD))
        plots.plot_boxes(ax_g, gt["boxes"], colors="w", lw=1.0, alpha=0.7)
        plots.axes_title(ax_g, f"S = {S}: the cell holding an object's centre owns it", size=10)
    else:
        scores = state["cell_scores"]
        plots.show_image(ax_g, scores, cmap="magma", vmin=0, vmax=1, alpha=0.45, extent=(0, size, size, 0))
        layer = TextLayer().add_to(ax_g)
        if S <= 8:
            for (r, c), v in np.ndenumerate(scores):
                layer.add((c + 0.5) * size / S, (r + 0.5) * size / S, f"{v:.2f}", color="w", size=8)
        plots.axes_title(ax_g, f"the detector's S = {S} grid: objectness × class prob.", size=10)
    boxes, scores, labels, kept = state["boxes"], state["scores"], state["labels"], state["kept"]
    below = np.setdiff1d(np.arange(len(boxes)), state["above"])
    suppressed = np.setdiff1d(state["above"], kept)
    plots.plot_boxes(ax_n, boxes[below], colors="0.75", lw=0.7, ls=":", alpha=0.7)
    plots.plot_boxes(ax_n, boxes[suppressed], colors=[_class_color(int(lab)) for lab in labels[suppressed]],
                     lw=1.0, ls="--", alpha=0.6)
    plots.plot_boxes(ax_n, boxes[kept], colors=[_class_color(int(lab)) for lab in labels[kept]], lw=2.6)
    sel = state["selected"]
    plots.plot_boxes(ax_n, boxes[sel["index"]], colors=PALETTE["yellow"], lw=1.6, ls=(0, (3, 2)), zorder=6)
    tags = TextLayer().add_to(ax_n)
    for k in kept:
        tags.add(max(boxes[k, 0], 0.5), max(boxes[k, 1], 2.5), f"#{k} {scores[k]:.2f}", ha="left", va="bottom",
                 size=8, color=_class_color(int(labels[k])), box=True)
    plots.axes_title(ax_n, f"NMS kept {len(kept)} (bold) of {len(state['above'])} boxes with score > "
                           f"{state['score_threshold']:.2f}", size=10)
    lines = [(f"dotted: {len(below)} below the score threshold; dashed: suppressed", "0.35"),
             (f"candidate #{sel['index']} (yellow): {names[sel['label']]}, score {sel['score']:.2f}", "k"),
             (f"    → {sel['why']}", (GOOD if sel["why"] == "kept" else BAD) if sel["kept"] else "k")]
    if state["gt"] is not None:
        lines.append((f"    its IoU with the nearest true box: {state['gt']['iou']:.2f} (your iou)", "k"))
        if kept:
            kept_iou = ", ".join(f"{v:.2f}" for v in state["gt"]["kept_iou"][:6])
            lines.append((f"kept boxes' IoU with the truth: {kept_iou}", "k"))
    _note(ax_n, lines, x=0.0, y=-0.03, size=9.5)
    if notes:
        _note(ax_g, notes[:3], x=0.0, y=-0.03, size=9.5)


def yolo_grid(iou: Callable | None = None, nms: Callable | None = None, predictions: tuple | None = None,
              n_images: int = 8, size: int = 64, seed: int = 0) -> Explorer:
    """W3.5: the YOLO grid and non-max suppression on coloured shapes.

    ``iou(a, b) -> float`` for two [x1, y1, x2, y2] boxes and ``nms(boxes (N, 4), scores (N,),
    score_threshold, iou_threshold) -> kept indices`` (drop scores <= threshold, then suppress
    IoU >= threshold; yours or the references). NMS runs once per class.
    Left: an S x S grid on the image and the cell that owns each object's centre, with its
    YOLO target numbers (x, y in the cell, w, h in cell units). Right: candidate boxes before
    (dotted / dashed) and after NMS (bold); the slider "candidate" (by rank of score) picks one
    box and says why it was kept, dropped or suppressed, and its IoU with the truth.

    By default the candidates are jittered copies of the true boxes (scored by their fit, plus
    noise) and a few random false positives, made when the widget is built (seeded). Pass
    ``predictions=(images (n, 3, H, W), grids (n, S, S, 5 + C))`` - a trained detector's raw
    outputs, channels [x, y, w, h, objectness, class probs] - to see its boxes instead (decoded
    at a low threshold, the best 24 per image); S is then the detector's.
    """
    iou = iou or _iou
    nms = nms or _nms_scored
    scenes = _scenes_default(n_images, size, seed) if predictions is None else _scenes_predictions(predictions)
    n = len(scenes["images"])
    fixed = scenes["fixed_S"]
    controls = {"image": W.IntSlider(0, min=0, max=n - 1, description="image #"),
                "S": W.IntSlider(fixed or 4, min=fixed or 1, max=fixed or 8, description="grid S",
                                 disabled=bool(fixed)),
                "candidate": W.IntSlider(0, min=0, max=_CANDIDATES - 1, description="candidate (rank)"),
                "score_threshold": W.FloatSlider(0.6, min=0.0, max=0.95, step=0.05, description="score >"),
                "iou_threshold": W.FloatSlider(0.5, min=0.05, max=1.0, step=0.05, description="IoU ≥")}
    return Explorer(controls, functools.partial(compute_yolo_grid, iou, nms, scenes), render_yolo_grid,
                    layout=functools.partial(_layout_yolo_grid, size=scenes["size"]), figsize=(10, 5.6))
