"""Helpers shared by the week 02 widgets."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..activations import _leaky_relu, _leaky_relu_grad
from .. import reference as ref

ActivationPair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]
REFERENCE_ACTIVATIONS: dict[str, ActivationPair] = {
    "sigmoid": (ref.sigmoid, ref.sigmoid_grad), "tanh": (ref.tanh, ref.tanh_grad),
    "relu": (ref.relu, ref.relu_grad), "leaky_relu": (_leaky_relu, _leaky_relu_grad)}


def _evaluate(fn: Callable, z: np.ndarray, what: str) -> np.ndarray:
    out = np.asarray(fn(z), dtype=float)
    if out.shape != z.shape:
        raise ValueError(f"{what} returned shape {out.shape} for input of shape {z.shape}: it must be elementwise")
    return out
