"""The lecture's 2-2-2 network, forward and backward by hand (sigmoid everywhere).

    inputs i1, i2  --w1..w4, b1-->  hidden h1, h2  --w5..w8, b2-->  outputs ŷ1, ŷ2

    h1 = σ(b1 + i1 w1 + i2 w2)      ŷ1 = σ(b2 + h1 w5 + h2 w6)
    h2 = σ(b1 + i1 w3 + i2 w4)      ŷ2 = σ(b2 + h1 w7 + h2 w8)
    J  = ½ [(ŷ1 - y1)² + (ŷ2 - y2)²]

Each layer's two neurons share one bias, so dJ/db sums both neurons' deltas. Weights are a
dict ``{"w1": ..., "w8": ..., "b1": ..., "b2": ...}`` (see :func:`dlcourse.data.backprop_222`);
internally they form matrices in the course layout Z = A_prev @ W + b, W of shape (n_prev, n).
Graded in the Week 02 notebook, hence the private names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import reference as ref

__all__: list[str] = []

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")


def _matrices(w: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """W_h (inputs x hidden) and W_o (hidden x outputs), both (2, 2): column j feeds neuron j."""
    W_h = np.array([[w["w1"], w["w3"]],
                    [w["w2"], w["w4"]]], dtype=float)     # i1 -> (h1 via w1, h2 via w3), i2 -> (w2, w4)
    W_o = np.array([[w["w5"], w["w7"]],
                    [w["w6"], w["w8"]]], dtype=float)     # h1 -> (o1 via w5, o2 via w7), h2 -> (w6, w8)
    return W_h, W_o


def _forward_222(weights: Mapping[str, float], x: Sequence[float]) -> dict[str, np.ndarray]:
    """Forward pass. x = (i1, i2). Returns arrays of shape (2,): net_h, h, net_o, yhat."""
    W_h, W_o = _matrices(weights)
    net_h = np.asarray(x, dtype=float) @ W_h + weights["b1"]    # (2,) net input of h1, h2
    h = ref.sigmoid(net_h)
    net_o = h @ W_o + weights["b2"]                             # (2,) net input of o1, o2
    return {"net_h": net_h, "h": h, "net_o": net_o, "yhat": ref.sigmoid(net_o)}


def _loss_222(yhat: Sequence[float], target: Sequence[float]) -> float:
    """J = ½ Σ (ŷ - y)²."""
    return 0.5 * float(np.sum((np.asarray(yhat, dtype=float) - np.asarray(target, dtype=float)) ** 2))


def _backward_222(weights: Mapping[str, float], x: Sequence[float], target: Sequence[float],
                  cache: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Gradients dJ/d(w1..w8, b1, b2) from the forward ``cache``, as a dict of floats."""
    _, W_o = _matrices(weights)
    x, t = np.asarray(x, dtype=float), np.asarray(target, dtype=float)
    h, yhat = np.asarray(cache["h"], dtype=float), np.asarray(cache["yhat"], dtype=float)
    delta_o = (yhat - t) * yhat * (1 - yhat)          # (2,) dJ/dnet_o = dJ/dŷ · σ'(net_o)
    delta_h = (W_o @ delta_o) * h * (1 - h)           # (2,) dJ/dnet_h: each h feeds BOTH outputs
    dW_o = np.outer(h, delta_o)                       # (2, 2) dJ/dW_o[j, k] = h_j · delta_o_k
    dW_h = np.outer(x, delta_h)                       # (2, 2) dJ/dW_h[i, j] = x_i · delta_h_j
    grads = {"w1": dW_h[0, 0], "w2": dW_h[1, 0], "w3": dW_h[0, 1], "w4": dW_h[1, 1],
             "w5": dW_o[0, 0], "w6": dW_o[1, 0], "w7": dW_o[0, 1], "w8": dW_o[1, 1],
             "b1": delta_h.sum(), "b2": delta_o.sum()}       # a shared bias collects both deltas
    return {k: float(v) for k, v in grads.items()}


def _update_222(weights: Mapping[str, float], grads: Mapping[str, float], lr: float) -> dict[str, float]:
    """One gradient-descent step w <- w - lr dJ/dw on every weight and bias (a new dict)."""
    return {k: float(weights[k] - lr * grads[k]) for k in WEIGHT_NAMES}
