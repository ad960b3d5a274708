"""The mistake catalogue: typical wrong (and alternative right) answers for every exercise.

Each ``tests/mistakes/<week>/<notebook stem>.py`` module defines ``CASES``, a list built
with :func:`wrong` and :func:`right`. ``tests/notebooks/test_mistake_catalogue.py`` runs
each case in-process: it executes the notebook's setup cells and reference solution cells,
replaces the names given in the case, then executes the exercise's test cell (public checks
*and* hidden tests). A ``wrong`` case must make the cell raise; a ``right`` case must pass.
Every test cell needs at least two ``wrong`` cases and one ``right`` case.

Write wrong answers as a student would: the slip named in ``why`` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Case", "wrong", "right"]


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
