"""Offline loaders: shapes, labels, and same seed => same data."""

import numpy as np

from dlcourse import seed_everything
from dlcourse.data import lfw_faces, ml2_grades, noisy_sine, two_moons


def test_lfw_faces_loads_offline_with_balanced_labels():
    images, y = lfw_faces()
    assert images.shape == (200, 25, 25) and images.min() >= 0 and images.max() <= 1
    assert y.sum() == 100 and y[:100].all()


def test_generators_are_seeded():
    np.testing.assert_array_equal(two_moons(50, rng=3)[0], two_moons(50, rng=3)[0])
    assert not np.array_equal(two_moons(50, rng=3)[0], two_moons(50, rng=4)[0])
    x, y = noisy_sine(40, rng=1, n_outliers=3)
    assert x.shape == (40, 1) and np.all(np.diff(x[:, 0]) >= 0)
    assert set(np.unique(two_moons(20, signed=True)[1])) == {-1, 1}


def test_ml2_grades_is_a_copy():
    g = ml2_grades()
    g["y"][0] = 0
    g["partitions"][0][0].append(5)
    assert ml2_grades()["y"][0] == 90
    assert ml2_grades()["partitions"][0][0] == [0, 2, 4]


def test_seed_everything_returns_a_seeded_generator():
    assert seed_everything(5).integers(1000) == seed_everything(5).integers(1000)
