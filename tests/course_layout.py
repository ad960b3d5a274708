"""Where the course's notebooks are, and how to read their nbgrader cells (for the tests)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from dlcourse.grading.cells import MANUAL, SETUP, SOLUTION, TESTS, grade_id, nbgrader_md, role  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
COURSE = ROOT / "course"
AUTOGRADER = ROOT / "autograder"

WEEKS = sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir() and p.name.startswith("week"))
SOLUTION_NOTEBOOKS = sorted(SOLUTIONS.glob("week*/*.ipynb"))
RELEASE_NOTEBOOKS = sorted(COURSE.glob("week*/*.ipynb"))
# Weeks that get the full grading round trip (solution / untouched / half-solved students):
# one is enough to prove the pipeline. Every solution notebook's execution is checked by nbval
# (root conftest.py), every release's stub failures by test_release.py.
ROUNDTRIP_WEEKS = ["week01_boosting"]
# Weeks whose graded reference implementations are reached only through `dlcourse.<topic>.reference`
# (CONTRIBUTING.md "Graded reference implementations"); week -> topic, for every week.
REFERENCE_WEEKS = {"week01_boosting": "boosting", "week02_mlp": "mlp", "week03_cnn": "cnn", "week04_training": "training",
                   "week05_sequences": "sequences", "week07_gans": "gans", "week08_visualizing": "interpret",
                   "week10_nlp": "nlp",
                   "week06_project": "project", "week09_transformers": "transformers",
                   "week11_domain_adaptation": "adaptation"}


# A cell's nbgrader role comes from the one function the grader uses (dlcourse.grading.cells.role).
def is_test_cell(cell) -> bool:
    return role(cell) == TESTS


def is_solution_cell(cell) -> bool:
    return role(cell) == SOLUTION


def is_setup_cell(cell) -> bool:
    return role(cell) == SETUP


# An ungraded activity sheet (e.g. week 06's paper-reading sheet) has no grade cells, and its header
# cell says so with this mark; the exercise rules of the hygiene tests do not apply to it. A notebook
# without grade cells and without the mark is an error (an exercise forgot its test cell).
UNGRADED_MARK = "Ungraded activity"


def is_ungraded(nb) -> bool:
    """No grade cells at all, and the header (first cell) carries ``UNGRADED_MARK``."""
    no_grades = not any(nbgrader_md(c).get("grade") for c in nb.cells)
    return no_grades and bool(nb.cells) and UNGRADED_MARK in nb.cells[0].source


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))
