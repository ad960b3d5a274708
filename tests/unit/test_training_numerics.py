"""Week 04 reference implementations against independent oracles.

Oracles: torch.optim (float64, the same gradient sequence), hand-unrolled closed forms where
the conventions differ (momentum's EWMA form), torch's batch norm / dropout / autograd, the
lecture's tables (the 3-iteration gradient table, the slide's scheduler sequence), finite
differences, scipy's KS test and crafted sequences. Random inputs use explicit seeds.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import stats

from dlcourse.training import LECTURE_GRADIENT_TABLE, SURFACES, diverged_at, keras_lr_sequence, run_optimizer
from dlcourse.training.batchnorm import _batchnorm_backward, _batchnorm_eval, _batchnorm_forward, _bn_update_running
from dlcourse.training.optimizers import _adagrad_step, _sgd_step
from dlcourse.training.regularization import _dropout_backward, _log_uniform
from dlcourse.training.schedules import _slide_keras_scheduler
from dlcourse.training.vanishing import _gradient_table_222
from dlcourse.training import reference as ref

T = lambda a: torch.tensor(np.asarray(a, dtype=float))          # noqa: E731  NumPy -> float64 tensor


def _gradients(n_steps: int = 10, shape=(3, 4), seed: int = 0) -> list[np.ndarray]:
    g = np.random.default_rng(seed)
    return [g.normal(0, 1 + t, shape) for t in range(n_steps)]


def _run_ours(step, w0, grads, **kw) -> list[np.ndarray]:
    w, state, out = w0.copy(), {}, []
    for g in grads:
        w = step(w, g, state, **kw)
        out.append(w)
    return out


def _run_torch(make_opt, w0, grads) -> list[np.ndarray]:
    p = torch.nn.Parameter(T(w0))
    opt, out = make_opt([p]), []
    for g in grads:
        p.grad = T(g)
        opt.step()
        out.append(p.detach().numpy().copy())
    return out


# ------------------------------------------------------------------------------ optimisers
W0 = np.random.default_rng(1).normal(size=(3, 4))

TORCH_ORACLES = {  # name -> (our step, its kwargs, torch optimiser factory)
    "sgd": (_sgd_step, {"lr": 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.1)),
    "rmsprop": (ref.rmsprop_step, {"lr": 0.01, "rho": 0.9, "eps": 1e-8},
                lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8)),
    "adagrad": (_adagrad_step, {"lr": 0.05}, lambda ps: torch.optim.Adagrad(ps, lr=0.05)),
    "adam": (ref.adam_step, {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8)),
    "adam_other_betas": (ref.adam_step, {"lr": 0.2, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3},
                         lambda ps: torch.optim.Adam(ps, lr=0.2, betas=(0.5, 0.9), eps=1e-3)),
    # momentum's EWMA form V = bV + (1-b)g, w -= lr V  ==  torch's V' = bV' + g with lr (1 - b)
    "momentum": (ref.momentum_step, {"lr": 0.1, "beta": 0.9}, lambda ps: torch.optim.SGD(ps, lr=0.1 * 0.1, momentum=0.9)),
}


@pytest.mark.parametrize("name", list(TORCH_ORACLES))
def test_optimizer_steps_match_torch_optim_over_ten_steps(name):
    step, kw, make = TORCH_ORACLES[name]
    grads = _gradients()
    for ours, theirs in zip(_run_ours(step, W0, grads, **kw), _run_torch(make, W0, grads)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


def test_momentum_matches_the_hand_unrolled_closed_form():
    b, lr = 0.9, 0.5
    g1, g2, g3 = (np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([-3.0, 1.0]))
    v1 = (1 - b) * g1
    v2 = b * (1 - b) * g1 + (1 - b) * g2
    v3 = b * b * (1 - b) * g1 + b * (1 - b) * g2 + (1 - b) * g3
    w0 = np.array([2.0, 3.0])
    expected = [w0 - lr * v1, w0 - lr * (v1 + v2), w0 - lr * (v1 + v2 + v3)]
    np.testing.assert_allclose(_run_ours(ref.momentum_step, w0, [g1, g2, g3], lr=lr, beta=b), expected, atol=1e-15)
    # torch's SGD(momentum, dampening=beta) differs on the FIRST step (its buffer starts at g1)
    torch_damp = _run_torch(lambda ps: torch.optim.SGD(ps, lr=lr, momentum=b, dampening=b), w0, [g1, g2, g3])
    assert not np.allclose(torch_damp[0], expected[0])


def test_adam_first_step_is_lr_times_sign_of_the_gradient():
    w = np.array([1.0, -1.0, 2.0])
    g = np.array([0.3, -5.0, 1e-3])
    out = ref.adam_step(w, g, {}, lr=0.01)        # bias correction: V̂ = g, Ŝ = g², so the step is lr·g/|g|
    np.testing.assert_allclose(out, w - 0.01 * np.sign(g), atol=1e-7)


@pytest.mark.parametrize("step", [_sgd_step, ref.momentum_step, ref.rmsprop_step, _adagrad_step, ref.adam_step])
def test_steps_do_not_write_into_w_and_keep_their_memory_in_state(step):
    w, g, state = np.ones(3), np.array([1.0, 2.0, 3.0]), {}
    out = step(w, g, state, lr=0.1)
    out = step(out, g, state, lr=0.1)
    np.testing.assert_array_equal(w, np.ones(3))
    assert state["t"] == 2 and out.shape == (3,)


def test_steps_broadcast_one_learning_rate_per_row():
    lrs = np.array([[0.01], [0.1]])
    w, g = np.ones((2, 2)), np.array([[1.0, -2.0], [1.0, -2.0]])
    for step in (_sgd_step, ref.momentum_step, ref.rmsprop_step, ref.adam_step):
        both = step(w, g, {}, lr=lrs)
        for k in range(2):
            np.testing.assert_allclose(both[k], step(w[k], g[k], {}, lr=float(lrs[k, 0])))


# ------------------------------------------------------------------------------ mini-batches
@pytest.mark.parametrize("N,B", [(10, 3), (10, 10), (10, 1), (7, 16)])
def test_minibatches_cover_every_index_once_per_epoch(N, B):
    rng = np.random.default_rng(0)
    batches = list(ref.iterate_minibatches(N, B, rng))
    assert len(batches) == -(-N // B)
    assert sorted(np.concatenate(batches).tolist()) == list(range(N))
    assert len(batches[-1]) == (N % B or min(B, N))
    again = list(ref.iterate_minibatches(N, B, np.random.default_rng(0)))
    assert all(np.array_equal(a, b) for a, b in zip(batches, again))


def test_minibatches_shuffle_per_epoch_and_not_without_shuffle():
    rng = np.random.default_rng(0)
    e1, e2 = (np.concatenate(list(ref.iterate_minibatches(50, 8, rng))) for _ in range(2))
    assert not np.array_equal(e1, e2)
    np.testing.assert_array_equal(np.concatenate(list(ref.iterate_minibatches(50, 8, rng, shuffle=False))), np.arange(50))
    with pytest.raises(ValueError):
        list(ref.iterate_minibatches(5, 0, rng))


# ------------------------------------------------------------------------------ schedules
def test_exponential_decay_matches_the_lecture_number():
    assert ref.exp_decay(0.01, 0.1, 10) == pytest.approx(0.0036788, abs=5e-8)
    np.testing.assert_allclose(ref.exp_decay(1.0, 0.5, np.arange(3)), np.exp(-0.5 * np.arange(3)))


def test_time_and_step_decay():
    np.testing.assert_allclose(ref.time_decay(0.2, 1.0, np.arange(1, 5)), [0.1, 0.2 / 3, 0.05, 0.04])
    np.testing.assert_allclose(ref.step_decay(1.0, 0.5, 10, np.array([0, 9, 10, 19, 20, 35])), [1, 1, .5, .5, .25, .125])


def test_the_slide_scheduler_compounds_to_the_verified_sequence():
    lrs = keras_lr_sequence(_slide_keras_scheduler, 0.01, 15)
    np.testing.assert_allclose(lrs[:10], 0.01)
    np.testing.assert_allclose(lrs[10:], [0.0036788, 0.0012246, 0.00036883, 0.00010052, 2.4788e-5], rtol=2e-4)
    # closed form of the compounding: lr0 * e^{-0.1 (10 + ... + t)}
    np.testing.assert_allclose(lrs[14], 0.01 * np.exp(-0.1 * sum(range(10, 15))))
    assert lrs[14] < ref.exp_decay(0.01, 0.1, 14) / 50


# ------------------------------------------------------------------------------ surfaces
@pytest.mark.parametrize("name", list(SURFACES))
def test_surface_gradients_match_finite_differences_and_vanish_at_the_minimum(name):
    s = SURFACES[name]
    P = np.random.default_rng(0).uniform(-1.5, 1.5, (20, 2))
    h = 1e-6
    fd = np.stack([(s.f(P + h * e) - s.f(P - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    np.testing.assert_allclose(s.grad(P), fd, rtol=1e-6, atol=1e-5)
    assert s.f(np.array(s.minimum)) == 0 and np.all(s.grad(np.array(s.minimum)) == 0)


def test_run_optimizer_runs_many_learning_rates_like_single_runs():
    lrs = np.array([1e-3, 1e-2, 0.03])
    many = run_optimizer(ref.adam_step, SURFACES["rosenbrock"], lr=lrs, n_steps=50)
    assert many.shape == (51, 3, 2)
    for k, lr in enumerate(lrs):
        np.testing.assert_allclose(many[:, k], run_optimizer(ref.adam_step, SURFACES["rosenbrock"], lr=lr, n_steps=50))


def test_gradient_descent_converges_below_the_stability_limit_and_diverges_quietly_above():
    ravine = SURFACES["ravine"]                               # curvature 50: stable iff lr < 2/50
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = run_optimizer(_sgd_step, ravine, lr=0.039, n_steps=300)
        bad = run_optimizer(_sgd_step, ravine, lr=0.041, n_steps=1000)
        big = run_optimizer(ref.adam_step, SURFACES["rosenbrock"], lr=np.array([10.0, 0.01]), n_steps=100)
    assert diverged_at(ok) is None and ravine.f(ok[-1]) < ravine.f(ok[0])
    assert diverged_at(bad) is not None and np.isnan(bad[-1]).all()
    assert np.all(np.abs(bad[:diverged_at(bad)]) <= 1e6)
    assert diverged_at(big)[1] == -1


def test_run_optimizer_names_a_step_that_returns_the_wrong_shape():
    with pytest.raises(ValueError, match="shaped like w"):
        run_optimizer(lambda w, g, state, lr: float(np.sum(w)), SURFACES["quadratic"], n_steps=3)


# ------------------------------------------------------------------------------ vanishing gradients
def test_the_lectures_gradient_table_is_three_iterations_of_the_222_network():
    np.testing.assert_allclose(_gradient_table_222(3, 0.5), LECTURE_GRADIENT_TABLE, atol=5e-7)
    ratio = np.abs(LECTURE_GRADIENT_TABLE[:, :4]).mean() / np.abs(LECTURE_GRADIENT_TABLE[:, 4:]).mean()
    assert 50 < ratio < 200                                     # "about 100x smaller"


def test_glorot_uniform_bound_and_variance_and_he_variance():
    W = ref.glorot_uniform(300, 500, rng=0)
    assert W.shape == (300, 500) and np.abs(W).max() <= np.sqrt(6 / 800)
    assert W.var() == pytest.approx(2 / 800, rel=0.05)
    H = ref.he_normal(1000, 1000, rng=0)
    assert H.std() == pytest.approx(np.sqrt(2 / 1000), rel=0.02)
    np.testing.assert_array_equal(ref.he_normal(4, 3, rng=5), ref.he_normal(4, 3, rng=5))


# ------------------------------------------------------------------------------ batch norm
def test_batchnorm_lecture_example():
    y, _ = _batchnorm_forward(np.array([[1.0], [2.0], [3.0], [4.0]]), np.ones(1), np.zeros(1), eps=0.0)
    np.testing.assert_allclose(y[:, 0], [-1.341641, -0.447214, 0.447214, 1.341641], atol=1e-6)


@pytest.mark.parametrize("shape", [(16, 5), (6, 3, 4, 4)])
def test_batchnorm_train_forward_and_backward_match_torch(shape):
    g = np.random.default_rng(0)
    x, gamma, beta, dy = g.normal(2, 3, shape), g.normal(1, 0.2, shape[1]), g.normal(0, 1, shape[1]), g.normal(size=shape)
    y, cache = _batchnorm_forward(x, gamma, beta, eps=1e-5)
    xt, gt, bt = (T(a).requires_grad_() for a in (x, gamma, beta))
    yt = F.batch_norm(xt, None, None, gt, bt, training=True, eps=1e-5)
    np.testing.assert_allclose(y, yt.detach().numpy(), atol=1e-10)
    yt.backward(T(dy))
    for ours, theirs in zip(_batchnorm_backward(dy, cache), (xt, gt, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), atol=1e-10)


def test_batchnorm_running_statistics_follow_a_hand_ewma_and_torch():
    g = np.random.default_rng(1)
    bn = torch.nn.BatchNorm1d(4, momentum=0.1).double()
    rm, rv = np.zeros(4), np.ones(4)
    hand_m, hand_v = np.zeros(4), np.ones(4)
    for _ in range(5):
        x = g.normal(3, 2, (8, 4))
        bn(T(x))
        rm, rv = _bn_update_running(rm, rv, x, beta_ewma=0.9)
        hand_m = 0.9 * hand_m + 0.1 * x.mean(0)
        hand_v = 0.9 * hand_v + 0.1 * x.var(0, ddof=1)      # torch keeps the unbiased variance
    np.testing.assert_allclose(rm, hand_m)
    np.testing.assert_allclose(rv, hand_v)
    np.testing.assert_allclose(rm, bn.running_mean.numpy(), atol=1e-12)
    np.testing.assert_allclose(rv, bn.running_var.numpy(), atol=1e-12)
    x1 = g.normal(size=(1, 4))                                # eval works with a batch of one
    bn.eval()
    gamma, beta = bn.weight.detach().numpy(), bn.bias.detach().numpy()
    np.testing.assert_allclose(_batchnorm_eval(x1, rm, rv, gamma, beta), bn(T(x1)).detach().numpy(), atol=1e-12)


def test_batchnorm_identity_and_shift_invariance():
    x = np.random.default_rng(2).normal(1, 2, (10, 3))
    mu, var = x.mean(0), x.var(0)
    y, _ = _batchnorm_forward(x, np.sqrt(var + 1e-5), mu)
    np.testing.assert_allclose(y, x, atol=1e-12)               # gamma = sd, beta = mean: the identity
    np.testing.assert_allclose(_batchnorm_forward(x + 7.0, np.ones(3), np.zeros(3))[0],
                               _batchnorm_forward(x, np.ones(3), np.zeros(3))[0], atol=1e-12)   # b is redundant


# ------------------------------------------------------------------------------ regularisation
def test_inverted_dropout_statistics_and_eval_identity():
    x = np.ones((1000, 1000))
    out, mask = ref.dropout_forward(x, 0.8, training=True, rng=0)
    assert abs(np.mean(out == 0) - 0.2) < 0.01 and abs(out.mean() - 1) < 0.01
    assert set(np.unique(out)) == {0.0, 1.25} and mask.dtype == bool
    torch_zero = float((F.dropout(torch.ones(1000, 1000), p=0.2, training=True) == 0).float().mean())
    assert abs(np.mean(out == 0) - torch_zero) < 0.01         # the same statistics as torch's p = 1 - keep_prob
    ev, ev_mask = ref.dropout_forward(x[:5, :5] * 3, 0.8, training=False, rng=0)
    np.testing.assert_array_equal(ev, 3 * np.ones((5, 5)))
    assert ev_mask.all()
    np.testing.assert_array_equal(ref.dropout_forward(x[:3], 1.0, True, rng=0)[0], x[:3])
    dx = _dropout_backward(np.full((1000, 1000), 2.0), mask, 0.8)
    np.testing.assert_array_equal(dx, 2.0 * out)              # same mask, same scale


def test_dropout_same_seed_same_mask():
    x = np.arange(20.0)
    np.testing.assert_array_equal(ref.dropout_forward(x, 0.5, True, rng=3)[1], ref.dropout_forward(x, 0.5, True, rng=3)[1])


def test_penalties_are_lambda_times_sums():
    params = {"W1": np.array([[1.0, -2.0]]), "W2": np.array([3.0])}
    assert ref.l2_penalty(params, 0.01) == pytest.approx(0.01 * 14)
    assert ref.l1_penalty(list(params.values()), 0.5) == pytest.approx(3.0)


def test_early_stopping_patience_and_min_delta():
    es = ref.EarlyStopping(patience=5, min_delta=0.001)
    seq = [1.0, 0.9, 0.8, 0.7995, 0.7992, 0.79, 0.7895, 0.7891, 0.789, 0.7899, 0.79]
    stops = [es.step(v, state={"epoch": k}) for k, v in enumerate(seq)]
    assert es.best_epoch == 5 and es.best_loss == 0.79 and es.best_state == {"epoch": 5}
    assert stops.index(True) == 10 and es.stopped_epoch == 10       # 5th epoch without a 0.001 gain
    es2 = ref.EarlyStopping(patience=2, min_delta=0.0)
    assert [es2.step(v) for v in (3, 2, 2, 2)] == [False, False, False, True]


def test_log_uniform_samples_are_uniform_in_the_exponent():
    s = _log_uniform(1e-4, 1.0, 2000, rng=0)
    assert s.min() >= 1e-4 and s.max() <= 1.0
    assert stats.kstest(np.log10(s), stats.uniform(loc=-4, scale=4).cdf).pvalue > 0.01
    assert stats.kstest(s, stats.uniform(loc=1e-4, scale=1).cdf).pvalue < 1e-6


# ------------------------------------------------------------------------------ augmentation
def test_augment_keeps_shape_and_dtype_and_zero_ranges_are_the_identity():
    g = np.random.default_rng(0)
    img = g.random((12, 10))
    rgb = (g.random((9, 11, 3)) * 255).astype(np.uint8)
    for im in (img, rgb):
        out = ref.augment(im, rng=1)
        assert out.shape == im.shape and out.dtype == im.dtype
        np.testing.assert_array_equal(ref.augment(im, 1, rotation=0, shift=0, zoom=0, hflip=False), im)
    flips = [ref.augment(img, rng=k, rotation=0, shift=0, zoom=0, hflip=True) for k in range(20)]
    assert all(np.array_equal(f, img) or np.array_equal(f, img[:, ::-1]) for f in flips)
    assert any(np.array_equal(f, img[:, ::-1]) for f in flips) and any(np.array_equal(f, img) for f in flips)
    np.testing.assert_array_equal(img[:, ::-1][:, ::-1], img)
    np.testing.assert_array_equal(ref.augment(img, rng=7), ref.augment(img, rng=7))


def test_augment_shift_and_rotation_move_the_content():
    img = np.zeros((21, 21))
    img[10, 10] = 1.0
    shifted = ref.augment(img, np.random.default_rng(0), rotation=0, shift=0.2, zoom=0, hflip=False, fill="constant")
    g = np.random.default_rng(0)
    g.uniform(), g.uniform()                                   # angle, zoom: the documented draw order
    dy, dx = g.uniform(-0.2, 0.2) * 21, g.uniform(-0.2, 0.2) * 21
    r, c = np.unravel_index(shifted.argmax(), shifted.shape)
    assert abs(r - (10 + dy)) <= 1 and abs(c - (10 + dx)) <= 1
    bar = np.zeros((41, 41))
    bar[20, 5:36] = 1.0                                        # a horizontal bar through the centre
    rot = ref.augment(bar, rng=0, rotation=90, shift=0, zoom=0, hflip=False, fill="constant")
    angle = np.random.default_rng(0).uniform(-90, 90)          # the first number drawn: 24.7°
    r, c = np.nonzero(rot > 0.5)
    measured = np.degrees(np.arctan(np.polyfit(c - 20, -(r - 20), 1)[0]))   # y up: counter-clockwise > 0
    assert measured == pytest.approx(angle, abs=2)


# ------------------------------------------------------------------------------ torch helpers
def test_deep_mlp_init_scales_and_structure():
    from dlcourse.training.deep import DeepMLP, deep_mlp

    m = deep_mlp(4, 400, "relu", "he", batchnorm=True, residual=True, in_features=300, seed=0, dtype=torch.float64)
    assert isinstance(m, DeepMLP) and len(m.hidden) == 3
    w1 = m.hidden[0].linear.weight.detach().numpy()
    assert w1.std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)
    assert not m.hidden[0].residual and m.hidden[1].residual        # no shortcut where the width changes
    g = deep_mlp(3, 300, "tanh", "glorot", seed=0).hidden[1].linear.weight.detach().numpy()
    assert g.std() == pytest.approx(np.sqrt(2 / 600), rel=0.02)
    same = deep_mlp(3, 8, seed=4).out.weight.detach().numpy()
    np.testing.assert_array_equal(same, deep_mlp(3, 8, seed=4).out.weight.detach().numpy())
    with pytest.raises(ValueError):
        deep_mlp(1, 8)


def test_layer_grad_norms_match_autograd_and_show_vanishing_sigmoid_gradients():
    from dlcourse.data import two_moons
    from dlcourse.training.deep import deep_mlp
    from dlcourse.training import reference as ref

    X, y = two_moons(128, 0.2, rng=0)
    m = deep_mlp(5, 16, "tanh", "glorot", seed=1, dtype=torch.float64)
    norms = ref.layer_grad_norms(m, X, y)
    m.zero_grad()
    F.binary_cross_entropy_with_logits(m(T(X))[:, 0], T(y)).backward()
    linears = [l.linear for l in m.hidden] + [m.out]
    np.testing.assert_allclose(norms, [float(l.weight.grad.norm()) for l in linears], rtol=1e-12)

    def ratio(act, init):
        n = ref.layer_grad_norms(deep_mlp(15, 32, act, init, seed=0, dtype=torch.float64), X, y)
        return n[0] / n[-1]
    assert ratio("sigmoid", "standard") < 0.1 * ratio("relu", "he")


def test_regularised_mlp_records_curves_and_l2_shrinks_the_fit():
    from dlcourse.data import two_moons
    from dlcourse.training.overfit import fit_regularised_mlp, proba_at

    X, y = two_moons(60, 0.3, rng=0)
    Xv, yv = two_moons(100, 0.3, rng=1)
    free = fit_regularised_mlp(X, y, Xv, yv, hidden=(32,), epochs=60)
    reg = fit_regularised_mlp(X, y, Xv, yv, hidden=(32,), penalty="l2", lam=0.1, epochs=60)
    drop = fit_regularised_mlp(X, y, Xv, yv, hidden=(32,), keep_prob=0.5, epochs=5, seed=3)
    assert free["train_loss"].shape == (60,) and len(free["states"]) == 60
    assert free["train_loss"][-1] < free["train_loss"][0] and reg["train_loss"][-1] > free["train_loss"][-1]
    p10 = proba_at(free, 10, Xv)                                   # restoring epoch 10 reproduces its loss
    bce = -np.mean(yv * np.log(p10) + (1 - yv) * np.log(1 - p10))
    assert bce == pytest.approx(free["val_loss"][9], rel=1e-9)
    assert proba_at(free, 60, Xv) == pytest.approx(1 / (1 + np.exp(-free["model"](T(Xv)).detach().numpy()[:, 0])))
    np.testing.assert_array_equal(drop["val_loss"], fit_regularised_mlp(X, y, Xv, yv, hidden=(32,), keep_prob=0.5,
                                                                          epochs=5, seed=3)["val_loss"])


def test_digits_transfer_helpers():
    from dlcourse.cnn.models import accuracy
    from dlcourse.training.transfer import DigitsCNN, few_shot_digits, pretrain_digits_base

    Xtr, ytr, Xte, yte = few_shot_digits(n_per_class=10, seed=0)
    assert Xtr.shape == (50, 1, 8, 8) and sorted(np.bincount(ytr.numpy()).tolist()) == [10] * 5
    assert len(Xte) > 150 and set(yte.tolist()) == set(range(5))
    assert DigitsCNN(3)(Xtr[:2]).shape == (2, 3) and DigitsCNN(3).features(Xtr[:2]).shape == (2, 32, 2, 2)
    state = torch.get_rng_state()
    model, info = pretrain_digits_base(epochs=3, seed=0)
    assert torch.equal(state, torch.get_rng_state())              # seeded locally
    assert info["test_accuracy"] > 0.9 and len(info["losses"]) == 3 and info["losses"][-1] < info["losses"][0]
    assert 0.0 <= accuracy(model, Xtr, ytr) <= 1.0
