"""Offline transfer learning on the bundled 8x8 digits (torch): a small CNN, pretrained on
digits 0-4 in about a second, re-used for 5-9 with a handful of labels.

:class:`DigitsCNN` = ``features`` (two conv blocks, the "convolutional base") + ``classifier``
(one Linear layer, the "top"). Feature extraction freezes ``features`` and trains a new
classifier; fine-tuning also trains the last block(s) with a smaller learning rate. Freezing
and building those models is the graded exercise (notebook 03): this module only provides
the base and the data split; training and scoring are :func:`dlcourse.cnn.models.train_classifier`
and :func:`dlcourse.cnn.models.accuracy`. :func:`compare_transfer` runs the notebook's
comparison (feature extraction, fine-tuning, training from scratch) with the student's model
builders. Importing it imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ..cnn.models import accuracy, train_classifier

__all__ = ["DigitsCNN", "digits_by_class", "few_shot_digits", "pretrain_digits_base", "compare_transfer"]


class DigitsCNN(nn.Module):
    """(N, 1, 8, 8) -> (N, n_classes) logits.

    features[0]: Conv 3x3 1->16, ReLU, MaxPool 2     (N, 16, 4, 4)
    features[1]: Conv 3x3 16->32, ReLU, MaxPool 2    (N, 32, 2, 2)
    classifier : Flatten, Linear(128, n_classes)
    """

    n_features = 128

    def __init__(self, n_classes: int = 5):
        super().__init__()
        block = lambda c_in, c_out: nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(),  # noqa: E731
                                                  nn.MaxPool2d(2))
        self.features = nn.Sequential(block(1, 16), block(16, 32))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(self.n_features, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def digits_by_class(classes: Sequence[int], split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """The digits of ``classes`` from dlcourse.data.digits' fixed split ('train' or 'test'):
    X (N, 1, 8, 8) float32 in [0, 1], y (N,) int64 relabelled 0..len(classes)-1 in that order."""
    from ..data import digits

    X_tr, X_te, y_tr, y_te = digits(images=True, rng=0)
    X, y = (X_tr, y_tr) if split == "train" else (X_te, y_te)
    keep = np.isin(y, classes)
    relabel = {c: k for k, c in enumerate(classes)}
    return (torch.tensor(X[keep], dtype=torch.float32),
            torch.tensor([relabel[int(c)] for c in y[keep]], dtype=torch.int64))


def few_shot_digits(classes: Sequence[int] = (5, 6, 7, 8, 9), n_per_class: int = 10,
                    seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """A target task with few labels: ``n_per_class`` training images per class drawn (seeded)
    from the training split, and the WHOLE test split of those classes for evaluation.
    Returns X_train (K n, 1, 8, 8), y_train (K n,), X_test, y_test; labels 0..K-1."""
    X, y = digits_by_class(classes, "train")
    g = np.random.default_rng(seed)
    idx = np.concatenate([g.choice(np.flatnonzero(y.numpy() == k), n_per_class, replace=False)
                          for k in range(len(classes))])
    return (X[idx], y[idx], *digits_by_class(classes, "test"))


def pretrain_digits_base(classes: Sequence[int] = (0, 1, 2, 3, 4), epochs: int = 10, lr: float = 3e-3,
                         seed: int = 0) -> tuple[DigitsCNN, dict]:
    """Train a :class:`DigitsCNN` on all training digits of ``classes`` (about 1 s on a CPU core).
    Returns (model, info) with info = {"test_accuracy", "seconds", "losses"} on those classes."""
    X, y = digits_by_class(classes, "train")
    with torch.random.fork_rng():                    # nn layers draw their init from the global RNG:
        torch.manual_seed(seed)                      # seed it locally, leave the caller's state alone
        model = DigitsCNN(len(classes))
    history = train_classifier(model, X, y, epochs=epochs, lr=lr, batch_size=64, seed=seed, progress=False)
    return model, {"test_accuracy": accuracy(model, *digits_by_class(classes, "test")),
                   "seconds": history["seconds"], "losses": history["loss"]}


def compare_transfer(base: DigitsCNN, feature_extractor_model, fine_tune_param_groups,
                     checkpoints: Sequence[int] = (10, 30, 100), lr: float = 3e-3, seeds: Sequence[int] = (0, 1, 2),
                     n_per_class: int = 10) -> dict[str, np.ndarray]:
    """Test accuracy on digits 5-9 of three ways to learn them from ``n_per_class`` labels each.

    Per seed: a few-shot split (:func:`few_shot_digits`), then, after ``torch.manual_seed(seed)``,
    ``feature_extractor_model(base, 5)`` (Adam on its ``classifier`` only), a second one trained
    with Adam on ``fine_tune_param_groups(model, lr)``, and a fresh ``DigitsCNN(5)`` (Adam on
    everything), each trained full batch and scored after every checkpoint (total epochs).
    Returns {"feature extraction", "fine-tuning", "from scratch"} -> (seeds, checkpoints).
    """
    from tqdm.auto import tqdm

    acc = {name: np.zeros((len(seeds), len(checkpoints))) for name in ("feature extraction", "fine-tuning",
                                                                        "from scratch")}
    for row, seed in enumerate(tqdm(seeds, desc="seeds")):
        X_few, y_few, X_test, y_test = few_shot_digits(n_per_class=n_per_class, seed=seed)
        torch.manual_seed(seed)
        models = {"feature extraction": feature_extractor_model(base, 5)}
        models["fine-tuning"] = feature_extractor_model(base, 5)
        models["from scratch"] = DigitsCNN(5)
        optimizers = {
            "feature extraction": torch.optim.Adam(models["feature extraction"].classifier.parameters(), lr=lr),
            "fine-tuning": torch.optim.Adam(fine_tune_param_groups(models["fine-tuning"], lr)),
            "from scratch": torch.optim.Adam(models["from scratch"].parameters(), lr=lr)}
        for name, model in models.items():
            done = 0
            for k, epochs in enumerate(checkpoints):
                train_classifier(model, X_few, y_few, epochs=epochs - done, batch_size=None, seed=seed,
                                 optimizer=optimizers[name], progress=False)
                done = epochs
                acc[name][row, k] = accuracy(model, X_test, y_test)
    return acc
