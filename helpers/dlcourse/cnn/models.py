"""Small torch tools for looking at and training classifiers (Week 03 onwards).

* :func:`parameter_count` - trainable parameters of a model (not ``count_parameters``: that name
  is a Week 02 exercise);
* :func:`layer_summary` / :func:`format_summary` - a Keras-style table (layer, output shape,
  parameters) found by running a zeros input through the model with forward hooks;
* :func:`train_classifier` - mini-batch Adam on the cross-entropy of (N, K) logits, seeded
  shuffling, an optional ``tqdm`` progress bar and validation curves;
* :func:`accuracy` - the fraction of correct argmax predictions;
* :func:`digits_mlp` / :func:`narrow_digits_cnn` - the small baselines of the Week 03 size
  comparison on the 8x8 digits, and :func:`shift_images` / :func:`shift_accuracy` to test them
  on digits moved by one pixel;
* :func:`conv_dense_split` / :func:`format_parameter_split` - a model's parameters in conv and
  in dense layers, and a table of such splits for several networks;
* :func:`best_of` - the fastest of a few timed runs of a function.

Inputs may be NumPy arrays or tensors; they are converted to the model's floating dtype
(float32 for a default torch model) and labels to int64. Importing this module imports torch
(``import dlcourse.cnn`` alone does not).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["parameter_count", "layer_summary", "format_summary", "train_classifier", "accuracy",
           "digits_mlp", "narrow_digits_cnn", "shift_images", "shift_accuracy", "conv_dense_split",
           "format_parameter_split", "best_of"]


def _dtype(model: nn.Module) -> torch.dtype:
    """The model's floating dtype (that of its first parameter; float32 without parameters)."""
    return next((p.dtype for p in model.parameters() if p.is_floating_point()), torch.float32)


def _as_tensor(a: Any, dtype: torch.dtype) -> torch.Tensor:
    return torch.as_tensor(np.asarray(a) if not isinstance(a, torch.Tensor) else a).to(dtype)


