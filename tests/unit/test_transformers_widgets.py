"""Week 09 widgets: build each, move its controls in Python, assert on the (frozen) state against
oracles written here and on the figure; students' functions are used."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from dlcourse.transformers import gpt, widgets


def _built(explorer):
    explorer.raise_errors = True
    assert explorer.message.value == "", explorer.message.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    return explorer


def test_module_exports_the_six_builders():
    assert sorted(widgets.__all__) == sorted(["attention_calculator", "pe_explorer", "masking_playground",
                                              "head_viewer", "cost_explorer", "patch_explorer"])


def test_importing_the_package_is_cheap():
    import subprocess
    import sys
    code = ("import sys, dlcourse.transformers, dlcourse.transformers.positional; heavy = {'torch', "
            "'matplotlib', 'ipywidgets'} & set(sys.modules); print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_attention_calculator_uses_the_students_function_and_the_lecture_numbers():
    calls = []

    def student(Q, K, V, mask=None):
        calls.append(Q.shape)
        w = torch.softmax(Q @ K.T / math.sqrt(Q.shape[-1]), dim=-1)
        return w @ V, w

    ex = _built(widgets.attention_calculator(student))
    st = ex.state
    assert calls and dataclasses.is_dataclass(st)
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.query = 1
    assert np.allclose(st.weights, [0.880797, 0.119203], atol=1e-6) and np.allclose(st.used_scores, [14, 12])
    ex.controls["scale"].value = False
    assert np.allclose(ex.state.used_scores, [112, 96]) and ex.state.weights[1] < 2e-7
    ex.controls["scale"].value = True
    ex.controls["temperature"].value = 2.0
    assert np.allclose(ex.state.used_scores, [7, 6]) and np.isclose(ex.state.weights[0], 1 / (1 + math.exp(-1)))
    ex.controls["query"].value = 1
    assert np.allclose(ex.state.raw_scores, [72, 104])


def test_pe_explorer_dot_products_depend_only_on_the_offset():
    ex = _built(widgets.pe_explorer())
    ex.controls["d_model"].value = 32
    ex.controls["position"].value = 40
    st = ex.state
    assert st.pe.shape == (100, 32) and dict(st.criteria) == {"a": True, "b": True, "c": True, "d": True}
    expected = [sum(math.cos((40 - p) / 10000 ** (2 * i / 32)) for i in range(16)) for p in range(100)]
    assert np.allclose(st.dots, expected, atol=1e-9) and np.isclose(st.dots.max(), 16)


def test_masking_playground_before_and_after_the_softmax():
    ex = _built(widgets.masking_playground())
    ex.controls["T"].value = 5
    ex.controls["length"].value = 3
    st = ex.state
    allowed = np.tril(np.ones((5, 5), bool)) & (np.arange(5) < 3)[None, :]
    assert np.array_equal(st.allowed, allowed)
    assert np.allclose(st.row_sums, 1) and np.all(st.weights[~allowed] == 0)
    ex.controls["where"].value = "after"
    assert ex.state.row_sums[0] < 1 and np.all(ex.state.weights[~allowed] == 0)
    ex.controls["causal"].value = False
    assert ex.state.allowed[0].tolist() == [True, True, True, False, False]


def test_masking_playground_shows_a_wrong_student_mask():
    ex = _built(widgets.masking_playground(lambda T: torch.ones(T, T, dtype=torch.bool).triu()))
    assert ex.state.allowed[0, 1] and not ex.state.allowed[1, 0]


def test_head_viewer_on_a_small_model():
    text = "for x in range(10): print(x)\n" * 40
    vocab, tr, va = gpt.char_corpus(text)
    torch.manual_seed(0)
    model = gpt.CharGPT(gpt.GPTConfig(len(vocab), block_size=24, d_model=16, n_layers=2, n_heads=2)).eval()
    ex = _built(widgets.head_viewer(model, vocab, prompts=("for x in range",)))
    st = ex.state
    assert st.weights.shape == (14, 14) and np.isclose(st.weights[0, 0], 1) and np.allclose(np.triu(st.weights, 1), 0)
    ex.controls["layer"].value = 1
    ex.controls["head"].value = 1
    maps = gpt.attention_maps(model, vocab.encode("for x in range"))
    assert np.allclose(ex.state.weights, maps[1, 1])
    ex.controls["prompt"].value = "print(x) ¤"                         # an unknown character is dropped
    assert len(ex.state.chars) == len("print(x) ")


def test_every_builder_works_with_its_defaults():
    """make bench builds each widget with no arguments; the head viewer then trains its own small GPT."""
    ex = _built(widgets.head_viewer())
    assert ex.state.weights.shape[0] == len("for x in range(10):")
    for builder in (widgets.attention_calculator, widgets.pe_explorer, widgets.masking_playground):
        _built(builder())


# ------------------------------------------------------------------ notebook 3: cost and patches
def test_attention_cost_shows_the_students_formula_and_measures_only_on_the_button():
    calls = []

    def student(N, d, n_heads, bytes_per_value=4):
        calls.append((N, d, n_heads))
        return 4 * N * N * d, n_heads * N * N * bytes_per_value

    ex = _built(widgets.cost_explorer(student))
    assert ex.state.seconds is None and calls                           # nothing timed before the button
    ex.controls["d"].value, ex.controls["n_heads"].value = 32, 2
    assert np.array_equal(ex.state.flops, [4 * N * N * 32 for N in ex.state.Ns])
    assert np.array_equal(ex.state.memory, [2 * N * N * 4 for N in ex.state.Ns])
    ex.buttons["Measure"].click()
    assert ex.state.seconds is not None and np.all(ex.state.seconds > 0)
    # the tensor the measurement built has exactly the formula's size: the memory is asserted, the time only shown
    assert np.array_equal(ex.state.measured_bytes, ex.state.memory)
    ex.controls["d"].value = 64                                         # another setting: not measured yet
    assert ex.state.seconds is None
    ex.controls["d"].value = 32                                         # back: the measurement was kept
    assert ex.state.seconds is not None


def test_attention_cost_reference_matches_torchs_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode

    from dlcourse.transformers import reference as ref

    for N, d, nh in [(32, 16, 4), (17, 12, 3)]:
        q = torch.randn(1, nh, N, d // nh)
        with FlopCounterMode(display=False) as counter:
            w = torch.softmax(q @ q.transpose(-2, -1), dim=-1)
            _ = w @ q
        assert ref.attention_cost(N, d, nh) == (counter.get_total_flops(), w.numel() * 4)


def test_patch_explorer_cuts_the_digit_as_unfold_does():
    from sklearn.datasets import load_digits

    ex = _built(widgets.patch_explorer(digit=3))
    data = load_digits()
    image = torch.as_tensor(data.images[np.flatnonzero(data.target == 3)[0]] / 16.0, dtype=torch.float32)
    for p in (1, 2, 4, 8):
        ex.controls["patch"].value = p
        want = torch.nn.functional.unfold(image[None, None], kernel_size=p, stride=p)[0].T.numpy()
        assert ex.state.n_tokens == (8 // p) ** 2
        assert np.allclose(ex.state.tokens, want)


def test_patch_explorer_uses_the_students_patchify():
    seen = []

    def student(imgs, p):
        seen.append(p)
        N, C, H, W = imgs.shape
        return imgs.reshape(N, C, H // p, p, W // p, p).permute(0, 2, 4, 1, 3, 5).reshape(N, -1, C * p * p)

    ex = _built(widgets.patch_explorer(student))
    ex.controls["patch"].value = 4
    assert seen[-1] == 4 and ex.state.tokens.shape == (4, 16)
