"""One consistent, colour-blind-safe look for every figure of the course.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies); two-class maps run from its blue to its orange, sequential data uses
``viridis``. Notebooks call :func:`use_style` once in their setup cell.
"""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.colors import LinearSegmentedColormap, ListedColormap

__all__ = ["PALETTE", "CLASS_COLORS", "CLASS_CMAP", "REGION_CMAP", "SEQUENTIAL", "use_style", "class_color"]

PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
# Classes in a fixed order: class 0 (or -1) blue, class 1 (or +1) orange, then the rest.
CLASS_COLORS: list[str] = [PALETTE[k] for k in ("blue", "orange", "green", "purple", "sky", "vermillion", "yellow")]
CLASS_CMAP = ListedColormap(CLASS_COLORS, name="dlcourse_classes")
# Decision regions / scores: blue (negative class) -> white -> orange (positive class).
REGION_CMAP = LinearSegmentedColormap.from_list("dlcourse_regions", [PALETTE["blue"], "#FFFFFF", PALETTE["orange"]])
SEQUENTIAL = "viridis"

_RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 90,
    "axes.prop_cycle": mpl.cycler(color=CLASS_COLORS),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.frameon": False,
    "image.cmap": SEQUENTIAL,
    "savefig.bbox": "tight",
}


def use_style() -> None:
    """Apply the course style to matplotlib's global rcParams."""
    mpl.rcParams.update(_RC)


def class_color(label: int) -> str:
    """Colour of a class label; -1 maps to class 0's colour, +1 to class 1's."""
    index = 0 if label == -1 else int(label)
    return CLASS_COLORS[index % len(CLASS_COLORS)]