def parameter_count(model: nn.Module) -> int:
    """Number of trainable parameters (``requires_grad``) of ``model``; shared tensors count once."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def layer_summary(model: nn.Module, input_shape: tuple[int, ...]) -> list[dict]:
    """Output shape and parameters of every leaf layer, in the order the forward pass calls them.

    Runs one zeros input of shape ``(1, *input_shape)`` through ``model`` (eval mode, no
    gradients; the mode is restored) with a forward hook on each leaf module.

    Parameters
    ----------
    model : nn.Module
    input_shape : tuple of int
        One sample's shape without the batch axis, e.g. ``(3, 150, 150)`` for (C, H, W).

    Returns
    -------
    list of dict
        One row per call of a leaf module: ``{"name": qualified name ("0", "features.1", ...),
        "type": class name, "output_shape": shape without the batch axis, "params": number of
        the layer's own parameters}``. A module called twice gets two rows; its parameters are
        counted in the first. Parameters owned by non-leaf modules are not listed.
    """
    rows: list[dict] = []
    seen: set[int] = set()

    def hook(name: str, module: nn.Module, _inputs, output) -> None:
        out = output[0] if isinstance(output, (tuple, list)) else output
        params = 0 if id(module) in seen else sum(p.numel() for p in module.parameters(recurse=False))
        seen.add(id(module))
        rows.append({"name": name, "type": type(module).__name__,
                     "output_shape": tuple(out.shape[1:]), "params": params})   # drop the batch axis

    leaves = [(n, m) for n, m in model.named_modules() if not any(m.children())]
    handles = [m.register_forward_hook(lambda mod, i, o, n=n: hook(n, mod, i, o)) for n, m in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros((1, *input_shape), dtype=_dtype(model)))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return rows


def format_summary(rows: list[dict]) -> str:
    """A readable table of :func:`layer_summary` rows, with the total of the parameter column."""
    lines = [f"{'layer':<22}{'output shape':>18}{'params':>14}", "-" * 54]
    for r in rows:
        lines.append(f"{r['name'] + ' (' + r['type'] + ')':<22}{str(r['output_shape']):>18}{r['params']:>14,}")
    lines += ["-" * 54, f"{'total':<22}{'':>18}{sum(r['params'] for r in rows):>14,}"]
    return "\n".join(lines)


@torch.no_grad()
def accuracy(model: nn.Module, X: Any, y: Any) -> float:
    """Fraction of samples whose argmax over the model's (N, K) output equals the label.

    ``X`` of shape (N, ...) and ``y`` of shape (N,) (arrays or tensors). The model runs in
    eval mode; its previous mode is restored.
    """
    was_training = model.training
    model.eval()
    pred = model(_as_tensor(X, _dtype(model))).argmax(dim=1)                  # (N,)
    model.train(was_training)
    return float((pred == _as_tensor(y, torch.int64)).float().mean())


def train_classifier(model: nn.Module, X_train: Any, y_train: Any, *, epochs: int, lr: float = 1e-3,
                     batch_size: int | None = 64, weight_decay: float = 0.0, seed: int = 0, progress: bool = True,
                     X_val: Any = None, y_val: Any = None,
                     optimizer: torch.optim.Optimizer | None = None) -> dict[str, Any]:
    """Train ``model`` (in place) on the mean cross-entropy of its (N, K) logits, with Adam over
    the parameters that require grad or with the ``optimizer`` given.

    Each epoch visits the training set once in a new random order (a ``torch.Generator``
    seeded with ``seed``); random layers such as dropout draw from torch's global RNG, seeded
    with ``seed`` inside a forked RNG state, so the caller's global state is untouched. Same
    model initialisation + same arguments => the same weights and history.

    Parameters
    ----------
    model : nn.Module
        Maps (N, ...) inputs to (N, K) logits (no softmax: cross-entropy applies it).
    X_train : array or tensor of shape (N, ...), e.g. (N, C, H, W)
    y_train : array or tensor of shape (N,), int class labels in 0..K-1
    epochs : int
        Passes over the data.
    lr, weight_decay : float
        Adam's learning rate and L2 penalty coefficient (unused when ``optimizer`` is given).
    batch_size : int or None
        Samples per gradient step (the last batch is smaller); None = full batch.
    seed : int
        Seeds the shuffling (and dropout).
    progress : bool
        Show a ``tqdm.auto`` progress bar over the epochs (it writes to stderr).
    X_val, y_val : optional arrays or tensors
        If given, the validation loss and accuracy are recorded after every epoch.
    optimizer : torch.optim.Optimizer, optional
        Use this optimiser (e.g. one with parameter groups for fine-tuning) instead of a new
        Adam; its state carries over between calls, so training can continue in chunks.

    Returns
    -------
    dict
        ``"loss"``: mean training loss of each epoch (list of ``epochs`` floats);
        ``"train_acc"``: accuracy on the mini-batches seen during each epoch (running, in
        train mode); ``"val_loss"``, ``"val_acc"``: per epoch (empty lists without validation
        data); ``"seconds"``: the wall time. The model is left in eval mode.
    """
    from tqdm.auto import tqdm

    dtype = _dtype(model)
    X, y = _as_tensor(X_train, dtype), _as_tensor(y_train, torch.int64)        # (N, ...), (N,)
    val = None if X_val is None or y_val is None else (_as_tensor(X_val, dtype), _as_tensor(y_val, torch.int64))
    if optimizer is None:
        optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr,
                                     weight_decay=weight_decay)
    batch_size = len(X) if batch_size is None else batch_size
    g = torch.Generator().manual_seed(seed)
    history: dict[str, Any] = {"loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):                 # dropout etc. seeded, caller's RNG untouched
        torch.manual_seed(seed)
        bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
        for _ in bar:
            loss, acc = _train_epoch(model, optimizer, X, y, torch.randperm(len(X), generator=g), batch_size)
            history["loss"].append(loss)
            history["train_acc"].append(acc)
            model.eval()
            if val is not None:
                val_loss, val_acc = _evaluate(model, *val)
                history["val_loss"].append(val_loss)
                history["val_acc"].append(val_acc)
            bar.set_postfix(loss=f"{loss:.3f}", **({"val_acc": f"{history['val_acc'][-1]:.3f}"} if val else {}))
        bar.close()
    history["seconds"] = time.perf_counter() - start
    return history


def _train_epoch(model: nn.Module, opt: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor,
                 order: torch.Tensor, batch_size: int) -> tuple[float, float]:
    """One pass over (X, y) in the given order, one optimiser step per mini-batch.
    Returns (mean loss, running accuracy) over the epoch's mini-batches."""
    model.train()
    total, correct = 0.0, 0
    for i in range(0, len(X), batch_size):
        idx = order[i:i + batch_size]
        logits = model(X[idx])                                                  # (B, K)
        loss = nn.functional.cross_entropy(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += int((logits.argmax(dim=1) == y[idx]).sum())
    return total / len(X), correct / len(X)


@torch.no_grad()
def _evaluate(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``model`` on (X, y), computed in whatever mode it is in."""
    logits = model(X)                                                           # (N, K)
    return float(nn.functional.cross_entropy(logits, y)), float((logits.argmax(dim=1) == y).float().mean())


def digits_mlp(hidden: int) -> nn.Sequential:
    """An MLP for (N, 1, 8, 8) digits: flatten, one hidden ReLU layer of ``hidden`` units, 10 logits."""
    return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


def narrow_digits_cnn() -> nn.Sequential:
    """A CNN for (N, 1, 8, 8) digits with 4 then 8 filters (3x3, same padding, ReLU, 2x2 max pool
    each), then one dense layer 32 -> 10: 666 parameters."""
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32, 10))


def shift_images(X: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move every (1, 8, 8) image of X (N, 1, 8, 8) by dy rows and dx columns (|dy|, |dx| <= 1),
    filling with the background 0."""
    padded = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))                  # (N, 1, 10, 10)
    return padded[:, :, 1 - dy:9 - dy, 1 - dx:9 - dx]                        # (N, 1, 8, 8)


def shift_accuracy(model: nn.Module, X: np.ndarray, y: Any) -> float:
    """Mean :func:`accuracy` on X (N, 1, 8, 8) moved one pixel down, up, right and left."""
    shifts = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    return float(np.mean([accuracy(model, shift_images(X, dy, dx), y) for dy, dx in shifts]))


def best_of(fn, repeats: int = 3) -> tuple[float, Any]:
    """Run ``fn()`` ``repeats`` times; the fastest time in seconds and the last result."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def conv_dense_split(model: nn.Module) -> tuple[int, int]:
    """(parameters of the model's ``nn.Conv2d`` layers, parameters of its ``nn.Linear`` layers)."""
    return (sum(p.numel() for m in model.modules() if isinstance(m, nn.Conv2d) for p in m.parameters()),
            sum(p.numel() for m in model.modules() if isinstance(m, nn.Linear) for p in m.parameters()))


def format_parameter_split(counts: dict[str, tuple[int, int]]) -> str:
    """A table: per network (name -> (conv parameters, dense parameters)) the two counts, the
    total and the dense layers' share of it."""
    lines = [f"{'network':<10}{'conv params':>14}{'dense params':>15}{'total':>15}{'dense share':>13}"]
    for name, (conv_total, dense_total) in counts.items():
        total = conv_total + dense_total
        lines.append(f"{name:<10}{conv_total:>14,}{dense_total:>15,}{total:>15,}{dense_total / total:>13.1%}")
    return "\n".join(lines)
