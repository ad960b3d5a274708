"""Small NumPy helpers shared by the data layer and the weeks (no week imports here).

:mod:`dlcourse.data` may import this module, never a week's; a week re-exports what it
teaches (``dlcourse.mlp.one_hot`` is :func:`one_hot`). Shapes follow CONTRIBUTING.md:
N samples, K classes, boxes (N, 4) as [x1, y1, x2, y2].
"""

from __future__ import annotations

import numpy as np

__all__ = ["one_hot", "box_area", "box_iou_matrix"]


def one_hot(y: np.ndarray, K: int | None = None) -> np.ndarray:
    """Integer classes y (N,) -> one-hot (N, K) floats (K defaults to max(y) + 1).

    ``y`` may have any shape (...,); the result is (..., K).
    """
    y = np.asarray(y, dtype=int)
    K = int(y.max()) + 1 if K is None else K
    return np.eye(K)[y]


def box_area(boxes: np.ndarray) -> np.ndarray:
    """Areas of (..., 4) boxes [x1, y1, x2, y2]; inverted boxes count as empty."""
    return np.clip(boxes[..., 2] - boxes[..., 0], 0, None) * np.clip(boxes[..., 3] - boxes[..., 1], 0, None)


def box_iou_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """IoU of every box in A (N, 4) with every box in B (M, 4): (N, M). 0 where the union is empty."""
    A, B = np.asarray(A, dtype=float).reshape(-1, 4), np.asarray(B, dtype=float).reshape(-1, 4)
    lo = np.maximum(A[:, None, :2], B[None, :, :2])                 # (N, M, 2) top-left of the overlap
    hi = np.minimum(A[:, None, 2:], B[None, :, 2:])                 # (N, M, 2) bottom-right
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)             # (N, M); clip: disjoint -> 0
    union = box_area(A)[:, None] + box_area(B)[None, :] - inter     # (N, M)
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
