"""Week 05 recurrent references against independent oracles: torch's RNN / LSTM modules with
copied weights (float64), autograd, finite differences, loops written here; the gradient-flow
set-up against closed forms; the character model's training and sampling."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.data import HELLO_VOCAB, hello_sequences, zen_text
from dlcourse.sequences import charmodel, gradflow, lstm, rnn

T, N, M, H, K = 5, 3, 4, 6, 7                     # M != H so swapped matrices cannot pass


@pytest.fixture()
def params():
    p = rnn.init_rnn(M, H, K, rng=1, scale=0.5)
    g = np.random.default_rng(2)
    p["b_h"], p["b_y"] = g.normal(size=H), g.normal(size=K)
    return p


@pytest.fixture()
def batch():
    g = np.random.default_rng(3)
    return g.normal(size=(T, N, M)), g.integers(0, K, size=(T, N)), g.normal(size=(N, H))


def _torch_rnn(p):
    cell = nn.RNN(M, H, nonlinearity="tanh").double()
    with torch.no_grad():
        cell.weight_ih_l0.copy_(torch.from_numpy(p["W_xh"]))
        cell.weight_hh_l0.copy_(torch.from_numpy(p["W_hh"]))
        cell.bias_ih_l0.copy_(torch.from_numpy(p["b_h"]))
        cell.bias_hh_l0.zero_()
    return cell


def test_init_rnn_shapes_and_seed():
    p = rnn.init_rnn(M, H, K, rng=0)
    assert {k: v.shape for k, v in p.items()} == {"W_xh": (H, M), "W_hh": (H, H), "b_h": (H,), "W_hy": (K, H),
                                                  "b_y": (K,)}
    assert tuple(p) == rnn.RNN_KEYS
    np.testing.assert_array_equal(p["W_hh"], rnn.init_rnn(M, H, K, rng=0)["W_hh"])


def test_step_forms_agree_and_match_torch(params, batch):
    X, _, h0 = batch
    h = rnn._rnn_step(X[0], h0, params["W_xh"], params["W_hh"], params["b_h"])
    W = np.concatenate([params["W_hh"], params["W_xh"]], axis=1)                # (H, H+M), h first
    np.testing.assert_allclose(rnn._rnn_step_concat(X[0], h0, W, params["b_h"]), h, rtol=1e-13)
    out, _ = _torch_rnn(params)(torch.from_numpy(X[:1]), torch.from_numpy(h0)[None])
    np.testing.assert_allclose(h, out[0].detach().numpy(), rtol=1e-12)


def test_forward_matches_torch(params, batch):
    X, _, h0 = batch
    Hs, logits = rnn._rnn_forward(X, h0, params)
    out, h_n = _torch_rnn(params)(torch.from_numpy(X), torch.from_numpy(h0)[None])
    np.testing.assert_allclose(Hs, out.detach().numpy(), rtol=1e-12)
    expected = out.detach().numpy() @ params["W_hy"].T + params["b_y"]
    np.testing.assert_allclose(logits, expected, rtol=1e-12)
    Hs0, _ = rnn._rnn_forward(X, None, params)
    out0, _ = _torch_rnn(params)(torch.from_numpy(X))
    np.testing.assert_allclose(Hs0, out0.detach().numpy(), rtol=1e-12)


def test_sequence_loss_matches_torch_and_is_stable():
    g = np.random.default_rng(4)
    logits, targets = g.normal(size=(T, N, K)) * 3, g.integers(0, K, size=(T, N))
    expected = sum(float(nn.functional.cross_entropy(torch.from_numpy(logits[t]), torch.from_numpy(targets[t])))
                   for t in range(T))
    assert rnn._sequence_loss(logits, targets) == pytest.approx(expected, rel=1e-12)
    big = logits + 1000.0
    assert rnn._sequence_loss(big, targets) == pytest.approx(expected, rel=1e-9)


def test_bptt_matches_autograd_and_finite_differences(params, batch):
    X, targets, h0 = batch
    loss, grads, h_last = rnn._rnn_backward(params, X, targets, h0)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.from_numpy(h0)
    total = 0
    for t in range(T):
        h = torch.tanh(torch.from_numpy(X[t]) @ tp["W_xh"].T + h @ tp["W_hh"].T + tp["b_h"])
        z = h @ tp["W_hy"].T + tp["b_y"]
        total = total + nn.functional.cross_entropy(z, torch.from_numpy(targets[t]))
    total.backward()
    assert loss == pytest.approx(total.item(), rel=1e-12)
    np.testing.assert_allclose(h_last, h.detach().numpy(), rtol=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)
    # one central difference per matrix, on an entry chosen at random
    g = np.random.default_rng(5)
    for k, v in params.items():
        idx = tuple(g.integers(0, s) for s in v.shape)
        plus = {**params, k: v.copy()}
        minus = {**params, k: v.copy()}
        plus[k][idx] += 1e-6
        minus[k][idx] -= 1e-6
        fd = (rnn._rnn_backward(plus, X, targets, h0)[0] - rnn._rnn_backward(minus, X, targets, h0)[0]) / 2e-6
        assert grads[k][idx] == pytest.approx(fd, rel=1e-5, abs=1e-9), k


def test_clip_by_global_norm_matches_torch():
    g = np.random.default_rng(6)
    grads = {"a": g.normal(size=(3, 4)) * 5, "b": g.normal(size=7) * 5}
    before = {k: v.copy() for k, v in grads.items()}
    clipped, total = rnn._clip_by_global_norm(grads, 2.0)
    tensors = [torch.tensor(v, requires_grad=True) for v in grads.values()]
    for t_, v in zip(tensors, grads.values()):
        t_.grad = torch.tensor(v)
    expected_total = float(nn.utils.clip_grad_norm_(tensors, 2.0))
    assert total == pytest.approx(expected_total, rel=1e-12)
    for (k, v), t_ in zip(clipped.items(), tensors):
        np.testing.assert_allclose(v, t_.grad.numpy(), rtol=1e-12)
        np.testing.assert_array_equal(grads[k], before[k])                     # inputs untouched
    small, total_small = rnn._clip_by_global_norm(grads, 1e6)
    for k in grads:
        np.testing.assert_array_equal(small[k], grads[k])                      # never scaled up


def test_hello_model_learns_ello():
    snaps = rnn._train_hello()
    X, targets = hello_sequences()
    first, last = snaps[0], snaps[-1]
    assert last[0] == 300 and last[1] < 0.1 * first[1]
    _, logits = rnn._rnn_forward(X, None, last[2])
    assert HELLO_VOCAB.decode(logits[:, 0].argmax(-1)) == "ello"


# ---------------------------------------------------------------- LSTM / GRU

@pytest.fixture()
def lstm_params():
    P = lstm.init_lstm(M, H, rng=7, forget_bias=0.5)
    g = np.random.default_rng(8)
    for gate in lstm.LSTM_GATES:
        P[f"b_{gate}"] = P[f"b_{gate}"] + g.normal(size=H) * 0.3
    return P


def _torch_cell_from(P):
    """Written here, independently of dlcourse's converter: torch's rows are (i, f, g, o)."""
    cell = nn.LSTMCell(M, H).double()
    W = np.concatenate([P["W_i"], P["W_f"], P["W_c"], P["W_o"]])                 # (4H, H+M)
    b = np.concatenate([P["b_i"], P["b_f"], P["b_c"], P["b_o"]])
    with torch.no_grad():
        cell.weight_hh.copy_(torch.from_numpy(W[:, :H]))
        cell.weight_ih.copy_(torch.from_numpy(W[:, H:]))
        cell.bias_ih.copy_(torch.from_numpy(b))
        cell.bias_hh.zero_()
    return cell


def test_lstm_step_matches_torch_cell(lstm_params, batch):
    X, _, h0 = batch
    c0 = np.random.default_rng(9).normal(size=(N, H))
    h, c, gates = lstm._lstm_step(X[0], h0, c0, lstm_params)
    th, tc = _torch_cell_from(lstm_params)(torch.from_numpy(X[0]), (torch.from_numpy(h0), torch.from_numpy(c0)))
    np.testing.assert_allclose(h, th.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(c, tc.detach().numpy(), rtol=1e-12)
    assert sorted(gates) == ["c_tilde", "f", "i", "o"] and all(v.shape == (N, H) for v in gates.values())
    np.testing.assert_allclose(h, gates["o"] * np.tanh(c), rtol=1e-13)


def test_lstm_forced_gates_keep_the_cell(lstm_params, batch):
    X, _, h0 = batch
    c0 = np.random.default_rng(10).normal(size=(N, H))
    P = {**lstm_params, "b_f": np.full(H, 50.0), "b_i": np.full(H, -50.0)}
    _, c, _ = lstm._lstm_step(X[0], h0, c0, P)
    np.testing.assert_allclose(c, c0, atol=1e-15)


def test_lstm_forward_and_converters_match_torch_lstm(lstm_params, batch):
    X, _, h0 = batch
    c0 = np.zeros((N, H))
    Hs, Cs, G = lstm._lstm_forward(X, lstm_params, h0, c0)
    net = nn.LSTM(M, H).double()
    cell = _torch_cell_from(lstm_params)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(net, f"{name}_l0").copy_(getattr(cell, name))
    out, (h_n, c_n) = net(torch.from_numpy(X), (torch.from_numpy(h0)[None], torch.from_numpy(c0)[None]))
    np.testing.assert_allclose(Hs, out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(Cs[-1], c_n[0].detach().numpy(), rtol=1e-12)
    assert G["f"].shape == (T, N, H)
    back = lstm.from_torch_lstmcell(lstm.to_torch_lstmcell(lstm_params))
    for k, v in lstm_params.items():
        np.testing.assert_allclose(back[k], v, rtol=1e-15)
    for k, v in lstm.from_torch_lstmcell(cell).items():
        np.testing.assert_allclose(v, lstm_params[k], rtol=1e-15)


def test_lstm_param_count_matches_the_lecture_and_torch():
    assert lstm._lstm_param_count(32, 10) == 5504
    assert H * (H + M) + H == sum(v.size for k, v in rnn.init_rnn(M, H, K).items() if k in ("W_xh", "W_hh", "b_h"))
    torch_count = sum(p.numel() for p in nn.LSTMCell(10, 32).parameters())
    assert torch_count - lstm._lstm_param_count(32, 10) == 4 * 32            # torch's second bias vector


def test_gru_step_against_a_loop_and_its_limits(batch):
    X, _, h0 = batch
    P = lstm.init_gru(M, H, rng=11)
    h = lstm._gru_step(X[0], h0, P)
    sig = lambda z: 1 / (1 + np.exp(-z))                                          # noqa: E731
    for n in range(N):                                                          # one sample at a time
        hx = np.concatenate([h0[n], X[0, n]])
        z = sig(P["W_z"] @ hx + P["b_z"])
        r = sig(P["W_r"] @ hx + P["b_r"])
        cand = np.tanh(P["W_h"] @ np.concatenate([r * h0[n], X[0, n]]) + P["b_h"])
        np.testing.assert_allclose(h[n], (1 - z) * h0[n] + z * cand, rtol=1e-12)
    keep = lstm._gru_step(X[0], h0, {**P, "b_z": np.full(H, -50.0)})
    np.testing.assert_allclose(keep, h0, atol=1e-15)


# ---------------------------------------------------------------- gradient flow

def test_grad_norms_closed_form_for_the_linear_rnn():
    g = gradflow.grad_norm_grid("rnn", 30, 16, (0.5, 1.0, 1.5), activation="linear")
    k = np.arange(30)
    for row, rho in zip(g, (0.5, 1.0, 1.5)):
        np.testing.assert_allclose(row, rho ** (29 - k), rtol=1e-9)              # orthogonal W_hh: exact
    clipped = gradflow.grad_norm_grid("rnn", 30, 16, (1.5,), activation="linear", clip=1.0)[0]
    assert np.linalg.norm(clipped) == pytest.approx(1.0, rel=1e-5)
    np.testing.assert_allclose(clipped / clipped[-1], g[2] / g[2][-1], rtol=1e-9)  # same shape, capped


def test_rnn_vanishes_and_the_lstm_keeps_the_signal():
    rnn_row = gradflow.grad_norms_through_time("rnn", T=50, spectral_radius=0.5)
    lstm_row = gradflow.grad_norms_through_time("lstm", T=50, spectral_radius=1.0, forget_bias=3.0)
    assert rnn_row[-1] == pytest.approx(1.0) and lstm_row[-1] == pytest.approx(1.0)
    assert rnn_row[0] < 1e-6 * rnn_row[-1]                                      # the lecture's E5.5 numbers
    assert lstm_row[0] > 1e-2 * lstm_row[-1]
    with pytest.raises(ValueError, match="kind"):
        gradflow.grad_norms_through_time("gru")


def test_tanh_never_lets_more_through_than_the_linear_rnn():
    """|tanh'| <= 1 and W_hh = radius * orthogonal, so ||dL/dh_k|| <= radius ** (T - 1 - k)."""
    for rho in (0.7, 1.0, 1.3):
        norms = gradflow.grad_norms_through_time("rnn", T=40, H=16, spectral_radius=rho, seed=3)
        assert np.all(norms <= rho ** (39 - np.arange(40)) * (1 + 1e-9))
        assert norms[0] < norms[-1]


