"""Layout and title helpers shared by the week 10 widgets."""

from __future__ import annotations

from matplotlib.figure import Figure

__all__: list[str] = []


def _title(ax, text: str) -> None:
    """A title as a plain text artist (``set_title`` re-lays out the axes: most of a redraw's cost)."""
    ax.text(0.5, 1.02, text, transform=ax.transAxes, ha="center", va="bottom", fontsize=10)


def _layout_bars_and_text(fig: Figure) -> None:
    _layout_two_panels(fig)
    fig.axes[1].set_axis_off()


def _layout_two_panels(fig: Figure, ratio=(1, 1.3)) -> None:
    gs = fig.add_gridspec(1, 2, width_ratios=ratio, left=0.08, right=0.98, bottom=0.22, top=0.88, wspace=0.15)
    fig.add_subplot(gs[0, 0])
    fig.add_subplot(gs[0, 1])
