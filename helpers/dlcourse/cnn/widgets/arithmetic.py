"""cnn widgets, W3.2 conv arithmetic."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from ...plotting import PALETTE
from ...widgetkit import Explorer, freeze_static, note
from .. import plots
from .. import reference as ref
from ._common import BAD, GOOD

__all__ = ["conv_arithmetic", "compute_conv_arithmetic", "render_conv_arithmetic", "ConvArithmeticState"]


# --------------------------------------------------------------------------- W3.2 conv arithmetic
def _window_count(n: int, F: int, S: int) -> int:
    """Windows per row that fit a padded width n (floor, like torch); 0 if none fits."""
    return (n - F) // S + 1 if n >= F else 0


@dataclass(frozen=True)
class ConvArithmeticState:
    """The state of :func:`conv_arithmetic`: what :func:`render_conv_arithmetic` draws."""

    W1: int
    F: int
    S: int
    P: int
    K: int
    D1: int
    n: int
    per_row: int
    W2: int
    error: str | None
    params: int
    covered: np.ndarray
    uncovered: int
    uncovered_cols: np.ndarray
    starts: np.ndarray
    window: int
    window_rc: tuple
    span: int


def compute_conv_arithmetic(output_size: Callable, param_count: Callable, W1: int, F: int, S: int, P: int,
                            K: int, D1: int, window: int) -> ConvArithmeticState:
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
    return ConvArithmeticState(
        W1=W1, F=F, S=S, P=P, K=K, D1=D1, n=n, per_row=per_row, W2=W2,
        error=error, params=params, covered=covered, uncovered=uncovered,
        uncovered_cols=np.flatnonzero(uncovered_1d) - P, starts=starts, window=k,
        window_rc=(wr, wc), span=W1 - F + 2 * P)


def _layout_conv_arithmetic(fig: Figure) -> None:
    fig.add_axes((0.01, 0.04, 0.40, 0.84))
    fig.add_axes((0.43, 0.30, 0.20, 0.58))
    text = fig.add_axes((0.66, 0.04, 0.33, 0.84))
    text.set_axis_off()
    freeze_static(fig)


def render_conv_arithmetic(state: ConvArithmeticState, fig: Figure) -> None:
    ax_in, ax_out, ax_txt = fig.axes
    n, P, F, S, W1 = state.n, state.P, state.F, state.S, state.W1
    plots.grid_axes(ax_in, n, n)
    plots.show_image(ax_in, plots.padded_input_rgb(W1, P, state.covered))
    if n <= 48:
        plots.cell_lines(ax_in, n, n, color="0.5", lw=0.5 if n <= 24 else 0.25)
    if P:
        plots.outline_cells(ax_in, P, P, W1, W1, color="k", lw=1.5, zorder=3)
    per_row, (wr, wc) = state.per_row, state.window_rc
    if per_row:
        corners = state.starts
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
    plots.axes_title(ax_out, f"output {per_row}×{per_row}×{state.K}" if per_row else "no output")
    note(ax_out, [(f"window {state.window + 1} of {per_row * per_row}" if per_row else "no window fits",
                    PALETTE["vermillion"])], y=-0.04)
    lines = [("W2 = (W1 − F + 2P)/S + 1", "k"),
             (f"     = ({W1} − {F} + 2·{P})/{S} + 1 = {state.span}/{S} + 1" +
              (f" = {state.span // S + 1}" if state.span >= 0 and state.span % S == 0 else ""), "k")]
    if state.error:
        lines += [("⚠ INVALID configuration:", BAD), *[(f"  {part}", BAD) for part in _wrap(state.error, 44)]]
        if per_row:
            lines += [(f"torch would floor: {per_row} windows per row,", "0.3"),
                      ("leaving the red cells unused.", "0.3")]
    else:
        ok = state.W2 == per_row
        lines += [(f"your output_size: W2 = {state.W2}", "k" if ok else BAD)]
        if not ok:
            lines += [(f"⚠ but {per_row} windows fit per row", BAD)]
    lines += [("", "k"), ("parameters = K·(F·F·D1 + 1)", "k"),
              (f"     = {state.K}·({F}·{F}·{state.D1} + 1) = {state.K * (F * F * state.D1 + 1):,}", "k"),
              (f"your param_count: {state.params:,}",
               "k" if state.params == state.K * (F * F * state.D1 + 1) else BAD), ("", "k")]
    if not per_row:
        lines += [(f"⚠ the {F}×{F} filter does not fit the padded {n}×{n} input", BAD)]
    elif state.uncovered:
        lines += [(f"⚠ {state.uncovered} input cells (red) are never seen:", BAD),
                  ("the last windows do not reach them", BAD)]
    else:
        lines += [("every input cell is covered", GOOD)]
    note(ax_txt, lines, x=0.0, y=1.0, size=11)


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
    output_size = output_size or ref.conv_output_size
    param_count = param_count or ref.conv_param_count
    controls = {"W1": ipw.IntSlider(5, min=1, max=40, description="W1 (input)"),
                "F": ipw.IntSlider(3, min=1, max=11, description="F (filter)"),
                "S": ipw.IntSlider(2, min=1, max=5, description="S (stride)"),
                "P": ipw.IntSlider(1, min=0, max=5, description="P (padding)"),
                "K": ipw.IntSlider(2, min=1, max=512, description="K (filters)"),
                "D1": ipw.IntSlider(3, min=1, max=512, description="D1 (depth)"),
                "window": ipw.IntSlider(0, min=0, max=8, description="window")}

    def set_window_range(_change=None) -> None:
        p = {k: controls[k].value for k in ("W1", "F", "S", "P")}
        per_row = _window_count(p["W1"] + 2 * p["P"], p["F"], p["S"])
        with ex.hold(redraw=False):
            controls["window"].max = max(per_row * per_row - 1, 0)
    for name in ("W1", "F", "S", "P"):
        controls[name].observe(set_window_range, names="value")
    ex = Explorer(controls, functools.partial(compute_conv_arithmetic, output_size, param_count),
                  render_conv_arithmetic, layout=_layout_conv_arithmetic, figsize=(11, 4.6))
    row = lambda *names: ipw.HBox([controls[name] for name in names])            # noqa: E731
    ex.widget = ipw.VBox([row("W1", "F", "S"), row("P", "K", "D1"), row("window"), ex.image, ex.message])
    return ex
