"""Every exercise's test cell rejects typical wrong answers and accepts alternative right ones.

Runs in-process (no kernel): setup cells + reference solution cells of the notebook, the
case's replacements, then the test cell with its hidden tests. See ``tests/mistakes``.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
from functools import lru_cache
from pathlib import Path

import matplotlib
import pytest

from course_layout import SOLUTIONS, is_setup_cell, is_solution_cell, is_test_cell, read
from mistakes import Case

matplotlib.use("Agg")
MISTAKES = Path(__file__).resolve().parents[1] / "mistakes"


def _catalogues() -> dict[Path, list[Case]]:
    """notebook path -> its cases, from tests/mistakes/<week>/<notebook stem>.py."""
    out = {}
    for module_path in sorted(MISTAKES.glob("week*/*.py")):
        spec = importlib.util.spec_from_file_location(f"mistakes_{module_path.parent.name}_{module_path.stem}", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out[SOLUTIONS / module_path.parent.name / f"{module_path.stem}.ipynb"] = module.CASES
    return out


CATALOGUES = _catalogues()


@lru_cache(maxsize=None)
def _cells(nb_path: Path) -> tuple[list[str], dict[str, str]]:
    """(sources of setup + solution cells in order, test cell id -> source)."""
    nb = read(nb_path)
    prelude = [c.source for c in nb.cells if is_setup_cell(c) or is_solution_cell(c)]
    tests = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells if is_test_cell(c)}
    return prelude, tests


def run_case(nb_path: Path, case: Case) -> BaseException | None:
    """Execute the test cell of ``case`` with its replacements; return what it raised, if anything."""
    prelude, tests = _cells(nb_path)
    namespace: dict = {"__name__": "__notebook__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in prelude:
            exec(compile(source, f"<{nb_path.name} prelude>", "exec"), namespace)
        namespace.update(case.names)
        try:
            exec(compile(tests[case.test], f"<{nb_path.name}:{case.test}>", "exec"), namespace)
        except Exception as exc:  # noqa: BLE001 - any failure of the cell is a rejection
            return exc
    return None


CASES = [(nb, case) for nb, cases in CATALOGUES.items() for case in cases]


@pytest.mark.parametrize("nb_path,case", CASES,
                         ids=[f"{nb.stem}:{c.test}:{c.verdict}:{c.why}" for nb, c in CASES])
def test_case(nb_path: Path, case: Case):
    _, tests = _cells(nb_path)
    assert case.test in tests, f"{nb_path.name} has no test cell {case.test!r}"
    raised = run_case(nb_path, case)
    if case.verdict == "wrong":
        assert raised is not None, f"{case.test} accepted a wrong answer: {case.why}"
    else:
        assert raised is None, f"{case.test} rejected a correct alternative ({case.why}): {raised!r}"


@pytest.mark.parametrize("nb_path", sorted(SOLUTIONS.glob("week*/*.ipynb")), ids=lambda p: p.stem)
def test_every_exercise_has_a_catalogue(nb_path: Path):
    """>= 2 wrong and >= 1 right case per test cell, and the reference passes its own tests."""
    _, tests = _cells(nb_path)
    cases = CATALOGUES.get(nb_path, [])
    for test_id in tests:
        kinds = [c.verdict for c in cases if c.test == test_id]
        assert kinds.count("wrong") >= 2, f"{nb_path.name}:{test_id} needs >= 2 wrong cases, has {kinds.count('wrong')}"
        assert kinds.count("right") >= 1, f"{nb_path.name}:{test_id} needs >= 1 right case"
        raised = run_case(nb_path, Case(test_id, "right", "the reference solution"))
        assert raised is None, f"{nb_path.name}:{test_id} fails on the reference solution: {raised!r}"
