"""Static checks of the notebooks: no outputs, valid nbgrader metadata, 100 points a week,
one test cell per exercise, no magics, every dlcourse name they import exists, README map."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections import defaultdict

import pytest

from course_layout import (RELEASE_NOTEBOOKS, ROOT, SOLUTION_NOTEBOOKS, WEEKS, is_solution_cell, is_test_cell,
                           nbgrader_md, read, rel)

ALL_NOTEBOOKS = SOLUTION_NOTEBOOKS + RELEASE_NOTEBOOKS


def test_there_are_notebooks_and_a_release_for_each():
    assert SOLUTION_NOTEBOOKS, "no solution notebooks found"
    assert [rel(p).replace("solutions/", "", 1) for p in SOLUTION_NOTEBOOKS] == \
           [rel(p).replace("course/", "", 1) for p in RELEASE_NOTEBOOKS]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=rel)
def test_committed_without_outputs_and_with_stable_ids(path):
    nb = read(path)
    for cell in nb.cells:
        assert cell.get("id"), f"{rel(path)}: a cell has no id"
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, \
                f"{rel(path)} cell {cell.id} has outputs: run `python helpers/scripts/nbtool.py clean`"
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids)), f"{rel(path)}: duplicate cell ids"


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=rel)
def test_nbgrader_metadata_is_valid(path):
    nb = read(path)
    grade_ids = []
    for cell in nb.cells:
        md = nbgrader_md(cell)
        if not md:
            continue
        assert md.get("schema_version") == 3, f"{cell.id}: nbgrader schema_version must be 3"
        grade_ids.append(md["grade_id"])
        if md.get("grade"):
            assert md.get("points", 0) > 0, f"{cell.id}: a grade cell needs points > 0 (0 breaks autograde)"
        if md.get("solution") and cell.cell_type == "code":  # markdown answers may be replaced whole
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, cell.id
        if is_test_cell(cell):
            assert cell.source.count("### BEGIN HIDDEN TESTS") == 1 == cell.source.count("### END HIDDEN TESTS"), \
                f"{cell.id}: a test cell ends with one hidden-test block"
            public = cell.source.split("### BEGIN HIDDEN TESTS")[0]
            assert public.strip(), f"{cell.id}: public checks come first"
    assert len(grade_ids) == len(set(grade_ids)), f"{rel(path)}: duplicate grade ids"


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=rel)
def test_each_exercise_is_followed_by_exactly_one_test_cell(path):
    graded_code = [c for c in read(path).cells if is_solution_cell(c) or is_test_cell(c)]
    assert graded_code, f"{rel(path)} has no exercises"
    for cell, nxt in zip(graded_code, graded_code[1:] + [None]):
        if is_solution_cell(cell):
            assert nxt is not None and is_test_cell(nxt), f"{rel(path)}: exercise {cell.id} has no test cell after it"
        else:
            assert nxt is None or is_solution_cell(nxt), f"{rel(path)}: two test cells in a row at {cell.id}"


@pytest.mark.parametrize("week", WEEKS)
def test_each_week_totals_100_points(week):
    total = sum(nbgrader_md(c).get("points", 0) for p in SOLUTION_NOTEBOOKS if p.parent.name == week
                for c in read(p).cells if nbgrader_md(c).get("grade"))
    assert total == 100, f"{week} totals {total} points"


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=rel)
def test_no_ipython_magics_or_shell_escapes(path):
    """The test suite execs setup/solution/test cells as plain Python; magics would break it."""
    for cell in read(path).cells:
        if cell.cell_type == "code":
            bad = [line for line in cell.source.splitlines() if re.match(r"\s*[%!]", line)]
            assert not bad, f"{rel(path)} cell {cell.id}: {bad}"


def _dlcourse_imports(source: str):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dlcourse":
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "dlcourse":
                    yield alias.name, None


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=rel)
def test_every_dlcourse_name_a_notebook_imports_exists_and_is_public(path):
    for cell in read(path).cells:
        if cell.cell_type != "code":
            continue
        for module_name, name in _dlcourse_imports(cell.source):
            module = importlib.import_module(module_name)
            if name is None:
                continue
            assert hasattr(module, name) or importlib.util.find_spec(f"{module_name}.{name}"), \
                f"{rel(path)}: {module_name}.{name} does not exist"
            if not name.startswith("_") and hasattr(module, "__all__") and hasattr(module, name) \
                    and not isinstance(getattr(module, name), type(importlib)):
                assert name in module.__all__, f"{module_name}.{name} is used by {rel(path)} but not in __all__"


def test_readme_course_map_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    missing = [rel(p) for p in RELEASE_NOTEBOOKS if rel(p) not in readme]
    assert not missing, f"README.md's course map does not list {missing}"


# Public names that share an exercise's name on purpose (not a solution: say why).
_SAME_NAME_NOT_A_SOLUTION = {
    "backprop_222": "dlcourse.data.backprop_222 loads the lecture's network; the exercise computes its pass",
}


def test_graded_exercises_are_not_one_call_into_dlcourse():
    """The package's reference for a graded exercise is private (leading underscore): no public
    name anywhere in dlcourse equals a function or class a solution cell defines."""
    exercises = defaultdict(set)
    for path in SOLUTION_NOTEBOOKS:
        for cell in read(path).cells:
            if is_solution_cell(cell):
                for node in ast.parse(cell.source).body:
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                        exercises[node.name].add(rel(path))
    import dlcourse
    public = defaultdict(set)
    for info in pkgutil.walk_packages(dlcourse.__path__, "dlcourse."):
        if info.name.endswith(".__main__"):                  # entry points run on import
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            public[name].add(info.name)
    leaked = {name: (sorted(exercises[name]), sorted(public[name]))
              for name in exercises.keys() & public.keys() if name not in _SAME_NAME_NOT_A_SOLUTION}
    assert not leaked, f"graded exercises exported publicly by dlcourse: {leaked}"
