"""The end-of-week quiz: format checks (public) and graders (hidden) for three kinds of item.

Every week ends with a short autograded quiz (DESIGN.md, notebook anatomy). One quiz item is
one ``solution`` cell that assigns one variable, followed by one ``tests`` cell:

* the **public** part calls a ``check_*_format`` function: it says whether the answer has the
  right *form* (a letter among the options, a finite number, a mapping over the right keys) and
  gives nothing away;
* the **hidden** part calls the matching ``grade_*`` function with the key and a ``why``: on a
  wrong answer the student reads, in the feedback, what the right answer is and why.

Equivalent forms are accepted: ``"b"``, ``"B"``, ``" (b) "`` for a choice; ``0.5``, ``"1/2"``,
``np.float32(0.5)`` for a number; sets, lists and tuples of letters for "select all".

    q3 = None   # one of "a", "b", "c", "d"          <- release stub (outside the solution region)
    check_choice_format(q3, "abcd", "q3")           # public
    grade_choice(q3, "c", "q3", why="...")          # hidden (between the HIDDEN TESTS markers)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from dlcourse.checks import CheckFailed

__all__ = [
    "check_choice_format", "check_choices_format", "check_number_format", "check_matching_format",
    "grade_choice", "grade_choices", "grade_number", "grade_matching",
]


def _ok(name: str) -> None:
    print(f"✓ {name}: answer has the right form (graded after you submit)")


def _letter(answer: Any) -> str | None:
    if not isinstance(answer, str):
        return None
    text = answer.strip().strip("()").strip().lower()
    return text if len(text) == 1 else None


def _letters(answer: Any) -> frozenset[str] | None:
    if isinstance(answer, str):
        parts = [p for p in answer.replace(",", " ").split() if p]
        answer = parts if len(parts) > 1 else list(answer.strip())
    if not isinstance(answer, Iterable):
        return None
    letters = [_letter(a) for a in answer]
    return None if any(x is None for x in letters) else frozenset(letters)  # type: ignore[arg-type]


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool) or answer is None:
        return None
    if isinstance(answer, str):
        try:
            answer = Fraction(answer.strip().replace(" ", ""))
        except (ValueError, ZeroDivisionError):
            return None
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _fail(name: str, message: str) -> None:
    raise CheckFailed(f"{name}: {message}")


def check_choice_format(answer: Any, options: str, name: str) -> None:
    """Public check: ``answer`` is one letter of ``options`` (case and brackets ignored)."""
    letter = _letter(answer)
    if letter is None or letter not in options.lower():
        _fail(name, f"set it to ONE of {', '.join(repr(o) for o in options.lower())} (a string); got {answer!r}")
    _ok(name)


def check_choices_format(answer: Any, options: str, name: str) -> None:
    """Public check for "select all that apply": a set/list of letters of ``options`` (may be empty)."""
    letters = _letters(answer)
    if letters is None or not letters <= set(options.lower()):
        _fail(name, f"set it to a set of letters among {', '.join(repr(o) for o in options.lower())}, "
                    f"e.g. {{'a', 'c'}} (an empty set if none applies); got {answer!r}")
    _ok(name)


def check_number_format(answer: Any, name: str) -> None:
    """Public check: ``answer`` is a finite number (an int, float, NumPy scalar or a string like "1/2")."""
    if _number(answer) is None:
        _fail(name, f"set it to a finite number (e.g. 0.25 or '1/4'); got {answer!r}")
    _ok(name)


def check_matching_format(answer: Any, keys: Iterable[Any], options: str, name: str) -> None:
    """Public check: ``answer`` maps every item of ``keys`` to one letter of ``options``."""
    keys = list(keys)
    if not isinstance(answer, Mapping):
        _fail(name, f"set it to a dict {{item: letter}} over the items {keys}; got {type(answer).__name__}")
    missing = [k for k in keys if k not in answer]
    extra = [k for k in answer if k not in keys]
    bad = {k: v for k, v in answer.items() if k in keys and (_letter(v) or "?") not in options.lower()}
    if missing or extra or bad:
        parts = ([f"missing items {missing}"] if missing else []) + ([f"unknown items {extra}"] if extra else []) \
            + ([f"not a letter among {options!r}: {bad}"] if bad else [])
        _fail(name, "; ".join(parts))
    _ok(name)


def grade_choice(answer: Any, key: str, name: str, *, why: str) -> None:
    """Hidden test: the chosen letter equals ``key``; otherwise explain with ``why``."""
    got = _letter(answer)
    if got != key.lower():
        _fail(name, f"the answer is ({key.lower()}), you chose {answer!r}. {why}")


def grade_choices(answer: Any, key: Iterable[str], name: str, *, why: str) -> None:
    """Hidden test for "select all that apply": exactly the letters of ``key``."""
    got = _letters(answer)
    want = frozenset(k.lower() for k in key)
    if got != want:
        _fail(name, f"the right set is {sorted(want)}, you chose {sorted(got) if got is not None else answer!r}. {why}")


def grade_number(answer: Any, key: float, name: str, *, why: str, rtol: float = 1e-3, atol: float = 1e-6) -> None:
    """Hidden test: ``answer`` is within ``atol + rtol*|key|`` of ``key``; otherwise explain with ``why``."""
    got = _number(answer)
    if got is None or abs(got - key) > atol + rtol * abs(key):
        _fail(name, f"the answer is {key:.6g}, you gave {answer!r}. {why}")


def grade_matching(answer: Any, key: Mapping[Any, str], name: str, *, why: str) -> None:
    """Hidden test: every item maps to its key letter; names the items that are wrong."""
    if not isinstance(answer, Mapping):
        _fail(name, f"expected a dict {{item: letter}}, got {type(answer).__name__}. {why}")
    wrong = [k for k, v in key.items() if _letter(answer.get(k)) != v.lower()]
    if wrong:
        right = ", ".join(f"{k!r} → ({key[k].lower()})" for k in wrong)
        verb = "is" if len(wrong) == 1 else "are"
        _fail(name, f"{len(wrong)} of {len(key)} items {verb} wrong: {right}. {why}")
