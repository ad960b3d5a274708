"""The public helpers the Week 03 notebooks call (moved out of their cells to keep them thin).

Oracles: explicit index arithmetic for the shifts and the crops, hand counts of parameters,
a brute-force per-class NMS written out here for :func:`detect_objects`, and the figure's own
artists (number of panels, texts written, bars drawn).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from dlcourse.cnn.detection import detect_objects
from dlcourse.cnn.detector import window_crops
from dlcourse.cnn.models import (best_of, conv_dense_split, digits_mlp, format_parameter_split, narrow_digits_cnn,
                                 parameter_count, shift_accuracy, shift_images)
from dlcourse.cnn.plots import plot_size_vs_accuracy, plot_training_history, plot_value_panels, plot_xo_votes


def test_shift_images_moves_ink_and_fills_with_background():
    X = np.arange(2 * 64, dtype=float).reshape(2, 1, 8, 8) + 1
    down = shift_images(X, 1, 0)
    assert down.shape == X.shape
    assert np.array_equal(down[:, :, 1:], X[:, :, :-1]) and np.all(down[:, :, 0] == 0), "dy = 1 moves rows down"
    left = shift_images(X, 0, -1)
    assert np.array_equal(left[:, :, :, :-1], X[:, :, :, 1:]) and np.all(left[:, :, :, -1] == 0), "dx = -1 moves left"
    assert np.array_equal(shift_images(X, 0, 0), X), "no shift, no change"


def test_baselines_have_the_documented_sizes():
    assert parameter_count(digits_mlp(16)) == 64 * 16 + 16 + 16 * 10 + 10
    assert parameter_count(narrow_digits_cnn()) == (4 * 9 + 4) + (8 * 4 * 9 + 8) + (32 * 10 + 10) == 666
    assert narrow_digits_cnn()(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_shift_accuracy_is_the_mean_over_four_shifts():
    class Ink(nn.Module):                       # predicts 1 when pixel (0, 0) has ink, else 0
        def forward(self, x):
            return torch.stack([-x[:, 0, 0, 0], x[:, 0, 0, 0]], dim=1)
    X = np.zeros((1, 1, 8, 8), dtype=np.float32)
    X[0, 0, 1, 0] = 1.0                          # only moving it up puts ink on (0, 0)
    assert shift_accuracy(Ink(), X, np.array([1])) == 0.25


def test_conv_dense_split_and_its_table():
    model = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.Flatten(), nn.Linear(24, 10))
    assert conv_dense_split(model) == (6 * 25 + 6, 24 * 10 + 10)
    table = format_parameter_split({"net": (300, 100)}).splitlines()
    assert len(table) == 2 and table[1].split() == ["net", "300", "100", "400", "25.0%"]


def test_best_of_returns_the_minimum_time_and_the_result():
    calls = []
    seconds, result = best_of(lambda: calls.append(1) or len(calls), repeats=3)
    assert result == 3 and len(calls) == 3 and seconds >= 0


def test_window_crops_are_every_window_row_by_row():
    images = torch.arange(2 * 3 * 6 * 7, dtype=torch.float32).reshape(2, 3, 6, 7)
    crops = window_crops(images, size=4, stride=2)
    positions = [(r, c) for r in (0, 2) for c in (0, 2)]
    assert crops.shape == (len(positions) * 2, 3, 4, 4)
    for k, (r, c) in enumerate(positions):
        assert torch.equal(crops[2 * k:2 * k + 2], images[:, :, r:r + 4, c:c + 4]), f"window {k} at ({r}, {c})"


def _iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _nms(boxes, scores, score_threshold=0.6, iou_threshold=0.5):
    kept = []
    for i in np.argsort(-scores, kind="stable"):
        if scores[i] > score_threshold and all(_iou(boxes[i], boxes[k]) < iou_threshold for k in kept):
            kept.append(int(i))
    return kept


def test_detect_objects_suppresses_within_a_class_only():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [0, 0, 10, 10], [20, 20, 30, 30]], dtype=float)
    scores = np.array([0.9, 0.8, 0.7, 0.95])
    labels = np.array([0, 0, 1, 0])
    seen = {}

    def decode(grid, conf_threshold, image_size):
        seen.update(conf=conf_threshold, size=image_size)
        return boxes, scores, labels
    got_boxes, got_scores, got_labels = detect_objects(None, decode, _nms, conf_threshold=0.1, image_size=32)
    assert seen == {"conf": 0.1, "size": 32}
    assert np.array_equal(got_scores, [0.95, 0.9, 0.7]), "box 1 overlaps box 0 (same class); box 2 is another class"
    assert np.array_equal(got_labels, [0, 0, 1]) and np.array_equal(got_boxes, boxes[[3, 0, 2]])


def test_plot_value_panels_writes_every_value():
    fig = plot_value_panels([np.eye(2), np.ones((3, 3))], ["a", "b"], ncols=2, fmt="{:.1f}", colorbar="v")
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["a", "b"]
    assert [len(ax.texts) for ax in panels] == [4, 9] and panels[1].texts[0].get_text() == "1.0"
    assert len(fig.axes) == 3, "two panels and one colour bar"
    plt.close(fig)


def test_plot_xo_votes_titles_carry_the_votes():
    images = {"X": np.ones((9, 9)), "O": -np.ones((9, 9))}
    votes = np.array([[1.0] * 12, [0.0] * 12])
    fig = plot_xo_votes(images, votes, features=lambda img: np.full(12, 0.5 if img[0, 0] > 0 else 0.25))
    assert fig.axes[0].get_title() == "X\nvotes: X 0.50, O 0.00" and fig.axes[1].get_title() == "O\nvotes: X 0.25, O 0.00"
    assert len(fig.axes[2].patches) == 24, "12 bars per class"
    plt.close(fig)


def test_history_and_size_figures():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "train_acc": [0.8, 0.9], "val_acc": [0.85, 0.95]}
    fig = plot_training_history(history)
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    plt.close(fig)
    fig = plot_size_vs_accuracy([("MLP 16", 1000, 0.9, 0.4), ("CNN 4-8", 666, 0.95, 0.6)])
    assert [t.get_text() for t in fig.axes[0].texts] == ["MLP 16", "CNN 4-8"]
    plt.close(fig)
