"""dlcourse.project.miniproject: the week 06 mini-project's data, augmentation, reproducibility, transfer,
summary statistics and plots."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pytest
import torch
from torch import nn

from dlcourse.project.miniproject import (ABLATIONS, Config, RunResult, _digits_cnn, _lr_at, _new_head, _pretrained_state,
                                          _train_run, evaluate, fit, plot_ablation, plot_curves, project_data,
                                          results_table, run_ablation, shift_augment, summarise)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def test_splits_are_disjoint_sized_and_the_test_set_is_fixed():
    a, b = project_data(20, 0), project_data(20, 1)
    assert a["X_train"].shape == (100, 1, 8, 8) and a["X_dev"].shape == (150, 1, 8, 8)
    assert a["X_test"].shape == (449, 1, 8, 8) and a["X_source"].shape == (901, 1, 8, 8)
    np.testing.assert_array_equal(a["X_test"], b["X_test"])
    assert not np.array_equal(a["X_train"], b["X_train"])
    rows = {tuple(x.ravel()) for x in np.concatenate([a["X_train"], a["X_dev"], a["X_test"]])}
    assert len(rows) >= 690                       # (a few digits images are exact duplicates in scikit-learn)
    assert set(np.unique(a["y_train"])) == {0, 1, 2, 3, 4} and np.all(np.bincount(a["y_train"]) == 20)


def test_shift_augment_moves_each_image_by_at_most_one_pixel_with_zero_fill():
    X = torch.rand(64, 1, 8, 8)
    out = shift_augment(X, torch.Generator().manual_seed(0))
    assert out.shape == X.shape
    for x, o in zip(X.numpy(), out.numpy()):
        padded = np.pad(x[0], 1)
        matches = [np.array_equal(o[0], padded[1 - dy:9 - dy, 1 - dx:9 - dx]) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        assert any(matches)


def test_reference_cnn_shapes_and_size():
    model = _digits_cnn(Config(batchnorm=True, keep_prob=0.5))
    assert model.eval()(torch.zeros(3, 1, 8, 8)).shape == (3, 5)
    assert sum(p.numel() for p in _digits_cnn(Config()).parameters()) == 1_573
    drops = [m.p for m in model.modules() if isinstance(m, nn.Dropout)]
    assert drops == [0.5]


def test_same_seed_same_number_and_seeds_differ():
    a, b, c = _train_run(Config(), 0), _train_run(Config(), 0), _train_run(Config(), 1)
    assert a.test_acc == b.test_acc and a.train_loss == b.train_loss
    assert a.train_loss != c.train_loss
    assert a.test_acc > 0.85


def test_a_students_builder_is_seeded_like_the_reference():
    def build(config):
        return _digits_cnn(config, seed=torch.initial_seed())     # uses the seed the runner set

    assert _train_run(Config(), 2, build=build).test_acc == _train_run(Config(), 2, build=build).test_acc


def test_cosine_schedule_starts_at_lr_and_halves_midway():
    cfg = Config(schedule="cosine", epochs=20, lr=0.01)
    assert _lr_at(cfg, 0) == pytest.approx(0.01) and _lr_at(cfg, 10) == pytest.approx(0.005)
    assert _lr_at(Config(), 7) == Config().lr
    with pytest.raises(ValueError):
        _lr_at(Config(schedule="step"), 0)


def test_new_head_reinitialises_only_the_last_dense_layer():
    model = _digits_cnn(Config())
    before = {k: v.clone() for k, v in model.state_dict().items()}
    torch.manual_seed(123)
    _new_head(model)
    changed = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert changed == {"head.1.weight", "head.1.bias"}


def test_fit_lowers_the_loss_and_evaluate_agrees_with_argmax():
    d = project_data(20, 0)
    torch.manual_seed(0)
    model = _digits_cnn(Config())
    train_loss, dev_loss = fit(model, d["X_train"], d["y_train"], Config(epochs=5), 0, (d["X_dev"], d["y_dev"]))
    assert len(train_loss) == len(dev_loss) == 5 and train_loss[-1] < train_loss[0]
    _, acc = evaluate(model, d["X_test"], d["y_test"])
    with torch.no_grad():
        pred = model(torch.from_numpy(d["X_test"])).argmax(1).numpy()
    assert acc == pytest.approx(np.mean(pred == d["y_test"]))


def _fake(name, seed, acc):
    return RunResult(name, seed, acc, acc, 1.0, (1.0, 0.5), (1.1, 0.7))


def test_summarise_uses_the_sample_std_and_the_table_shows_it():
    results = [_fake("base", s, a) for s, a in enumerate((0.90, 0.92, 0.94))] + [_fake("bn", 0, 0.95)]
    stats = summarise(results)
    assert stats["base"] == pytest.approx((0.92, np.std([0.90, 0.92, 0.94], ddof=1), 3))
    assert stats["bn"] == (0.95, 0.0, 1)
    table = results_table(results)
    assert "| base | 0.920 ± 0.020 | +0.000 |" in table and "| bn | 0.950 ± 0.000 | +0.030 |" in table


def test_run_ablation_reads_its_cache(tmp_path):
    cache = tmp_path / "runs.json"
    configs = {"short": Config(epochs=2)}
    first = run_ablation(configs, (0,), cache=cache, progress=False)
    stored = json.loads(cache.read_text())
    (key,) = stored
    stored[key]["test_acc"] = 0.123                                  # a cached value is read, not retrained
    cache.write_text(json.dumps(stored))
    again = run_ablation(configs, (0,), cache=cache, progress=False)
    assert again[0].test_acc == 0.123 and again[0].train_loss == first[0].train_loss


def test_transfer_starts_from_weights_trained_on_digits_0_to_4():
    d = project_data(20, 0)
    pretrained = _digits_cnn(Config())
    pretrained.load_state_dict(_pretrained_state(Config(transfer=True), None))
    assert evaluate(pretrained, d["X_source"], d["y_source"])[1] > 0.95          # it has learned digits 0-4
    model = _train_run(Config(transfer=True, epochs=0), 0, return_model=True)[1]   # loaded, head renewed, no training
    state, ref = model.state_dict(), pretrained.state_dict()
    assert all(torch.equal(state[k], ref[k]) for k in state if k.startswith("features"))
    assert not torch.equal(state["head.1.weight"], ref["head.1.weight"])
    assert set(ABLATIONS) >= {"baseline", "+ transfer from 0-4"}


def test_plots_draw_bars_dots_and_curves():
    results = [_fake(n, s, 0.9 + 0.01 * s) for n in ("a", "b") for s in range(3)]
    fig, (ax1, ax2) = plt.subplots(1, 2)
    plot_ablation(ax1, results)
    plot_curves(ax2, results, ["a"])
    assert len(ax1.patches) == 2 and len(ax1.lines) >= 2
    assert len(ax2.lines) == 2
    plt.close(fig)
