"""Week 08 numerics (dlcourse.interpret) against oracles written here: loops, closed forms, finite
differences, torch autograd, and the lecture's answer keys (TV of [[0, 1], [2, 3]]; Grad-CAM = ReLU(CAM)/uv)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.ndimage import gaussian_filter
from torch import nn

from dlcourse.data import CANVAS_SIZE, TAG_SIZE, add_tag, digit_canvas
from dlcourse.interpret import attribution as att
from dlcourse.interpret import synthesis as syn
from dlcourse.interpret.models import fold_batch_norm, gap_cnn, trained_digit_cnn, trained_shortcut_cnn


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ------------------------------------------------------------------ data
def test_digit_canvas_centres_the_digit_and_add_tag_marks_only_the_selected_images():
    X_tr, X_te, y_tr, y_te = digit_canvas()
    assert X_tr.shape[1:] == (1, CANVAS_SIZE, CANVAS_SIZE) and len(X_tr) + len(X_te) == 1797
    assert X_tr.min() >= 0 and X_tr.max() <= 1
    assert np.all(X_tr[:, :, :2, :] == 0) and np.all(X_tr[:, :, :, :2] == 0)      # a blank border of 2 pixels
    mask = y_tr == 3
    tagged = add_tag(X_tr, mask=mask)
    assert np.all(tagged[mask][:, :, :TAG_SIZE, :TAG_SIZE] == 1.0)
    assert np.array_equal(tagged[~mask], X_tr[~mask]) and not np.shares_memory(tagged, X_tr)


# ------------------------------------------------------------------ models
def test_fold_batch_norm_is_exact_in_eval_mode():
    model = gap_cnn(3, batch_norm=True)
    X = torch.rand(64, 1, 16, 16)
    with torch.no_grad():
        for m in model.modules():                                        # non-trivial affine parameters
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 2.0)
                m.bias.uniform_(-0.5, 0.5)
    plain = fold_batch_norm(model, X)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in plain.modules())
    with torch.no_grad():
        assert torch.allclose(plain(X), model.eval()(X), atol=1e-4)


def test_trained_models_learn_and_the_shortcut_model_depends_on_the_tag():
    clean, short = trained_digit_cnn(), trained_shortcut_cnn()
    assert clean.test_accuracy > 0.9                                     # measured 0.971 (seed 0)
    is3 = short.y_test == 3
    untagged = att.class_scores(short.model, short.X_test[is3]).argmax(1)
    tagged = att.class_scores(short.model, add_tag(short.X_test[is3]).astype(np.float32)).argmax(1)
    assert (tagged == 3).mean() - (untagged == 3).mean() > 0.3           # measured 1.00 vs 0.11 (seed 0)


# ------------------------------------------------------------------ activations, filters, patches
def test_get_activations_equals_sequential_slices_and_removes_hooks():
    model = gap_cnn(1).double()
    x = torch.rand(2, 1, 16, 16, dtype=torch.float64)
    names = [n for n, _ in model.named_children()]
    got = att._get_activations(model, x, ["relu1", "conv3", "fc"])
    with torch.no_grad():
        for name in got:
            assert torch.allclose(got[name], model[:names.index(name) + 1](x))
    assert all(not m._forward_hooks for m in model.modules())


def test_normalize_filters_matches_a_loop_and_handles_constant_filters():
    w = np.random.default_rng(0).normal(size=(4, 2, 3, 3))
    w[2] = 1.5
    got = att._normalize_filters(w)
    for k in range(4):
        span = np.ptp(w[k])
        assert np.allclose(got[k], 0.0 if span == 0 else (w[k] - w[k].min()) / span)


def test_receptive_fields_of_the_gap_cnn():
    model = gap_cnn()
    assert [att.receptive_field_geometry(model, n)[:2] for n in ("conv1", "pool1", "conv2", "relu3")] == \
        [(3, 1), (4, 2), (8, 2), (12, 2)]


def test_top_patches_finds_a_planted_cross():
    conv = nn.Conv2d(1, 1, 3, bias=False)
    cross = torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
    with torch.no_grad():
        conv.weight.copy_(cross[None, None])
    model = nn.Sequential(__import__("collections").OrderedDict([("conv", conv), ("relu", nn.ReLU())]))
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 0.2, size=(12, 1, 10, 10))
    for n, (r, c) in zip((3, 7), ((2, 5), (6, 1))):
        X[n, 0, r:r + 3, c:c + 3] += cross.numpy()
    found = att.top_patches(model, "relu", 0, X, k=2)
    assert {f[0] for f in found} == {3, 7}
    boxes = {f[0]: f[1] for f in found}
    assert boxes[3] == (2, 5, 5, 8) and boxes[7] == (6, 1, 9, 4)


# ------------------------------------------------------------------ occlusion, saliency, ReLU rules
def test_occlusion_on_a_linear_model_is_the_weighted_patch_sum():
    net = nn.Sequential(nn.Flatten(), nn.Linear(36, 2)).double()
    x = torch.rand(1, 1, 6, 6, dtype=torch.float64)
    got = att._occlusion_map(net, x, 1, 3, 2, fill=0.0)
    w = net[1].weight[1].reshape(6, 6).detach()
    want = [[float((w[2 * r:2 * r + 3, 2 * q:2 * q + 3] * x[0, 0, 2 * r:2 * r + 3, 2 * q:2 * q + 3]).sum())
             for q in range(2)] for r in range(2)]
    assert np.allclose(got, want)


def test_saliency_matches_finite_differences():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(2, 3, 3), nn.Tanh(), nn.Flatten(), nn.Linear(3 * 3 * 3, 4)).double()
    x = torch.rand(1, 2, 5, 5, dtype=torch.float64)
    got = att._saliency(net, x, 2)
    num = np.zeros((2, 5, 5))
    with torch.no_grad():
        for idx in np.ndindex(2, 5, 5):
            xp, xm = x.clone(), x.clone()
            xp[(0, *idx)] += 1e-6
            xm[(0, *idx)] -= 1e-6
            num[idx] = (net(xp)[0, 2] - net(xm)[0, 2]).item() / 2e-6
    assert np.allclose(got, np.abs(num).max(axis=0), atol=1e-6)


def test_relu_rules_and_guided_backprop_with_backprop_rule_is_the_gradient():
    g, x = torch.tensor([1.0, -1.0, 2.0, -2.0]), torch.tensor([1.0, 1.0, -1.0, 0.0])
    assert att._relu_backward(g, x, "backprop").tolist() == [1.0, -1.0, 0.0, -0.0]
    assert att._relu_backward(g, x, "deconvnet").tolist() == [1.0, -0.0, 2.0, -0.0]
    assert att._relu_backward(g, x, "guided").tolist() == [1.0, -0.0, 0.0, -0.0]
    model = gap_cnn(2).double()
    xi = torch.rand(1, 1, 16, 16, dtype=torch.float64)
    xr = xi.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(xr)[0, 4], xr)
    assert np.allclose(att.guided_backprop(model, xi, 4, "backprop"), grad[0].numpy())
    gb = att.guided_backprop(model, xi, 4, "guided")
    assert gb.shape == (1, 16, 16) and np.isfinite(gb).all()
    assert all(not m._forward_hooks and not m._backward_hooks for m in model.modules())


# ------------------------------------------------------------------ CAM and Grad-CAM
def test_grad_cam_equals_relu_cam_over_uv_on_a_gap_network():
    model = gap_cnn(4).double()
    x = torch.rand(1, 1, 16, 16, dtype=torch.float64)
    with torch.no_grad():
        A = model[:7](x)[0]                                              # (32, 8, 8)
    for c in range(10):
        cam = att._cam(A, model.fc.weight.detach(), c)
        with torch.no_grad():
            assert np.isclose(float(cam.mean() + model.fc.bias[c]), float(model(x)[0, c]))
        assert torch.allclose(att._grad_cam(model, x, model.relu3, c), torch.relu(cam) / 64, atol=1e-12)


def test_grad_cam_on_a_network_without_gap_matches_autograd():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 25, 3)).double()
    x = torch.rand(1, 1, 5, 5, dtype=torch.float64)
    A = net[:2](x).detach().requires_grad_(True)
    (dA,) = torch.autograd.grad(net[2:](A)[0, 1], A)
    want = torch.relu((dA[0].mean(dim=(1, 2))[:, None, None] * A[0]).sum(0))
    assert torch.allclose(att._grad_cam(net, x, net[1], 1), want.detach())


def test_heat_mass_and_fgsm():
    heat = np.zeros((8, 8))
    heat[:4, :4], heat[6, 6] = 1.0, 16.0
    assert att.heat_mass(heat, slice(0, 4), slice(0, 4)) == 0.5
    assert att.heat_mass(np.zeros((2, 2)), slice(0, 1), slice(0, 1)) == 0.0
    model = gap_cnn(0)
    x = torch.rand(1, 1, 16, 16) * 0.5 + 0.25
    adv = att.fgsm(model, x, 3, 0.1)
    assert torch.allclose((adv - x).abs(), torch.full_like(x, 0.1), atol=1e-6)
    t = att.targeted_attack(model, x, 5, eps=0.05, steps=5)
    assert float((t - x).abs().max()) <= 0.05 + 1e-6


# ------------------------------------------------------------------ synthesis
def test_tv_answer_keys_and_a_loop():
    x = torch.tensor([[0.0, 1.0], [2.0, 3.0]], dtype=torch.float64)
    assert float(syn._tv_loss(x, 2.0)) == pytest.approx(5.0, abs=1e-12)
    assert float(syn._tv_loss(x, 1.0)) == pytest.approx(np.sqrt(5), abs=1e-12)
    a = np.random.default_rng(2).normal(size=(4, 5))
    a[1, 1:3] = a[1, 1]                                                  # some zero differences (beta < 2)
    for beta in (2.0, 1.0, 0.5):
        loop = sum(((a[i, j + 1] - a[i, j]) ** 2 + (a[i + 1, j] - a[i, j]) ** 2) ** (beta / 2)
                   for i in range(3) for j in range(4))
        assert float(syn._tv_loss(torch.tensor(a), beta)) == pytest.approx(loop, abs=1e-9)
    xg = torch.tensor(a, requires_grad=True)
    syn._tv_loss(xg, 1.0).backward()
    assert torch.isfinite(xg.grad).all()


def test_gram_matrix_equals_a_double_sum_and_ignores_the_layout():
    F = torch.randn(3, 4, 5, dtype=torch.float64)
    loop = torch.tensor([[float((F[i] * F[j]).sum()) for j in range(3)] for i in range(3)], dtype=torch.float64)
    assert torch.allclose(syn._gram_matrix(F), loop)
    assert torch.allclose(syn._gram_matrix(F, normalize=True), loop / 20)
    perm = torch.randperm(20)
    assert torch.allclose(syn._gram_matrix(F.reshape(3, 20)[:, perm].reshape(3, 4, 5)), loop)


def test_style_transfer_loss_puts_alpha_on_the_style():
    F, P = torch.ones(2, 2), torch.zeros(2, 2)                           # content 4
    G, A = [torch.ones(1, 1) * 3], [torch.zeros(1, 1)]                   # style 9
    assert float(syn._style_transfer_loss(F, P, G, A, alpha=10.0, beta=1.0)) == 94.0


def test_style_transfer_records_its_two_terms_against_a_numpy_oracle():
    content, style = syn.texture_photo("brick", size=20), syn.texture_photo("gravel", size=20)
    net = syn.random_feature_net(0)
    result = syn.style_transfer(content, style, alpha=1e5, beta=1.0, steps=5, style_layers=(0, 2), net=net)
    with torch.no_grad():
        fc = [F.numpy().astype(np.float64) for F in net(torch.as_tensor(content, dtype=torch.float32)[None, None])]
        fs = [F.numpy().astype(np.float64) for F in net(torch.as_tensor(style, dtype=torch.float32)[None, None])]
    gram = lambda F: F.reshape(len(F), -1) @ F.reshape(len(F), -1).T / F[0].size          # noqa: E731
    style0 = sum(((gram(fc[l]) - gram(fs[l])) ** 2).sum() for l in (0, 2))             # from the content image
    assert len(result.content_losses) == len(result.style_losses) == len(result.losses) == 5
    assert result.content_losses[0] == 0.0 and result.style_losses[0] == pytest.approx(style0, rel=1e-4)
    assert result.losses[0] == pytest.approx(1e5 * style0, rel=1e-4)                    # alpha on the style
    assert result.style_losses[-1] < result.style_losses[0]


def test_activation_maximization_closed_form_ascent_blur_and_clip():
    w = torch.linspace(-1, 1, 9, dtype=torch.float64).reshape(1, 3, 3)
    x, hist = syn._activation_maximization(lambda z: (w * z).sum(), (1, 3, 3), steps=300, lr=0.1, l2=0.25)
    assert torch.allclose(x, w / 0.5, atol=1e-6)
    assert all(b >= a - 1e-12 for a, b in zip(hist, hist[1:]))
    base, _ = syn._activation_maximization(lambda z: (w * z).sum(), (1, 3, 3), steps=4, lr=0.1)
    blurred, _ = syn._activation_maximization(lambda z: (w * z).sum(), (1, 3, 3), steps=4, lr=0.1, every=4,
                                              blur_sigma=0.7)
    assert np.allclose(blurred.numpy(), gaussian_filter(base.numpy(), [0, 0.7, 0.7]))
    w2 = torch.randn(1, 10, 10, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    clipped, _ = syn._activation_maximization(lambda z: (w2 * z).sum(), (1, 10, 10), steps=2, lr=0.1, every=2,
                                              clip_pct=40)
    assert float((clipped == 0).double().mean()) == pytest.approx(0.4, abs=0.02)


def test_texture_synthesis_lowers_the_gram_loss_by_90_percent():
    result = syn.synthesize_texture(syn.texture_photo("gravel", size=24), steps=40)
    assert result.losses[-1] < 0.1 * result.losses[0]
    assert result.image.shape == (24, 24) and 0 <= result.image.min() and result.image.max() <= 1


def test_feature_inversion_reduces_its_objective():
    model = trained_digit_cnn().model
    result = syn.invert_features(model, "relu2", trained_digit_cnn().X_test[0, 0], tv_weight=0.05, steps=30)
    assert result.losses[-1] < 0.5 * result.losses[0]
