"""Week 02 notebook helpers (mini-batches, timed steps, the PyTorch twin, the score grid, the
engine-vs-torch table, the notebooks' figures) against independent oracles: NumPy closed forms,
hand-built models, the geometry of what is drawn."""

import gc
from types import SimpleNamespace as NS

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import torch

from dlcourse.mlp import plots
from dlcourse.mlp.network import minibatches
from dlcourse.mlp.twin import engine_vs_torch_table, score_grid, timed_steps, torch_twin, train_torch_twin


def test_minibatches_cover_every_index_once_in_the_generators_order():
    batches = list(minibatches(10, 4, np.random.default_rng(3)))
    assert [len(b) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate(batches), np.random.default_rng(3).permutation(10))
    full = list(minibatches(5))
    assert len(full) == 1 and np.array_equal(full[0], np.arange(5))


def test_timed_steps_returns_each_result_and_restores_the_collector():
    calls = iter(range(100))
    results, times = timed_steps(lambda: next(calls) * 2.0, 4, free_graphs=True)
    assert results == [0.0, 2.0, 4.0, 6.0] and len(times) == 4 and min(times) >= 0
    assert gc.isenabled()
    gc.unfreeze()


def _engine_model(layers):
    """A stand-in for the notebook's MLP: layers of neurons with w (nodes) and b, nodes with .data."""
    node = lambda v: NS(data=float(v))
    return NS(layers=[NS(neurons=[NS(w=[node(v) for v in W[:, j]], b=node(b[j])) for j in range(W.shape[1])])
                      for W, b in layers])


def test_torch_twin_computes_the_engines_forward_pass():
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(2, 3)), rng.normal(size=3)), (rng.normal(size=(3, 1)), rng.normal(size=1))]
    twin = torch_twin(_engine_model(layers))
    X = rng.normal(size=(5, 2))
    want = np.tanh(X @ layers[0][0] + layers[0][1]) @ layers[1][0] + layers[1][1]      # tanh between, not after
    np.testing.assert_allclose(twin(torch.tensor(X)).detach().numpy(), want, rtol=1e-12)


def test_train_torch_twin_is_full_batch_gradient_descent_on_the_mse():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(8, 2)), rng.normal(size=8)
    w, b = rng.normal(size=2), 0.3
    twin = torch.nn.Sequential(torch.nn.Linear(2, 1, dtype=torch.float64))
    with torch.no_grad():
        twin[0].weight.copy_(torch.tensor(w[None, :]))
        twin[0].bias.fill_(b)
    losses, times = train_torch_twin(twin, X, y, lr=0.1, num_steps=3)
    want = []
    for _ in range(3):                                   # closed-form gradient of mean((Xw + b - y)^2)
        r = X @ w + b - y
        want.append(np.mean(r ** 2))
        w, b = w - 0.1 * 2 * X.T @ r / len(y), b - 0.1 * 2 * r.mean()
    np.testing.assert_allclose(losses, want, rtol=1e-12)
    assert len(times) == 3


def test_score_grid_evaluates_rows_along_y_and_columns_along_x():
    X = np.array([[0.0, 0.0], [1.0, 2.0]])
    gx, gy, scores = score_grid(lambda p: p[0] + 10 * p[1], X, n=4, pad=0.5)
    np.testing.assert_allclose(gx, np.linspace(-0.5, 1.5, 4))
    np.testing.assert_allclose(gy, np.linspace(-0.5, 2.5, 4))
    np.testing.assert_allclose(scores, gx[None, :] + 10 * gy[:, None])
    assert gc.isenabled()


def test_engine_vs_torch_table_lists_output_and_gradients_with_differences():
    mine = {"a": NS(grad=0.5), "b": NS(grad=-1.0)}
    theirs = {"a": NS(grad=torch.tensor(0.25)), "b": NS(grad=torch.tensor(-1.0))}
    lines = engine_vs_torch_table(NS(data=2.0), torch.tensor(1.5), mine, theirs).splitlines()
    assert lines[0].split() == ["your", "engine", "torch", "difference"]
    assert [float(v) for v in lines[1].split()[1:]] == [2.0, 1.5, 0.5]
    assert lines[2].split()[0] == "d/da" and [float(v) for v in lines[2].split()[1:]] == [0.5, 0.25, 0.25]
    assert lines[3].split()[0] == "d/db" and float(lines[3].split()[-1]) == 0.0


