"""dlcourse.checks: passing checks print one line; failing ones say what differs and why."""

import numpy as np
import pytest

from dlcourse.checks import (CheckFailed, answer_hash, check_close, check_equal, check_hashed,
                             check_shape, check_that)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_check_close_passes_and_prints_tick(capsys):
    check_close(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12], "w")
    assert capsys.readouterr().out.strip() == "✓ w"


def test_check_close_names_the_differing_element_expected_and_got():
    msg = message(check_close, np.array([0.1, 0.5, 0.3]), np.array([0.1, 0.2, 0.3]), "D")
    assert "1 of 3 elements differ" in msg
    assert "at index (1,): expected 0.2, got 0.5" in msg


def test_check_close_reports_a_matching_known_mistake():
    msg = message(check_close, 0.8473, 0.4236, "alpha", atol=1e-3,
                  causes={"you dropped the 1/2 in alpha = 1/2 ln((1-eps)/eps)": 0.8473})
    assert "Likely cause: you dropped the 1/2" in msg
    assert "expected 0.4236" in msg and "got      0.8473" in msg


@pytest.mark.parametrize("got,cause", [
    (np.array([-1.0, -2.0]), "sign is flipped"),
    (np.array([2.0, 4.0]), "factor of 2 too large"),
    (np.array([0.5, 1.0]), "factor of 2 too small"),
])
def test_check_close_recognises_generic_slips(got, cause):
    assert cause in message(check_close, got, np.array([1.0, 2.0]), "x")


def test_check_close_recognises_a_transpose():
    a = np.arange(6.0).reshape(2, 3) + 1
    assert "transposed" in message(check_close, a.T, a, "W")


def test_check_close_says_none_means_a_missing_return():
    assert "does not `return`" in message(check_close, None, 1.0, "f(x)")


def test_check_close_flags_nan():
    assert "NaN" in message(check_close, np.array([1.0, np.nan]), np.array([1.0, 2.0]), "x")


def test_check_close_accepts_torch_tensors():
    torch = pytest.importorskip("torch")
    check_close(torch.tensor([1.0, 2.0], dtype=torch.float64), [1.0, 2.0], "t")


def test_check_shape_detects_swapped_axes_and_keepdims():
    assert "swapped" in message(check_shape, np.zeros((3, 2)), (2, 3), "X")
    assert "extra axis of length 1" in message(check_shape, np.zeros((5, 1)), (5,), "y")
    check_shape(np.zeros((4, 7)), (-1, 7), "any rows")


def test_check_equal_lists_differing_labels():
    msg = message(check_equal, np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2]), "labels")
    assert "1 of 4 elements differ" in msg and "at index (2,)" in msg


def test_answer_hash_normalises_number_types():
    assert answer_hash(3) == answer_hash(3.0) == answer_hash(np.int64(3))
    assert answer_hash(np.array([1, 2])) == answer_hash([1, 2])
    assert answer_hash(3) != answer_hash(4)
    assert answer_hash("B") == answer_hash(" B ")


def test_check_hashed_never_reveals_the_answer_but_names_a_known_mistake():
    digest = answer_hash(632)
    check_hashed(632, digest, "count")
    msg = message(check_hashed, 1000, digest, "count", causes={"sampled without replacement": answer_hash(1000)})
    assert "632" not in msg and "sampled without replacement" in msg


def test_check_that_uses_the_given_message():
    assert "weights must sum to 1" in message(check_that, False, "D", "weights must sum to 1")
