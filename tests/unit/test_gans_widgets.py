"""Week 07 widgets: build each with small inputs, move the controls in Python, assert on the
frozen state and the figure; the students' functions are used."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from dlcourse.gans import widgets
from dlcourse.gans.models import CondDCGenerator
from dlcourse.gans.training import train_ring


def _built(explorer):
    explorer.raise_errors = True
    assert explorer.message.value == "", explorer.message.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    return explorer


def test_module_exports_the_five_builders():
    assert sorted(widgets.__all__) == sorted(["gan1d_stepper", "ring_lab", "latent_interpolation", "adain_style",
                                              "receptive_field_overlay"])


def test_importing_the_package_is_cheap():
    import subprocess
    import sys
    code = "import sys, dlcourse.gans, dlcourse.gans.losses, dlcourse.gans.tools; print(sorted({'torch', 'ipywidgets', 'matplotlib'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_gan1d_stepper_trains_with_the_students_steps():
    from dlcourse.gans import reference as ref
    calls = {"d": 0, "g": 0}

    def d_step(*a):
        calls["d"] += 1
        return ref.d_step(*a)

    def g_step(*a):
        calls["g"] += 1
        return ref.g_step(*a)

    ex = _built(widgets.gan1d_stepper(d_step=d_step, g_step=g_step))
    assert calls == {"d": 600, "g": 600}
    st = ex.state
    assert dataclasses.is_dataclass(st) and st.iteration == 0 and len(st.d_loss) == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.iteration = 5
    ex.buttons["+25 iterations"].click()
    assert ex.state.iteration == 25 and len(ex.state.g_loss) == 25
    ex.controls["iteration"].value = 600
    fake = ex.state.fake_density
    assert fake.shape == (60,) and (fake * np.diff(widgets._G1_BINS)).sum() == pytest.approx(1.0, abs=0.05)
    assert ((ex.state.d_prob > 0) & (ex.state.d_prob < 1)).all()


def test_ring_lab_selects_snapshots_and_trains_behind_the_button(monkeypatch):
    initial = train_ring(seed=0, steps=400, lr_g=3e-3, lr_d=3e-3, snapshot_every=50)
    ex = _built(widgets.ring_lab(initial=initial))
    assert ex.state.trained and ex.state.iteration == 400 and ex.state.modes_curve.shape == (9, 2)
    ex.controls["iteration"].value = 100
    assert ex.state.iteration == 100 and np.array_equal(ex.state.samples, initial["snapshots"][2]["samples"])
    ex.controls["loss"].value = "minimax log(1 - D)"
    assert not ex.state.trained
    seen = []
    monkeypatch.setattr(widgets.ring, "_run_ring", lambda key, *a: seen.append(key) or initial)   # the ring module
    ex.buttons["Train these settings"].click()
    assert seen == [("minimax log(1 - D)", 1, "equal (3e-3 both)")] and ex.state.trained
    assert len(ex.state.table) == 2


def test_latent_interpolation_uses_the_students_path_and_switches_label_at_half():
    torch.manual_seed(0)
    G = CondDCGenerator()
    paths = []

    def interpolate(z0, z1, n):
        paths.append(n)
        t = np.linspace(0, 1, n)[:, None]
        return (1 - t) * z0 + t * z1

    ex = _built(widgets.latent_interpolation(G, interpolate=interpolate))
    assert paths and ex.state.strip.shape == (9, 16, 16)
    with torch.no_grad():
        z0 = torch.from_numpy(np.random.default_rng(0).standard_normal((2, 16)).astype(np.float32))[0]
        np.testing.assert_allclose(ex.state.strip[0], G(z0[None], torch.tensor([3]))[0, 0].numpy(), atol=1e-5)
    ex.controls["t"].value = 1.0
    np.testing.assert_allclose(ex.state.current, ex.state.strip[-1], atol=1e-5)
    broken = widgets.latent_interpolation(G, interpolate=lambda a, b, n: np.zeros((n - 1, 16)))
    assert "interpolate returned shape" in broken.message.value


def test_receptive_field_overlay_uses_the_students_function():
    ex = _built(widgets.receptive_field_overlay())
    st = ex.state
    assert st.rf == 70 and st.out_size == 30 and st.box_rows[1] - st.box_rows[0] + 1 == 70
    ex.controls["preset"].value = "1 conv k4 s2 (a 4x4 PatchGAN)"
    assert ex.state.rf == 4 and ex.state.out_size == 128
    ex2 = _built(widgets.receptive_field_overlay(receptive_field=lambda k, s: 11))
    assert ex2.state.rf == 11 and ex2.state.box_rows[1] - ex2.state.box_rows[0] + 1 == 11


def test_adain_style_sets_channel_statistics_with_the_students_adain():
    calls = []

    def student_adain(x, y_s, y_b, eps=1e-5):
        calls.append(tuple(x.shape))
        mu, sd = x.mean(dim=(2, 3), keepdim=True), x.std(dim=(2, 3), keepdim=True, unbiased=False)
        return y_s[:, :, None, None] * (x - mu) / (sd + 1e-6) + y_b[:, :, None, None]

    ex = _built(widgets.adain_style(adain=student_adain))
    assert calls and calls[0][:2] == (1, 3)
    ex.controls["s_R"].value = 0.1
    ex.controls["b_G"].value = 0.8
    st = ex.state
    assert st.out_std[0] == pytest.approx(0.1, abs=2e-3) and st.out_mean[1] == pytest.approx(0.8, abs=2e-3)
    assert st.styled.shape == st.original.shape and st.styled.min() >= 0 and st.styled.max() <= 1
    ex.buttons["Copy the astronaut's style"].click()
    other = widgets._rgb("astronaut")
    assert ex.state.out_mean[2] == pytest.approx(other[..., 2].mean(), abs=0.01)
    broken = widgets.adain_style(adain=lambda x, s, b: x[:, :1])
    assert "adain returned shape" in broken.message.value
