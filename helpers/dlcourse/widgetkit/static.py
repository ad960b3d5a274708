"""What never changes in a widget figure, drawn once: :class:`StaticLayer` and :func:`freeze_static`.

Text is what matplotlib draws slowest (every glyph is rasterised on every draw), and a
widget's fixed tick labels, axis labels and legends never change: a layout calls
:func:`freeze_static` last, and those artists are drawn into two cached bitmaps (below and
above the axes) that every redraw pastes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Rectangle

__all__ = ["StaticLayer", "freeze_static", "pinned_legend"]


class StaticLayer(Artist):
    """Artists that look the same in every frame, drawn once into a cached bitmap and pasted.

    Text is what matplotlib draws slowest (every glyph is rasterised on every draw), and a
    widget's fixed tick labels, axis labels and legends never change. The ``artists`` given
    are taken out of the normal draw (``set_animated(True)``: Figure and Axes skip them) and
    drawn here into a transparent RGBA bitmap, cached per canvas size and dpi; ``invalidate``
    forces a fresh one. ``backgrounds`` are (Axes, facecolor) pairs: the Axes' own patch is
    made transparent and the colour drawn here instead. Set up by :func:`freeze_static`.
    """

    def __init__(self, artists: Sequence[Artist], backgrounds: Sequence[tuple[Axes, str]] = (), zorder: float = 0):
        super().__init__()
        self.set_zorder(zorder)
        self.frozen = list(artists)
        self.backgrounds = [Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=color, edgecolor="none")
                            for ax, color in backgrounds]
        for ax, _ in backgrounds:
            ax.patch.set_facecolor("none")
        for artist in self.frozen:
            artist.set_animated(True)
        self._key, self._rgba = None, None

    def invalidate(self) -> None:
        self._key = None
        self.stale = True

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        key = (renderer.width, renderer.height, renderer.dpi)
        if key != self._key:
            offscreen = RendererAgg(renderer.width, renderer.height, renderer.dpi)      # transparent
            for artist in [*self.backgrounds, *self.frozen]:
                artist.draw(offscreen)
            self._rgba = np.asarray(offscreen.buffer_rgba())[::-1].copy()          # (H, W, 4), rows bottom-up
            self._key = key
        gc = renderer.new_gc()
        renderer.draw_image(gc, 0, 0, self._rgba)
        gc.restore()


def freeze_static(fig: Figure, static_axis: Sequence[Axis] = ()) -> tuple[StaticLayer, StaticLayer]:
    """Draw what never changes in a widget figure from two cached bitmaps (see :class:`StaticLayer`).

    Below every Axes: their backgrounds and the ``static_axis`` objects (ticks, tick labels,
    grid lines, axis label) - only those whose limits and ticks are fixed in the layout.
    Above them: every figure legend (:func:`pinned_legend`) and figure text (fixed labels
    the layout placed with ``fig.text``). Call it last in a layout.
    """
    backgrounds = [(ax, ax.patch.get_facecolor()) for ax in fig.axes if ax.axison and ax.get_frame_on()]
    below = StaticLayer(static_axis, backgrounds, zorder=-100)
    above = StaticLayer([*fig.legends, *fig.texts], zorder=100)
    fig.add_artist(below)
    fig.add_artist(above)
    return below, above


def pinned_legend(ax: Axes, handles: Sequence[Artist], loc: str = "upper right", **kwargs) -> Legend:
    """A legend placed in ``ax`` at ``loc`` but owned by its figure, so it survives
    :func:`~dlcourse.widgetkit.clear_artists`: a widget layout draws it once (legend handles
    such as ``dlcourse.boosting.plots.class_handles``) instead of on every redraw."""
    kwargs = {"fontsize": 8, "borderaxespad": 0.3, **kwargs}
    return ax.get_figure().legend(handles=list(handles), loc=loc, bbox_to_anchor=(0, 0, 1, 1),
                                  bbox_transform=ax.transAxes, **kwargs)
