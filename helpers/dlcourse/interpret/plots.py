"""Week 08 figures: ``(data, ax) -> Axes``, no state. Many small maps are tiled into ONE image
(:func:`montage`), so a grid of 32 activation maps costs one ``imshow``, not 32 axes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.patches import Rectangle

from ..plotting import PALETTE, SEQUENTIAL

__all__ = ["montage", "map_grid", "filter_grid", "upsample", "blend", "overlay", "image", "patches_grid",
           "synthesized"]


def montage(tiles: np.ndarray, ncols: int | None = None, pad: int = 1, per_tile: bool = False) -> np.ndarray:
    """Tile ``tiles (n, h, w)`` into one ``(rows*(h+pad)-pad, ncols*(w+pad)-pad)`` image; gaps are NaN
    (drawn as background). ``per_tile`` rescales each tile to [0, 1] by its own min and max."""
    tiles = np.asarray(tiles, dtype=float)
    n, h, w = tiles.shape
    ncols = ncols or int(np.ceil(np.sqrt(n)))
    nrows = int(np.ceil(n / ncols))
    if per_tile:
        lo = tiles.min(axis=(1, 2), keepdims=True)
        span = tiles.max(axis=(1, 2), keepdims=True) - lo
        tiles = (tiles - lo) / np.where(span > 0, span, 1.0)
    out = np.full((nrows * (h + pad) - pad, ncols * (w + pad) - pad), np.nan)
    for k in range(n):
        r, c = divmod(k, ncols)
        out[r * (h + pad):r * (h + pad) + h, c * (w + pad):c * (w + pad) + w] = tiles[k]
    return out


def map_grid(maps: np.ndarray, ax, ncols: int | None = None, vmax: float | None = None, title: str | None = None):
    """Activation maps ``(C, u, v)`` as a tiled image on one shared colour scale (0 = black: 'off')."""
    maps = np.asarray(maps, dtype=float)
    vmax = vmax if vmax is not None else max(float(np.nanmax(maps)), 1e-9)
    ax.imshow(montage(maps, ncols), cmap="magma", vmin=0, vmax=vmax, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def filter_grid(w01: np.ndarray, ax, ncols: int | None = None, title: str | None = None):
    """First-layer filters ``(K, 1, kh, kw)`` already scaled to [0, 1], tiled in grey."""
    ax.imshow(montage(np.asarray(w01)[:, 0], ncols), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def upsample(heat: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a ``(u, v)`` heat map to ``shape`` (pixel centres aligned, as F.interpolate
    with align_corners=False)."""
    import torch
    import torch.nn.functional as F

    t = torch.as_tensor(np.asarray(heat, dtype=np.float32))[None, None]
    return F.interpolate(t, size=tuple(shape), mode="bilinear", align_corners=False)[0, 0].numpy()


def image(img: np.ndarray, ax, title: str | None = None, cmap: str = "gray"):
    """A grey image in [0, 1] without ticks."""
    ax.imshow(np.asarray(img), cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def blend(img: np.ndarray, heat: np.ndarray, alpha: float = 0.5, signed: bool = False) -> np.ndarray:
    """RGB ``(H, W, 3)``: ``heat`` (upsampled bilinearly to the image) coloured and mixed into the grey
    ``img`` with weight ``alpha``. ``signed``: a diverging map centred at 0, else 0 .. max."""
    import matplotlib

    img = np.asarray(img, dtype=float)
    heat = upsample(heat, img.shape) if np.shape(heat) != img.shape else np.asarray(heat, dtype=float)
    if signed:
        m = max(float(np.abs(heat).max()), 1e-9)
        rgb = matplotlib.colormaps["RdBu_r"]((heat / m + 1) / 2)[..., :3]
    else:
        rgb = matplotlib.colormaps[SEQUENTIAL](np.clip(heat, 0, None) / max(float(heat.max()), 1e-9))[..., :3]
    return (1 - alpha) * img[..., None] + alpha * rgb


def overlay(img: np.ndarray, heat: np.ndarray, ax, alpha: float = 0.5, title: str | None = None,
            signed: bool = False):
    """``heat`` (any size) over the grey ``img (H, W)`` as one blended RGB image (:func:`blend`)."""
    ax.imshow(blend(img, heat, alpha, signed), interpolation="nearest")
    ax.set(xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def patches_grid(X: np.ndarray, found: Sequence[tuple[int, tuple, float]], axes) -> None:
    """The images of :func:`~dlcourse.interpret.attribution.top_patches` with their receptive-field boxes."""
    for ax, (n, (r0, c0, r1, c1), value) in zip(axes, found):
        image(X[n, 0], ax, f"#{n}: {value:.2f}")
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False, lw=2, ec=PALETTE["orange"]))
    for ax in list(axes)[len(found):]:
        ax.axis("off")


def synthesized(img: np.ndarray, ax, label: str):
    """A synthesised input (any range, grey scale stretched to its own min and max) without ticks,
    titled ``label`` and its largest absolute pixel value ``max|x|``."""
    img = np.asarray(img)
    ax.imshow(img, cmap="gray")
    ax.set(xticks=[], yticks=[])
    ax.set_title(f"{label}, max|x| {np.abs(img).max():.0f}", fontsize=8)
    return ax
