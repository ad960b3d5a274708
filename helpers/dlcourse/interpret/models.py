"""The small CNNs Week 08 looks inside, trained by the course itself (nothing pretrained exists offline).

:func:`gap_cnn` builds the one architecture of the week, a CAM-ready conv -> GAP -> linear net on
16x16 digit canvases (layer names ``conv1 relu1 pool1 conv2 relu2 conv3 relu3 gap flatten fc``):

    (N, 1, 16, 16) -conv1-> (N, 8, 16, 16) -pool1-> (N, 8, 8, 8) -conv2-> (N, 16, 8, 8)
                   -conv3-> (N, 32, 8, 8) -gap-> (N, 32, 1, 1) -flatten-> (N, 32) -fc-> (N, 10)

:func:`trained_digit_cnn` trains it on :func:`dlcourse.data.digit_canvas` (seeded, a few
seconds on one core); :func:`trained_shortcut_cnn` trains the same net on a set in which every
training image of one class carries the corner tag of :func:`dlcourse.data.add_tag`. Both are
cached per argument tuple, so a notebook, its widgets and its tests share one training run.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..cnn.models import accuracy, train_classifier
from ..data.canvas import add_tag, digit_canvas

__all__ = ["gap_cnn", "trained_digit_cnn", "trained_shortcut_cnn", "TrainedModel", "SHORTCUT_CLASS",
           "CONV_LAYERS", "fold_batch_norm"]

#: The class whose training images carry the tag in the shortcut experiment.
SHORTCUT_CLASS = 3
#: Names of the convolutional layers (and of the ReLUs after them) in :func:`gap_cnn`.
CONV_LAYERS = ("conv1", "conv2", "conv3")
_EPOCHS, _LR, _BATCH = 6, 1e-2, 64


def gap_cnn(seed: int = 0, widths: tuple[int, int, int] = (8, 16, 32), num_classes: int = 10,
            batch_norm: bool = False) -> nn.Sequential:
    """A fresh conv -> GAP -> linear CNN (float32) with torch's default init, seeded locally.

    ``batch_norm=True`` adds ``bn1 bn2 bn3`` after the convolutions (for training only: see
    :func:`fold_batch_norm`).
    """
    c1, c2, c3 = widths
    bn = (lambda name, c: [(name, nn.BatchNorm2d(c))]) if batch_norm else (lambda name, c: [])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(1, c1, 3, padding=1)), *bn("bn1", c1), ("relu1", nn.ReLU()),     # (N, c1, 16, 16)
            ("pool1", nn.MaxPool2d(2)),                                                           # (N, c1, 8, 8)
            ("conv2", nn.Conv2d(c1, c2, 3, padding=1)), *bn("bn2", c2), ("relu2", nn.ReLU()),    # (N, c2, 8, 8)
            ("conv3", nn.Conv2d(c2, c3, 3, padding=1)), *bn("bn3", c3), ("relu3", nn.ReLU()),    # (N, c3, 8, 8)
            ("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),                         # (N, c3)
            ("fc", nn.Linear(c3, num_classes)),                                                   # (N, K) logits
        ]))


@torch.no_grad()
def fold_batch_norm(model: nn.Sequential, X) -> nn.Sequential:
    """The plain :func:`gap_cnn` computing what ``model`` (with ``bn*`` layers) computes in eval mode.

    First the batch-norm statistics are measured once more on ``X`` with the final weights (the
    running averages of training mix statistics of weights that have since changed); then each
    ``bn(conv(x)) = gamma (conv(x) - mean) / sqrt(var + eps) + beta`` is folded into the conv:
    ``w' = w * s``, ``b' = (b - mean) * s + beta`` with ``s = gamma / sqrt(var + eps)`` per channel.
    """
    mods = dict(model.named_children())
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None                                              # a plain average over the batches
    model.train()
    Xt = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    for i in range(0, len(Xt), 256):
        model(Xt[i:i + 256])
    model.eval()
    widths = tuple(mods[f"conv{k}"].out_channels for k in (1, 2, 3))
    plain = gap_cnn(0, widths, mods["fc"].out_features)
    for k in (1, 2, 3):
        conv, bn, out = mods[f"conv{k}"], mods[f"bn{k}"], getattr(plain, f"conv{k}")
        s = bn.weight / torch.sqrt(bn.running_var + bn.eps)                # (C_out,)
        out.weight.copy_(conv.weight * s[:, None, None, None])
        out.bias.copy_((conv.bias - bn.running_mean) * s + bn.bias)
    plain.fc.load_state_dict(mods["fc"].state_dict())
    return plain.eval()


@dataclass(frozen=True)
class TrainedModel:
    """A trained :func:`gap_cnn` with its data: ``X_*`` (N, 1, 16, 16) float32 arrays, ``y_*`` (N,)."""

    model: nn.Sequential
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_accuracy: float
    seconds: float


def _train(X_tr: np.ndarray, y_tr: np.ndarray, X_te: np.ndarray, y_te: np.ndarray, seed: int, epochs: int):
    start = time.perf_counter()
    model = gap_cnn(seed, batch_norm=True)
    train_classifier(model, X_tr, y_tr, epochs=epochs, lr=_LR, batch_size=_BATCH, seed=seed, progress=False)
    plain = fold_batch_norm(model, X_tr)
    return TrainedModel(plain, X_tr, y_tr, X_te, y_te, accuracy(plain, X_te, y_te), time.perf_counter() - start)


@functools.lru_cache(maxsize=4)
def trained_digit_cnn(seed: int = 0, epochs: int = _EPOCHS) -> TrainedModel:
    """:func:`gap_cnn` trained on the 16x16 digit canvases, cached.

    Trained with batch norm after each convolution (Adam, lr 1e-2, batch 64: a GAP net without
    it learns far more slowly), which is then folded into the convolutions, so the returned
    model is the plain architecture.

    The model is returned in eval mode. Do not train it further: the notebook, its widgets and
    its tests share this one cached object.
    """
    X_tr, X_te, y_tr, y_te = digit_canvas(rng=0)
    X_tr, X_te = X_tr.astype(np.float32), X_te.astype(np.float32)
    return _train(X_tr, y_tr, X_te, y_te, seed, epochs)


@functools.lru_cache(maxsize=4)
def trained_shortcut_cnn(seed: int = 0, epochs: int = _EPOCHS, tag_class: int = SHORTCUT_CLASS) -> TrainedModel:
    """The same net trained where every training image of ``tag_class`` (and no other) has the tag.

    ``X_test`` is the *clean* test set (no tags); tag it with :func:`dlcourse.data.add_tag` to see
    what the model learned. ``test_accuracy`` is measured on the clean test set.
    """
    X_tr, X_te, y_tr, y_te = digit_canvas(rng=0)
    X_tr = add_tag(X_tr, mask=y_tr == tag_class).astype(np.float32)
    X_te = X_te.astype(np.float32)
    return _train(X_tr, y_tr, X_te, y_te, seed, epochs)
