"""Bundled image sets (scikit-image / scikit-learn files that ship with the wheels)."""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["lfw_faces", "digits", "photo", "PHOTOS"]

#: Names :func:`photo` accepts: scikit-image photos that ship inside its wheel (no pooch download).
PHOTOS: tuple[str, ...] = ("camera", "astronaut", "coffee", "chelsea")


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


def digits(test_size: float = 0.25, rng: np.random.Generator | int | None = 0, images: bool = False):
    """scikit-learn's bundled 8x8 digits (1797 images, 10 classes), scaled to [0, 1], split.

    Returns ``X_train, X_test, y_train, y_test`` with X of shape (N, 64) - or (N, 1, 8, 8)
    (NCHW) with ``images=True`` - float64, and y of shape (N,) int. The split is stratified
    and seeded.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    from .. import as_rng

    data = load_digits()
    X = data.data / 16.0                                              # (1797, 64) in [0, 1]
    if images:
        X = X.reshape(-1, 1, 8, 8)                                    # (N, 1, 8, 8)
    seed = int(as_rng(rng).integers(2**31 - 1))
    return train_test_split(X, data.target, test_size=test_size, stratify=data.target, random_state=seed)


@functools.lru_cache(maxsize=16)
def _photo(name: str, size: int) -> np.ndarray:
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.transform import resize

    image = getattr(skimage.data, name)()                            # (H, W) or (H, W, 3) uint8
    image = rgb2gray(image) if image.ndim == 3 else image / 255.0     # (H, W) in [0, 1]
    h, w = image.shape
    side = min(h, w)                                                  # centre square crop
    image = image[(h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]
    out = resize(image, (size, size), order=1, anti_aliasing=side > size, preserve_range=True)
    out = np.clip(out, 0.0, 1.0)
    out.setflags(write=False)
    return out


def photo(name: str = "camera", size: int = 128) -> np.ndarray:
    """A bundled scikit-image photo as a grayscale float image (offline: the files ship in its wheel).

    ``name`` : one of ``PHOTOS`` ("camera", "astronaut", "coffee", "chelsea"). The centre square
    is cropped and resized (bilinear, anti-aliased) to ``size`` x ``size``.
    Returns an ndarray of shape (size, size), float64 in [0, 1] (a fresh copy on every call).
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {PHOTOS}")
    if int(size) < 2:
        raise ValueError(f"size must be at least 2, got {size}")
    return _photo(name, int(size)).copy()
