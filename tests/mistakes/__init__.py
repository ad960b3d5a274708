"""The mistake catalogue: typical wrong (and alternative right) answers for every exercise.

Each ``tests/mistakes/<week>/<notebook stem>.py`` module defines ``CASES``, a list built
with :func:`wrong` and :func:`right`. ``tests/notebooks/test_mistake_catalogue.py`` runs
each case in-process: it executes the notebook's setup cells and reference solution cells,
replaces the names given in the case, then executes the exercise's test cell (public checks
*and* hidden tests). A ``wrong`` case must make the cell raise; a ``right`` case must pass.
Every test cell needs at least two ``wrong`` cases and one ``right`` case.

Write wrong answers as a student would: the slip named in ``why`` and nothing else.

Two declarative forms save a function per case:

- :func:`variants`: many slips of one exercise written as ONE flag-driven implementation
  (``_mom(w, g, state, lr, beta, *, damp=True, stale=False, ...)``) plus a table
  ``{why: flags}``; each row becomes a case whose replacement is ``variant(_mom, **flags)``.
- :func:`quiz`: a quiz item's answer forms as two tables ``{why: answer}`` (wrong and right).

The one-case-at-a-time form (:func:`wrong`, :func:`right`) stays for everything else.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Case", "wrong", "right", "variant", "variants", "quiz"]


@dataclass(frozen=True)
class Case:
    test: str                              # grade_id of the test cell
    verdict: Literal["wrong", "right"]
    why: str                               # the mistake (or the alternative) in a few words
    names: dict[str, Any] = field(default_factory=dict)   # notebook name -> replacement


def wrong(test: str, why: str, **names: Any) -> Case:
    """A typical mistake that the test cell ``test`` must reject."""
    return Case(test, "wrong", why, names)


def right(test: str, why: str, **names: Any) -> Case:
    """An alternative correct answer that the test cell ``test`` must accept."""
    return Case(test, "right", why, names)


def variant(generic: Callable, /, *, quiet: bool = False, **flags: Any) -> Callable:
    """``generic`` with some keyword-only flags fixed: one slip of a flag-driven implementation.

    The result has the signature of ``generic`` without those flags (what a student's function
    would have). ``quiet=True`` runs it under ``np.errstate(divide="ignore", invalid="ignore")``
    (a slip that divides by zero on purpose).
    """
    sig = inspect.signature(generic)
    unknown = set(flags) - set(sig.parameters)
    if unknown:
        raise TypeError(f"{generic.__name__} has no flag {sorted(unknown)}")

    @functools.wraps(generic)
    def slip(*args, **kwargs):
        if quiet:
            import numpy as np

            with np.errstate(divide="ignore", invalid="ignore"):
                return generic(*args, **flags, **kwargs)
        return generic(*args, **flags, **kwargs)

    slip.__signature__ = sig.replace(parameters=[p for n, p in sig.parameters.items() if n not in flags
                                                 and p.kind is not inspect.Parameter.KEYWORD_ONLY])
    slip.__name__ = slip.__qualname__ = generic.__name__ + "[" + ", ".join(f"{k}={v!r}" for k, v in flags.items()) + "]"
    del slip.__wrapped__                  # inspect.signature must read __signature__, not the generic's
    return slip


def variants(test: str, name: str, generic: Callable, wrong: Mapping[str, Mapping[str, Any]] = {},
             right: Mapping[str, Mapping[str, Any]] = {}) -> list[Case]:
    """Cases for ``test`` replacing notebook name ``name`` with ``variant(generic, **flags)``, one per
    row of the tables ``{why: flags}`` (``wrong`` must be rejected, ``right`` accepted)."""
    return [Case(test, verdict, why, {name: variant(generic, **dict(flags))})
            for verdict, table in (("wrong", wrong), ("right", right)) for why, flags in table.items()]


def quiz(item: str, wrong: Mapping[str, Any] = {}, right: Mapping[str, Any] = {}, *, test: str | None = None) -> list[Case]:
    """Cases for quiz item ``item`` (the notebook's answer variable, e.g. ``"q1"``; its test cell is
    ``test_quiz_<item>``): ``wrong`` and ``right`` map why -> the answer a student writes."""
    test = test or f"test_quiz_{item}"
    return [Case(test, verdict, why, {item: answer})
            for verdict, table in (("wrong", wrong), ("right", right)) for why, answer in table.items()]
