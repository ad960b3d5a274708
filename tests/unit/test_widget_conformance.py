"""Every widget of every week passes the view kit's conformance checks
(:mod:`dlcourse.widgetkit.testing`): it builds with its defaults and draws a PNG, its state is a
frozen dataclass or NamedTuple, every control moves and every button clicks without an error
message, redraws leave nothing stale, and the week's package imports cheaply.

Discovery: every ``dlcourse.<package>.widgets`` (module or subpackage), so a new week's
widgets are checked as soon as they exist. Week-specific assertions (what a widget shows)
stay in tests/unit/test_<week>_widgets.py.
"""

from __future__ import annotations

import pytest

from dlcourse.plotting import use_style
from dlcourse.widgetkit import testing

MODULES = testing.widget_modules()
BUILDERS = [(module, builder) for module in MODULES for builder in testing.builders(module)]


def test_every_week_with_widgets_is_discovered():
    weeks = {m.split(".")[1] for m in MODULES}
    assert {"boosting", "mlp", "cnn", "training", "sequences"} <= weeks, MODULES


@pytest.mark.parametrize("module", MODULES)
def test_week_package_imports_cheaply(module):
    testing.check_imports_cheaply(module.rsplit(".", 1)[0])


@pytest.mark.parametrize("module, builder", BUILDERS,
                         ids=[f"{m.split('.')[1]}.{b.__name__}" for m, b in BUILDERS])
def test_widget_conforms(module, builder):
    use_style()                                   # as the notebooks do
    testing.check_builder(builder, module)


def test_the_check_rejects_a_dict_state_and_an_error_message():
    import ipywidgets as ipw

    from dlcourse.widgetkit import Explorer

    def dict_state():
        return Explorer({"a": ipw.IntSlider(1, min=0, max=3)}, lambda a: {"a": a}, lambda s, fig: None)
    dict_state.__module__ = __name__
    with pytest.raises(testing.WidgetCheckFailed, match="frozen dataclass"):
        testing.check_builder(dict_state, __name__)

    from typing import NamedTuple

    class State(NamedTuple):
        a: int

    def compute(a):
        if a == 3:
            raise ValueError("three is not allowed")
        return State(a)

    def breaks_at_max():
        return Explorer({"a": ipw.IntSlider(1, min=0, max=3)}, compute, lambda s, fig: fig.add_subplot())
    breaks_at_max.__module__ = __name__
    with pytest.raises(testing.WidgetCheckFailed, match="(?s)'a' = 3 showed an error.*three is not allowed"):
        testing.check_builder(breaks_at_max, __name__)
