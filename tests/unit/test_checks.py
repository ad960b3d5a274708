"""dlcourse.checks: passing checks print one line; failing ones say what differs and why."""

import numpy as np
import pytest

from dlcourse.checks import (CheckFailed, answer_hash, check_close, check_equal, check_hashed,
                             check_shape, check_that, grad_check, numerical_gradient)


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


# --- grad_check: it must point at a deliberately broken gradient, one test per kind of bug ---

def _linear_mse():
    """loss = mean((X @ W + b - Y)^2) / 2 with its correct gradients, float64."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    params = {"W": rng.normal(size=(3, 3)), "b": rng.normal(size=3)}

    def loss():
        return 0.5 * np.mean(np.sum((X @ params["W"] + params["b"] - Y) ** 2, axis=1))

    def grads():
        dZ = (X @ params["W"] + params["b"] - Y) / len(X)
        return {"W": X.T @ dZ, "b": dZ.sum(axis=0)}
    return loss, params, grads


def test_grad_check_passes_a_correct_gradient(capsys):
    loss, params, grads = _linear_mse()
    worst = grad_check(loss, params, grads())
    assert max(worst.values()) < 1e-7 and "✓" in capsys.readouterr().out


@pytest.mark.parametrize("breakage,cause", [
    (lambda g: {**g, "W": -g["W"]}, "sign is flipped"),
    (lambda g: {**g, "b": 2 * g["b"]}, "factor of 2 too large"),
    (lambda g: {**g, "W": g["W"].T}, "transposed"),
    (lambda g: {**g, "b": np.zeros_like(g["b"])}, "all zeros"),
])
def test_grad_check_names_the_parameter_index_and_cause_of_a_broken_gradient(breakage, cause):
    loss, params, grads = _linear_mse()
    msg = message(grad_check, loss, params, breakage(grads()))
    broken = "W" if "W" in msg.split("is wrong")[0] else "b"
    assert f"d loss/d {broken} is wrong" in msg and "numerical" in msg and "analytic" in msg
    assert cause in msg


def test_grad_check_reports_a_gradient_of_the_wrong_shape():
    loss, params, grads = _linear_mse()
    g = grads()
    msg = message(grad_check, loss, params, {**g, "b": g["b"][None, :]})
    assert "has shape (1, 3)" in msg


def test_grad_check_restores_the_parameters():
    loss, params, grads = _linear_mse()
    before = {k: v.copy() for k, v in params.items()}
    grad_check(loss, params, grads())
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


def test_numerical_gradient_of_a_quadratic():
    x = np.array([1.0, -2.0])
    np.testing.assert_allclose(numerical_gradient(lambda: float(np.sum(x ** 2)), x), [2.0, -4.0], atol=1e-6)


def test_check_equal_prints_plain_numbers_not_numpy_reprs():
    msg = message(check_equal, np.zeros(3, dtype=int), np.array([0, 1, 0]), "labels")
    assert "at index (1,): expected 1, got 0" in msg and "np.int64" not in msg, msg
