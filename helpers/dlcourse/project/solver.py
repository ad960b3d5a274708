"""Training a :class:`~dlcourse.project.layers.Sequential` network: the loop, the curves, the LR range test.

The optimiser is a week 04 step function ``step(w, g, state, lr) -> new w`` (the student's
``adam_step`` or the reference), applied to every parameter with its own ``state`` dict. The
loss is a function ``loss_fn(logits, y) -> (loss, dlogits)`` (the notebook's
``softmax_cross_entropy``). Nothing here prints or plots.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from dlcourse import as_rng

__all__ = ["History", "train", "predict", "accuracy", "lr_range_test"]


@dataclass(frozen=True)
class History:
    """Per-step training losses and per-epoch accuracies of one run (lists of floats)."""
    losses: tuple[float, ...]          # one per mini-batch step
    train_acc: tuple[float, ...]       # one per epoch, on the training set (evaluation mode)
    val_acc: tuple[float, ...]         # one per epoch, on the validation set (empty without one)
    steps_per_epoch: int


def predict(model, X: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Class indices (N,) from the logits of ``model`` in evaluation mode."""
    return np.concatenate([model.forward(X[i:i + batch_size], train=False).argmax(axis=1)
                           for i in range(0, len(X), batch_size)])


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of samples whose predicted class is ``y``."""
    return float(np.mean(predict(model, X) == np.asarray(y)))


def _step_all(model, step: Callable, states: dict, lr: float) -> None:
    for name, g in model.grads.items():
        model.set_param(name, step(model.params[name], g, states.setdefault(name, {}), lr))


def train(model, loss_fn: Callable, step: Callable, X: np.ndarray, y: np.ndarray, *, lr: float, epochs: int,
          batch_size: int, rng: np.random.Generator | int | None = 0, X_val: np.ndarray | None = None,
          y_val: np.ndarray | None = None, progress: bool = False) -> History:
    """Mini-batch training: shuffle each epoch, forward, ``loss_fn``, backward, ``step`` every parameter.

    X : (N, C, H, W), y : (N,) ints. Stops early (returns what it has) if the loss becomes NaN or inf.
    """
    g = as_rng(rng)
    states: dict[str, dict] = {}
    losses, train_acc, val_acc = [], [], []
    epoch_iter = range(epochs)
    if progress:
        from tqdm.auto import tqdm
        epoch_iter = tqdm(epoch_iter, desc="epochs", leave=False)
    for _ in epoch_iter:
        order = g.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            loss, dlogits = loss_fn(model.forward(X[idx], train=True), y[idx])
            losses.append(float(loss))
            if not math.isfinite(losses[-1]):
                return History(tuple(losses), tuple(train_acc), tuple(val_acc), math.ceil(len(X) / batch_size))
            model.backward(dlogits)
            _step_all(model, step, states, lr)
        train_acc.append(accuracy(model, X, y))
        if X_val is not None:
            val_acc.append(accuracy(model, X_val, y_val))
    return History(tuple(losses), tuple(train_acc), tuple(val_acc), math.ceil(len(X) / batch_size))


def lr_range_test(make_model: Callable, loss_fn: Callable, step: Callable, X: np.ndarray, y: np.ndarray,
                  lrs: np.ndarray, *, batch_size: int = 64, steps: int = 1,
                  rng: np.random.Generator | int | None = 0) -> np.ndarray:
    """The learning-rate range test (L. Smith, 2017): one run whose rate grows along ``lrs``.

    A fresh ``make_model()`` takes ``steps`` mini-batch steps at each rate in turn (increasing);
    the loss of each step's batch is recorded (mean over the ``steps``). After the loss explodes
    the remaining entries are ``inf``. Returns losses of shape (len(lrs),).
    """
    g = as_rng(rng)
    model, states = make_model(), {}
    out = np.full(len(lrs), np.inf)
    order = g.permutation(len(X))
    pos = 0
    for i, lr in enumerate(lrs):
        seen = []
        for _ in range(steps):
            if pos + batch_size > len(X):
                order, pos = g.permutation(len(X)), 0
            idx = order[pos:pos + batch_size]
            pos += batch_size
            with np.errstate(all="ignore"):
                loss, dlogits = loss_fn(model.forward(X[idx], train=True), y[idx])
            seen.append(float(loss))
            if not math.isfinite(seen[-1]) or seen[-1] > 1e3:
                return out
            model.backward(dlogits)
            _step_all(model, step, states, float(lr))
        out[i] = float(np.mean(seen))
    return out
