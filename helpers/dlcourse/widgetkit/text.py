"""Text for widget figures: one glyph renderer (:class:`TextLayer`) and the title / note / key helpers.

Matplotlib lays out and rasterises every ``Text`` on every draw (~1 ms for a 20-character
label with matplotlib 3.11), so a diagram with 40 annotated numbers would blow a widget's
50 ms budget on text alone. :class:`TextLayer` draws each distinct character once per
size and weight (with matplotlib itself, on first use), composes a label from those
bitmaps by the glyphs' advance widths (no kerning), caches the label's RGBA sprite, and
pastes it with one ``draw_image``. Horizontal text only, one font (the default sans-serif
at normal or bold weight). ``layer.strings()`` lists what it shows (for tests).

The helpers every week uses instead of matplotlib text (a ``set_title`` costs ~3 ms per
redraw, a legend ~5 ms): :func:`title` above an axes, :func:`note` for lines of text in axes
fractions, :func:`key` for a legend of coloured labels. Each returns its :class:`TextLayer`,
which :func:`~dlcourse.widgetkit.clear_artists` removes on the next redraw.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.transforms import IdentityTransform, ScaledTranslation

__all__ = ["Label", "TextLayer", "line_coverage", "title", "note", "key", "text_strings"]

_LINE = 1.22          # line spacing, in font sizes
_ASCENT = 0.76        # cap height used to align a line's top / centre, in font sizes


@dataclass(frozen=True)
class Label:
    """One label: position in the layer's transform (data coordinates by default), text
    (may contain newlines), colour, font size in points, alignment, weight, white box."""

    x: float
    y: float
    text: str
    color: str = "k"
    size: float = 10.0
    ha: str = "center"       # 'left' | 'center' | 'right'
    va: str = "center"       # 'top' | 'center' | 'bottom'
    bold: bool = False
    box: bool = False


_GLYPHS: dict[tuple[int, bool], dict[str, tuple[np.ndarray, float]]] = {}


def _glyphs(chars: str, size_px: int, bold: bool) -> dict[str, tuple[np.ndarray, float]]:
    """char -> (coverage (3s, 3s) float32 in [0, 1], advance in px) for s = ``size_px``, in a
    cell whose pen starts at column s with the baseline on row 2s (from the top). Characters
    not seen before at this size are drawn by matplotlib, all in one figure, and kept."""
    s, cache = size_px, _GLYPHS.setdefault((size_px, bold), {})
    missing = sorted(set(chars) - set(cache))
    if missing:
        fig = Figure(figsize=(len(missing) * 3 * s / 72, 3 * s / 72), dpi=72)
        fig.patch.set_alpha(0)
        weight = "bold" if bold else "normal"
        for k, ch in enumerate(missing):
            fig.text(3 * s * k + s, s, ch, fontsize=s, weight=weight, va="baseline", transform=IdentityTransform())
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        alpha = np.asarray(canvas.buffer_rgba())[:, :, 3].astype(np.float32) / 255   # (3s, len * 3s)
        font = get_font(findfont(FontProperties(weight=weight)))
        font.set_size(s, 72)
        for k, ch in enumerate(missing):
            cache[ch] = (alpha[:, 3 * s * k:3 * s * (k + 1)].copy(), font.load_char(ord(ch)).linearHoriAdvance / 65536)
    return cache


@functools.lru_cache(maxsize=4096)
def line_coverage(text: str, size_px: int, bold: bool) -> tuple[np.ndarray, float]:
    """Coverage of one line of ``text``: (3s, w) float32 in [0, 1] for s = ``size_px``, the pen
    starting at column s with the baseline on row 2s (from the top), and its advance width in
    px. Shared by :class:`TextLayer` and :class:`~dlcourse.widgetkit.tables.TableArtist`; the
    array is cached: do not write to it."""
    glyphs, s = _glyphs(text, size_px, bold), size_px
    advances = [glyphs[ch][1] for ch in text]
    width = float(sum(advances))
    ink = np.zeros((3 * s, int(width) + 4 * s), np.float32)                      # (3s, w) coverage
    x = float(s)
    for ch, adv in zip(text, advances):
        c0 = int(round(x)) - s                                                      # cell's left column
        np.maximum(ink[:, c0:c0 + 3 * s], glyphs[ch][0], out=ink[:, c0:c0 + 3 * s])
        x += adv
    ink.setflags(write=False)
    return ink, width


@functools.lru_cache(maxsize=4096)
def _sprite(text: str, size_px: int, bold: bool, color: str, box: bool) -> tuple[np.ndarray, float, float, float]:
    """One line as RGBA uint8 (h, w, 4), rows top-down, with the pen's start column, the
    baseline row inside it and the advance width (px). It spans the advance box plus a pad."""
    s = size_px
    ink, width = line_coverage(text, size_px, bold)
    pad = max(2, s // 6)
    r0, r1 = max(0, 2 * s - int(1.0 * s) - pad), min(3 * s, 2 * s + int(np.ceil(0.3 * s)) + pad)
    c0, c1 = s - pad, int(np.ceil(s + width)) + pad
    ink = ink[r0:r1, c0:c1]
    rgb = np.array(mcolors.to_rgb(color), np.float32)
    if box:                                   # white background at 90 % under the text
        alpha = ink + (1 - ink) * 0.9
        rgba = np.concatenate([(ink[..., None] * rgb + ((1 - ink) * 0.9)[..., None]) / alpha[..., None],
                               alpha[..., None]], axis=2)
    else:
        rgba = np.concatenate([np.broadcast_to(rgb, (*ink.shape, 3)), ink[..., None]], axis=2)
    return (np.clip(rgba, 0, 1) * 255).astype(np.uint8), float(s - c0), float(2 * s - r0), width


class TextLayer(Artist):
    """Labels drawn from sprites (see module docstring). ``labels`` : a sequence of :class:`Label`;
    positions are in ``transform`` (set by :meth:`add_to`: the axes' data coordinates)."""

    def __init__(self, labels: Sequence[Label] = (), zorder: float = 5):
        super().__init__()
        self.labels = list(labels)
        self.set_zorder(zorder)

    def add(self, x: float, y: float, text: str, **kwargs) -> Label:
        label = Label(float(x), float(y), str(text), **kwargs)
        self.labels.append(label)
        self.stale = True
        return label

    def strings(self) -> list[str]:
        return [label.text for label in self.labels]

    def add_to(self, ax, transform=None) -> TextLayer:
        """Attach to ``ax`` (as an artist, so :func:`dlcourse.widgetkit.clear_artists` removes it)."""
        self.set_transform(ax.transData if transform is None else transform)
        ax.add_artist(self)
        self.set_clip_on(False)
        return self

    def draw(self, renderer) -> None:
        if not self.get_visible() or not self.labels:
            return
        scale, transform, gc = renderer.dpi / 72, self.get_transform(), renderer.new_gc()
        points = transform.transform([(lab.x, lab.y) for lab in self.labels])      # (n, 2) display px
        for lab, (px, py) in zip(self.labels, points):
            s = max(6, int(round(lab.size * scale)))
            lines = lab.text.split("\n")
            block = (len(lines) - 1) * _LINE * s + _ASCENT * s                      # first cap top -> last baseline
            top = py + {"top": 0.0, "center": block / 2, "bottom": block}[lab.va]
            for k, line in enumerate(lines):
                rgba, pen, base, adv = _sprite(line, s, lab.bold, lab.color, lab.box)
                left = px - {"left": 0.0, "center": adv / 2, "right": adv}[lab.ha] - pen
                baseline = top - _ASCENT * s - k * _LINE * s                        # display y, upwards
                bottom = baseline - (rgba.shape[0] - base)
                renderer.draw_image(gc, int(round(left)), int(round(bottom)), rgba[::-1])
        gc.restore()
        self.stale = False


# ------------------------------------------------------------------ helpers
def title(ax, text: str, size: float = 11) -> TextLayer:
    """``text`` centred 5 points above ``ax`` (what ``ax.set_title`` does, at a tenth of the cost)."""
    shift = ScaledTranslation(0, 5 / 72, ax.get_figure().dpi_scale_trans)
    layer = TextLayer().add_to(ax, transform=ax.transAxes + shift)
    layer.add(0.5, 1.0, text, size=size, va="bottom")
    return layer


def note(ax, lines: str | Sequence[str | tuple[str, str]], x: float = 0.0, y: float = -0.04,
         size: float = 10, va: str = "top", ha: str = "left", color: str = "k", **kwargs) -> TextLayer:
    """Lines of text at (x, y) in ``ax``'s axes fractions (default: under its left corner).

    ``lines`` : one string, or a sequence of strings or (text, colour) pairs, stacked
    downwards 1.3 font sizes apart. ``kwargs`` go to every :class:`Label` (``bold``, ``box``).
    """
    layer = TextLayer().add_to(ax, transform=ax.transAxes)
    if isinstance(lines, str):
        lines = [lines]
    step = 1.3 * size / 72 / ax.get_position().height / ax.get_figure().get_figheight()
    for k, line in enumerate(lines):
        text, line_color = (line, color) if isinstance(line, str) else line
        layer.add(x, y - k * step, text, color=line_color, ha=ha, va=va, size=size, **kwargs)
    return layer


def key(ax, items: Sequence[tuple[str, str]], x: float = 1.02, top: float = 1.0, step: float = 0.13,
        size: float = 9) -> TextLayer:
    """A legend as coloured "— label" lines right of ``ax`` (axes fractions; ``step`` apart)."""
    layer = TextLayer().add_to(ax, transform=ax.transAxes)
    for k, (label, color) in enumerate(items):
        layer.add(x, top - step * k, f"— {label}", color=color, ha="left", va="top", size=size)
    return layer


def text_strings(ax) -> list[str]:
    """Every string shown on ``ax``: its TextLayers' labels and its matplotlib texts (for tests)."""
    return [s for a in ax.artists if isinstance(a, TextLayer) for s in a.strings()] + [t.get_text() for t in ax.texts]
