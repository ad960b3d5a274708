"""The view kit itself: Explorer.hold, error reporting, the text helpers, the shared glyph renderer."""

from __future__ import annotations

import subprocess
import sys
from typing import NamedTuple

import ipywidgets as ipw
import numpy as np
import pytest
from matplotlib.figure import Figure

from dlcourse.widgetkit import (Explorer, TableArtist, TextLayer, figure_png, key, note, plot_text_table, text_strings,
                                title)
from dlcourse.widgetkit.text import line_coverage


class Sum(NamedTuple):
    total: float


def _explorer(**kwargs):
    calls = []

    def compute(a, b, c):
        calls.append((a, b, c))
        if a < 0:
            raise ValueError("a must not be negative")
        return Sum(a + b + c)

    controls = {name: ipw.IntSlider(0, min=-5, max=5) for name in "abc"}
    return Explorer(controls, compute, lambda s, fig: None, **kwargs), calls


def test_hold_redraws_once_after_several_changes():
    ex, calls = _explorer()
    calls.clear()
    with ex.hold():
        assert ex.held
        ex.controls["a"].value, ex.controls["b"].value, ex.controls["c"].value = 1, 2, 3
        assert calls == []                                  # nothing computed while held
    assert not ex.held
    assert calls == [(1, 2, 3)] and ex.state == Sum(6)


def test_hold_without_redraw_and_nested_holds():
    ex, calls = _explorer()
    calls.clear()
    with ex.hold(redraw=False):
        ex.controls["a"].value = 4
    assert calls == [] and ex.state == Sum(0)               # the caller's own change redraws
    with ex.hold():
        with ex.hold():
            ex.controls["b"].value = 1
        assert calls == []                                  # only the outermost block redraws
    assert calls == [(4, 1, 0)]


def test_an_error_of_a_redraw_a_button_triggers_stays_visible():
    def to_negative(explorer):
        with explorer.hold():
            explorer.controls["a"].value = -1

    ex, _ = _explorer(buttons={"negative": to_negative})
    ex.buttons["negative"].click()
    assert "a must not be negative" in ex.message.value
    ex.controls["a"].value = 2                              # a good redraw clears it
    assert ex.message.value == "" and ex.state == Sum(2)


def test_importing_the_kit_does_not_load_ipywidgets_until_the_explorer_is_used():
    code = ("import sys; import dlcourse.widgetkit as k; from dlcourse.widgetkit import TextLayer, title; "
            "a = 'ipywidgets' in sys.modules; k.Explorer; print(a, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_title_note_and_key_draw_text_layers_with_their_strings():
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    title(ax, "a title")
    note(ax, ["first", ("second", "red")], y=0.5)
    note(ax, "single")
    key(ax, [("train", "blue"), ("validation", "orange")])
    assert text_strings(ax) == ["a title", "first", "second", "single", "— train", "— validation"]
    layers = [a for a in ax.artists if isinstance(a, TextLayer)]
    assert [lab.color for lab in layers[1].labels] == ["k", "red"]
    assert layers[1].labels[0].y > layers[1].labels[1].y          # stacked downwards
    assert figure_png(fig)[:4] == b"\x89PNG"


def test_text_and_tables_share_one_glyph_renderer():
    ink, width = line_coverage("0.125", 12, False)
    assert ink.dtype == np.float32 and ink.shape[0] == 36 and width > 0 and ink.max() > 0.5
    with pytest.raises(ValueError):                              # cached: read-only
        ink[0, 0] = 1
    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot()
    plot_text_table(ax, [["1", "0.125"]], ["i", "D1"], highlight={(0, 1)})
    (table,) = [a for a in ax.artists if isinstance(a, TableArtist)]
    assert table.cells == [["1", "0.125"]] and table.highlight == {(0, 1)}
    png = figure_png(fig)
    assert png[:4] == b"\x89PNG"
