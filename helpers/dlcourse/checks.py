"""Student-facing checks used by the public tests in every notebook.

Each check either prints one short "✓ name" line or raises :class:`CheckFailed` (an
``AssertionError``, so nbgrader scores the cell 0) with a message that says

* **what** differs - which element, expected vs got, how many elements are off;
* a **likely cause** - matched against known wrong answers the exercise author passes in
  ``causes`` (``{"you dropped the 1/2": wrong_value}``) and against generic slips
  (sign flipped, factor of 2, transposed, forgot ``return``).

For discrete answers (counts, labels, shapes, strings) :func:`check_hashed` compares with a
hash of the expected value, so a public check does not print or contain the answer.
(Hashes of small answer spaces can be brute-forced; hidden tests are the real grade.)

Course-wide conventions these checks assume (syllabus, section 0): samples along axis 0,
images NCHW, ReLU'(0) = 0, dropout parameterised by ``keep_prob``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

__all__ = [
    "CheckFailed",
    "check_close",
    "check_equal",
    "check_shape",
    "check_hashed",
    "check_that",
    "answer_hash",
    "grad_check",
    "numerical_gradient",
]

_MAX_LISTED = 3  # differing elements listed in a message


class CheckFailed(AssertionError):
    """A public check failed; the message explains what differs and why it might."""


def _ok(name: str) -> None:
    print(f"✓ {name}")


def _fmt(x: Any) -> str:
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.6g}"
    if isinstance(x, np.ndarray):
        with np.printoptions(precision=5, suppress=True, threshold=20, edgeitems=3):
            return np.array2string(x, separator=", ")
    return repr(x)


def _as_array(x: Any) -> np.ndarray | None:
    """Convert lists, tuples, numbers and torch tensors to a NumPy array; None if impossible."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor, without importing torch
        x = x.detach().cpu().numpy()
    try:
        arr = np.asarray(x)
    except Exception:
        return None
    return None if arr.dtype == object else arr


def _generic_cause(got: np.ndarray, expected: np.ndarray, atol: float, rtol: float) -> str | None:
    """Recognise the slips every week makes: sign, factor of 2, transpose."""
    def close(a: np.ndarray) -> bool:
        return a.shape == expected.shape and bool(np.allclose(a, expected, atol=atol, rtol=rtol))

    if not np.any(expected):
        return None
    if close(-got):
        return "the sign is flipped (you get -expected)"
    if close(got / 2):
        return "a factor of 2 too large (a missing 1/2, or a doubled term?)"
    if close(got * 2):
        return "a factor of 2 too small (an extra 1/2, or a term counted once instead of twice?)"
    if got.ndim == 2 and got.T.shape == expected.shape and got.shape != expected.shape and close(got.T):
        return "the result is transposed"
    return None


def _matching_cause(got: Any, causes: Mapping[str, Any] | None, atol: float, rtol: float) -> str | None:
    for message, wrong in (causes or {}).items():
        g, w = _as_array(got), _as_array(wrong)
        if g is None or w is None or g.shape != w.shape:
            continue
        try:
            if np.issubdtype(w.dtype, np.number) and np.allclose(g, w, atol=atol, rtol=rtol):
                return message
            if not np.issubdtype(w.dtype, np.number) and np.array_equal(g, w):
                return message
        except TypeError:
            continue
    return None


def _fail(name: str, lines: list[str], cause: str | None, hint: str | None) -> None:
    msg = [f"✗ {name}: " + lines[0], *("  " + line for line in lines[1:])]
    if cause:
        msg.append(f"  Likely cause: {cause}")
    if hint:
        msg.append(f"  Hint: {hint}")
    raise CheckFailed("\n".join(msg))


def _check_type(got: Any, name: str, hint: str | None) -> np.ndarray:
    if got is None:
        _fail(name, ["got None."], "the function does not `return` its result.", hint)
    arr = _as_array(got)
    if arr is None:
        _fail(name, [f"expected numbers, got an object of type {type(got).__name__}."], None, hint)
    return arr


def check_shape(got: Any, expected_shape: tuple[int, ...], name: str = "result", *,
                hint: str | None = None) -> None:
    """Check that ``got`` has shape ``expected_shape`` (use -1 for "any size" on an axis)."""
    arr = _check_type(got, name, hint)
    ok = arr.ndim == len(expected_shape) and all(
        e == -1 or e == s for e, s in zip(expected_shape, arr.shape))
    if not ok:
        cause = None
        if arr.ndim == len(expected_shape) and tuple(reversed(arr.shape)) == tuple(expected_shape):
            cause = "the axes are swapped (transposed)"
        elif arr.ndim == len(expected_shape) + 1 and 1 in arr.shape:
            cause = "an extra axis of length 1 (keepdims, or a column vector instead of a 1-D array?)"
        elif arr.ndim + 1 == len(expected_shape):
            cause = "an axis is missing (summed or indexed away?)"
        _fail(name, [f"expected shape {tuple(expected_shape)}, got {arr.shape}."], cause, hint)
    _ok(name)


