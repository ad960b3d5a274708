"""Week 07 numerics against torch, closed forms, brute force and the lecture's numbers."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.data import digits_16, gaussian_ring, mixture_1d, mixture_1d_density, ring_centers
from dlcourse.gans import losses, models, tools, training


def test_probability_losses_match_the_answer_key_and_torch():
    key = losses.LOSS_KEY
    assert losses._d_loss(key["d_real"], key["d_fake"]) == pytest.approx(key["L_D"], abs=5e-7)
    assert losses._g_loss_nonsat(key["d_fake"]) == pytest.approx(key["L_G"], abs=5e-7)
    assert losses._g_loss_minimax(key["d_fake"]) == pytest.approx(key["minimax"], abs=5e-7)
    assert losses._d_loss(np.full(3, 0.5), np.full(4, 0.5)) == pytest.approx(2 * np.log(2))
    r, f = torch.rand(7, dtype=torch.float64) * 0.9 + 0.05, torch.rand(5, dtype=torch.float64) * 0.9 + 0.05
    want = F.binary_cross_entropy(r, torch.ones_like(r)) + F.binary_cross_entropy(f, torch.zeros_like(f))
    assert losses._d_loss(r.numpy(), f.numpy()) == pytest.approx(float(want), abs=1e-12)
    assert np.isfinite(losses._d_loss([1.0, 0.0], [1.0, 0.0]))


def test_logit_losses_equal_bce_with_logits_and_stay_exact_for_huge_logits():
    torch.manual_seed(0)
    sr, sf = torch.randn(6, dtype=torch.float64) * 5, torch.randn(9, dtype=torch.float64) * 5
    bce = nn.BCEWithLogitsLoss()
    assert torch.allclose(losses._d_loss_logits(sr, sf), bce(sr, torch.ones_like(sr)) + bce(sf, torch.zeros_like(sf)))
    assert torch.allclose(losses._g_loss_logits(sf), bce(sf, torch.ones_like(sf)))
    assert torch.allclose(losses._g_loss_logits_minimax(sf), -bce(sf, torch.zeros_like(sf)))
    assert float(losses._g_loss_logits(torch.tensor([-300.0]))) == pytest.approx(300.0)


def test_saturation_slopes_of_the_two_generator_losses():
    d = torch.tensor(0.01, dtype=torch.float64, requires_grad=True)
    (g_minimax,) = torch.autograd.grad(torch.log(1 - d), d)
    (g_nonsat,) = torch.autograd.grad(-torch.log(d), d)
    assert float(g_minimax) == pytest.approx(-1.0101, abs=1e-4) and float(g_nonsat) == pytest.approx(-100.0)


def test_optimal_discriminator_maximises_v_and_gives_minus_2_ln_2_at_the_optimum():
    a, b = np.array([0.2, 0.0, 1.0, 0.0]), np.array([0.6, 0.3, 0.0, 0.0])
    np.testing.assert_allclose(losses._optimal_discriminator(a, b), [0.25, 0.0, 1.0, 0.5])
    x = np.linspace(-6, 6, 2001)
    p = mixture_1d_density(x)
    assert p.sum() * (x[1] - x[0]) == pytest.approx(1.0, abs=1e-4)
    assert losses.optimal_discriminator_value(p, p, x[1] - x[0]) == pytest.approx(-2 * np.log(2), abs=1e-4)
    q = np.exp(-0.5 * x ** 2) / np.sqrt(2 * np.pi)
    assert losses.optimal_discriminator_value(p, q, x[1] - x[0]) > -2 * np.log(2) + 0.1


def test_receptive_field_is_70_for_pix2pix_and_matches_autograd():
    assert tools._receptive_field(**PIX2PIX) == 70
    rng = np.random.default_rng(0)
    for _ in range(5):
        L = int(rng.integers(1, 5))
        ks, ss = list(rng.integers(1, 6, L)), list(rng.integers(1, 4, L))
        assert tools._receptive_field(ks, ss) == tools.brute_force_receptive_field(ks, ss, size=160)
    first, last = tools.receptive_field_box((4, 4), (2, 1), (1, 1), 3)
    assert last - first + 1 == 10 and first == 3 * 2 - 1 - 2


PIX2PIX = {"kernels": list(tools.PIX2PIX_70["kernels"]), "strides": list(tools.PIX2PIX_70["strides"])}


def test_adain_equals_instance_norm_then_affine():
    torch.manual_seed(1)
    x = torch.randn(3, 4, 5, 6, dtype=torch.float64)
    ys, yb = torch.rand(3, 4, dtype=torch.float64) + 0.5, torch.randn(3, 4, dtype=torch.float64)
    want = F.instance_norm(x, eps=1e-5) * ys[:, :, None, None] + yb[:, :, None, None]
    assert torch.allclose(tools._adain(x, ys, yb), want, atol=1e-10)


def test_interpolation_cycle_and_pix2pix_losses():
    np.testing.assert_allclose(tools._interpolate(np.zeros(2), np.ones(2), 3), [[0, 0], [0.5, 0.5], [1, 1]])
    x, y = torch.randn(4, 3), torch.randn(5, 3)
    G, Fn = nn.Linear(3, 3), nn.Linear(3, 3)
    want = nn.L1Loss()(Fn(G(x)), x) + nn.L1Loss()(G(Fn(y)), y)
    assert torch.allclose(tools._cycle_loss(x, y, G, Fn), want)
    logits, fake, target = torch.randn(2, 1, 30, 30), torch.rand(2, 3, 8, 8), torch.rand(2, 3, 8, 8)
    want = nn.BCEWithLogitsLoss()(logits, torch.ones_like(logits)) + 100 * nn.L1Loss()(fake, target)
    assert torch.allclose(tools._pix2pix_g_loss(logits, fake, target), want)


def test_count_modes_on_the_ring_and_on_a_collapsed_generator():
    centers = ring_centers()
    assert np.allclose(np.linalg.norm(centers, axis=1), 2.0) and centers.shape == (8, 2)
    assert tools._count_modes(gaussian_ring(1000, rng=3), centers) == 8
    assert tools._count_modes(np.repeat(centers[:3], 100, axis=0), centers) == 3


def test_data_generators_are_seeded_and_shaped():
    assert np.array_equal(gaussian_ring(50, rng=1), gaussian_ring(50, rng=1))
    assert gaussian_ring(50).dtype == np.float32 and mixture_1d(40).shape == (40, 1)
    X, y = digits_16()
    assert X.shape == (1797, 1, 16, 16) and X.dtype == np.float32 and y.shape == (1797,)
    assert X.min() == pytest.approx(-1.0) and X.max() == pytest.approx(1.0)


def test_dcgan_reference_models_follow_the_guidelines():
    G, D = models._DCGenerator(z_dim=16), models._DCDiscriminator()
    x = G(torch.randn(5, 16))
    assert x.shape == (5, 1, 16, 16) and float(x.detach().abs().max()) <= 1
    assert D(x).shape == (5,)
    leaves = [m for m in list(G.modules()) + list(D.modules()) if not list(m.children())]
    assert not any(isinstance(m, (nn.Linear, nn.MaxPool2d, nn.Sigmoid)) for m in leaves)
    Gc, Dc = models.CondDCGenerator(), models.CondDCDiscriminator()
    z = torch.randn(2, 16)
    out = Gc(z, torch.tensor([1, 7]))
    assert out.shape == (2, 1, 16, 16) and Dc(out, torch.tensor([1, 7])).shape == (2,)
    assert not torch.allclose(Gc(z[:1], torch.tensor([1])), Gc(z[:1], torch.tensor([2])))


def test_digits_classifier_is_a_fair_judge_on_held_out_real_digits():
    from sklearn.linear_model import RidgeClassifier
    from sklearn.model_selection import train_test_split

    X, y = digits_16()
    Xtr, Xte, ytr, yte = train_test_split(X.reshape(len(X), -1), y, test_size=0.25, stratify=y, random_state=0)
    acc = RidgeClassifier(alpha=1.0).fit(Xtr, ytr).score(Xte, yte)
    assert acc >= 0.92, acc                                       # 0.93-0.94 over three splits
    assert models.digits_classifier().score(X.reshape(len(X), -1), y) >= 0.93


def test_d_step_moves_only_d_and_g_step_moves_only_g():
    torch.manual_seed(2)
    G, D = models.mlp_generator(2, 8, 2, depth=1).double(), models.mlp_discriminator(2, 8, depth=1).double()
    x, z = torch.randn(5, 2, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    D0, G0 = copy.deepcopy(D), copy.deepcopy(G)
    loss = nn.BCEWithLogitsLoss()
    lr, lg = D0(x), D0(G0(z).detach())
    grads = torch.autograd.grad(loss(lr, torch.ones_like(lr)) + loss(lg, torch.zeros_like(lg)), list(D0.parameters()))
    training._d_step(G, D, torch.optim.SGD(D.parameters(), lr=0.1), x, z)
    for p, p0, g in zip(D.parameters(), D0.parameters(), grads):
        assert torch.allclose(p, p0 - 0.1 * g, atol=1e-12)
    assert all(p.grad is None for p in G.parameters())
    before = [p.detach().clone() for p in D.parameters()]
    training._g_step(G, D, torch.optim.SGD(G.parameters(), lr=0.1), z)
    assert all(torch.equal(p, b) for p, b in zip(D.parameters(), before))
    assert any(not torch.equal(p, p0) for p, p0 in zip(G.parameters(), G0.parameters()))


def test_train_gan_alternates_k_d_steps_and_one_g_step():
    calls = []
    hist = training._train_gan(None, None, None, None, lambda: "x", lambda: "z", 2, k_d=3,
                               d_step=lambda *a: calls.append("D") or 1.0, g_step=lambda *a: calls.append("G") or 2.0)
    assert "".join(calls) == "DDDGDDDG" and hist == {"d_loss": [1.0, 1.0], "g_loss": [2.0, 2.0]}
