"""Activation functions g(z) and their derivatives g'(z), elementwise on arrays of any shape.

Graded in the Week 02 notebook, hence the private names. Course conventions (syllabus,
section 0): ReLU'(0) = 0 (as torch autograd), leaky ReLU's slope 0.01, softmax over the
last axis (samples in rows). Float inputs keep their dtype (float32 stays float32);
anything else (ints, lists) becomes float64.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _as_float(z) -> np.ndarray:
    """``z`` as a floating array: float32/float64 kept, anything else converted to float64."""
    z = np.asarray(z)
    return z if np.issubdtype(z.dtype, np.floating) else z.astype(float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^{-z}), without overflow for large |z|.

    e^{-z} overflows for z < -709, so negative z use the equal form e^{z} / (1 + e^{z}):
    both branches only ever exponentiate -|z| <= 0. (e^{-|z|} may underflow to 0 for
    |z| > 745, which is the right answer to double precision: no warning for that.)
    """
    z = _as_float(z)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))                          # in [0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 - σ(z)); largest (0.25) at z = 0."""
    s = _sigmoid(z)
    return s * (1 - s)


def _tanh(z: np.ndarray) -> np.ndarray:
    """The true tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z}), range (-1, 1).

    The lecture slide's formula (1 - e^{-z}) / (1 + e^{-z}) is tanh(z/2) = 2σ(z) - 1, a
    different function (its slope at 0 is 1/2, not 1). NumPy's tanh is stable for any z.
    """
    return np.tanh(_as_float(z))


def _tanh_grad(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)^2; equal to 1 at z = 0."""
    t = np.tanh(_as_float(z))
    return 1 - t * t


def _relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    z = _as_float(z)
    return np.maximum(z, z.dtype.type(0))


def _relu_grad(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (ReLU'(0) = 0 by the course convention, as in torch)."""
    z = _as_float(z)
    return (z > 0).astype(z.dtype)


def _leaky_relu(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """z where z > 0, slope * z elsewhere (= max(slope*z, z) for 0 < slope < 1)."""
    z = _as_float(z)
    return np.where(z > 0, z, z.dtype.type(slope) * z)


def _leaky_relu_grad(z: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """1 where z > 0, ``slope`` elsewhere (the same convention at 0 as ReLU)."""
    z = _as_float(z)
    return np.where(z > 0, 1.0, slope).astype(z.dtype)


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """e^{z_i} / Σ_j e^{z_j} along ``axis`` (default: the class axis of (N, K) logits).

    Subtracting the max along the axis first changes nothing mathematically (softmax is
    shift-invariant) but keeps every exponent <= 0, so z = 1000 does not overflow.
    """
    z = _as_float(z)
    with np.errstate(under="ignore"):                  # e^{-2000} = 0 is fine
        e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


#: name -> (g, g'): what networks, widgets and plots look activations up by.
_ACTIVATIONS = {
    "sigmoid": (_sigmoid, _sigmoid_grad),
    "tanh": (_tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "leaky_relu": (_leaky_relu, _leaky_relu_grad),
    "linear": (lambda z: _as_float(z), lambda z: np.ones_like(_as_float(z))),
}
