"""dlcourse.widgetkit: the one view kit every week's widgets are built on.

A widget is a pure ``compute_*(**params) -> state`` (a small frozen dataclass), a
``render_*(state, fig)``, an optional ``_layout_*(fig)`` that creates the axes once, and a
thin builder that hands them to an :class:`Explorer` (see :mod:`.explorer`). The kit:

* :mod:`.explorer` - :class:`Explorer` (controls -> compute -> render -> PNG, errors shown
  under the figure, ``with explorer.hold():`` for several control changes with one redraw),
  :func:`figure_png`, :func:`clear_artists`;
* :mod:`.text` - the one glyph renderer :class:`TextLayer` (:class:`Label`) and the helpers
  :func:`title`, :func:`note`, :func:`key` (cheap replacements for titles, text and legends);
* :mod:`.static` - :func:`freeze_static` / :class:`StaticLayer`: fixed ticks, labels and
  legends drawn once into a cached bitmap;
* :mod:`.tables` - :class:`TableArtist`, :func:`plot_text_table`, :func:`add_text_table`;
* :mod:`.live` - :class:`LiveCurves`, a training loop's loss plot redrawn a bounded number of
  times while it runs (on only inside a Jupyter kernel), and :func:`in_notebook`;
* :mod:`.testing` - :func:`~.testing.check_widget_module`, the conformance checks every
  ``dlcourse.<week>.widgets`` module passes (run for all of them by
  ``tests/unit/test_widget_conformance.py``).

Plot modules (``dlcourse.<week>.plots``) may use the text, static and table pieces without
loading ipywidgets: the explorer's names are imported on first use.
"""

from __future__ import annotations

from .static import StaticLayer, freeze_static, pinned_legend
from .live import LiveCurves, in_notebook
from .tables import TableArtist, add_text_table, plot_text_table
from .text import Label, TextLayer, key, note, text_strings, title

__all__ = ["Explorer", "figure_png", "clear_artists", "TextLayer", "Label", "title", "note", "key", "text_strings",
           "StaticLayer", "freeze_static", "pinned_legend", "TableArtist", "plot_text_table", "add_text_table",
           "LiveCurves", "in_notebook"]


_EXPLORER_NAMES = ("Explorer", "figure_png", "clear_artists")


def __getattr__(name: str):
    if name in _EXPLORER_NAMES:                      # ipywidgets only for code that builds widgets
        from . import explorer
        return getattr(explorer, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
