"""Helpers shared by the week 03 widgets."""

from __future__ import annotations



from matplotlib.figure import Figure

from ...plotting import PALETTE

GOOD, BAD = PALETTE["green"], PALETTE["vermillion"]


def _fig_rect(fig: Figure, left: float, bottom: float, width: float, height: float):
    """An axes placed in inches (so cells keep their size on any figure)."""
    fw, fh = fig.get_size_inches()
    return fig.add_axes((left / fw, bottom / fh, width / fw, height / fh))