def check_close(got: Any, expected: Any, name: str = "result", *, atol: float = 1e-8,
                rtol: float = 1e-6, causes: Mapping[str, Any] | None = None,
                hint: str | None = None) -> None:
    """Check that ``got`` matches ``expected`` elementwise within ``atol + rtol * |expected|``.

    ``causes`` maps a likely-mistake message to the value that mistake produces; if ``got``
    matches one of them, its message is shown.
    """
    arr = _check_type(got, name, hint)
    exp = np.asarray(expected, dtype=float)
    if arr.shape != exp.shape:
        if arr.size == exp.size and arr.size > 1:
            _fail(name, [f"expected shape {exp.shape}, got {arr.shape} (same number of elements)."],
                  "reshaped or transposed result", hint)
        _fail(name, [f"expected shape {exp.shape}, got {arr.shape}."], None, hint)
    if not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
        _fail(name, [f"expected numbers, got dtype {arr.dtype}."], None, hint)
    arr = arr.astype(float)
    if np.isnan(arr).any() and not np.isnan(exp).any():
        _fail(name, [f"contains NaN at {_first_index(np.isnan(arr))}."],
              "a division by zero or log of 0 (or a value that was never assigned)", hint)
    bad = ~np.isclose(arr, exp, atol=atol, rtol=rtol, equal_nan=True)
    if not bad.any():
        _ok(name)
        return
    cause = _matching_cause(arr, causes, atol, rtol) or _generic_cause(arr, exp, atol, rtol)
    if exp.ndim == 0:
        lines = ["value differs.", f"expected {_fmt(float(exp))}", f"got      {_fmt(float(arr))}"]
    else:
        idx = np.argwhere(bad)[:_MAX_LISTED]
        lines = [f"{int(bad.sum())} of {bad.size} elements differ "
                 f"(largest |difference| {np.max(np.abs(arr - exp)[bad]):.3g})."]
        lines += [f"at index {tuple(int(i) for i in ix)}: expected {_fmt(exp[tuple(ix)])}, "
                  f"got {_fmt(arr[tuple(ix)])}" for ix in idx]
    _fail(name, lines, cause, hint)


def _first_index(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0]) if mask.ndim else ()


def check_equal(got: Any, expected: Any, name: str = "result", *,
                causes: Mapping[str, Any] | None = None, hint: str | None = None) -> None:
    """Check exact equality (integers, labels, strings, tuples, arrays of those)."""
    if got is None and expected is not None:
        _fail(name, ["got None."], "the function does not `return` its result.", hint)
    g, e = _as_array(got), _as_array(expected)
    if g is not None and e is not None and e.ndim > 0:
        if g.shape != e.shape:
            _fail(name, [f"expected shape {e.shape}, got {g.shape}."], None, hint)
        bad = g != e
        if not np.any(bad):
            _ok(name)
            return
        idx = np.argwhere(bad)[:_MAX_LISTED]
        lines = [f"{int(np.sum(bad))} of {bad.size} elements differ."]
        lines += [f"at index {tuple(int(i) for i in ix)}: expected {e[tuple(ix)].item()!r}, got {g[tuple(ix)].item()!r}"
                  for ix in idx]                                   # .item(): 1, not NumPy 2's np.int64(1)
        _fail(name, lines, _matching_cause(got, causes, 0.0, 0.0), hint)
    if got == expected:
        _ok(name)
        return
    _fail(name, ["value differs.", f"expected {expected!r}", f"got      {got!r}"],
          _matching_cause(got, causes, 0.0, 0.0), hint)


def _canonical(value: Any) -> str:
    """A stable text form of a discrete answer (NumPy/torch/Python types normalised)."""
    arr = _as_array(value) if not isinstance(value, (str, bytes)) else None
    if arr is not None and arr.ndim > 0:
        if np.issubdtype(arr.dtype, np.floating):
            arr = np.round(arr, 6)
        return f"array{arr.shape}:{arr.tolist()!r}"
    if arr is not None:  # a scalar
        item = arr.item()
        if isinstance(item, float):
            item = round(item, 6)
            if item.is_integer():
                item = int(item)
        return f"scalar:{item!r}"
    if isinstance(value, str):
        return f"str:{value.strip()}"
    return f"{type(value).__name__}:{value!r}"


def answer_hash(value: Any) -> str:
    """Hash of a discrete answer, for :func:`check_hashed`. Authors compute it once.

    Floats are rounded to 6 decimals and whole floats equal the matching int, so
    ``answer_hash(3) == answer_hash(3.0) == answer_hash(np.int64(3))``.
    """
    return hashlib.sha256(f"dlcourse:{_canonical(value)}".encode()).hexdigest()[:16]


