"""Week 07 training results on the graded seed (seed 0); multi-seed evidence lives in
tests/benchmarks/week07_seeds.py (make bench territory, not CI)."""

from __future__ import annotations

import numpy as np
import torch

from dlcourse.gans.models import digits_classifier
from dlcourse.gans.training import RING_MODES_RULE, label_agreement, train_cgan, train_ring


def test_ring_gan_covers_at_least_six_of_eight_modes_on_the_graded_seed():
    run = train_ring(seed=0, steps=400, lr_g=3e-3, lr_d=3e-3, snapshot_every=200)
    assert run["modes"] >= RING_MODES_RULE == 6
    assert len(run["snapshots"]) == 3 and run["snapshots"][-1]["d_prob"].shape == (61, 61)
    assert np.isfinite(run["history"]["d_loss"]).all() and len(run["history"]["g_loss"]) == 400


def test_conditional_gan_draws_the_requested_digit_well_above_chance():
    run = train_cgan(steps=250, seed=0, progress=False)
    agreement = label_agreement(run["G"], digits_classifier(), n_per_class=30)
    # rule: the worst of seeds 0-5 (0.908, tests/benchmarks/week07_seeds.py) minus a margin of 0.3; chance is 0.1
    assert agreement.mean() >= 0.6, agreement
    again = train_cgan(steps=3, seed=0, progress=False)["G"]
    same = train_cgan(steps=3, seed=0, progress=False)["G"]
    z, y = torch.randn(2, 16), torch.tensor([0, 5])
    with torch.no_grad():
        assert torch.allclose(again(z, y), same(z, y)), "the same seed must give the same generator"