# ---------------------------------------------------------------- character model

@pytest.fixture(scope="module")
def char_model():
    torch.manual_seed(0)
    return charmodel.train_char_model(zen_text(), steps=60, hidden=64, progress=False, seed=0)


def test_char_model_trains_and_is_reproducible(char_model):
    model, vocab, history = char_model
    assert len(history) == 60 and history[-1] < 0.75 * history[0]
    assert not model.training and set(vocab.itos) == set(zen_text())
    again = charmodel.train_char_model(zen_text(), steps=3, hidden=64, progress=False, seed=0)[2]
    assert again == pytest.approx(history[:3], rel=1e-6)


def test_sampling_temperature(char_model):
    model, vocab, _ = char_model
    greedy = charmodel.sample_text(model, vocab, "Beautiful", 40, temperature=0.0, rng=0, n_samples=3)
    assert len(set(greedy)) == 1 and len(greedy[0]) == 40
    a = charmodel.sample_text(model, vocab, "Beautiful", 40, temperature=1.5, rng=1)
    b = charmodel.sample_text(model, vocab, "Beautiful", 40, temperature=1.5, rng=1)
    assert a == b and set(a) <= set(vocab.itos)
    p_cold = charmodel.next_char_probs(model, vocab, "Beautiful is", 0.3)
    p_hot = charmodel.next_char_probs(model, vocab, "Beautiful is", 3.0)
    assert p_cold.sum() == pytest.approx(1) and p_hot.sum() == pytest.approx(1)
    ent = lambda p: -(p[p > 0] * np.log(p[p > 0])).sum()                         # noqa: E731
    assert ent(p_hot) > ent(p_cold)
    with pytest.raises(ValueError, match="prefix"):
        charmodel.sample_text(model, vocab, "", 5)


