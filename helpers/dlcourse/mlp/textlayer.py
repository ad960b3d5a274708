"""Moved: the glyph text renderer is :mod:`dlcourse.widgetkit.text` (import it from
:mod:`dlcourse.widgetkit`). This alias stays for code written before the move; no module of
``dlcourse`` imports it."""

from ..widgetkit.text import Label, TextLayer

__all__ = ["Label", "TextLayer"]
