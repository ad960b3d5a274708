"""Text tables drawn as one bitmap (widget figures): :class:`TableArtist` and its two entry points.

Matplotlib lays out every ``Text`` separately (~0.5 ms each); a 100-cell table would cost
~50 ms per redraw, so the cells are stamped from the glyph cache of
:mod:`dlcourse.widgetkit.text` into one RGBA image instead (crisp at any dpi).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ..plotting import PALETTE
from .text import line_coverage

__all__ = ["TableArtist", "plot_text_table", "add_text_table", "HIGHLIGHT"]

# Behind highlighted table cells: the palette's yellow, 60 % washed out towards white.
HIGHLIGHT = tuple(1 - 0.4 * (1 - c) for c in mcolors.to_rgb(PALETTE["yellow"]))


def _stamp(ink: np.ndarray, text: str, x: float, y: int, size_px: int, bold: bool) -> None:
    """Write ``text`` into the coverage array ``ink`` (H, W): pen at column x, baseline row y."""
    cov, _ = line_coverage(text, size_px, bold)
    r0, c0 = y - 2 * size_px, int(round(x)) - size_px
    rs = slice(max(r0, 0), min(r0 + cov.shape[0], ink.shape[0]))
    cs = slice(max(c0, 0), min(c0 + cov.shape[1], ink.shape[1]))
    if rs.start < rs.stop and cs.start < cs.stop:
        np.maximum(ink[rs, cs], cov[rs.start - r0:rs.stop - r0, cs.start - c0:cs.stop - c0], out=ink[rs, cs])


def _table_rgba(rows: list[list[str]], marked: set, bold: set, shape: tuple[int, int], size_px: int) -> np.ndarray:
    """The table ``rows`` (header first) as an RGBA image of ``shape`` (H, W), uint8."""
    is_bold = lambda i, j: i == 0 or (i - 1, j) in bold
    widths = np.array([[line_coverage(t, size_px, is_bold(i, j))[1] for j, t in enumerate(r)]
                       for i, r in enumerate(rows)])                        # (R, C) text widths in px
    col_w = widths.max(axis=0) + size_px                                    # (C,)
    cols = np.round(np.r_[0, np.cumsum(col_w)] * (shape[1] - 1) / col_w.sum()).astype(int)
    lines = np.round(np.linspace(0, shape[0] - 1, len(rows) + 1)).astype(int)
    ink = np.zeros(shape, np.float32)                                       # (H, W) text coverage
    for i, row in enumerate(rows):
        y = (lines[i] + lines[i + 1]) // 2 + int(0.36 * size_px)            # baseline: digits centred
        for j, text in enumerate(row):
            _stamp(ink, text, (cols[j] + cols[j + 1] - widths[i, j]) / 2, y, size_px, is_bold(i, j))
    paper = np.full((*shape, 3), 255.0, np.float32)                         # (H, W, 3)
    for i, j in marked:
        paper[lines[i + 1]:lines[i + 2], cols[j]:cols[j + 1]] = np.multiply(HIGHLIGHT, 255)
    paper *= 1 - ink[:, :, None]                                            # black text
    paper[lines], paper[:, cols] = 180, 180                                 # grey rules
    paper[lines[1]] = 80
    out = np.full((*shape, 4), 255, np.uint8)
    out[:, :, :3] = paper
    return out


class TableArtist(Artist):
    """A text table drawn as one bitmap filling ``rect`` (x, y, w, h in its transform's units).

    Matplotlib lays out every ``Text`` separately (~0.5 ms each); a 100-cell table would
    cost ~50 ms per redraw, so the cells are stamped from cached glyph bitmaps instead
    (crisp at any dpi). ``cells`` / ``col_labels`` / ``highlight`` / ``bold`` stay readable
    for tests. Use it through :func:`plot_text_table` (an Axes) or :func:`add_text_table` (a Figure).
    """

    def __init__(self, cells: list[list[str]], col_labels: list[str], highlight: set, bold: set,
                 fontsize: float, rect: tuple[float, float, float, float] = (0, 0, 1, 1)):
        super().__init__()
        self.cells, self.col_labels, self.highlight, self.bold = cells, col_labels, highlight, bold
        self.fontsize, self.rect = fontsize, rect

    def get_window_extent(self, renderer=None) -> Bbox:
        return Bbox.from_bounds(*self.rect).transformed(self.get_transform())

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        x0, y0, x1, y1 = np.round(self.get_window_extent().extents).astype(int)
        size_px = max(6, int(round(self.fontsize * renderer.dpi / 72)))
        rgba = _table_rgba([self.col_labels, *self.cells], self.highlight, self.bold, (y1 - y0, x1 - x0), size_px)
        gc = renderer.new_gc()
        renderer.draw_image(gc, x0, y0, rgba[::-1])                          # rows bottom-up
        gc.restore()


def plot_text_table(ax: Axes, cells: Sequence[Sequence[str]], col_labels: Sequence[str],
                    highlight: set[tuple[int, int]] = frozenset(), bold: set[tuple[int, int]] = frozenset(),
                    fontsize: float = 9, rect: tuple[float, float, float, float] = (0, 0, 1, 1)) -> Axes:
    """A table of strings filling ``rect`` (left, bottom, width, height in axes fractions;
    default all of ``ax``); ``highlight`` / ``bold`` hold (row, col) data cells.

    Row 0 is the first data row (the bold header is separate). Highlighted cells get a pale
    yellow background. The table is a :class:`TableArtist` (``ax.artists[-1]``).
    """
    ax.set_axis_off()
    table = TableArtist([list(map(str, r)) for r in cells], list(col_labels), set(highlight), set(bold),
                        fontsize, rect)
    table.set_transform(ax.transAxes)
    ax.add_artist(table)
    return ax


def add_text_table(fig: Figure, rect: tuple[float, float, float, float], cells: Sequence[Sequence[str]],
                   col_labels: Sequence[str], highlight: set[tuple[int, int]] = frozenset(),
                   bold: set[tuple[int, int]] = frozenset(), fontsize: float = 9) -> TableArtist:
    """:func:`plot_text_table` without an Axes (creating one costs ~5 ms per redraw):
    the table fills ``rect`` = (left, bottom, width, height) in figure fractions."""
    table = TableArtist([list(map(str, r)) for r in cells], list(col_labels), set(highlight), set(bold),
                        fontsize, rect)
    fig.add_artist(table)
    return table
