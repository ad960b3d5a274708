"""Conformance checks for widget modules, in the spirit of scikit-learn's ``check_estimator``.

Every ``dlcourse.<week>.widgets`` module (a module or a ``widgets/`` subpackage) lists its
builders in ``__all__``; :func:`check_widget_module` runs, for each builder:

1. it builds with its defaults, without an error message under the figure;
2. the figure is a PNG in ``explorer.image``;
3. the state is a small frozen dataclass or a NamedTuple, of a class the widgets module
   defines (its ``compute_*`` documents it as the return type);
4. every control can be moved - every option of a choice, the ends and middle of a slider,
   both states of a checkbox, a number box up and down (text boxes are left alone: typed
   text may be rejected on purpose) - and every button clicked, without an error message;
5. redraws leave nothing stale: after all that, the figure holds what one render of the
   last state on a freshly laid-out figure holds, and its fixed texts and legends are
   frozen (:func:`~dlcourse.widgetkit.freeze_static`), not redrawn every time;

Checks 1-3 always use the defaults. A widgets module whose full walk would refit for minutes
may name lighter arguments for checks 4-5, ``CONFORMANCE_KWARGS = {"builder": {"n_max": 12}}``
(the widget is then built a second time with them).

And for the week: ``import dlcourse.<week>`` loads none of torch, matplotlib, ipywidgets,
scikit-learn, SciPy, scikit-image (students' numerics stay cheap to import).

``tests/unit/test_widget_conformance.py`` discovers every widgets module with
:func:`widget_modules` and runs these checks; ``tests/benchmarks/bench.py`` times the same
builders. A new week gets all of it by adding ``dlcourse/<week>/widgets``.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = ["WidgetCheckFailed", "widget_modules", "builders", "control_values", "built", "check_builder",
           "check_state_type", "check_imports_cheaply", "check_widget_module", "HEAVY_MODULES"]

HEAVY_MODULES = ("torch", "matplotlib", "ipywidgets", "sklearn", "scipy", "skimage")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class WidgetCheckFailed(AssertionError):
    """A widget broke one of the conformance rules; the message says which and how."""


def widget_modules() -> list[str]:
    """Names of every ``dlcourse.<package>.widgets`` module or subpackage, sorted."""
    import dlcourse

    names = []
    for info in pkgutil.iter_modules(dlcourse.__path__):
        if not info.ispkg:
            continue
        name = f"dlcourse.{info.name}.widgets"
        if importlib.util.find_spec(name) is not None:
            names.append(name)
    return sorted(names)


def builders(module) -> list[Callable]:
    """The builders a widgets module exports (its ``__all__``)."""
    if isinstance(module, str):
        module = importlib.import_module(module)
    names = getattr(module, "__all__", None)
    if not names:
        raise WidgetCheckFailed(f"{module.__name__} has no __all__: list the widget builders it exports")
    return [getattr(module, name) for name in names]


def control_values(control, n_slider: int = 3) -> list:
    """Values to move ``control`` through: every option of a choice, ``n_slider`` evenly spaced
    positions of a slider (its ends included), both states of a checkbox, a number box up and
    down. Empty for controls without a safe walk (free text, disabled controls)."""
    import ipywidgets as ipw

    if getattr(control, "disabled", False):
        return []
    if isinstance(control, ipw.SelectMultiple):
        options = [value for _, value in control._options_full]
        return [tuple(options[:1]), tuple(options)]
    if isinstance(control, (ipw.Dropdown, ipw.SelectionSlider, ipw.ToggleButtons, ipw.RadioButtons, ipw.Select)):
        return [value for _, value in control._options_full]
    if isinstance(control, ipw.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, ipw.FloatLogSlider):
        return list(control.base ** np.linspace(control.min, control.max, n_slider))
    if isinstance(control, (ipw.IntSlider, ipw.FloatSlider, ipw.IntRangeSlider, ipw.FloatRangeSlider)):
        values = np.linspace(control.min, control.max, n_slider)
        return [int(v) for v in values] if isinstance(control.value, int) else [float(v) for v in values]
    if isinstance(control, (ipw.FloatText, ipw.IntText, ipw.BoundedFloatText, ipw.BoundedIntText)):
        lo, hi = getattr(control, "min", -np.inf), getattr(control, "max", np.inf)
        return [type(control.value)(v) for v in (control.value + 1, control.value - 1) if lo <= v <= hi]
    return []


def _fail_if_message(explorer, what: str) -> None:
    if explorer.message.value:
        import html
        import re

        text = html.unescape(re.sub(r"<[^>]+>", "", explorer.message.value)).strip()
        raise WidgetCheckFailed(f"{what} showed an error under the figure:\n{text}")


def built(builder, **kwargs):
    """``builder(**kwargs)`` (or an Explorer already built), with errors raised from now on,
    after checking that it built without an error message and shows a PNG (for week tests)."""
    from .explorer import Explorer

    explorer = builder if isinstance(builder, Explorer) else builder(**kwargs)
    _fail_if_message(explorer, "building the widget")
    if not bytes(explorer.image.value[:8]) == PNG_MAGIC:
        raise WidgetCheckFailed("explorer.image does not hold a PNG")
    explorer.raise_errors = True
    return explorer


def check_state_type(state: Any, module_name: str, where: str) -> None:
    """The state is a frozen dataclass or a NamedTuple defined in ``module_name`` (or below it)."""
    cls = type(state)
    frozen = dataclasses.is_dataclass(state) and cls.__dataclass_params__.frozen
    named_tuple = isinstance(state, tuple) and hasattr(cls, "_fields")
    if not (frozen or named_tuple):
        raise WidgetCheckFailed(f"{where}: the state is a {cls.__name__}; make it a small frozen dataclass "
                                "(@dataclass(frozen=True)) or a NamedTuple, returned by its compute_* function")
    if not (cls.__module__ == module_name or cls.__module__.startswith(module_name + ".")):
        raise WidgetCheckFailed(f"{where}: the state class {cls.__module__}.{cls.__name__} is not defined in "
                                f"{module_name}: define it next to the widget's compute_* function")


def _drawn(fig) -> list:
    """What a figure holds: per axes the data artists by kind, then what the figure owns."""
    per_axes = [(len(ax.lines), len(ax.collections), len(ax.images), len(ax.patches), len(ax.texts),
                 [type(a).__name__ for a in ax.artists], ax.get_legend() is None) for ax in fig.axes]
    return [per_axes, len(fig.legends), len(fig.texts), [type(a).__name__ for a in fig.artists]]


def _walk(explorer, name: str) -> Iterator[Any]:
    control = explorer.controls[name]
    original = control.value
    for value in control_values(control):
        if value == control.value:
            continue
        control.value = value
        yield value
    if control.value != original:
        control.value = original
        yield original


def check_builder(builder: Callable, module_name: str | None = None, *, click_buttons: bool = True,
                  walk_kwargs: dict | None = None):
    """Run checks 1-5 of the module docstring on one builder; return the explorer.

    ``walk_kwargs`` : arguments of a second, lighter build for checks 4-5 (default: the
    module's ``CONFORMANCE_KWARGS`` entry for this builder, if any; else the default build).

    Raises :class:`WidgetCheckFailed` naming the builder, the control and the value at fault.
    """
    from matplotlib.figure import Figure

    from .explorer import Explorer, figure_png

    module_name = module_name or builder.__module__
    where = f"{module_name}.{builder.__name__}()"
    explorer = builder()
    if not isinstance(explorer, Explorer):
        raise WidgetCheckFailed(f"{where} returned a {type(explorer).__name__}, not a dlcourse.widgetkit.Explorer")
    _fail_if_message(explorer, f"{where} built with its defaults")
    if not bytes(explorer.image.value[:8]) == PNG_MAGIC:
        raise WidgetCheckFailed(f"{where}: explorer.image does not hold a PNG")
    check_state_type(explorer.state, module_name, where)
    state_type = type(explorer.state)
    if walk_kwargs is None:
        walk_kwargs = getattr(importlib.import_module(module_name), "CONFORMANCE_KWARGS", {}).get(builder.__name__)
    if walk_kwargs:
        explorer = builder(**walk_kwargs)
        where = f"{module_name}.{builder.__name__}(**{walk_kwargs!r})"
        _fail_if_message(explorer, where)
    for name in explorer.controls:
        for value in _walk(explorer, name):
            _fail_if_message(explorer, f"{where} with control {name!r} = {value!r}")
            if type(explorer.state) is not state_type:
                raise WidgetCheckFailed(f"{where}: control {name!r} = {value!r} gave a {type(explorer.state).__name__}"
                                        f" state, not a {state_type.__name__}: one state type per widget")
    if click_buttons:
        for label, button in explorer.buttons.items():
            button.click()
            _fail_if_message(explorer, f"{where} after clicking {label!r}")
    from .static import StaticLayer

    frozen = [a for layer in explorer.fig.artists if isinstance(layer, StaticLayer) for a in layer.frozen]
    loose = [a for a in [*explorer.fig.texts, *explorer.fig.legends] if a not in frozen]
    if loose:
        raise WidgetCheckFailed(f"{where}: figure texts or legends {loose} are redrawn every time: call "
                                "dlcourse.widgetkit.freeze_static(fig) last in the layout")
    after = _drawn(explorer.fig)
    fresh = Figure(figsize=explorer.fig.get_size_inches())
    if explorer.layout is not None:
        explorer.layout(fresh)
    explorer.render(explorer.state, fresh)
    if after != _drawn(fresh):
        raise WidgetCheckFailed(f"{where}: after moving the controls the figure holds {after}, but one render of "
                                f"the same state on a fresh layout holds {_drawn(fresh)}: a redraw left artists of "
                                "an earlier state behind (draw data in render_*, fixed things in _layout_*)")
    if not figure_png(fresh).startswith(PNG_MAGIC):
        raise WidgetCheckFailed(f"{where}: the fresh figure does not render to PNG")
    return explorer


def check_imports_cheaply(package: str, heavy: tuple[str, ...] = HEAVY_MODULES) -> None:
    """``import <package>`` in a fresh interpreter loads none of ``heavy``."""
    code = f"import sys, {package}; print(sorted(set({list(heavy)!r}) & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    if out != "[]":
        raise WidgetCheckFailed(f"import {package} loads {out}: import heavy libraries inside the functions "
                                "(or modules) that need them")


def check_widget_module(module_name: str) -> list[str]:
    """Every check for one widgets module and its week; returns the builders checked."""
    module = importlib.import_module(module_name)
    check_imports_cheaply(module_name.rsplit(".", 1)[0])
    checked = []
    for builder in builders(module):
        check_builder(builder, module_name)
        checked.append(builder.__name__)
    return checked
