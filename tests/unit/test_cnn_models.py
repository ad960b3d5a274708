"""dlcourse.cnn.models: parameter counts, the layer summary and the training loop.

Oracles: parameter counts worked out by hand (K*F*F*C + K per conv, n_in*n_out + n_out per
dense layer) and the lecture's Keras model (3,453,121); a toy problem the loop must learn;
"same seed => same weights" and an untouched global RNG.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.cnn.models import accuracy, format_summary, layer_summary, parameter_count, train_classifier


def _small_cnn() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 3 * 3, 5))


def _blobs(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two well separated Gaussian blobs in 2-D: X (n, 2), y (n,) in {0, 1}."""
    g = np.random.default_rng(seed)
    y = g.integers(0, 2, n)
    X = g.normal(size=(n, 2)) * 0.5 + np.where(y[:, None] == 1, 2.0, -2.0)
    return X, y


# ------------------------------------------------------------------------------ counting and summary
def test_parameter_count_counts_trainable_parameters_only():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    assert parameter_count(model) == (3 * 4 + 4) + (4 * 2 + 2)
    for p in model[0].parameters():
        p.requires_grad_(False)
    assert parameter_count(model) == 4 * 2 + 2


def test_layer_summary_rows_match_hand_counts():
    rows = layer_summary(_small_cnn(), (1, 8, 8))
    assert [r["type"] for r in rows] == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]
    assert [r["output_shape"] for r in rows] == [(4, 6, 6), (4, 6, 6), (4, 3, 3), (36,), (5,)]
    assert [r["params"] for r in rows] == [4 * 1 * 3 * 3 + 4, 0, 0, 0, 36 * 5 + 5]
    assert [r["name"] for r in rows] == ["0", "1", "2", "3", "4"]


def test_layer_summary_of_the_lecture_model():
    layers, c_in = [], 3
    for c_out in (32, 64, 128, 128):
        layers += [nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.MaxPool2d(2)]
        c_in = c_out
    model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(6272, 512), nn.ReLU(), nn.Linear(512, 1), nn.Sigmoid())
    rows = layer_summary(model, (3, 150, 150))
    assert [r["params"] for r in rows if r["params"]] == [896, 18_496, 73_856, 147_584, 3_211_776, 513]
    assert rows[11]["output_shape"] == (128, 7, 7) and rows[12]["output_shape"] == (6272,)
    assert sum(r["params"] for r in rows) == parameter_count(model) == 3_453_121
    assert "3,453,121" in format_summary(rows).splitlines()[-1]


def test_layer_summary_names_nested_modules_and_counts_a_shared_layer_once():
    shared = nn.Linear(6, 6)
    model = nn.Sequential(nn.Sequential(nn.Flatten(), shared), nn.ReLU(), shared)
    rows = layer_summary(model, (2, 3))
    assert [(r["name"], r["params"]) for r in rows] == [("0.0", 0), ("0.1", 42), ("1", 0), ("0.1", 0)]
    assert sum(r["params"] for r in rows) == parameter_count(model)


def test_layer_summary_leaves_mode_and_hooks_as_they_were():
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    model.train()
    layer_summary(model, (3,))
    assert model.training
    assert all(not m._forward_hooks for m in model.modules())
    model.eval()
    layer_summary(model, (3,))
    assert not model.training


# ------------------------------------------------------------------------------ training
def test_train_classifier_learns_a_toy_problem():
    X, y = _blobs()
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    history = train_classifier(model, X, y, epochs=15, lr=0.05, batch_size=32, progress=False)
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert accuracy(model, X, y) >= 0.98
    assert len(history["loss"]) == len(history["train_acc"]) == 15
    assert history["val_loss"] == [] and history["val_acc"] == []
    assert history["seconds"] > 0


def test_train_classifier_trains_a_cnn_on_images_with_validation_curves():
    g = np.random.default_rng(1)
    X = g.normal(size=(120, 1, 8, 8)).astype(np.float32) * 0.1
    y = g.integers(0, 2, 120)
    X[y == 1, :, 2:6, 3:5] += 1.0                                   # class 1: a bright vertical bar
    torch.manual_seed(0)
    model = _small_cnn()
    history = train_classifier(model, X[:90], y[:90], epochs=10, lr=0.02, batch_size=16, progress=False,
                               X_val=X[90:], y_val=y[90:])
    assert len(history["val_loss"]) == len(history["val_acc"]) == 10
    assert history["val_acc"][-1] == pytest.approx(accuracy(model, X[90:], y[90:]))
    assert history["val_acc"][-1] >= 0.9


def test_same_seed_gives_the_same_weights_and_history():
    X, y = _blobs(seed=2)
    torch.manual_seed(0)
    start = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 2))
    a, b, c = copy.deepcopy(start), copy.deepcopy(start), copy.deepcopy(start)
    ha = train_classifier(a, X, y, epochs=3, lr=0.01, batch_size=16, seed=7, progress=False)
    hb = train_classifier(b, X, y, epochs=3, lr=0.01, batch_size=16, seed=7, progress=False)
    hc = train_classifier(c, X, y, epochs=3, lr=0.01, batch_size=16, seed=8, progress=False)
    assert ha["loss"] == hb["loss"] and ha["loss"] != hc["loss"]
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def test_training_leaves_the_global_rng_alone():
    X, y = _blobs(n=40)
    model = nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    state = torch.get_rng_state()
    train_classifier(model, X, y, epochs=2, lr=0.01, batch_size=8, progress=False)
    assert torch.equal(torch.get_rng_state(), state)


def test_weight_decay_shrinks_the_weights():
    X, y = _blobs(seed=3)
    torch.manual_seed(0)
    start = nn.Sequential(nn.Linear(2, 2))
    plain, decayed = copy.deepcopy(start), copy.deepcopy(start)
    train_classifier(plain, X, y, epochs=20, lr=0.05, batch_size=200, progress=False)
    train_classifier(decayed, X, y, epochs=20, lr=0.05, batch_size=200, weight_decay=1.0, progress=False)
    assert decayed[0].weight.norm() < plain[0].weight.norm()


def test_accuracy_takes_arrays_or_tensors_and_restores_the_mode():
    model = nn.Linear(2, 2)
    with torch.no_grad():
        model.weight.copy_(torch.eye(2))
        model.bias.zero_()
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0]])
    y = np.array([0, 1, 1, 1])
    model.train()
    assert accuracy(model, X, y) == 0.75
    assert accuracy(model, torch.tensor(X), torch.tensor(y)) == 0.75
    assert model.training


def test_train_classifier_uses_the_optimizer_given_and_full_batches():
    torch.manual_seed(0)
    X, y = torch.randn(40, 3), torch.randint(0, 2, (40,))
    model = nn.Linear(3, 2)
    frozen_at_zero_lr = [p.detach().clone() for p in model.parameters()]
    history = train_classifier(model, X, y, epochs=2, batch_size=None, progress=False,
                               optimizer=torch.optim.SGD(model.parameters(), lr=0.0))
    assert all(torch.equal(a, b) for a, b in zip(frozen_at_zero_lr, model.parameters()))   # lr 0: nothing moves
    assert len(history["loss"]) == 2 and history["loss"][0] == pytest.approx(history["loss"][1])
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    first = train_classifier(model, X, y, epochs=1, batch_size=None, progress=False, optimizer=opt)["loss"][0]
    later = train_classifier(model, X, y, epochs=5, batch_size=None, progress=False, optimizer=opt)["loss"][-1]
    assert later < first                                                      # training continues in chunks
