"""The live training curve (dlcourse.widgetkit.live): bounded redraws, off outside a notebook, and its use
by week 07's training loops."""

from __future__ import annotations

import time

import numpy as np
import pytest

from dlcourse.widgetkit import LiveCurves, in_notebook
from dlcourse.widgetkit import live as live_module

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _history(n: int) -> dict:
    rng = np.random.default_rng(0)
    return {"d_loss": list(1.3 + 0.1 * rng.standard_normal(n)), "g_loss": list(0.8 + 0.2 * rng.standard_normal(n))}


def test_off_outside_a_notebook(capsys):
    assert not in_notebook()                                  # pytest is no Jupyter kernel
    plot = LiveCurves(100)
    assert not plot.enabled
    assert not any(plot.update(step, _history(step)) for step in range(1, 101))
    plot.close(_history(100))
    assert plot.redraws == 0 and plot.png == b"" and capsys.readouterr().out == ""


def test_env_switch_turns_it_off_inside_a_notebook(monkeypatch):
    monkeypatch.setattr(live_module, "in_notebook", lambda: True)
    monkeypatch.delenv("DLCOURSE_LIVE", raising=False)
    assert LiveCurves(10).enabled
    monkeypatch.setenv("DLCOURSE_LIVE", "0")
    assert not LiveCurves(10).enabled
    assert not LiveCurves(10, enabled=False).enabled


@pytest.mark.parametrize("total, redraws, chunk", [(300, 12, 1), (250, 12, 1), (7, 20, 1), (400, 12, 50), (1000, 20, 3)])
def test_redraws_are_bounded_and_the_last_frame_is_the_end(total, redraws, chunk):
    plot = LiveCurves(total, redraws=redraws, enabled=True)
    history = _history(total)
    drawn = []
    for step in range(chunk, total + chunk, chunk):
        step = min(step, total)
        part = {k: v[:step] for k, v in history.items()}
        if plot.update(step, part):
            drawn.append(step)
    assert 1 <= plot.redraws <= redraws, f"{plot.redraws} redraws for {total} iterations (limit {redraws})"
    assert drawn[-1] == total and plot.last_step == total, f"the last frame must show the end, drew at {drawn}"
    assert drawn == sorted(set(drawn)), "each step is drawn at most once"
    assert plot.png.startswith(PNG_MAGIC)
    lines = plot._ax.get_lines()
    assert {len(line.get_xdata()) for line in lines} == {total}, "the last frame plots the whole history"
    assert plot._ax.get_title().endswith(f"iteration {total} of {total}")


def test_close_draws_a_loop_that_stopped_early():
    plot = LiveCurves(1000, redraws=10, enabled=True)
    history = _history(150)
    for step in range(1, 151):
        plot.update(step, {k: v[:step] for k, v in history.items()})
    assert plot.last_step == 100
    plot.close(history)
    assert plot.last_step == 150 and plot.redraws == 2


def test_custom_draw_gets_the_history_and_redraws_replace_the_old_curves():
    seen = []

    def draw(ax, history):
        seen.append(len(history["loss"]))
        ax.plot(history["loss"])

    plot = LiveCurves(40, draw=draw, redraws=4, enabled=True)
    losses = []
    for step in range(1, 41):
        losses.append(1.0 / step)
        plot.update(step, {"loss": losses})
    assert seen == [10, 20, 30, 40]
    assert len(plot._ax.get_lines()) == 1, "a redraw must remove the previous frame's curves"


def test_one_redraw_is_cheap():
    plot = LiveCurves(300, redraws=300, enabled=True)
    history = _history(300)
    plot.update(1, history)                                   # first draw: fonts, caches
    times = []
    for step in range(2, 12):
        start = time.perf_counter()
        plot.update(step, history)
        times.append(time.perf_counter() - start)
    assert np.median(times) < 0.5, f"median redraw {np.median(times) * 1000:.0f} ms (budget: well under 0.5 s)"


def test_gan_loops_plot_live_only_when_asked(monkeypatch):
    from dlcourse.gans import training

    frames = []
    real_redraw = LiveCurves._redraw

    def spy(self, step, history):
        frames.append((self.title, step, len(history["d_loss"]), len(history["g_loss"])))
        real_redraw(self, step, history)

    monkeypatch.setattr(live_module, "in_notebook", lambda: True)
    monkeypatch.delenv("DLCOURSE_LIVE", raising=False)
    monkeypatch.setattr(LiveCurves, "_redraw", spy)
    training.train_cgan(steps=4, seed=0, progress=False)
    assert frames == [], "live=False (the default) must not plot"
    training.train_cgan(steps=4, seed=0, progress=False, live=True)
    assert frames and frames[-1][1:] == (4, 4, 4), f"the last frame must show all 4 iterations: {frames}"
    frames.clear()
    run = training.train_ring(seed=0, steps=60, snapshot_every=20, live=True)
    assert [f[1] for f in frames] == [20, 40, 60] and len(run["history"]["d_loss"]) == 60
