"""Shared helpers of the week 08 widgets (no builders here)."""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.figure import Figure

_N_IMAGES = 30


def _as_np(a) -> np.ndarray:
    return a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a, dtype=float)


def _image_axes(fig: Figure, n: int, widths=None) -> None:
    axes = fig.subplots(1, n, gridspec_kw={"width_ratios": widths} if widths else None)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.03, top=0.88, wspace=0.08)
    for ax in np.atleast_1d(axes):
        ax.set(xticks=[], yticks=[])
        ax.grid(False)
