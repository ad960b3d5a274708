"""Week 03 image data: the lecture's 9 x 9 X and O with its three 3 x 3 filters, and a seeded
synthetic detection set of coloured shapes with bounding boxes."""

from __future__ import annotations

import numpy as np

from .. import as_rng
from ..arrays import box_iou_matrix

__all__ = ["xo_images", "XO_FILTERS", "SHAPE_CLASSES", "shapes_dataset"]

#: The lecture's filters (Rohrer's X's and O's): f1 main diagonal, f2 an X, f3 anti-diagonal.
XO_FILTERS: dict[str, np.ndarray] = {
    "f1": np.array([[1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float),
    "f2": np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]], dtype=float),
    "f3": np.array([[-1, -1, 1], [-1, 1, -1], [1, -1, -1]], dtype=float),
}
for _f in XO_FILTERS.values():
    _f.setflags(write=False)

#: Class names of :func:`shapes_dataset`, by label.
SHAPE_CLASSES: tuple[str, ...] = ("square", "circle", "triangle")

_O_RING = [(1, 3), (1, 4), (1, 5), (2, 2), (2, 6), (3, 1), (3, 7), (4, 1), (4, 7), (5, 1), (5, 7),
           (6, 2), (6, 6), (7, 3), (7, 4), (7, 5)]


def xo_images() -> dict[str, np.ndarray]:
    """The lecture's two 9 x 9 images with pixels in {-1, +1} (-1 is background).

    "X": +1 on both diagonals from (1, 1) to (7, 7) and from (1, 7) to (7, 1) (0-indexed,
    the centre (4, 4) shared). "O": a ring of +1 inside the same 7 x 7 square.
    Fresh arrays on every call (safe to modify).
    """
    x = -np.ones((9, 9))
    idx = np.arange(1, 8)
    x[idx, idx] = 1.0
    x[idx, 8 - idx] = 1.0
    o = -np.ones((9, 9))
    o[tuple(np.array(_O_RING).T)] = 1.0
    return {"X": x, "O": o}


def _shape_mask(cls: int, s: int, rng: np.random.Generator) -> np.ndarray:
    """(s, s) boolean mask of a square, circle or triangle filling an s x s square (pixel centres tested)."""
    c = np.arange(s) + 0.5                                          # pixel centres
    yy, xx = np.meshgrid(c, c, indexing="ij")                       # (s, s)
    if cls == 0:
        return np.ones((s, s), dtype=bool)
    if cls == 1:
        return (xx - s / 2) ** 2 + (yy - s / 2) ** 2 <= (s / 2) ** 2
    # triangle: apex at the top middle, base along the bottom (optionally upside down)
    m = (yy >= 2 * np.abs(xx - s / 2)) if rng.random() < 0.5 else (s - yy >= 2 * np.abs(xx - s / 2))
    return m


def shapes_dataset(n: int, size: int = 32, max_objects: int = 3,
                   rng: np.random.Generator | int | None = 0
                   ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Coloured squares, circles and triangles on a dark noisy background, with tight boxes.

    Each image holds 1..``max_objects`` shapes of side size/4 .. size/2 in random bright
    colours; a new shape is placed so that its box overlaps earlier ones by IoU <= 0.2 (a
    little overlap is allowed; a later shape is drawn on top).
    Returns images (n, 3, size, size) float64 in [0, 1] (NCHW), boxes: a list of n
    (k, 4) arrays [x1, y1, x2, y2] in pixels (continuous coordinates: the box of pixel
    columns a..b is [a, b+1)), and labels: a list of n (k,) int64 arrays
    (0 square, 1 circle, 2 triangle, see ``SHAPE_CLASSES``).
    """
    g = as_rng(rng)
    images = np.clip(0.08 + 0.04 * g.standard_normal((n, 3, size, size)), 0.0, 1.0)
    all_boxes, all_labels = [], []
    lo, hi = max(4, size // 4), max(5, size // 2)
    for img in images:                                              # img: (3, size, size), a view
        boxes, labels = [], []
        for _ in range(int(g.integers(1, max_objects + 1))):
            for _attempt in range(20):
                cls, s = int(g.integers(3)), int(g.integers(lo, hi + 1))
                x0, y0 = int(g.integers(0, size - s + 1)), int(g.integers(0, size - s + 1))
                mask = _shape_mask(cls, s, g)
                rows, cols = np.nonzero(mask)
                box = np.array([x0 + cols.min(), y0 + rows.min(), x0 + cols.max() + 1, y0 + rows.max() + 1], float)
                if not boxes or box_iou_matrix(box, np.array(boxes)).max() <= 0.2:
                    break
            else:
                continue                                            # no room: fewer objects
            colour = g.uniform(0.45, 1.0, 3)
            colour[g.integers(3)] = g.uniform(0.0, 0.3)                 # one weak channel: a clear hue
            region = img[:, y0:y0 + s, x0:x0 + s]                   # (3, s, s)
            region[:, mask] = np.clip(colour[:, None] + 0.03 * g.standard_normal((3, mask.sum())), 0, 1)
            boxes.append(box)
            labels.append(cls)
        all_boxes.append(np.array(boxes, dtype=float).reshape(-1, 4))
        all_labels.append(np.array(labels, dtype=np.int64))
    return images, all_boxes, all_labels
