"""Digits on a larger canvas, and a planted shortcut for the dataset-bias experiment (Week 08).

The 8x8 scikit-learn digits are upsampled to 12x12 and pasted in the middle of a 16x16 canvas,
which leaves a blank border of 2 pixels. :func:`add_tag` stamps a small bright square into the
top-left corner of that border: a "watermark" that says nothing about the digit. Training on
a set where every image of one class carries the tag (and no other image does) builds the
lecture's horse / source-tag situation on purpose.
"""

from __future__ import annotations

import numpy as np

__all__ = ["digit_canvas", "add_tag", "TAG_SIZE", "CANVAS_SIZE"]

#: Side of the canvas (pixels) and of the corner tag.
CANVAS_SIZE, TAG_SIZE = 16, 3
_DIGIT_SIZE = 12


def _upsample(X: np.ndarray) -> np.ndarray:
    """(N, 1, 8, 8) -> (N, 1, 16, 16): bilinear upsampling to 12x12, centred on a zero canvas."""
    from scipy.ndimage import zoom

    big = zoom(X[:, 0], (1, _DIGIT_SIZE / 8, _DIGIT_SIZE / 8), order=1)          # (N, 12, 12)
    out = np.zeros((len(X), 1, CANVAS_SIZE, CANVAS_SIZE))
    o = (CANVAS_SIZE - _DIGIT_SIZE) // 2
    out[:, 0, o:o + _DIGIT_SIZE, o:o + _DIGIT_SIZE] = np.clip(big, 0.0, 1.0)
    return out


def digit_canvas(test_size: float = 0.25, rng: np.random.Generator | int | None = 0):
    """scikit-learn's digits, each upsampled to 12x12 in the middle of a 16x16 canvas.

    Returns ``X_train, X_test, y_train, y_test``: X of shape (N, 1, 16, 16) float64 in [0, 1]
    (NCHW), y of shape (N,) int. The split is stratified and seeded (as :func:`digits`).
    """
    from .images import digits

    X_train, X_test, y_train, y_test = digits(test_size=test_size, rng=rng, images=True)
    return _upsample(X_train), _upsample(X_test), y_train, y_test


def add_tag(X: np.ndarray, mask: np.ndarray | None = None, value: float = 1.0) -> np.ndarray:
    """A copy of ``X (N, 1, H, W)`` with a TAG_SIZE x TAG_SIZE square of ``value`` in the top-left
    corner of the images selected by the boolean ``mask (N,)`` (all images if None)."""
    out = np.array(X, dtype=float, copy=True)
    sel = np.ones(len(out), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    out[sel, :, :TAG_SIZE, :TAG_SIZE] = value
    return out
