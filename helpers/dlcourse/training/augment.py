"""Data augmentation for one image with scipy.ndimage (the Keras ``ImageDataGenerator`` knobs).

One random affine transform about the image centre: a rotation by U(-rotation, rotation)
degrees, a zoom by a factor U(1 - zoom, 1 + zoom) (> 1 enlarges the content), a shift by
U(-shift, shift) of the height and of the width, then a horizontal flip with probability ½ if
``hflip``. Pixels from outside are filled like Keras' ``fill_mode='nearest'`` (the nearest
edge pixel), ``'constant'`` (0) or ``'reflect'`` (the edge repeated: ``abcd|dcba``). Graded in Week 04 notebook 03: private.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .. import as_rng

__all__: list[str] = []


def _augment(img: np.ndarray, rng: np.random.Generator | int | None = None, rotation: float = 40.0,
             shift: float = 0.2, zoom: float = 0.2, hflip: bool = True, fill: str = "nearest") -> np.ndarray:
    """A randomly transformed copy of ``img`` (H, W) or (H, W, C), same shape and dtype.

    Draws exactly five numbers from ``rng`` in a fixed order (angle, zoom, dy, dx, flip coin),
    whatever the ranges, so the same rng state gives corresponding samples when a range
    changes. All ranges 0 and ``hflip=False`` -> an exact copy.
    """
    img = np.asarray(img)
    g = as_rng(rng)
    angle = np.deg2rad(g.uniform(-rotation, rotation))
    scale = g.uniform(1 - zoom, 1 + zoom)
    H, W = img.shape[:2]
    dy, dx = g.uniform(-shift, shift) * H, g.uniform(-shift, shift) * W
    flip = bool(hflip) and g.random() < 0.5
    out = img.astype(float)
    if angle != 0 or scale != 1 or dy != 0 or dx != 0:
        # output pixel o (row, col) samples the input at M o + offset (about the centre c)
        c = np.array([(H - 1) / 2, (W - 1) / 2])
        cos, sin = np.cos(angle), np.sin(angle)
        M = np.array([[cos, sin], [-sin, cos]]) / scale                       # rotate back, un-zoom
        offset = c - M @ (c + np.array([dy, dx]))
        if fill not in ("nearest", "constant", "reflect"):
            raise ValueError(f"fill must be 'nearest', 'constant' or 'reflect', got {fill!r}")
        mode = fill                    # scipy's names = Keras' fill_mode (reflect: abcd|dcba)
        if img.ndim == 2:
            out = ndimage.affine_transform(out, M, offset, order=1, mode=mode)
        else:                                                                 # channels last
            out = np.stack([ndimage.affine_transform(out[..., k], M, offset, order=1, mode=mode)
                            for k in range(img.shape[2])], axis=-1)
    if flip:
        out = out[:, ::-1]
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(img.dtype)
    return out.astype(img.dtype, copy=False).copy()
