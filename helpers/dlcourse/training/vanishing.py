"""Vanishing gradients in NumPy: the lecture's gradient table, and Glorot / He initialisers.

The lecture's table (Week 04, verified by simulation): the Week 02 2-2-2 sigmoid network
(:mod:`dlcourse.mlp.backprop`) trained for three iterations with lr 0.5, biases updated.
The lower layer's gradients (w1..w4) are about 100x smaller than the upper layer's (w5..w8).
Graded pieces are private.
"""

from __future__ import annotations

import numpy as np

from .. import as_rng

__all__ = ["LECTURE_GRADIENT_TABLE", "TABLE_COLUMNS"]

#: Column order of the lecture's table: the output layer's weights first.
TABLE_COLUMNS = ("w5", "w6", "w7", "w8", "w1", "w2", "w3", "w4")
#: The lecture's table, rows = iterations 0, 1, 2, columns = TABLE_COLUMNS (printed to 6 decimals).
LECTURE_GRADIENT_TABLE = np.array([
    [0.082167, 0.082668, -0.022603, -0.022740, 0.000439, 0.000877, 0.000498, 0.000995],
    [0.083706, 0.084219, -0.023732, -0.023877, 0.000366, 0.000733, 0.000426, 0.000852],
    [0.084819, 0.085340, -0.024896, -0.025049, 0.000285, 0.000570, 0.000345, 0.000689],
])


def _gradient_table_222(n_iters: int = 3, lr: float = 0.5) -> np.ndarray:
    """dJ/dw for TABLE_COLUMNS at iterations 0..n_iters-1 of gradient descent on the 2-2-2
    network (every weight and bias updated after each backward pass). Shape (n_iters, 8)."""
    from ..data.tables import BACKPROP_222          # (lazy: dlcourse.data imports scikit-learn)
    from ..mlp.backprop import _backward_222, _forward_222, _update_222

    weights, x, target = dict(BACKPROP_222["weights"]), BACKPROP_222["x"], BACKPROP_222["target"]
    rows = []
    for _ in range(n_iters):
        grads = _backward_222(weights, x, target, _forward_222(weights, x))
        rows.append([grads[k] for k in TABLE_COLUMNS])
        weights = _update_222(weights, grads, lr)
    return np.array(rows)


def _glorot_uniform(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """W ~ U(-a, a), a = √(6 / (fan_in + fan_out)), so Var(W) = 2 / (fan_in + fan_out).
    Shape (fan_in, fan_out) (the course layout Z = A W + b)."""
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return as_rng(rng).uniform(-a, a, (fan_in, fan_out))


def _he_normal(fan_in: int, fan_out: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """W ~ N(0, 2 / fan_in) (keeps ReLU activations' variance from layer to layer). (fan_in, fan_out)."""
    return np.sqrt(2.0 / fan_in) * as_rng(rng).standard_normal((fan_in, fan_out))
