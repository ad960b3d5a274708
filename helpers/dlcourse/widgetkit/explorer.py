"""The explorer: state + pure update + render + thin binding, the pattern of every course widget.

A week's ``widgets`` module writes two pure functions and hands them to :class:`Explorer`:

* ``compute(**params) -> state`` - a small frozen dataclass (or NamedTuple) of everything
  the picture needs; no drawing, no ipywidgets, so tests call it directly;
* ``render(state, fig) -> None`` - draws ``state`` on a blank ``matplotlib.figure.Figure``.

:class:`Explorer` owns the controls, calls ``compute`` then ``render`` on every change, and
shows the figure as a PNG in an ``ipywidgets.Image`` (no pyplot state, so it works the same
in JupyterLab, Notebook 7, Voila and headless tests). Errors raised by a callback are shown
under the figure instead of vanishing into the browser console.

Tests set ``explorer.controls["name"].value = ...`` in Python and assert on
``explorer.state`` and on ``explorer.fig`` (its axes, lines, collections).

To change several controls with one redraw (a button that moves three sliders, a preset that
fills a kernel), hold the redraws: ``with explorer.hold(): ...`` (see :meth:`Explorer.hold`).
"""

from __future__ import annotations

import contextlib
import html
import io
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import ipywidgets as ipw
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer", "figure_png", "clear_artists"]


def figure_png(fig: Figure, dpi: int = 72) -> bytes:
    """Render ``fig`` to PNG bytes: one Agg draw, fast zlib level.

    Bypasses ``savefig`` on purpose: with the course style's ``savefig.bbox = "tight"`` it
    would draw the figure twice, and widget figures have a fixed layout anyway.
    """
    fig.set_dpi(dpi)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    buf = io.BytesIO()
    PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buf, format="png", compress_level=1)
    return buf.getvalue()


def clear_artists(ax) -> None:
    """Remove what was drawn on ``ax`` (not its ticks, labels or limits): cheap, unlike ``ax.cla()``."""
    for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches, *ax.texts, *ax.tables, *ax.artists]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()


class Explorer:
    """Bind ipywidgets controls to a pure ``compute`` and a ``render``.

    Parameters
    ----------
    controls : name -> ipywidgets control; its ``.value`` is passed to ``compute`` as ``name=``.
    compute : ``(**params) -> state``.
    render : ``(state, fig) -> None``; draws on a cleared figure, or - with ``layout`` - on
        ``fig.axes`` emptied of their data artists.
    layout : optional ``(fig) -> None`` that creates the axes once (``fig.subplots(...)``,
        fixed labels, limits, spacing). Redraws then keep the axes and remove only what
        ``render`` drew (lines, collections, images, patches, texts, legends): creating and
        clearing axes is most of a redraw's cost in matplotlib, so prefer a layout.
    figsize : figure size in inches.
    buttons : label -> callback ``(explorer) -> None`` (e.g. "Next round" advancing a slider).
    title : optional HTML shown above the controls.
    """

    def __init__(self, controls: Mapping[str, ipw.Widget], compute: Callable[..., Any],
                 render: Callable[[Any, Figure], None], *, figsize: tuple[float, float] = (9, 4),
                 buttons: Mapping[str, Callable[["Explorer"], None]] | None = None,
                 title: str | None = None, dpi: int = 72, layout: Callable[[Figure], None] | None = None):
        self.controls = dict(controls)
        self.compute, self.render, self.dpi, self.layout = compute, render, dpi, layout
        self.fig = Figure(figsize=figsize)  # no layout engine: it would double the redraw time
        if layout is not None:
            layout(self.fig)
        self.image = ipw.Image(format="png")
        self.message = ipw.HTML()
        self.state: Any = None
        self.last_update_seconds = 0.0
        self.raise_errors = False  # tests set True so a broken callback fails the test
        self._held = 0             # > 0 inside ``with self.hold():``
        self.buttons = {}
        for label, callback in (buttons or {}).items():
            button = ipw.Button(description=label)
            button.on_click(lambda _b, cb=callback: self._run(cb, self))
            self.buttons[label] = button
        for control in self.controls.values():
            control.observe(lambda _change: self.update(), names="value")
            if getattr(control, "description", "") and hasattr(control, "style"):
                control.style.description_width = "initial"  # show labels in full, not "n_estimat..."
        rows = [ipw.HTML(title)] if title else []
        rows.append(ipw.HBox(list(self.controls.values())[:3]))
        if len(self.controls) > 3:
            rows.append(ipw.HBox(list(self.controls.values())[3:]))
        if self.buttons:
            rows.append(ipw.HBox(list(self.buttons.values())))
        self.widget = ipw.VBox([*rows, self.image, self.message])
        self.update()

    def params(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Recompute the state from the controls and redraw (what every control change calls);
        does nothing while redraws are held (:meth:`hold`)."""
        if self._held:
            return
        self._run(self._update)

    @property
    def held(self) -> bool:
        """True inside ``with explorer.hold():`` (an observer can tell its own changes apart)."""
        return self._held > 0

    @contextlib.contextmanager
    def hold(self, redraw: bool = True) -> Iterator["Explorer"]:
        """Hold redraws while several controls change, then redraw once.

        ``with ex.hold(): ex.controls["w1"].value = 1.0; ex.controls["w2"].value = -2.0``
        computes and draws once, when the block ends (``redraw=True``). An observer that runs
        *before* the Explorer's own (registered before the Explorer was built) and sets other
        controls in reaction to a change uses ``redraw=False``: the change that called it
        redraws anyway. Holds nest; only the outermost block redraws. While held,
        :attr:`held` is True, so such an observer can ignore the changes it makes itself.
        """
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
        if redraw and not self._held:
            self.update()

    def _update(self) -> None:
        start = time.perf_counter()
        self.state = self.compute(**self.params())
        if self.layout is None:
            self.fig.clear()
        else:
            for ax in self.fig.axes:
                clear_artists(ax)
        self.render(self.state, self.fig)
        self.image.value = figure_png(self.fig, self.dpi)
        self.last_update_seconds = time.perf_counter() - start

    def _run(self, fn: Callable, *args: Any) -> None:
        """Run a callback; its error goes under the figure. The message is cleared BEFORE the call,
        so an error of a redraw the callback triggers (a button moving a slider) stays visible."""
        self.message.value = ""
        try:
            fn(*args)
        except Exception as exc:  # show it under the figure: callbacks have no other outlet
            tb = traceback.format_exc(limit=3)
            self.message.value = (f"<pre style='color:#D55E00'>{html.escape(f'{type(exc).__name__}: {exc}')}\n"
                                  f"{html.escape(tb)}</pre>")
            if self.raise_errors:
                raise

    def _repr_mimebundle_(self, **kwargs):  # displaying the Explorer displays its widget
        return self.widget._repr_mimebundle_(**kwargs)