def check_hashed(got: Any, digest: str, name: str = "result", *,
                 causes: Mapping[str, str] | None = None, hint: str | None = None) -> None:
    """Check ``got`` against the hash of the expected answer (see :func:`answer_hash`).

    ``causes`` maps a likely-mistake message to the *hash* of the answer that mistake gives.
    The message never shows the expected value.
    """
    if got is None:
        _fail(name, ["got None."], "the function does not `return` its result.", hint)
    h = answer_hash(got)
    if h == digest:
        _ok(name)
        return
    cause = next((m for m, d in (causes or {}).items() if d == h), None)
    _fail(name, [f"{_fmt(got) if not isinstance(got, str) else repr(got)} is not the expected answer "
                 "(the answer is stored as a hash, so this check cannot show it)."], cause, hint)


def check_that(condition: bool, name: str, message: str, *, hint: str | None = None) -> None:
    """Check a property (``condition``); ``message`` says what is wrong when it is False."""
    if not bool(condition):
        _fail(name, [message], None, hint)
    _ok(name)


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6,
                       indices: Iterable[tuple[int, ...]] | None = None) -> np.ndarray:
    """Central differences of ``f()`` w.r.t. the array ``x``, which ``f`` reads (modified in place
    and restored). ``indices`` limits the check to some elements (others are left NaN)."""
    grad = np.full(x.shape, np.nan)
    for ix in (indices if indices is not None else np.ndindex(x.shape)):
        old = x[ix]
        x[ix] = old + eps
        plus = float(f())
        x[ix] = old - eps
        minus = float(f())
        x[ix] = old
        grad[ix] = (plus - minus) / (2 * eps)
    return grad


def grad_check(f: Callable[[], float], params: Mapping[str, np.ndarray], grads: Mapping[str, Any], *,
               eps: float = 1e-6, tol: float = 1e-6, max_checks: int = 200,
               rng: np.random.Generator | int | None = 0, name: str = "gradient") -> dict[str, float]:
    """Compare analytic gradients with central finite differences, parameter by parameter.

    Parameters
    ----------
    f : callable with no arguments returning the scalar loss; it must read the arrays in
        ``params`` (they are perturbed in place, then restored), in float64.
    params : name -> parameter array.
    grads : name -> the analytic gradient of the loss w.r.t. that parameter (same shape).
    tol : largest allowed relative error |a - n| / max(|a| + |n|, 1e-12) (float64: ~1e-7 is typical).
    max_checks : at most this many randomly chosen elements per parameter are checked.

    Returns name -> largest relative error. On failure raises :class:`CheckFailed` naming the
    parameter and index with the largest relative error, numeric vs analytic value, and the
    likely cause (sign flip, factor of 2, transposed, missing gradient).
    """
    g = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    worst: dict[str, float] = {}
    for key, x in params.items():
        if key not in grads or grads[key] is None:
            _fail(name, [f"no analytic gradient for parameter '{key}'."], "backward() does not return/fill it", None)
        analytic = _check_type(grads[key], f"{name} of {key}", None).astype(float)
        if analytic.shape != np.shape(x):
            cause = "the gradient is transposed" if analytic.shape == np.shape(x)[::-1] else None
            _fail(name, [f"d loss/d {key} has shape {analytic.shape}, but {key} has shape {np.shape(x)}."], cause, None)
        all_ix = list(np.ndindex(np.shape(x)))
        pick = all_ix if len(all_ix) <= max_checks else [all_ix[i] for i in g.choice(len(all_ix), max_checks, replace=False)]
        numeric = numerical_gradient(f, x, eps, pick)
        mask = ~np.isnan(numeric)
        rel = np.zeros(np.shape(x))
        rel[mask] = np.abs(analytic[mask] - numeric[mask]) / np.maximum(np.abs(analytic[mask]) + np.abs(numeric[mask]), 1e-12)
        worst[key] = float(rel.max()) if rel.size else 0.0
        if worst[key] > tol:
            ix = tuple(int(i) for i in np.unravel_index(np.argmax(rel), rel.shape))
            a_sub, n_sub = analytic[mask], numeric[mask]
            cause = (_generic_cause(a_sub, n_sub, atol=1e-7, rtol=1e-4)
                     or _transposed_cause(analytic, numeric, mask)
                     or ("the analytic gradient is all zeros: is it ever computed or accumulated?" if not np.any(a_sub) else None))
            _fail(name, [f"d loss/d {key} is wrong: largest relative error {worst[key]:.2e} (tolerance {tol:.0e}).",
                         f"at {key}{list(ix)}: numerical {n_sub[np.argmax(rel[mask])]:.6g}, analytic {analytic[ix]:.6g}"],
                  cause, None)
    _ok(f"{name}: analytic matches numerical (max relative error {max(worst.values(), default=0):.1e})")
    return worst


def _transposed_cause(analytic: np.ndarray, numeric: np.ndarray, mask: np.ndarray) -> str | None:
    """A square matrix gradient that matches the numerical one transposed."""
    if analytic.ndim == 2 and analytic.shape[0] == analytic.shape[1] and mask.all():
        if np.allclose(analytic.T, numeric, rtol=1e-4, atol=1e-7):
            return "the gradient is transposed (e.g. X @ dZ.T instead of X.T @ dZ)"
    return None
