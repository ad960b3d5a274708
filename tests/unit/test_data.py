"""Offline loaders: shapes, labels, and same seed => same data."""

import numpy as np
import pytest

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


def test_toy_2d_sets_are_balanced_seeded_and_named():
    import pytest

    from dlcourse.data import toy_2d
    for name in ("moons", "circles", "xor", "spirals", "blobs"):
        X, y = toy_2d(name, 120, rng=1)
        assert X.shape == (120, 2) and set(np.unique(y)) == {0, 1}
        np.testing.assert_array_equal(X, toy_2d(name, 120, rng=1)[0])
    with pytest.raises(ValueError, match="unknown data set"):
        toy_2d("swiss", 10)


def test_xor_is_not_linearly_separable_but_blobs_are():
    from sklearn.linear_model import LogisticRegression

    from dlcourse.data import toy_2d
    for name, low, high in (("xor", 0.0, 0.8), ("blobs", 0.99, 1.0)):
        X, y = toy_2d(name, 200, rng=0)
        acc = LogisticRegression().fit(X, y).score(X, y)
        assert low <= acc <= high, (name, acc)


def test_digits_split_is_stratified_and_scaled():
    from dlcourse.data import digits
    X_train, X_test, y_train, y_test = digits()
    assert X_train.shape[1] == 64 and X_train.max() == 1.0 and len(X_train) + len(X_test) == 1797
    assert digits(images=True)[0].shape[1:] == (1, 8, 8)
    counts = np.bincount(y_test)
    assert counts.max() - counts.min() <= 3, counts


def test_backprop_222_answer_key_holds_for_an_independent_forward_pass():
    from dlcourse.data import backprop_222
    b = backprop_222()
    w, (i1, i2), (y1, y2) = b["weights"], b["x"], b["target"]
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h1, h2 = sig(w["b1"] + i1 * w["w1"] + i2 * w["w2"]), sig(w["b1"] + i1 * w["w3"] + i2 * w["w4"])
    o1, o2 = sig(w["b2"] + h1 * w["w5"] + h2 * w["w6"]), sig(w["b2"] + h1 * w["w7"] + h2 * w["w8"])
    assert abs(0.5 * ((o1 - y1) ** 2 + (o2 - y2) ** 2) - b["answer_key"]["J"]) < 5e-10  # key has 9 decimals
    assert abs((o1 - y1) * o1 * (1 - o1) * h1 - b["answer_key"]["grads"]["w5"]) < 5e-10


def test_char_vocab_round_trips_with_specials_and_padding():
    from dlcourse.data import CharVocab

    v = CharVocab("abca", specials=("<pad>", "<sos>", "<eos>"))
    assert v.itos == ["<pad>", "<sos>", "<eos>", "a", "b", "c"] and (v.pad, v.sos, v.eos, v.unk) == (0, 1, 2, None)
    ids = v.encode("cab", add_sos=True, add_eos=True)
    assert ids == [1, 5, 3, 4, 2] and v.decode(ids) == "cab"
    assert v.decode([3, 2, 4]) == "a" and v.decode([3, 2, 4], stop_at_eos=False) == "ab"
    batch = v.encode_batch(["ab", "c"], add_eos=True)
    assert batch.tolist() == [[3, 4, 2], [5, 2, 0]]
    with pytest.raises(KeyError, match="not in the vocabulary"):
        v.encode("abz")
    assert CharVocab("ab", specials=("<unk>",)).encode("az") == [1, 0]


def test_hello_sequences_are_the_lecture_example():
    from dlcourse.data import HELLO_VOCAB, hello_sequences

    X, y = hello_sequences()
    assert X.shape == (4, 1, 4) and y.shape == (4, 1)
    assert "".join(HELLO_VOCAB.itos[i] for i in X[:, 0].argmax(axis=1)) == "hell"
    assert HELLO_VOCAB.decode(y[:, 0]) == "ello"


def test_zen_text_is_read_offline_without_printing(capsys):
    from dlcourse.data import zen_text

    z = zen_text()
    assert z.startswith("The Zen of Python, by Tim Peters") and "Beautiful is better than ugly." in z
    assert 800 < len(z) < 900 and capsys.readouterr().out == ""


def test_date_pairs_are_seeded_unambiguous_and_iso():
    import datetime

    from dlcourse.data import DATE_FORMATS, date_pairs
    from dlcourse.data.text import DATE_SOURCE_CHARS, DATE_TARGET_CHARS

    pairs = date_pairs(600, rng=1)
    assert pairs == date_pairs(600, rng=1) and pairs != date_pairs(600, rng=2)
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    for src, tgt in pairs:
        d = datetime.date.fromisoformat(tgt)                  # a real date, 10 characters
        assert len(tgt) == 10 and set(tgt) <= set(DATE_TARGET_CHARS) and set(src) <= set(DATE_SOURCE_CHARS)
        assert str(d.year) in src and (months[d.month - 1] in src or f".{d.month:02d}." in src)
        assert str(d.day) in src
    assert len(DATE_FORMATS) == 6
    one = date_pairs(50, rng=0, formats=["month d, yyyy"])
    assert all("," in s for s, _ in one)


def test_date_train_test_holds_out_unseen_dates_in_order():
    from dlcourse.data import date_pairs, date_train_test

    train, test = date_train_test(n_train=300, n_test=50, seed=4)
    assert train == date_pairs(300, rng=4) and len(test) == 50
    assert not set(test) & set(train)
    candidates = date_pairs(60, rng=5)                                   # n_test * 6 // 5 draws with seed + 1
    assert test == [p for p in candidates if p not in set(train)][:50]
