"""The public helpers the Week 04 notebooks call (moved out of their cells to keep them thin).

Oracles: plain gradient descent written out per learning rate, the closed-form least-squares
loss, the transfer comparison's own contract (shapes, accuracies in [0, 1], a frozen base that
does not move), and the figures' artists (panels, lines, titles).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch

from dlcourse.training.optimizers import full_batch_gd_losses
from dlcourse.training.plots import (plot_activation_histograms, plot_fit_comparison, plot_grad_norm_curves,
                                     plot_learning_rate_search, plot_running_stats, plot_search_comparison,
                                     plot_transfer_curves)


def _regression(seed=0, n=50):
    g = np.random.default_rng(seed)
    x = g.uniform(-2, 2, n)
    return np.column_stack([x, np.ones(n)]), 1.5 * x - 0.5 + 0.3 * g.standard_normal(n)


def test_full_batch_gd_losses_matches_a_loop_per_rate():
    X, y = _regression()
    etas = [0.01, 0.3, 1.0]
    curves = full_batch_gd_losses(X, y, etas, n_steps=25, w0=(0.5, -1.0))
    assert curves.shape == (26, 3)
    for k, eta in enumerate(etas):
        w, losses = np.array([0.5, -1.0]), []
        for _ in range(26):
            losses.append(0.5 * np.mean((X @ w - y) ** 2))
            w = w - eta * X.T @ (X @ w - y) / len(y)
        np.testing.assert_allclose(curves[:, k], losses, rtol=1e-12, err_msg=f"eta = {eta}")


def test_full_batch_gd_losses_converges_and_diverges_silently():
    X, y = _regression()
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    j_star = 0.5 * np.mean((X @ w_star - y) ** 2)
    with np.errstate(all="raise"):                       # overflow must be silenced inside
        curves = full_batch_gd_losses(X, y, [0.3, 50.0], n_steps=400)
    assert abs(curves[-1, 0] - j_star) < 1e-10, "a good rate reaches the least-squares loss"
    assert not np.isfinite(curves[-1, 1]) or curves[-1, 1] > 1e6, "a huge rate diverges"


def test_compare_transfer_contract():
    from dlcourse.training.transfer import DigitsCNN, compare_transfer

    torch.manual_seed(0)
    base = DigitsCNN(5)
    before = [p.detach().clone() for p in base.parameters()]

    def feature_extractor(base_model, n_classes):
        import copy
        model = copy.deepcopy(base_model)
        model.classifier = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(model.n_features, n_classes))
        for p in model.features.parameters():
            p.requires_grad_(False)
        return model

    def param_groups(model, lr):
        for p in model.features.parameters():
            p.requires_grad_(True)
        return [{"params": model.features.parameters(), "lr": lr / 10}, {"params": model.classifier.parameters()}]

    acc = compare_transfer(base, feature_extractor, param_groups, checkpoints=(1, 2), seeds=(0, 1), n_per_class=2)
    assert sorted(acc) == ["feature extraction", "fine-tuning", "from scratch"]
    assert all(a.shape == (2, 2) and np.all((a >= 0) & (a <= 1)) for a in acc.values())
    assert all(torch.equal(p, q) for p, q in zip(base.parameters(), before)), "the pretrained base is not trained"


def test_learning_rate_figure():
    etas, final = np.array([0.01, 0.1, 10.0]), np.array([0.5, 0.2, np.inf])
    fig = plot_learning_rate_search({0.01: np.ones(5), 0.5: np.ones(5)}, etas, final, np.isfinite(final), 0.1)
    ax_c, ax_g = fig.axes
    assert [line.get_label() for line in ax_c.lines] == ["η = 0.01", "η = 0.5"]
    assert len(ax_g.lines) == 3 and len(ax_g.lines[1].get_xdata()) == 1, "one diverged rate marked"
    plt.close(fig)


def test_histogram_norm_and_running_stat_figures():
    a = np.random.default_rng(0).standard_normal((100, 4))
    fig = plot_activation_histograms({"s1": {1: a, 4: a}, "s2": {1: a}})
    assert [ax.get_title() for ax in fig.axes] == ["s1", "s2"] and len(fig.axes[0].patches) == 2
    plt.close(fig)
    fig = plot_grad_norm_curves({"a": [1.0, 0.1, 0.01], "b": [1.0, 1.0, 1.0]})
    assert "3-layer" in fig.axes[0].get_title() and "first/last = 1.0e+02" in fig.axes[0].lines[0].get_label()
    plt.close(fig)
    fig = plot_running_stats({0.1: np.ones((5, 2))}, mean=3.0, std=2.0)
    assert "mean 3 and std 2" in fig.axes[0].get_title() and len(fig.axes[0].lines) == 4
    plt.close(fig)


def test_fit_transfer_and_search_figures():
    fit = {"train_loss": np.array([2.0, 1.0]), "val_loss": np.array([2.5, 1.2]),
           "train_acc": [0.5, 0.9], "val_acc": [0.5, 0.8]}
    fig = plot_fit_comparison({"a": fit, "b": fit})
    assert fig.axes[0].get_title() == "a\naccuracy: train 90%, validation 80%"
    assert max(fig.axes[0].lines[1].get_ydata()) == 1.5, "losses clipped at 1.5"
    plt.close(fig)
    acc = {"fine-tuning": np.full((2, 3), 0.5), "from scratch": np.full((2, 3), 0.7)}
    fig = plot_transfer_curves(acc, (1, 2, 3))
    assert len(fig.axes) == 2 and all(len(ax.lines) == 2 for ax in fig.axes)
    plt.close(fig)
    fig = plot_search_comparison(lambda l, o: (l + 2.0) ** 2 + o, {"p": (np.array([-2.0, -1.0]), np.array([0.0, 0.5]))})
    assert "2 distinct learning rates" in fig.axes[0].get_title() and "at lr = 0.01" in fig.axes[0].get_title()
    plt.close(fig)
