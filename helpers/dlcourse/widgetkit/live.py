"""A live training curve: one small figure that a training loop redraws a few times while it runs.

A loop creates a :class:`LiveCurves` with its number of iterations and calls
:meth:`LiveCurves.update` with the iteration count and its history (a dict of lists, read, never
copied) after every iteration or chunk of iterations; the figure is redrawn only when the count
passes the next scheduled redraw, at most ``redraws`` times per run plus a final frame, so the
plot costs a fixed few hundred milliseconds whatever the number of iterations.

The figure is a plain :class:`matplotlib.figure.Figure` (no pyplot state) rendered to PNG and
shown through one IPython display handle that each redraw replaces, so it works in JupyterLab,
Notebook 7, VS Code and in a notebook executed headless (the last frame stays in the saved
output). It is off outside a Jupyter kernel (scripts, pytest, ``make bench``) and whenever the
environment variable ``DLCOURSE_LIVE`` is ``0``; ``enabled=True`` forces it on (tests).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["LiveCurves", "in_notebook"]


def in_notebook() -> bool:
    """True inside a Jupyter kernel (an IPython shell started by ipykernel), False in scripts and pytest."""
    try:
        from IPython import get_ipython
    except ImportError:                                                 # pragma: no cover - IPython is pinned
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _plain_curves(ax: Axes, history: Mapping[str, Sequence[float]]) -> None:
    for name, values in history.items():
        ax.plot(values, lw=1.2, label=name.replace("_", " "))
    ax.set(xlabel="iteration", ylabel="value")
    if history:
        ax.legend(loc="upper right", fontsize=8)


class LiveCurves:
    """Redraw a training history a bounded number of times while a loop runs.

    Parameters
    ----------
    total : the number of iterations the loop will run (sets the redraw schedule).
    draw : ``(ax, history) -> None`` drawing the curves on an emptied Axes (default: one line
        per key). A week passes its own plot helper, so the live plot looks like its static one.
    redraws : at most this many redraws, the final frame included (every ``ceil(total / redraws)``
        iterations and at ``total``). One redraw costs about 50-100 ms.
    title : text before "iteration i of total" in the figure's title.
    enabled : None (default) = on in a Jupyter kernel unless ``DLCOURSE_LIVE=0``; True/False force it.
    """

    def __init__(self, total: int, draw: Callable[[Axes, Mapping], object] | None = None, redraws: int = 20,
                 title: str = "", figsize: tuple[float, float] = (5.5, 2.6), dpi: int = 72,
                 enabled: bool | None = None):
        if enabled is None:
            enabled = in_notebook() and os.environ.get("DLCOURSE_LIVE", "1") != "0"
        self.enabled, self.total, self.title, self.dpi = bool(enabled), int(total), title, dpi
        self.every = max(1, math.ceil(self.total / max(1, redraws)))
        self.draw_curves = draw or _plain_curves
        self.redraws, self.png, self.last_step = 0, b"", 0
        self._next = self.every
        self._handle = None
        self._fig = self._ax = None
        if self.enabled:                                      # fixed margins: no layout engine on every redraw
            self._fig = Figure(figsize=figsize)
            self._fig.subplots_adjust(left=0.11, right=0.97, bottom=0.19, top=0.88)
            self._ax = self._fig.add_subplot()

    def update(self, step: int, history: Mapping[str, Sequence[float]]) -> bool:
        """Tell the plot that ``step`` iterations are done; redraw if a scheduled redraw was passed
        (or the run is complete). Returns whether it redrew."""
        if not self.enabled or (step < self._next and step < self.total) or step == self.last_step:
            return False
        self._redraw(step, history)
        self._next = (step // self.every + 1) * self.every
        return True

    def close(self, history: Mapping[str, Sequence[float]]) -> None:
        """Draw the final frame if the last update did not (a loop stopped early, or never updated)."""
        if self.enabled and self.last_step != len(next(iter(history.values()), [])):
            self._redraw(len(next(iter(history.values()), [])), history)

    def _redraw(self, step: int, history: Mapping[str, Sequence[float]]) -> None:
        from IPython.display import Image, display

        from .explorer import clear_artists, figure_png

        ax = self._ax
        clear_artists(ax)                                     # keeps the axes: much cheaper than clearing the figure
        self.draw_curves(ax, history)
        ax.relim()
        ax.autoscale_view()
        ax.set_xlim(-0.02 * self.total, 1.02 * self.total)         # a fixed x axis: the curves grow across it
        ax.set_title(f"{self.title + ': ' if self.title else ''}iteration {step} of {self.total}", fontsize=10)
        self.png = figure_png(self._fig, dpi=self.dpi)
        if self._handle is None:
            self._handle = display(Image(data=self.png, format="png"), display_id=True)
        else:
            self._handle.update(Image(data=self.png, format="png"))
        self.redraws += 1
        self.last_step = step
