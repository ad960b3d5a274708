"""Week 02 widgets: build each one, move its controls and click its buttons in Python, then
assert on the state (against the lecture's answer key and closed forms, not the widget's
own code) and on the figure (axes, artists, PNG bytes)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.image import AxesImage

from dlcourse.data import backprop_222, toy_2d
from dlcourse.mlp import widgets
from dlcourse.widgetkit import TextLayer, figure_png
from dlcourse.widgetkit import text_strings as _strings
from dlcourse.widgetkit.testing import built as _built

KEY = backprop_222()["answer_key"]


def _text_layers(ax) -> list[TextLayer]:
    return [a for a in ax.artists if isinstance(a, TextLayer)]


def test_plot_helpers_draw_on_a_plain_axes():
    from matplotlib.figure import Figure

    from dlcourse.mlp import plots
    from dlcourse.mlp import reference as ref

    fig = Figure()
    ax1, ax2, ax3, ax4 = fig.subplots(1, 4)
    X, y = toy_2d("moons", 50, rng=0)
    seen = []
    plots.plot_decision_boundary(ax1, lambda G: seen.append(G.shape) or (G[:, :1] > 0).astype(float), X, y, n=40)
    assert seen == [(1600, 2)] and len(ax1.images) == 1 and isinstance(ax1.images[0], AxesImage)
    assert ax1.images[0].get_array().shape == (40, 40) and len(ax1.collections[0].get_offsets()) == 50
    z = np.linspace(-6, 6, 121)
    plots.plot_activation(ax2, z, ref.sigmoid(z), ref.sigmoid_grad(z), plots.saturated_regions("sigmoid", (-6, 6)))
    assert len(ax2.patches) == 2 and len(ax2.lines) == 3
    plots.plot_loss_curve(ax3, [0.7, 0.5, 0.4])
    np.testing.assert_array_equal(ax3.lines[0].get_xdata(), [1, 2, 3])
    d = backprop_222()
    plots.plot_network_222(ax4, d["weights"], x=d["x"], target=d["target"])
    assert "w5 = 0.4000" in _strings(ax4) and not any(t.startswith("∂J/∂") for t in _strings(ax4))
    assert figure_png(fig)[:4] == b"\x89PNG"                          # the text layer draws


# ------------------------------------------------------------------------------ W2.1
def test_activation_explorer_shades_saturation_and_reports_the_largest_slope():
    ex = _built(widgets.activation_explorer)
    ex.controls["z_max"].value = 8.0
    ex.controls["name"].value = "sigmoid"
    s = ex.state
    assert s.max_abs_grad == pytest.approx(0.25) and s.argmax_z == pytest.approx(0.0)
    assert [(lo, hi) for lo, hi, _ in s.regions] == [(-8.0, -4.0), (4.0, 8.0)]
    ax_g, ax_d = ex.fig.axes
    assert len(ax_g.lines) == 3 and len(ax_g.patches) == 2          # zero line, g, g'; two shaded spans
    assert any("max |g′(z)| = 0.25 " in t for t in _strings(ax_g))
    assert len(ax_d.lines) == 4                                     # one bound per function
    np.testing.assert_allclose(s.depth_bound["sigmoid"], 0.25 ** np.arange(1, 11))
    before = ex.image.value
    ex.controls["name"].value = "relu"
    assert [(lo, hi, label.startswith("dead")) for lo, hi, label in ex.state.regions] == [(-8.0, 0.0, True)]
    assert ex.state.max_abs_grad == 1.0 and len(ax_g.patches) == 1  # the old spans are gone
    assert ex.image.value != before


def test_activation_explorer_shows_the_students_functions():
    calls = []

    def my_softplus(z):
        calls.append(z.shape)
        return np.log1p(np.exp(z))

    ex = _built(widgets.activation_explorer, functions={"softplus": (my_softplus, lambda z: 1 / (1 + np.exp(-z)))})
    assert calls and ex.controls["name"].options == ("softplus",)
    np.testing.assert_allclose(ex.state.g, np.log1p(np.exp(ex.state.z)))
    assert ex.state.regions and ex.state.regions[0][0] == -ex.state.z_max   # flat on the left
    broken = widgets.activation_explorer({"bad": (lambda z: z.sum(), lambda z: z)})
    assert "elementwise" in broken.message.value


# ------------------------------------------------------------------------------ W2.2
def test_perceptron_sliders_set_the_line_bce_and_accuracy():
    ex = _built(widgets.perceptron_explorer)
    X, y = toy_2d("blobs", 200, rng=0)
    ex.controls["w1"].value, ex.controls["w2"].value, ex.controls["w0"].value = 2.0, 1.0, 0.5
    s = ex.state
    z = X @ np.array([2.0, 1.0]) + 0.5
    p = 1 / (1 + np.exp(-z))
    assert s.bce == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-10)
    assert s.accuracy == pytest.approx(np.mean((z >= 0) == y))
    ax = ex.fig.axes[0]
    assert len(ax.images) == 1 and len(ax.lines) == 1               # heat map and the decision line
    x_line, y_line = ax.lines[0].get_data()
    np.testing.assert_allclose(2.0 * x_line + 1.0 * y_line + 0.5, 0, atol=1e-9)
    assert any(f"BCE = {s.bce:.3f}" in t for t in _strings(ax))


def test_perceptron_epoch_button_runs_the_rule_and_moves_the_sliders():
    ex = _built(widgets.perceptron_explorer)
    start = [ex.controls[k].value for k in ("w1", "w2", "w0")]
    for _ in range(5):
        ex.buttons["Perceptron epoch"].click()
    s = ex.state
    assert [ex.controls[k].value for k in ("w1", "w2", "w0")] != start
    np.testing.assert_allclose(s.w, [ex.controls["w1"].value, ex.controls["w2"].value])
    assert len(s.history) == 5 and s.history[-1] == 0 and s.accuracy == 1.0    # separable: converged
    assert len(ex.fig.axes[1].patches) == 5                          # one bar per epoch
    ex.controls["data"].value = "xor"
    for _ in range(5):
        ex.buttons["Perceptron epoch"].click()
    assert min(ex.state.history) > 0 and ex.state.accuracy < 0.9
    for _ in range(20):                                              # the weights never leave the sliders
        ex.buttons["Perceptron epoch"].click()
    assert max(abs(ex.controls[k].value) for k in ("w1", "w2", "w0")) <= 6.0
    ex.buttons["Reset"].click()
    assert ex.state.history == [] and ex.controls["w1"].value == 0.5


# ------------------------------------------------------------------------------ W2.3
def test_playground_trains_on_click_and_resets_on_architecture_change():
    ex = _built(widgets.mlp_playground)
    s0 = ex.state
    assert s0.epochs == 0 and s0.losses == []
    ex.controls["lr"].value = 1.0
    assert ex.state.epochs == 0 and ex.state.loss == pytest.approx(s0.loss)   # η alone: same model
    before = ex.image.value
    ex.buttons["Train 50 epochs"].click()
    ex.buttons["Train 50 epochs"].click()
    s = ex.state
    assert s.epochs == 100 and len(s.losses) == 100
    assert s.losses[-1] < s.losses[0] and s.loss < s0.loss
    assert s.accuracy > 0.9 and 0 < s.train_seconds < 5
    assert ex.image.value != before
    ax_map, ax_loss = ex.fig.axes
    assert len(ax_map.images) == 1 and len(ax_loss.lines) == 1
    assert len(ax_loss.lines[0].get_xdata()) == 100
    assert any(f"{s.accuracy:.1%}" in t for t in _strings(ax_map))
    ex.controls["hidden"].value = 4                                  # new architecture: a fresh model
    assert ex.state.epochs == 0 and ex.state.n_params == 2 * 4 + 4 + 4 + 1
    ex.controls["layers"].value = 2
    assert ex.state.n_params == 2 * 4 + 4 + 4 * 4 + 4 + 4 + 1


def test_playground_reset_draws_new_initial_weights():
    ex = _built(widgets.mlp_playground)
    first = ex.state.grid_proba.copy()
    ex.buttons["Reset"].click()
    assert ex.state.epochs == 0 and not np.allclose(ex.state.grid_proba, first)


# ------------------------------------------------------------------------------ W2.4
def test_stepper_forward_backward_update_reproduce_the_answer_key():
    ex = _built(widgets.backprop_stepper)
    assert ex.state.stage == "start" and ex.state.J is None
    ex.buttons["Forward"].click()
    s = ex.state
    assert s.stage == "forward" and s.grads is None
    for k in ("net_h", "h", "net_o", "yhat"):
        np.testing.assert_allclose(s.values[k], KEY[k], atol=5e-10)
    assert s.J == pytest.approx(KEY["J"], abs=5e-10)
    ax = ex.fig.axes[0]
    assert any("0.593270" in t for t in _strings(ax)) and not any(t.startswith("∂J/∂") for t in _strings(ax))
    ex.buttons["Backward"].click()
    s = ex.state
    assert s.stage == "backward"
    for k, v in KEY["grads"].items():
        assert s.grads[k] == pytest.approx(v, abs=5e-10), k
    assert f"∂J/∂w5 = {KEY['grads']['w5']:.6f}" in _strings(ax)
    ex.buttons["Update"].click()
    s = ex.state
    for k, v in KEY["new_weights"].items():
        assert s.new_weights[k] == pytest.approx(v, abs=5e-10), k
    assert f"→ {KEY['new_weights']['w5']:.6f}" in _strings(ax)
    ex.buttons["Forward"].click()                                    # next iteration: updated weights, lower J
    s = ex.state
    assert s.iteration == 1 and s.weights["w5"] == pytest.approx(KEY["new_weights"]["w5"], abs=5e-10)
    assert s.J < KEY["J"] and len(s.history) == 2
    ex.buttons["Reset"].click()
    assert ex.state.stage == "start" and ex.state.weights == backprop_222()["weights"]


def test_stepper_diagram_annotates_every_weight_and_neuron():
    ex = _built(widgets.backprop_stepper)
    ex.buttons["Update"].click()                                     # runs Forward and Backward first
    assert ex.state.stage == "update"
    ax = ex.fig.axes[0]
    strings = _strings(ax)
    for name in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"):
        assert sum(s.startswith(f"{name} = ") for s in strings) == 1, name
        assert sum(s.startswith(f"∂J/∂{name} = ") for s in strings) == 1, name
    assert sum(s.startswith("→ ") for s in strings) == 10
    assert any(s.startswith("net = ") and "out = " in s for s in strings)
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(edges) == 2 and len(edges[0].get_segments()) == 8 and len(nodes[0].get_offsets()) == 8
    n_artists = len(ax.collections) + len(ax.artists)
    ex.buttons["Forward"].click()
    assert len(ax.collections) + len(ax.artists) == n_artists        # redraws replace, never pile up


def test_diagram_wires_each_weight_as_in_the_lecture():
    """h1 = g(b1 + i1 w1 + i2 w2), h2 = g(b1 + i1 w3 + i2 w4), ŷ1 = g(b2 + h1 w5 + h2 w6), ŷ2 = g(b2 + h1 w7 + h2 w8):
    each weight's label sits on (or just beside) the edge between its two neurons."""
    ex = _built(widgets.backprop_stepper)
    labels = [lab for layer in _text_layers(ex.fig.axes[0]) for lab in layer.labels]
    at = {lab.text.split(" = ")[0]: np.array([lab.x, lab.y]) for lab in labels}
    assert at["i1"][1] > at["i2"][1] and at["i1"][0] < at["h1"][0] < at["o1"][0]   # inputs left, i1 on top
    wiring = {"w1": ("i1", "h1"), "w2": ("i2", "h1"), "w3": ("i1", "h2"), "w4": ("i2", "h2"),
              "w5": ("h1", "o1"), "w6": ("h2", "o1"), "w7": ("h1", "o2"), "w8": ("h2", "o2")}
    for w, (a, b) in wiring.items():
        p, q, r = at[a], at[b], at[w]
        t = np.clip((r - p) @ (q - p) / ((q - p) @ (q - p)), 0, 1)
        assert np.linalg.norm(p + t * (q - p) - r) < 0.35 and 0.1 < t < 0.9, w


