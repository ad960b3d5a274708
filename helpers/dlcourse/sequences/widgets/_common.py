"""Helpers shared by the week 05 widgets."""

from __future__ import annotations



import numpy as np
from matplotlib.ticker import LogLocator, NullLocator


def _few_log_ticks(ax) -> None:
    """Few major and no minor ticks on a log axis: tick labels are most of a redraw's cost."""
    ax.yaxis.set_major_locator(LogLocator(numticks=5))
    ax.yaxis.set_minor_locator(NullLocator())


def _check_shape(what: str, value, shape: tuple) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{what} returned shape {arr.shape}; expected {shape}")
    return arr
