"""Regularisation in NumPy: L1/L2 penalties, inverted dropout, early stopping, log-scale sampling.

Conventions: the penalties follow the slides, J + lambda Σ w² and J + lambda Σ |w| (no ½,
no 1/m; biases are not penalised - pass only the weights). Dropout is parameterised by
``keep_prob`` (syllabus section 0; torch's ``p`` = 1 - keep_prob) and is inverted: the kept
units are scaled by 1/keep_prob in training so nothing changes at test time. Early stopping
follows Keras' ``EarlyStopping(min_delta, patience, restore_best_weights=True)``. Graded in
Week 04 notebook 03, hence the private names.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .. import as_rng

__all__: list[str] = []


def _weights(params) -> Iterable[np.ndarray]:
    return params.values() if isinstance(params, Mapping) else params


def _l2_penalty(params, lam: float) -> float:
    """lambda Σ_k w_k² over every array in ``params`` (a dict or a list of weight arrays)."""
    return float(lam * sum(np.sum(np.square(w)) for w in _weights(params)))


def _l1_penalty(params, lam: float) -> float:
    """lambda Σ_k |w_k| over every array in ``params``."""
    return float(lam * sum(np.sum(np.abs(w)) for w in _weights(params)))


def _dropout_forward(x: np.ndarray, keep_prob: float, training: bool = True,
                     rng: np.random.Generator | int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout. Training: keep each unit with probability ``keep_prob``
    (mask = U(0,1) < keep_prob, drawn from ``rng``) and divide the kept ones by keep_prob, so
    E[out] = x. Not training (test time): the identity, mask all True.
    Returns (out like x, mask: bool array like x)."""
    x = np.asarray(x)
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    if not training or keep_prob == 1:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = as_rng(rng).random(x.shape) < keep_prob
    return x * mask / keep_prob, mask


def _dropout_backward(dout: np.ndarray, mask: np.ndarray, keep_prob: float) -> np.ndarray:
    """The gradient flows only through the kept units, with the same 1/keep_prob scale."""
    return np.asarray(dout) * mask / keep_prob


class _EarlyStopping:
    """Stop when the validation loss has not improved by at least ``min_delta`` for ``patience``
    epochs; remember the best epoch (and a deep copy of the state passed with it).

    ``step(val_loss, state=None) -> bool`` is called once per epoch (epochs count from 0) and
    returns True when training should stop. An improvement means val_loss < best - min_delta
    (so 0.0005 better does not count with min_delta = 0.001); each non-improving epoch adds one
    to ``wait``, and the step that makes wait == patience returns True.
    Attributes: ``best_loss``, ``best_epoch``, ``best_state``, ``wait``, ``epoch``, ``stopped_epoch``.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.001):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_state = np.inf, -1, None
        self.wait, self.epoch, self.stopped_epoch = 0, -1, None

    def step(self, val_loss: float, state: Any = None) -> bool:
        self.epoch += 1
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch, self.wait = float(val_loss), self.epoch, 0
            self.best_state = copy.deepcopy(state)
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = self.epoch
            return True
        return False


def _log_uniform(low: float, high: float, n: int, rng: np.random.Generator | int | None = None) -> np.ndarray:
    """n samples whose log10 is uniform on [log10 low, log10 high] (e.g. a learning rate in
    [1e-4, 1]: r = U(-4, 0), lr = 10^r). Shape (n,)."""
    return 10.0 ** as_rng(rng).uniform(np.log10(low), np.log10(high), n)
