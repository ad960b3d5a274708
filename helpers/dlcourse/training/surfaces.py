"""2-D test surfaces for optimisers, and a runner that records a trajectory (NumPy).

Each :class:`Surface` has a value and a gradient that work on one point (2,) or on many
(..., 2) at once, its minimum (where the value is 0), a default start and a plotting window:

* ``quadratic``  f = ½ (x² + 2 y²)                    round-ish bowl, min (0, 0)
* ``ravine``     f = ½ (x² + 50 y²)                   condition number 50: plain GD zig-zags
                                                      across the valley and crawls along it
* ``rosenbrock`` f = (1 - x)² + 100 (y - x²)²         curved banana valley, min (1, 1)

:func:`run_optimizer` runs any step function of the :mod:`.optimizers` interface on a surface.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["Surface", "quadratic", "ravine", "rosenbrock", "SURFACES", "run_optimizer", "diverged_at",
           "DIVERGENCE_BOUND"]

DIVERGENCE_BOUND = 1e6      # a run whose |w| exceeds this (or turns NaN/inf) has diverged


@dataclass(frozen=True)
class Surface:
    """A test function. ``f(W)`` : (..., 2) -> (...); ``grad(W)`` : (..., 2) -> (..., 2)."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    minimum: tuple[float, float]
    start: tuple[float, float]                       # a default w0
    extent: tuple[float, float, float, float]        # (x0, x1, y0, y1) for plots

    def __call__(self, W: np.ndarray) -> np.ndarray:
        return self.f(W)


def _xy(W):
    W = np.asarray(W, dtype=float)
    return W[..., 0], W[..., 1]


def _quadratic_f(W):
    x, y = _xy(W)
    return 0.5 * (x ** 2 + 2 * y ** 2)


def _quadratic_grad(W):
    x, y = _xy(W)
    return np.stack([x, 2 * y], axis=-1)


def _ravine_f(W):
    x, y = _xy(W)
    return 0.5 * (x ** 2 + 50 * y ** 2)


def _ravine_grad(W):
    x, y = _xy(W)
    return np.stack([x, 50 * y], axis=-1)


def _rosenbrock_f(W):
    x, y = _xy(W)
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _rosenbrock_grad(W):
    x, y = _xy(W)
    return np.stack([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)], axis=-1)


quadratic = Surface("quadratic", _quadratic_f, _quadratic_grad, (0.0, 0.0), (-2.5, 1.8), (-3.0, 3.0, -2.2, 2.2))
ravine = Surface("ravine", _ravine_f, _ravine_grad, (0.0, 0.0), (-4.5, 0.8), (-5.0, 5.0, -1.2, 1.2))
rosenbrock = Surface("rosenbrock", _rosenbrock_f, _rosenbrock_grad, (1.0, 1.0), (-1.5, 2.0), (-2.0, 2.0, -1.0, 3.0))
SURFACES: dict[str, Surface] = {s.name: s for s in (quadratic, ravine, rosenbrock)}


def run_optimizer(step: Callable, surface: Surface, w0=None, lr=0.01, n_steps: int = 100,
                  **hyper) -> np.ndarray:
    """Iterate ``w <- step(w, surface.grad(w), state, lr, **hyper)`` from ``w0``.

    ``w0`` : (2,) or (L, 2) - L runs at once (default: ``surface.start``); ``lr`` : a float,
    or an array of shape (L,) giving each run its own rate (the step functions broadcast).
    Returns the trajectory, shape (n_steps + 1, 2) or (n_steps + 1, L, 2), row 0 = w0. A run
    that diverges (|w| > DIVERGENCE_BOUND, or NaN/inf) is stopped: its later rows are NaN.
    No overflow warnings are raised.
    """
    w = np.array(surface.start if w0 is None else w0, dtype=float)
    lr = np.asarray(lr, dtype=float)
    if lr.ndim == 1:
        lr = lr[:, None]                                               # (L, 1) broadcasts over (L, 2)
        w = np.broadcast_to(w, (lr.shape[0], 2)).copy()
    traj = np.full((n_steps + 1, *w.shape), np.nan)
    traj[0] = w
    state: dict = {}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for t in range(1, n_steps + 1):
            w_new = np.asarray(step(w, surface.grad(w), state, lr, **hyper), dtype=float)
            if w_new.shape != w.shape:
                raise ValueError(f"the step returned shape {w_new.shape} for parameters of shape {w.shape}: "
                                 "it must return the new parameters, shaped like w")
            ok = np.all(np.isfinite(w_new) & (np.abs(w_new) <= DIVERGENCE_BOUND), axis=-1, keepdims=True)
            w = np.where(ok & np.isfinite(w).all(axis=-1, keepdims=True), w_new, np.nan)
            traj[t] = w
            if np.isnan(w).all():
                break
    return traj


def diverged_at(trajectory: np.ndarray) -> np.ndarray | int | None:
    """The first step whose row is NaN (the run diverged before it) - or None if it never did.
    For a (T, L, 2) trajectory: an int array (L,), -1 for runs that did not diverge."""
    bad = np.isnan(trajectory).any(axis=-1)                            # (T,) or (T, L)
    first = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    if trajectory.ndim == 2:
        return None if first < 0 else int(first)
    return first
