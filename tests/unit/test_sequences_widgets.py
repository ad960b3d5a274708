"""Week 05 recurrent widgets (the attention ones are tested with the translator in
test_sequences_attention.py): build each, move its controls in Python, assert on the state
against oracles written here and on the figure; students' functions are used, broken ones
reported under the figure."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.data import hello_sequences
from dlcourse.sequences import charmodel, lstm, rnn, widgets
from dlcourse.widgetkit import text_strings as _strings
from dlcourse.widgetkit.testing import built as _built


# ------------------------------------------------------------------ W5.2
def test_hello_stepper_runs_the_students_step_and_learns_ello():
    calls = []

    def student_step(x_t, h_prev, W_xh, W_hh, b_h):
        calls.append(x_t.shape)
        return np.tanh(W_xh @ x_t.T + W_hh @ h_prev.T + b_h[:, None]).T        # column-vector style, same maths

    ex = _built(widgets.hello_stepper(rnn_step=student_step))
    assert calls and ex.state.step == 0 and ex.state.pred != "ello"
    ex.buttons["Train 50 steps"].click()
    assert ex.controls["step"].value == 50
    ex.controls["step"].value = 300
    st = ex.state
    assert st.pred == "ello" and any("ello" in s for s in _strings(ex.fig.axes[2]))
    X, targets = hello_sequences()
    params = widgets._hello_snapshots()[-1][2]
    _, logits = rnn._rnn_forward(X, None, params)
    p = np.exp(logits[:, 0] - logits[:, 0].max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(st.probs, p.T, rtol=1e-10)
    assert st.loss == pytest.approx(-np.log(p[np.arange(4), targets[:, 0]]).sum())
    ex.buttons["Reset"].click()
    assert ex.state.step == 0


def test_hello_stepper_reports_a_wrong_shape():
    broken = widgets.hello_stepper(rnn_step=lambda x, h, Wx, Wh, b: (x @ Wx.T).sum())
    assert "rnn_step returned shape" in broken.message.value


# ------------------------------------------------------------------ W5.3
def test_lstm_gate_lab_remembers_with_a_high_forget_bias_and_forgets_without():
    ex = _built(widgets.lstm_gate_lab())
    assert ex.state.correct.all()
    f = 1 / (1 + np.exp(-3.0))
    c0 = (1 / (1 + np.exp(-(10 - 5)))) * np.tanh(3.0)                              # i at t=0 times tanh(3 * bit)
    assert ex.state.C[0, 0] == pytest.approx(c0)
    assert abs(ex.state.C[-1, 0]) > 0.5 * c0 * f ** 29                          # the bit decays as f ** t
    ex.controls["force"].value = "forget gate f = 1"
    assert np.allclose(ex.state.gates["f"], 1.0) and ex.state.correct.all()
    ex.controls["force"].value = "forget gate f = 0"
    assert not ex.state.correct.all()
    ex.controls["force"].value = "none (use the biases)"
    ex.controls["forget_bias"].value = -4.0
    assert abs(ex.state.C[-1]).max() < 0.1
    assert any("remember the first bit" in s for s in _strings(ex.fig.axes[0]))


def test_lstm_gate_lab_uses_the_students_step():
    seen = []

    def student(x_t, h_prev, c_prev, P):
        seen.append(1)
        return lstm._lstm_step(x_t, h_prev, c_prev, P)

    _built(widgets.lstm_gate_lab(lstm_step=student))
    assert len(seen) == 30

    def no_tanh(x_t, h_prev, c_prev, P):                                          # h = o * c
        h, c, g = lstm._lstm_step(x_t, h_prev, c_prev, P)
        return g["o"] * c, c, g
    assert not np.allclose(_built(widgets.lstm_gate_lab(lstm_step=no_tanh)).state.H,
                           _built(widgets.lstm_gate_lab()).state.H)

    broken = widgets.lstm_gate_lab(lstm_step=lambda x, h, c, P: (h, c, {}))
    assert "KeyError" in broken.message.value


# ------------------------------------------------------------------ W5.4
def test_gradient_flow_grid_and_controls():
    ex = _built(widgets.gradient_flow())
    st = ex.state
    assert st.rnn.shape == (len(widgets.FLOW_RADII), 50) and st.lstm.shape == st.rnn.shape
    ex.controls["activation"].value = "linear"
    ex.controls["spectral_radius"].value = 1.5
    st = ex.state
    assert st.ratio["rnn"] == pytest.approx(1.5 ** 49, rel=1e-8)
    ex.controls["clip"].value = True
    row = ex.state.rnn[ex.state.row]
    assert np.linalg.norm(row) == pytest.approx(1.0, rel=1e-5)
    ex.controls["T"].value = 10
    assert ex.state.rnn.shape[1] == 10
    ex.controls["forget_bias"].value = 3.0
    ex.controls["spectral_radius"].value = 1.0
    assert ex.state.ratio["lstm"] > 1e-2
    images = [a for ax in ex.fig.axes[:2] for a in ax.images]
    assert len(images) == 2


# ------------------------------------------------------------------ sampling
def test_sampling_temperature_with_a_given_model():
    model, vocab, _ = charmodel.train_char_model("abcabcabdabcabcabd" * 8, steps=40, hidden=16, window=16,
                                                 progress=False)
    ex = _built(widgets.sampling_temperature(model, vocab))
    assert ex.controls["prefix"].options == (vocab.itos[0],)                      # no Zen prefix fits this text
    ex.controls["temperature"].value = 0.0
    st = ex.state
    assert st.top_probs[0] == 1.0 and len(set(st.samples)) == 1 and st.entropy == 0
    ex.controls["temperature"].value = 2.0
    assert ex.state.entropy > 0
    seed = ex.controls["seed"].value
    ex.buttons["New samples"].click()
    assert ex.state.seed == seed + 1
    assert any(s.startswith(ex.state.prefix) for s in _strings(ex.fig.axes[1]))
    ex.controls["seed"].value = -3                      # a typed negative seed is clamped, not a traceback
    assert ex.controls["seed"].value == 0 and ex.state.seed == 0
