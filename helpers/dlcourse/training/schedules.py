"""Learning-rate schedules (NumPy): eta as a function of the epoch (or iteration) t.

``t`` may be an int or an array of them (the formulas broadcast). Epochs count from 0,
as Keras passes them to a ``LearningRateScheduler`` (so eta(0) = eta0). The lecture's
exponential decay is eta0 e^{-kt} with k usually 0.1. The slide's Keras scheduler is
different: it multiplies the CURRENT rate by e^{-0.1 epoch}, so the decays compound
(:func:`_slide_keras_scheduler`, :func:`keras_lr_sequence`). Graded in the Week 04
notebook 01, hence the private names.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["keras_lr_sequence"]


def _time_decay(eta0: float, k: float, t):
    """Time-based decay: eta0 / (1 + k t)."""
    return eta0 / (1 + k * np.asarray(t, dtype=float))


def _step_decay(eta0: float, drop: float, every: int, t):
    """Step decay (a staircase): eta0 · drop^floor(t / every), e.g. halve every 10 epochs."""
    return eta0 * drop ** np.floor(np.asarray(t, dtype=float) / every)


def _exp_decay(eta0: float, k: float, t):
    """Exponential decay: eta0 · e^{-k t}.  _exp_decay(0.01, 0.1, 10) = 0.01/e = 0.0036788."""
    return eta0 * np.exp(-k * np.asarray(t, dtype=float))


def _slide_keras_scheduler(epoch: int, lr: float, k: float = 0.1, warmup: int = 10) -> float:
    """The slide's ``LearningRateScheduler`` function, literally::

        def scheduler(epoch, lr):
            if epoch < 10:
                return lr
            else:
                return lr * np.exp(-0.1 * epoch)

    Keras calls it at the start of every epoch with the rate in use, so from epoch 10 on the
    factors multiply: lr(14) = lr0 · e^{-0.1 (10 + 11 + 12 + 13 + 14)}, not lr0 · e^{-0.1·14}.
    ``k`` and ``warmup`` generalise the slide's 0.1 and 10 (for the schedule plotter).
    """
    return float(lr) if epoch < warmup else float(lr * np.exp(-k * epoch))


def keras_lr_sequence(scheduler: Callable[[int, float], float], lr0: float, n_epochs: int) -> np.ndarray:
    """The rates a Keras ``LearningRateScheduler(scheduler)`` uses for epochs 0..n_epochs-1,
    starting from the optimiser's ``lr0``: lr_e = scheduler(e, lr_{e-1}), lr_{-1} = lr0.

    From 0.01 the slide's scheduler gives 0.01 (epochs 0-9), 0.0036788, 0.0012246,
    0.00036883, 0.00010052, 2.4788e-5 (epochs 10-14). Returns shape (n_epochs,).
    """
    lrs, lr = np.empty(n_epochs), float(lr0)
    for epoch in range(n_epochs):
        lr = float(scheduler(epoch, lr))
        lrs[epoch] = lr
    return lrs
