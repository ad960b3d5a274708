"""Week 02 reference implementations against independent oracles.

Oracles: torch (functions, losses and autograd, float64, weights copied), the lecture's
2-2-2 answer key, central finite differences (dlcourse.checks.grad_check), closed forms and
worked examples. Random inputs use explicit seeds; ReLU inputs are kept away from 0.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import make_blobs

from dlcourse.checks import grad_check
from dlcourse.data import backprop_222, digits, toy_2d, xor
from dlcourse.mlp import accuracy, one_hot
from dlcourse.mlp.activations import _leaky_relu, _leaky_relu_grad
from dlcourse.mlp.backprop import WEIGHT_NAMES, _backward_222, _forward_222, _loss_222, _update_222
from dlcourse.mlp.losses import _bce_with_logits, _cross_entropy_with_logits
from dlcourse.mlp.network import _mlp_loss, _train_mlp
from dlcourse.mlp.perceptron import _sign
from dlcourse.mlp import reference as ref

T = lambda a: torch.tensor(np.asarray(a, dtype=float))          # noqa: E731  NumPy -> float64 tensor


@pytest.fixture(autouse=True)
def _torch_float64():
    """torch layers built in these tests are float64, like the NumPy references; the default is
    restored afterwards (test workers are shared: other modules' float32 models must not change)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def _away_from_zero(rng: np.random.Generator, shape, scale: float = 3.0) -> np.ndarray:
    z = rng.normal(0, scale, shape)
    return np.where(np.abs(z) < 1e-3, 0.5, z)


# ------------------------------------------------------------------------------ activations
ACTIVATIONS = {  # name -> (ours g, ours g', torch g)
    "sigmoid": (ref.sigmoid, ref.sigmoid_grad, torch.sigmoid),
    "tanh": (ref.tanh, ref.tanh_grad, torch.tanh),
    "relu": (ref.relu, ref.relu_grad, torch.relu),
    "leaky_relu": (_leaky_relu, _leaky_relu_grad, lambda t: F.leaky_relu(t, negative_slope=0.01)),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_and_derivative_match_torch_autograd(name):
    g, g_prime, torch_g = ACTIVATIONS[name]
    z = _away_from_zero(np.random.default_rng(0), (7, 5))
    zt = T(z).requires_grad_()
    torch_g(zt).sum().backward()
    np.testing.assert_allclose(g(z), torch_g(T(z)).numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(g_prime(z), zt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_derivative_matches_finite_differences(name):
    g, g_prime, _ = ACTIVATIONS[name]
    z = np.random.default_rng(1).uniform(-4, 4, 40)           # |z| <= 4: tanh' >= 1e-3, above round-off
    z[np.abs(z) < 1e-3] = 0.5
    g0 = g(z.copy())                                            # subtracted so that f stays small
    worst = grad_check(lambda: float(np.sum(g(z) - g0)), {"z": z}, {"z": g_prime(z)}, tol=1e-6)
    assert worst["z"] < 1e-6


def test_activation_conventions_at_zero():
    assert ref.sigmoid(0.0) == 0.5 and ref.sigmoid_grad(0.0) == 0.25
    z = np.linspace(-10, 10, 2001)
    assert np.max(ref.sigmoid_grad(z)) == pytest.approx(0.25) and z[np.argmax(ref.sigmoid_grad(z))] == 0
    assert ref.tanh_grad(0.0) == 1.0
    assert ref.relu_grad(np.array([0.0]))[0] == 0.0                      # ReLU'(0) = 0 (course convention)
    assert _leaky_relu_grad(np.array([-2.0]))[0] == 0.01 and _leaky_relu(np.array([-2.0]))[0] == -0.02


def test_tanh_is_the_true_tanh_not_the_slide_formula():
    z = np.linspace(-5, 5, 101)
    slide = (1 - np.exp(-z)) / (1 + np.exp(-z))
    np.testing.assert_allclose(ref.tanh(z), np.tanh(z), rtol=1e-15)
    np.testing.assert_allclose(slide, np.tanh(z / 2), atol=1e-14)       # the docstring's claim
    assert not np.allclose(ref.tanh(z), slide, atol=1e-3)


def test_sigmoid_and_softmax_do_not_overflow_or_warn():
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(ref.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        assert np.all(np.isfinite(ref.sigmoid_grad(np.array([-1000.0, 1000.0]))))
        p = ref.softmax(np.array([[1000.0, 1001.0], [-1000.0, 0.0]]))
    np.testing.assert_allclose(p, torch.softmax(T([[1000.0, 1001.0], [-1000.0, 0.0]]), dim=1).numpy())


def test_softmax_matches_torch_sums_to_one_and_is_shift_invariant():
    Z = np.random.default_rng(2).normal(0, 3, (6, 4))
    P = ref.softmax(Z)
    np.testing.assert_allclose(P, torch.softmax(T(Z), dim=-1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(ref.softmax(Z + 123.0), P, rtol=1e-12)
    np.testing.assert_allclose(ref.softmax(Z.T, axis=0), P.T, rtol=1e-12)
    # the worked example: z = [5, 2, -1, 3] -> [0.842, 0.042, 0.002, 0.114]
    np.testing.assert_allclose(ref.softmax(np.array([5.0, 2.0, -1.0, 3.0])), [0.842, 0.042, 0.002, 0.114], atol=1e-3)


# ------------------------------------------------------------------------------ losses
def test_bce_hand_value_and_torch():
    assert ref.bce(np.array([1, 0]), np.array([0.9, 0.2])) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    assert ref.bce(np.array([1, 0]), np.array([0.9, 0.2])) == pytest.approx(0.164252, abs=1e-6)
    rng = np.random.default_rng(3)
    y, p = rng.integers(0, 2, 20).astype(float), rng.uniform(0.01, 0.99, 20)
    assert ref.bce(y, p) == pytest.approx(F.binary_cross_entropy(T(p), T(y)).item(), rel=1e-12)
    assert np.isfinite(ref.bce(np.array([1.0, 0.0]), np.array([0.0, 1.0])))          # clipped, not inf


def test_cce_matches_torch_nll_of_log_probabilities():
    rng = np.random.default_rng(4)
    P = ref.softmax(rng.normal(size=(9, 5)))
    y = rng.integers(0, 5, 9)
    expected = F.nll_loss(torch.log(T(P)), torch.tensor(y)).item()
    assert ref.cce(one_hot(y, 5), P) == pytest.approx(expected, rel=1e-12)


def test_mse_is_the_mean_over_samples_of_the_summed_squares():
    rng = np.random.default_rng(5)
    y, yhat = rng.normal(size=12), rng.normal(size=12)
    assert ref.mse(y, yhat) == pytest.approx(F.mse_loss(T(yhat), T(y)).item(), rel=1e-12)
    Y, Yhat = rng.normal(size=(12, 3)), rng.normal(size=(12, 3))
    assert ref.mse(Y, Yhat) == pytest.approx(F.mse_loss(T(Yhat), T(Y), reduction="sum").item() / 12, rel=1e-12)


def test_losses_from_logits_match_torch_and_stay_finite():
    rng = np.random.default_rng(6)
    z, y = rng.normal(0, 4, 15), rng.integers(0, 2, 15).astype(float)
    assert _bce_with_logits(y, z) == pytest.approx(F.binary_cross_entropy_with_logits(T(z), T(y)).item(), rel=1e-12)
    Z, c = rng.normal(0, 4, (15, 4)), rng.integers(0, 4, 15)
    assert _cross_entropy_with_logits(c, Z) == pytest.approx(F.cross_entropy(T(Z), torch.tensor(c)).item(), rel=1e-12)
    with np.errstate(all="raise"):
        assert _bce_with_logits(np.array([1.0, 0.0]), np.array([1000.0, -1000.0])) == 0.0
        big = np.array([[1000.0, -1000.0, 0.0]])
        assert _cross_entropy_with_logits(np.array([1]), big) == pytest.approx(2000.0)


# ------------------------------------------------------------------------------ perceptron
def test_sign_of_zero_is_plus_one():
    np.testing.assert_array_equal(_sign(np.array([-2.0, 0.0, 3.0])), [-1, 1, 1])
    np.testing.assert_array_equal(ref.perceptron_predict(np.array([[1.0, -1.0]]), np.zeros(2), 0.0), [1])


def test_perceptron_reproduces_the_lecture_trace():
    X, y = np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([-1, 1])
    w, w0, mistakes = ref.train_perceptron(X, y, lr=1.0, epochs=1, rng=None)   # in order, from w = 0
    np.testing.assert_array_equal(w, [-1.0, 1.0])                         # sign(0) = +1 -> a mistake on x1
    assert w0 == -1.0 and mistakes == [1]                                  # x2: w.x + w0 = 1 > 0 -> right


def test_perceptron_converges_on_separable_blobs():
    X, y = make_blobs(200, centers=[[-2, -2], [2, 2]], cluster_std=0.8, random_state=0)
    w, w0, mistakes = ref.train_perceptron(X, 2 * y - 1, epochs=20, rng=0)
    assert mistakes[-1] == 0 and mistakes[0] > 0
    assert np.all(ref.perceptron_predict(X, w, w0) == 2 * y - 1)
    Xb, yb = toy_2d("blobs", 300, rng=1)                                  # {0, 1} labels work too
    w, w0, mistakes = ref.train_perceptron(Xb, yb, epochs=30, rng=1)
    assert mistakes[-1] == 0 and np.all(ref.perceptron_predict(Xb, w, w0) == 2 * yb - 1)


def test_perceptron_never_separates_xor():
    X4, y4 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([-1, 1, 1, -1])
    _, _, mistakes = ref.train_perceptron(X4, y4, epochs=200, rng=0)
    assert min(mistakes) > 0
    X, y = xor(200, rng=0, signed=True)
    w, w0, mistakes = ref.train_perceptron(X, y, epochs=50, rng=0)
    assert min(mistakes) > 0 and np.mean(ref.perceptron_predict(X, w, w0) == y) < 0.9


def test_perceptron_same_seed_same_result():
    X, y = toy_2d("xor", 100, rng=0)
    a, b = ref.train_perceptron(X, y, epochs=5, rng=7), ref.train_perceptron(X, y, epochs=5, rng=7)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1:] == b[1:]


# ------------------------------------------------------------------------------ the 2-2-2 network
def test_backprop_222_reproduces_the_answer_key():
    d = backprop_222()
    key = d["answer_key"]
    cache = _forward_222(d["weights"], d["x"])
    for name in ("net_h", "h", "net_o", "yhat"):
        np.testing.assert_allclose(cache[name], key[name], atol=5e-10, rtol=0)
    assert _loss_222(cache["yhat"], d["target"]) == pytest.approx(key["J"], abs=5e-10)
    grads = _backward_222(d["weights"], d["x"], d["target"], cache)
    assert sorted(grads) == sorted(WEIGHT_NAMES)
    for name in WEIGHT_NAMES:
        assert grads[name] == pytest.approx(key["grads"][name], abs=5e-10), name
    new = _update_222(d["weights"], grads, d["lr"])
    for name in WEIGHT_NAMES:
        assert new[name] == pytest.approx(key["new_weights"][name], abs=5e-10), name


def _torch_222_loss(w: dict, x, target):
    """The 2-2-2 network written from the lecture's scalar formulas, in torch."""
    i1, i2 = x
    h1 = torch.sigmoid(w["b1"] + i1 * w["w1"] + i2 * w["w2"])
    h2 = torch.sigmoid(w["b1"] + i1 * w["w3"] + i2 * w["w4"])
    o1 = torch.sigmoid(w["b2"] + h1 * w["w5"] + h2 * w["w6"])
    o2 = torch.sigmoid(w["b2"] + h1 * w["w7"] + h2 * w["w8"])
    return 0.5 * ((o1 - target[0]) ** 2 + (o2 - target[1]) ** 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backprop_222_matches_torch_autograd_on_random_weights(seed):
    rng = np.random.default_rng(seed)
    weights = {k: float(v) for k, v in zip(WEIGHT_NAMES, rng.normal(0, 1, 10))}
    x, target = rng.uniform(-1, 1, 2), rng.uniform(0, 1, 2)
    tw = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    loss = _torch_222_loss(tw, x, target)
    loss.backward()
    cache = _forward_222(weights, x)
    assert _loss_222(cache["yhat"], target) == pytest.approx(loss.item(), rel=1e-12)
    grads = _backward_222(weights, x, target, cache)
    for k in WEIGHT_NAMES:
        assert grads[k] == pytest.approx(tw[k].grad.item(), rel=1e-10, abs=1e-14), k


def test_backprop_222_matches_finite_differences():
    d = backprop_222()
    arrays = {k: np.array([v]) for k, v in d["weights"].items()}
    as_dict = lambda: {k: float(a[0]) for k, a in arrays.items()}              # noqa: E731
    loss = lambda: _loss_222(_forward_222(as_dict(), d["x"])["yhat"], d["target"])  # noqa: E731
    grads = _backward_222(as_dict(), d["x"], d["target"], _forward_222(as_dict(), d["x"]))
    grad_check(loss, arrays, {k: np.array([v]) for k, v in grads.items()}, tol=1e-6)


# ------------------------------------------------------------------------------ the L-layer MLP
_TORCH_ACT = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
              "leaky_relu": lambda t: F.leaky_relu(t, 0.01)}


def _torch_mlp_loss(params: dict, X, Y, activation: str, output: str, loss: str):
    """The same network and loss, built from torch ops; params are leaf tensors."""
    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = _TORCH_ACT[activation](Z) if l < L else {"sigmoid": torch.sigmoid, "linear": lambda t: t,
                                                     "softmax": lambda t: torch.softmax(t, dim=1)}[output](Z)
    N = X.shape[0]
    if loss == "bce":
        return F.binary_cross_entropy(A, Y, reduction="sum") / N
    if loss == "cce":
        return -(Y * torch.log(A)).sum() / N
    return F.mse_loss(A, Y, reduction="sum") / N


COMBOS = [("bce", "sigmoid", "relu"), ("cce", "softmax", "tanh"), ("mse", "linear", "sigmoid"),
          ("mse", "sigmoid", "leaky_relu"), ("mse", "softmax", "relu"), ("cce", "sigmoid", "tanh"),
          ("bce", "softmax", "sigmoid")]


@pytest.mark.parametrize("loss,output,activation", COMBOS)
def test_mlp_backward_matches_torch_autograd(loss, output, activation):
    rng = np.random.default_rng(10)
    sizes = [5, 7, 6, 3]
    params = ref.init_mlp(sizes, rng, "xavier")
    params = {k: v + (0.1 * rng.normal(size=v.shape) if k.startswith("b") else 0) for k, v in params.items()}
    X = rng.normal(size=(11, 5))
    Y = one_hot(rng.integers(0, 3, 11), 3) if output == "softmax" or loss == "cce" else rng.uniform(0, 1, (11, 3))
    if output == "linear":
        Y = rng.normal(size=(11, 3))
    out, cache = ref.mlp_forward(params, X, activation, output)
    grads = ref.mlp_backward(params, cache, Y, loss)
    tp = {k: T(v).requires_grad_() for k, v in params.items()}
    t_loss = _torch_mlp_loss(tp, T(X), T(Y), activation, output, loss)
    t_loss.backward()
    assert _mlp_loss(cache, Y, loss) == pytest.approx(t_loss.item(), rel=1e-10)
    assert sorted(grads) == sorted(params)
    for k in params:
        assert grads[k].shape == params[k].shape, k
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-13, err_msg=k)


def test_mlp_accepts_integer_labels_for_one_sigmoid_output_and_for_softmax():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(8, 3))
    y2, y4 = rng.integers(0, 2, 8), rng.integers(0, 4, 8)
    p1, p4 = ref.init_mlp([3, 4, 1], rng), ref.init_mlp([3, 4, 4], rng)
    _, c1 = ref.mlp_forward(p1, X, "tanh", "sigmoid")
    _, c4 = ref.mlp_forward(p4, X, "tanh", "softmax")
    for a, b in ((ref.mlp_backward(p1, c1, y2, "bce"), ref.mlp_backward(p1, c1, y2[:, None].astype(float), "bce")),
                 (ref.mlp_backward(p4, c4, y4, "cce"), ref.mlp_backward(p4, c4, one_hot(y4, 4), "cce"))):
        for k in a:
            np.testing.assert_allclose(a[k], b[k])
    with pytest.raises(ValueError, match="probabilities"):
        ref.mlp_backward(p1, ref.mlp_forward(p1, X, "tanh", "linear")[1], y2, "bce")


def test_mlp_keeps_float32_in_float32():
    rng = np.random.default_rng(13)
    params = {k: v.astype(np.float32) for k, v in ref.init_mlp([4, 8, 3], rng).items()}
    X, y = rng.normal(size=(6, 4)).astype(np.float32), rng.integers(0, 3, 6)
    for activation in ("relu", "tanh", "sigmoid", "leaky_relu"):
        out, cache = ref.mlp_forward(params, X, activation, "softmax")
        grads = ref.mlp_backward(params, cache, y, "cce")
        assert out.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values()), activation


def test_mlp_backward_matches_finite_differences():
    rng = np.random.default_rng(12)
    params = ref.init_mlp([4, 6, 5, 2], rng, "he")
    X, y = rng.normal(size=(9, 4)), rng.integers(0, 2, 9)
    loss = lambda: _mlp_loss(ref.mlp_forward(params, X, "tanh", "softmax")[1], y, "cce")   # noqa: E731
    grads = ref.mlp_backward(params, ref.mlp_forward(params, X, "tanh", "softmax")[1], y, "cce")
    worst = grad_check(loss, params, grads, tol=1e-6)
    assert max(worst.values()) < 1e-6


def test_init_shapes_seed_and_zero_biases():
    p = ref.init_mlp([3, 5, 2], np.random.default_rng(0), "he")
    assert [p[k].shape for k in ("W1", "b1", "W2", "b2")] == [(3, 5), (5,), (5, 2), (2,)]
    assert not np.any(p["b1"]) and not np.any(p["b2"])
    q = ref.init_mlp([3, 5, 2], np.random.default_rng(0), "he")
    assert all(np.array_equal(p[k], q[k]) for k in p)
    with pytest.raises(ValueError):
        ref.init_mlp([3, 2], 0, "glorot-ish")


@pytest.mark.parametrize("scheme,variance", [("he", lambda i, o: 2 / i), ("xavier", lambda i, o: 1 / i), ("glorot", lambda i, o: 2 / (i + o)),
                                             ("normal", lambda i, o: 1e-4)])
def test_init_variances(scheme, variance):
    """He: 2 / n_in. Xavier (fan-in, the course's convention): 1 / n_in. Glorot (torch's xavier_normal_): 2 / (n_in + n_out)."""
    p = ref.init_mlp([400, 300, 100], np.random.default_rng(1), scheme)
    for W, (n_in, n_out) in ((p["W1"], (400, 300)), (p["W2"], (300, 100))):
        assert W.mean() == pytest.approx(0, abs=0.05 * np.sqrt(variance(n_in, n_out)))
        assert W.var() == pytest.approx(variance(n_in, n_out), rel=0.03)


def test_zeros_init_never_breaks_symmetry():
    X, y = toy_2d("moons", 300, rng=0)
    keep = (y == 1) | (np.arange(300) % 3 == 0)                 # unbalanced: else mean(p - y) = 0 at the start
    X, y = X[keep], y[keep]
    params, _ = _train_mlp(X, y, hidden=(6,), activation="sigmoid", lr=0.5, epochs=100, init="zeros")
    W1, W2 = params["W1"], params["W2"]
    assert np.any(W1) and np.any(W2)                                  # it did learn something ...
    np.testing.assert_allclose(W1, W1[:, :1] * np.ones((1, 6)), atol=1e-12)   # ... but every hidden unit
    np.testing.assert_allclose(W2, W2[:1] * np.ones((6, 1)), atol=1e-12)      # is the same unit
    random_init, _ = _train_mlp(X, y, hidden=(6,), activation="sigmoid", lr=0.5, epochs=100, init="he")
    assert np.ptp(random_init["W1"], axis=1).min() > 1e-3


def test_trainer_learns_moons_quickly():
    X, y = toy_2d("moons", 500, noise=0.2, rng=0)
    start = time.perf_counter()
    params, losses = _train_mlp(X, y, hidden=(16,), activation="relu", lr=0.3, epochs=100, rng=0, batch_size=32)
    assert time.perf_counter() - start < 10
    assert accuracy(y, ref.mlp_forward(params, X, "relu", "sigmoid")[0]) >= 0.95
    assert losses[-1] < 0.5 * losses[0]


def test_full_batch_gradient_descent_loss_never_increases_with_a_small_step():
    X, y = toy_2d("circles", 200, rng=1)
    _, losses = _train_mlp(X, y, hidden=(8, 8), activation="tanh", lr=0.05, epochs=100, rng=1)
    assert np.all(np.diff(losses) <= 1e-12)


def test_trainer_uses_softmax_for_many_classes():
    X_train, _, y_train, _ = digits(rng=0)
    params, losses = _train_mlp(X_train, y_train, hidden=(32,), activation="relu", lr=0.2, epochs=20,
                                rng=0, batch_size=64)
    assert params["W2"].shape == (32, 10)
    assert accuracy(y_train, ref.mlp_forward(params, X_train, "relu", "softmax")[0]) > 0.9


def test_trainer_same_seed_same_result():
    X, y = toy_2d("xor", 100, rng=0)
    a, la = _train_mlp(X, y, epochs=5, rng=3, batch_size=16)
    b, lb = _train_mlp(X, y, epochs=5, rng=3, batch_size=16)
    assert la == lb and all(np.array_equal(a[k], b[k]) for k in a)


# ------------------------------------------------------------------------------ scalar autograd
def _expression(a, b, c, exp, log):
    """A random-ish expression in which d (and a, b, c) are used more than once."""
    d = a * b + b ** 3 - c / a
    e = d.tanh() * d + (a - c).relu() + 2 * b.sigmoid() - (-c) ** 2 / 4
    return e * d + log(exp(c * 0.5) + 1.5) + 1 / (a * a + 1) - 3 - b


@pytest.mark.parametrize("seed", range(5))
def test_value_matches_torch_on_random_expressions(seed):
    rng = np.random.default_rng(seed)
    raw = rng.normal(0, 1, 3)
    vals = [ref.Value(v) for v in raw]
    out = _expression(*vals, exp=lambda v: v.exp(), log=lambda v: v.log())
    out.backward()
    ts = [torch.tensor(v, requires_grad=True) for v in raw]
    t_out = _expression(*ts, exp=torch.exp, log=torch.log)
    t_out.backward()
    assert out.data == pytest.approx(t_out.item(), rel=1e-12)
    for v, t in zip(vals, ts):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)


def test_value_accumulates_gradients_of_a_node_used_twice():
    a = ref.Value(3.0)
    b = a + a                                   # db/da = 2, not 1
    c = b * a                                   # c = 2a^2, dc/da = 4a = 12
    c.backward()
    assert (b.grad, a.grad) == (3.0, 12.0)
    x = ref.Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0                        # ReLU'(0) = 0
    y = ref.Value(4.0)
    (y ** 0.5).backward()
    assert y.grad == pytest.approx(0.25)


def test_value_backward_handles_long_chains():
    x = ref.Value(1.0)
    y = x
    for _ in range(5000):                        # deeper than Python's recursion limit
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 5000)


def test_micrograd_mlp_gradients_match_torch():
    rng = np.random.default_rng(20)
    model = ref.MLP(3, [4, 4, 1], activation="tanh", rng=rng)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=5)
    loss = sum(((model(list(x)) - t) ** 2 for x, t in zip(X, y)), ref.Value(0.0)) / len(y)
    loss.backward()
    params = model.parameters()
    assert len(params) == 4 * 4 + 4 * 5 + 5
    Ws = [torch.tensor([[n.w[i].data for n in layer.neurons] for i in range(len(layer.neurons[0].w))],
                       requires_grad=True) for layer in model.layers]                  # (n_in, n_out)
    bs = [torch.tensor([n.b.data for n in layer.neurons], requires_grad=True) for layer in model.layers]
    A = T(X)
    for k, (W, b) in enumerate(zip(Ws, bs)):
        A = A @ W + b
        A = torch.tanh(A) if k < len(Ws) - 1 else A
    t_loss = ((A[:, 0] - T(y)) ** 2).mean()
    t_loss.backward()
    assert loss.data == pytest.approx(t_loss.item(), rel=1e-12)
    for layer, W, b in zip(model.layers, Ws, bs):
        for j, n in enumerate(layer.neurons):
            np.testing.assert_allclose([w.grad for w in n.w], W.grad[:, j].numpy(), rtol=1e-10, atol=1e-14)
            assert n.b.grad == pytest.approx(b.grad[j].item(), rel=1e-10, abs=1e-14)
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