def test_stepper_checks_a_typed_gradient():
    ex = _built(widgets.backprop_stepper)
    ex.controls["answer"].value = 0.0822
    assert ex.state.answer_ok is None                              # no Backward yet
    ex.buttons["Backward"].click()
    assert ex.state.answer_ok is True and "✓" in ex.state.answer_message
    ex.controls["answer"].value = -0.082167
    assert ex.state.answer_ok is False and "sign" in ex.state.answer_message
    ex.controls["answer"].value = 0.08                                  # 2.6 % off: not accepted
    assert ex.state.answer_ok is False and "close" in ex.state.answer_message
    ex.controls["answer"].value = 0.5
    assert ex.state.answer_ok is False and "✗" in ex.state.answer_message


def test_stepper_runs_the_students_functions():
    seen = []

    def my_forward(weights, x):
        seen.append("forward")
        i1, i2 = x
        sig = lambda v: 1 / (1 + np.exp(-v))                     # noqa: E731
        net_h = [weights["b1"] + i1 * weights["w1"] + i2 * weights["w2"],
                 weights["b1"] + i1 * weights["w3"] + i2 * weights["w4"]]
        h = [sig(v) for v in net_h]
        net_o = [weights["b2"] + h[0] * weights["w5"] + h[1] * weights["w6"],
                 weights["b2"] + h[0] * weights["w7"] + h[1] * weights["w8"]]
        return {"net_h": net_h, "h": h, "net_o": net_o, "yhat": [sig(v) for v in net_o]}

    def wrong_backward(weights, x, target, cache):                   # forgets that b1, b2 are shared
        seen.append("backward")
        return {k: 0.0 for k in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")}

    ex = _built(widgets.backprop_stepper, forward=my_forward, backward=wrong_backward)
    ex.buttons["Backward"].click()
    assert seen == ["forward", "backward"]
    np.testing.assert_allclose(ex.state.values["yhat"], KEY["yhat"], atol=5e-10)
    ex.controls["answer"].value = KEY["grads"]["w5"]
    assert ex.state.answer_ok is False                             # judged against YOUR backward's 0.0


# ------------------------------------------------------------------------------ W2.5
def test_loss_slice_tangent_has_the_backprop_slope():
    ex = _built(widgets.loss_slice)
    ex.controls["value"].value = 0.40
    s = ex.state
    assert s.J == pytest.approx(KEY["J"], abs=5e-10)
    assert s.slope == pytest.approx(KEY["grads"]["w5"], abs=5e-10)
    assert s.fd_slope == pytest.approx(KEY["grads"]["w5"], abs=1e-8)
    tx, ty = s.tangent
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(KEY["grads"]["w5"], abs=5e-10)
    ax = ex.fig.axes[0]
    assert len(ax.lines) == 4                                        # J(w5), tangent, point, the lecture's w5
    np.testing.assert_allclose(ax.lines[1].get_ydata(), ty)
    assert any(f"{KEY['grads']['w5']:.6f}" in t for t in _strings(ax))
    before = ex.image.value
    ex.controls["value"].value = -1.5
    assert ex.state.slope == pytest.approx(ex.state.fd_slope, abs=1e-8)
    assert ex.state.J < KEY["J"] and ex.image.value != before
    assert len(ax.lines) == 4


def test_loss_slice_over_another_weight():
    ex = _built(widgets.loss_slice, weight="b1", lo=-1.0, hi=1.0)
    ex.controls["value"].value = 0.35
    assert ex.state.slope == pytest.approx(KEY["grads"]["b1"], abs=5e-10)
