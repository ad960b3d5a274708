"""Over-fitting on a small 2-D problem (torch): an MLP trained with an L1/L2 penalty and
dropout, recording train/validation curves and the decision map after every epoch, so early
stopping can be replayed for any patience without retraining (the over-fitting lab, W4.5).

Full-batch Adam on binary cross-entropy; the loss minimised is BCE + lambda Σ w² (L2) or
BCE + lambda Σ |w| (L1) over the weight matrices (not the biases), as on the slides.
Dropout (``keep_prob``, torch's p = 1 - keep_prob) follows every hidden layer. The recorded
curves are the plain BCE in eval mode (no dropout, no penalty), so runs compare fairly.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["regularised_mlp", "fit_regularised_mlp", "proba_at"]


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Run a tiny model on one thread (then restore the count): a few-thousand-parameter MLP
    gains nothing from threads, and on a busy 2-core machine they made it 3-4x slower."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


def regularised_mlp(hidden: Sequence[int] = (64, 64), keep_prob: float = 1.0, in_features: int = 2,
                    seed: int = 0) -> nn.Sequential:
    """Linear -> ReLU -> Dropout(1 - keep_prob) per hidden layer, then Linear(., 1) (a logit);
    float64, initialised by torch's defaults under a local seed."""
    layers, n = [], in_features
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        for width in hidden:
            layers += [nn.Linear(n, width), nn.ReLU()]
            if keep_prob < 1:
                layers.append(nn.Dropout(p=1 - keep_prob))
            n = width
        layers.append(nn.Linear(n, 1))
        return nn.Sequential(*layers).double()


def fit_regularised_mlp(X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
                        hidden: Sequence[int] = (64, 64), penalty: str = "l2", lam: float = 0.0,
                        keep_prob: float = 1.0, epochs: int = 300, lr: float = 0.01, seed: int = 0) -> dict:
    """Train and record, per epoch e = 1..epochs (after that epoch's update):
    ``train_loss``, ``val_loss`` (BCE), ``train_acc``, ``val_acc`` - arrays (epochs,) - and
    ``states``: the parameters after every epoch (a list of state dicts, for restoring the best
    epoch: see :func:`proba_at`). Also ``model`` (after the last epoch), ``seconds`` (wall time)
    and ``n_params``."""
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty must be 'l1' or 'l2', got {penalty!r}")
    model = regularised_mlp(hidden, keep_prob, X.shape[1], seed)
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    Xt, yt = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    Xv, yv = torch.tensor(X_val, dtype=torch.float64), torch.tensor(y_val, dtype=torch.float64)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    bce = nn.functional.binary_cross_entropy_with_logits
    hist = {k: np.empty(epochs) for k in ("train_loss", "val_loss", "train_acc", "val_acc")}
    states = []
    start = time.perf_counter()
    with _one_thread(), torch.random.fork_rng():                     # dropout masks: seeded locally
        torch.manual_seed(seed + 1)
        for e in range(epochs):
            model.train()
            reg = sum((w ** 2).sum() if penalty == "l2" else w.abs().sum() for w in weights)
            loss = bce(model(Xt)[:, 0], yt) + lam * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
            model.eval()
            with torch.no_grad():
                for split, (A, b) in {"train": (Xt, yt), "val": (Xv, yv)}.items():
                    logit = model(A)[:, 0]
                    hist[f"{split}_loss"][e] = float(bce(logit, b))
                    hist[f"{split}_acc"][e] = float(((logit > 0).double() == b).double().mean())
            states.append({k: v.detach().clone() for k, v in model.state_dict().items()})
    return {**hist, "states": states, "model": model, "seconds": time.perf_counter() - start,
            "n_params": sum(p.numel() for p in model.parameters())}


@torch.no_grad()
def proba_at(fit: dict, epoch: int, X: np.ndarray) -> np.ndarray:
    """P(class 1) for X (N, 2) with the parameters recorded after ``epoch`` (1-based) of a
    :func:`fit_regularised_mlp` run (eval mode: no dropout). Shape (N,)."""
    model = fit["model"]
    model.load_state_dict(fit["states"][epoch - 1])
    model.eval()
    with _one_thread():
        out = torch.sigmoid(model(torch.tensor(X, dtype=torch.float64))[:, 0]).numpy()
    model.load_state_dict(fit["states"][-1])
    return out
