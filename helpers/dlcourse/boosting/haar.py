"""Viola-Jones building blocks: the integral image and Haar-like rectangle features.

Integral image (this course pads it): ``ii`` has shape (H+1, W+1), ``ii[0, :] = ii[:, 0] = 0``
and ``ii[r, c] = img[:r, :c].sum()``, so any rectangle sum costs four look-ups:

    sum(img[r:r+h, c:c+w]) = ii[r+h, c+w] - ii[r, c+w] - ii[r+h, c] + ii[r, c]

Haar-like features (value = sum under grey - sum under white) on a window (r, c, h, w):
``'2h'`` left white | right grey; ``'2v'`` top white / bottom grey; ``'3h'`` white | grey |
white (three equal columns); ``'4'`` 2x2 checkerboard, grey on the top-right and
bottom-left. The window must split evenly (w even for '2h', w % 3 == 0 for '3h', ...).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .. import as_rng

__all__ = ["HAAR_KINDS", "haar_split", "haar_rectangles", "random_haar_features", "haar_feature_matrix"]

HaarKind = Literal["2h", "2v", "3h", "4"]
HAAR_KINDS: tuple[str, ...] = ("2h", "2v", "3h", "4")
_SPLITS = {"2h": (1, 2), "2v": (2, 1), "3h": (1, 3), "4": (2, 2)}   # (rows, cols) of sub-rectangles
_SIGNS = {"2h": [[-1, 1]], "2v": [[-1], [1]], "3h": [[-1, 1, -1]], "4": [[-1, 1], [1, -1]]}


def _integral_image(img: np.ndarray) -> np.ndarray:
    """(H, W) -> padded integral image (H+1, W+1)."""
    img = np.asarray(img, float)
    ii = np.zeros((img.shape[0] + 1, img.shape[1] + 1))
    ii[1:, 1:] = img.cumsum(axis=0).cumsum(axis=1)
    return ii


def _rect_sum(ii: np.ndarray, r: int, c: int, h: int, w: int) -> float:
    """Sum of img[r:r+h, c:c+w] from the padded integral image."""
    return float(ii[r + h, c + w] - ii[r, c + w] - ii[r + h, c] + ii[r, c])


def haar_split(kind: HaarKind) -> tuple[int, int]:
    """The (rows, cols) grid of sub-rectangles a feature of ``kind`` splits into: '3h' -> (1, 3).

    A feature's height must be a multiple of rows and its width a multiple of cols.
    """
    if kind not in _SPLITS:
        raise ValueError(f"unknown Haar feature kind {kind!r}; expected one of {HAAR_KINDS}")
    return _SPLITS[kind]


def haar_rectangles(kind: HaarKind, r: int, c: int, h: int, w: int) -> list[tuple[int, int, int, int, int]]:
    """The (sign, r, c, h, w) sub-rectangles of a Haar feature (sign +1 grey, -1 white)."""
    rows, cols = _SPLITS[kind]
    if h % rows or w % cols:
        raise ValueError(f"a '{kind}' feature needs h divisible by {rows} and w by {cols}, got h={h}, w={w}")
    sh, sw = h // rows, w // cols
    return [(_SIGNS[kind][i][j], r + i * sh, c + j * sw, sh, sw) for i in range(rows) for j in range(cols)]


def _haar_feature(ii: np.ndarray, kind: HaarKind, r: int, c: int, h: int, w: int) -> float:
    """Value of one Haar feature (grey - white) from the padded integral image."""
    return sum(s * _rect_sum(ii, rr, cc, hh, ww) for s, rr, cc, hh, ww in haar_rectangles(kind, r, c, h, w))


def random_haar_features(n: int, shape: tuple[int, int], rng: np.random.Generator | int | None = 0,
                         min_size: int = 2) -> list[tuple[str, int, int, int, int]]:
    """n random valid features (kind, r, c, h, w) that fit in an image of ``shape`` (H, W)."""
    g, (H, W) = as_rng(rng), shape
    feats = []
    while len(feats) < n:
        kind = HAAR_KINDS[g.integers(len(HAAR_KINDS))]
        rows, cols = _SPLITS[kind]
        sh = g.integers(max(1, min_size // rows), H // rows + 1)
        sw = g.integers(max(1, min_size // cols), W // cols + 1)
        h, w = int(sh * rows), int(sw * cols)
        r, c = int(g.integers(0, H - h + 1)), int(g.integers(0, W - w + 1))
        feats.append((kind, r, c, h, w))
    return feats


def haar_feature_matrix(images: np.ndarray, features: list[tuple[str, int, int, int, int]]) -> np.ndarray:
    """Evaluate features on many images at once: images (N, H, W) -> (N, F)."""
    images = np.asarray(images, float)
    ii = np.zeros((images.shape[0], images.shape[1] + 1, images.shape[2] + 1))
    ii[:, 1:, 1:] = images.cumsum(axis=1).cumsum(axis=2)                  # (N, H+1, W+1)
    out = np.zeros((images.shape[0], len(features)))
    for j, feature in enumerate(features):
        for s, r, c, h, w in haar_rectangles(*feature):
            out[:, j] += s * (ii[:, r + h, c + w] - ii[:, r, c + w] - ii[:, r + h, c] + ii[:, r, c])
    return out