def test_line_across_lies_on_the_decision_line_and_handles_vertical_lines():
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    plots.plot_line_across(ax, [1.0, 2.0], -1.0)
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(1.0 * x + 2.0 * y - 1.0, 0.0, atol=1e-12)
    plots.plot_line_across(ax, [2.0, 0.0], 1.0)                       # x1 = -0.5
    np.testing.assert_allclose(ax.lines[1].get_xdata(), [-0.5, -0.5])
    plots.plot_line_across(ax, [0.0, 0.0], 1.0)                       # no line
    assert len(ax.lines) == 2
    plt.close(fig)


def test_notebook_one_figures_draw_one_artist_per_item():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), np.where(rng.random(20) > 0.5, 1, -1)
    fig, axes = plt.subplots(2, 3)
    plots.plot_boundary_history(axes[0, 0], X, y, [(np.array([1.0, 1.0]), float(k)) for k in range(3)])
    assert len(axes[0, 0].lines) == 3 and axes[0, 0].lines[-1].get_linewidth() == 2.5
    plots.plot_mistakes_per_epoch(axes[0, 1], [3, 1, 0], title="t")
    assert [p.get_height() for p in axes[0, 1].patches] == [3, 1, 0]
    plots.plot_mistakes_per_epoch(axes[0, 2], [3, 1, 0], title="t", bars=False)
    np.testing.assert_array_equal(axes[0, 2].lines[0].get_ydata(), [3, 1, 0])
    z = np.linspace(-3, 3, 7)
    plots.plot_activation_curves(axes[1, 0], axes[1, 1], z, {"id": (lambda v: v, np.ones_like)})
    np.testing.assert_array_equal(axes[1, 1].lines[0].get_ydata(), np.ones(7))
    plots.plot_tanh_erratum(axes[1, 2], z, np.tanh, lambda v: 1 - np.tanh(v) ** 2, np.tanh(z / 2))
    np.testing.assert_allclose(axes[1, 2].lines[3].get_ydata(), (1 - np.tanh(z / 2) ** 2) / 2)
    plt.close(fig)


def test_misclassified_digits_returns_the_wrong_indices_and_shows_at_most_eight():
    images = np.zeros((20, 64))
    y_true, y_pred = np.arange(20) % 10, np.arange(20) % 10
    y_pred[[1, 4, 5, 7, 8, 11, 12, 15, 19]] += 1                      # 9 wrong
    fig = plt.figure()
    wrong = plots.plot_misclassified_digits(fig, images, y_true, y_pred)
    np.testing.assert_array_equal(wrong, [1, 4, 5, 7, 8, 11, 12, 15, 19])
    assert len(fig.axes) == 8 and fig.axes[0].get_title() == f"true 1, said {y_pred[1]}"
    plt.close(fig)


class _Node:
    """A hashable stand-in for the notebook's Value (identity hash, as Value has)."""
    def __init__(self, data, grad, label, op="", prev=()):
        self.data, self.grad, self.label, self._op, self._prev = data, grad, label, op, set(prev)


def test_value_graph_puts_each_node_one_column_right_of_its_deepest_child():
    a, b = _Node(1.0, 2.0, "a"), _Node(2.0, 1.0, "b")
    e = _Node(2.0, 1.0, "e", "*", (a, b))
    d = _Node(3.0, 1.0, "", "+", (e, a))                                     # a also feeds d directly
    fig, ax = plt.subplots()
    plots.plot_value_graph(ax, d)
    boxes = {t.get_text().split("\n")[0]: t.get_position() for t in ax.texts if t.get_text()}
    assert {k: v[0] for k, v in boxes.items()} == {"a": 0, "b": 0, "e": 1, "+": 2}
    assert "grad 2.0000" in next(t.get_text() for t in ax.texts if t.get_text().startswith("a"))
    arrows = [c for c in ax.get_children() if type(c).__name__ == "Annotation" and c.get_text() == ""]
    assert len(arrows) == 4                                                  # one per edge
    plt.close(fig)


def test_xor_spaces_and_twin_figures_draw_the_data_given():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    y01 = np.array([0, 0, 1, 1])
    fig, axes = plt.subplots(1, 4)
    plots.plot_input_space(axes[0], lambda P: (P[:, 0] > P[:, 1]).astype(float), X, y01, n=11)
    plots.plot_hidden_space(axes[1], X * 2, y01)
    np.testing.assert_allclose(axes[1].collections[1].get_offsets(), X[2:] * 2)
    plots.plot_twin_losses(axes[2], [3.0, 2.0], [3.0, 2.5])
    np.testing.assert_array_equal(axes[2].lines[1].get_ydata(), [3.0, 2.5])
    g = np.linspace(-1, 1, 5)
    plots.plot_score_grid(axes[3], g, g, g[None, :] * np.ones((5, 1)), X * 2 - 1, 2.0 * y01 - 1, title="t")
    assert len(fig.axes) == 5                                               # the colour bar
    plt.close(fig)
