"""Week 04 widgets: build each one, move its controls in Python, then assert on the state
(against closed forms and the references' own oracles, not the widget's code) and on the
figure (axes, artists, PNG bytes); students' functions are injected, broken ones reported."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.training import SURFACES, run_optimizer, widgets
from dlcourse.training.optimizers import _sgd_step
from dlcourse.training import reference as ref
from dlcourse.widgetkit import figure_png
from dlcourse.widgetkit import text_strings as _strings
from dlcourse.widgetkit.testing import built as _built


def _broken(builder, **kwargs):
    explorer = builder(**kwargs)                   # errors are shown under the figure, not raised
    assert explorer.message.value, "a broken student function must be reported"
    return explorer.message.value


# ------------------------------------------------------------------------------ W4.1
def test_optimizer_race_shows_each_path_and_marks_divergence():
    ex = _built(widgets.optimizer_race)
    ex.controls["surface"].value = "ravine"
    ex.controls["lr"].value = 0.01
    ex.controls["n_steps"].value = 50
    s = ex.state
    assert set(s.runs) == {"SGD", "momentum", "RMSProp", "Adam"}
    expected = run_optimizer(ref.adam_step, SURFACES["ravine"], lr=0.01, n_steps=50)
    np.testing.assert_allclose(s.runs["Adam"]["trajectory"], expected, atol=1e-12)
    ax, ax_l = ex.fig.axes
    assert len(ax_l.lines) == 4 and ax_l.get_yscale() == "log"
    ex.controls["lr"].value = 0.1                                     # SGD: 0.1 > 2/50 diverges on the ravine
    assert ex.state.runs["SGD"]["diverged_at"] is not None and ex.state.runs["Adam"]["diverged_at"] is None
    assert any(t.startswith("SGD: diverged at step") for t in _strings(ax_l))
    assert any(line.get_marker() == "X" for line in ax.lines)
    ex.controls["optimizers"].value = ("Adam",)
    ex.controls["surface"].value = "rosenbrock"
    assert list(ex.state.runs) == ["Adam"] and len(ax_l.lines) == 1
    assert ax.get_xlim() == SURFACES["rosenbrock"].extent[:2]


def test_optimizer_race_runs_the_students_step_and_reports_a_broken_one():
    calls = []

    def my_sgd(w, g, state, lr):
        calls.append(np.shape(w))
        return w - lr * g

    ex = _built(widgets.optimizer_race, steps={"mine": my_sgd, "SGD": _sgd_step})
    assert calls and ex.controls["optimizers"].options == ("mine", "SGD")
    np.testing.assert_allclose(ex.state.runs["mine"]["trajectory"], ex.state.runs["SGD"]["trajectory"])

    def scalar_only(w, g, state, lr):                                 # cannot broadcast lr: run once per rate
        return w - float(lr) * g

    ex2 = _built(widgets.optimizer_race, steps={"scalar": scalar_only})
    np.testing.assert_allclose(ex2.state.runs["scalar"]["trajectory"],
                               run_optimizer(_sgd_step, SURFACES["ravine"], lr=10 ** -1.5, n_steps=100))
    message = _broken(widgets.optimizer_race, steps={"bad": lambda w, g, state, lr: np.sum(w - lr * g)})
    assert "shaped like w" in message


# ------------------------------------------------------------------------------ W4.2
def test_batch_size_explorer_counts_updates_and_batch_gd_is_smooth():
    ex = _built(widgets.batch_size_explorer)
    for B, per_epoch in ((1, 200), (8, 25), (64, 4), (200, 1)):
        ex.controls["batch_size"].value = B
        assert ex.state.run["updates_per_epoch"] == per_epoch
        assert ex.state.run["path"].shape == (per_epoch * 20 + 1, 2)
    full = ex.state.run["loss"]
    assert np.all(np.diff(full) <= 1e-12)                             # batch GD: the loss never goes up
    ex.controls["batch_size"].value = 1
    assert np.any(np.diff(ex.state.run["loss"]) > 0)               # SGD: noisy
    x = np.random.default_rng(0).uniform(-2, 2, 200)
    assert abs(ex.state.optimum[0] - 1.5) < 0.1
    assert ex.state.runs[200]["epoch_loss"][-1] >= ex.state.min_loss - 1e-12
    ax_p, ax_e, ax_u = ex.fig.axes
    assert len(ax_e.lines) == 9 and ax_u.get_xscale() == "log" and x.shape == (200,)


def test_batch_size_explorer_checks_the_students_iterator():
    seen = []

    def mine(N, B, rng, shuffle=True):
        seen.append(B)
        yield from ref.iterate_minibatches(N, B, rng, shuffle)

    ex = _built(widgets.batch_size_explorer, iterate_minibatches=mine)
    assert set(seen) == set(widgets.BATCH_SIZES) and ex.state.run["updates_per_epoch"] == 25

    def drops_the_last_batch(N, B, rng, shuffle=True):
        order = rng.permutation(N)
        for start in range(0, N - B + 1, B):
            yield order[start:start + B]

    assert "exactly once" in _broken(widgets.batch_size_explorer, iterate_minibatches=drops_the_last_batch)


# ------------------------------------------------------------------------------ W4.3
def test_schedule_plotter_overlays_the_slides_compounding_scheduler():
    ex = _built(widgets.schedule_plotter)
    ex.controls["eta0"].value = 0.01
    ex.controls["k"].value = 0.1
    s = ex.state
    np.testing.assert_allclose(s.curves["exponential η₀e^(−kt)"], 0.01 * np.exp(-0.1 * np.arange(41)))
    np.testing.assert_allclose(s.keras[10:15], [0.0036788, 0.0012246, 0.00036883, 0.00010052, 2.4788e-5],
                               rtol=2e-4)
    assert s.keras_14 == pytest.approx(2.4788e-5, rel=1e-4)
    ax, ax_log = ex.fig.axes
    assert len(ax.lines) == 4 and ax_log.get_yscale() == "log"
    assert any("2.48e-05" in t for t in _strings(ax_log))
    ex.controls["slide"].value = False
    assert len(ax.lines) == 3
    ex.controls["schedule"].value = "time-based η₀/(1+kt)"
    np.testing.assert_allclose(ex.state.curves["time-based η₀/(1+kt)"], 0.01 / (1 + 0.1 * np.arange(41)))
    staircase = ex.state.curves["step η₀·e^(−10k)^⌊t/10⌋"]
    np.testing.assert_allclose(staircase[[0, 9, 10, 20]], 0.01 * np.exp([0, 0, -1, -2]))


def test_schedule_plotter_takes_the_students_schedules():
    ex = _built(widgets.schedule_plotter, schedules={"halve": lambda eta0, k, t: eta0 * 0.5 ** t})
    np.testing.assert_allclose(ex.state.curves["halve"][:3], [0.01, 0.005, 0.0025])
    assert "ValueError" in _broken(widgets.schedule_plotter,
                                   schedules={"bad": lambda eta0, k, t: np.ones(3)})


# ------------------------------------------------------------------------------ W4.4
def test_vanishing_gradients_bars_per_layer_and_remedies():
    ex = _built(widgets.vanishing_gradients)
    ex.controls["depth"].value = 15
    ex.controls["activation"].value = "sigmoid"
    ex.controls["init"].value = "N(0, 1)"
    sig = ex.state
    assert len(sig.grad_norms) == 15 and len(sig.act_std) == 14 and sig.ratio < 0.05
    ax, ax_a = ex.fig.axes
    bars = ax.collections[0].get_paths()
    assert len(bars) == 15 and ax.get_yscale() == "log"
    ex.controls["activation"].value = "relu"
    ex.controls["init"].value = "He"
    assert ex.state.ratio > 10 * sig.ratio
    ex.controls["batchnorm"].value = True
    assert ex.state.batchnorm and ex.state.grad_norms[0] > ex.state.grad_norms[-1] / 10
    assert any("batch norm" in t for t in _strings(ax))


# ------------------------------------------------------------------------------ W4.5
@pytest.fixture(scope="module")
def lab():
    return _built(widgets.overfitting_lab)


def test_overfitting_lab_replays_early_stopping_on_the_recorded_curve(lab):
    lab.controls["patience"].value = 0
    fit = lab.state.fit
    assert fit["val_loss"].shape == (300,) and lab.state.shown_epoch == 300
    assert fit["train_loss"][-1] < 0.05 and fit["val_loss"][-1] > 2 * fit["val_loss"].min()    # over-fits
    lab.controls["patience"].value = 5
    es = ref.EarlyStopping(5, 0.001)
    stop = next(e for e, v in enumerate(fit["val_loss"], start=1) if es.step(v))
    assert lab.state.stop_epoch == stop and lab.state.best_epoch == es.best_epoch + 1
    from dlcourse.training.overfit import proba_at
    np.testing.assert_allclose(lab.state.grid_proba, proba_at(fit, es.best_epoch + 1, lab.state.grid))
    ax, _ = lab.fig.axes
    assert any(line.get_xdata()[0] == stop for line in ax.lines if len(line.get_xdata()) == 2)
    assert lab.state.val_acc == fit["val_acc"][es.best_epoch]


def test_overfitting_lab_retrains_for_a_new_penalty_and_takes_the_students_early_stopping(lab):
    lab.controls["lam"].value = 1e-2
    reg = lab.state.fit
    assert reg["train_loss"][-1] > 0.1                                 # the penalty keeps it from fitting noise
    lab.controls["lam"].value = 0.0

    class NeverStops:
        def __init__(self, patience, min_delta):
            self.best_epoch = 0

        def step(self, val_loss):
            return False

    ex = _built(widgets.overfitting_lab, early_stopping=NeverStops)
    ex.controls["patience"].value = 3
    assert ex.state.stop_epoch is None and ex.state.shown_epoch == 300

    class Broken:
        def __init__(self, patience):                                  # forgot min_delta
            pass

    ex = widgets.overfitting_lab(early_stopping=Broken)
    ex.controls["patience"].value = 4
    assert "min_delta" in ex.message.value


# ------------------------------------------------------------------------------ W4.7
def test_augmentation_previewer_grid_and_new_samples():
    ex = _built(widgets.augmentation_previewer)
    s = ex.state
    assert s.samples.shape == (9, *s.image.shape)
    ax_o, ax_g = ex.fig.axes
    assert len(ax_o.images) == 1 and len(ax_g.images) == 1            # one mosaic, not nine axes
    for name in ("rotation", "shift", "zoom"):
        ex.controls[name].value = 0.0
    ex.controls["hflip"].value = False
    np.testing.assert_array_equal(ex.state.samples, np.broadcast_to(s.image, s.samples.shape))
    before = ex.state.samples.copy()
    ex.controls["rotation"].value = 90.0
    rotated = ex.state.samples.copy()
    assert not np.array_equal(rotated, before)
    ex.buttons["New samples"].click()
    assert ex.state.seed == 1 and not np.array_equal(ex.state.samples, rotated)
    digit = next(n for n in ex.controls["image"].options if n.startswith("digit"))
    ex.controls["image"].value = digit
    assert ex.state.image.shape == (8, 8) and ex.state.cmap == "gray_r"
    assert figure_png(ex.fig)[:4] == b"\x89PNG"


def test_augmentation_previewer_runs_the_students_augment():
    ex = _built(widgets.augmentation_previewer, augment=lambda img, rng, **kw: img[::-1].copy())
    np.testing.assert_array_equal(ex.state.samples[0], ex.state.image[::-1])
    message = _broken(widgets.augmentation_previewer, augment=lambda img, rng, **kw: img[:4])
    assert "keep the shape" in message