# ---------------------------------------------------------------------------- probes of the notebook's demos
def test_spot_check_gradients_is_tiny_for_bptt_and_large_for_a_wrong_gradient(params, batch):
    from dlcourse.sequences import probes
    from dlcourse.sequences import reference as ref

    X, y, _ = batch
    _, grads, _ = ref.rnn_backward(params, X, y)
    loss = lambda: ref.sequence_loss(ref.rnn_forward(X, None, params)[1], y)          # noqa: E731
    before = {k: v.copy() for k, v in params.items()}
    errors = probes.spot_check_gradients(loss, params, grads, np.random.default_rng(0))
    assert set(errors) == set(params) and max(errors.values()) < 1e-6
    assert all(np.array_equal(params[k], before[k]) for k in params)           # restored in place
    wrong = dict(grads, W_hh=-grads["W_hh"])
    assert probes.spot_check_gradients(loss, params, wrong, np.random.default_rng(0))["W_hh"] > 0.5


def test_last_step_gradient_norms_match_autograd_at_the_pre_activations():
    from dlcourse.sequences import probes
    from dlcourse.sequences import reference as ref

    T_, M_, H_, K_ = 8, 3, 5, 4
    gen = np.random.default_rng(0)
    X, y = probes.time_stamped_inputs(T_, M_, K_, gen)
    assert X.shape == (T_, 1, M_ + T_) and np.array_equal(X[:, 0, M_:], np.eye(T_))
    P = probes.random_rnn(M_, H_, K_, 2.0, gen, stamp=T_)
    norms = probes.last_step_gradient_norms(ref.rnn_backward, P, X, y, M_)
    Pt = {k: torch.tensor(v, requires_grad=True) for k, v in P.items()}
    h, pre = torch.zeros(1, H_, dtype=torch.float64), []
    for t in range(T_):
        a = torch.tensor(X[t]) @ Pt["W_xh"].T + h @ Pt["W_hh"].T + Pt["b_h"]
        a.retain_grad()
        pre.append(a)
        h = torch.tanh(a)
    loss_T = nn.functional.cross_entropy(h @ Pt["W_hy"].T + Pt["b_y"], torch.tensor(y[-1]))
    loss_T.backward()
    oracle = np.array([a.grad.norm().item() for a in pre])
    assert np.allclose(norms, oracle, rtol=1e-8, atol=1e-14)
