"""Bundled image sets (scikit-image / scikit-learn files that ship with the wheels)."""

from __future__ import annotations

import numpy as np

__all__ = ["lfw_faces"]


def lfw_faces() -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's 200-image subset of Labeled Faces in the Wild (bundled, no download).

    Returns
    -------
    images : ndarray of shape (200, 25, 25), float in [0, 1]
    y : ndarray of shape (200,), int: 1 for the first 100 (faces), 0 for the rest (non-faces)
    """
    from skimage.data import lfw_subset

    images = lfw_subset().astype(float)
    if images.max() > 1.0:
        images /= 255.0
    y = np.r_[np.ones(100, dtype=int), np.zeros(100, dtype=int)]
    return images, y
