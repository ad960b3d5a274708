"""Static checks of the notebooks: no outputs, valid nbgrader metadata, 100 points a week,
one test cell per exercise, no magics, every dlcourse name they import exists, README map."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections import defaultdict

import pytest

from course_layout import (RELEASE_NOTEBOOKS, ROOT, SOLUTION_NOTEBOOKS, UNGRADED_MARK, WEEKS, is_solution_cell,
                           is_test_cell, is_ungraded, nbgrader_md, read, rel)

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
    nb = read(path)
    graded_code = [c for c in nb.cells if is_solution_cell(c) or is_test_cell(c)]
    if is_ungraded(nb):
        assert not graded_code, f"{rel(path)} is marked '{UNGRADED_MARK}' but has solution or test cells"
        return
    assert graded_code, (f"{rel(path)} has no exercises (an ungraded activity sheet says "
                         f"'{UNGRADED_MARK}' in its header cell)")
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


# ---------------------------------------------------------------------------------------------
# The notebook-anatomy conventions (README "Writing a notebook", DESIGN "Notebook anatomy").

# Words of the course's build that must not reach a student (course/ only; case-insensitive).
BUILD_WORDING = [r"seed[- ]notes?\b", r"\bseed'?s (erratum|notes?|slides?)", r"\bsyllabus", r"source (slides?|texts?)",
                 r"bath_ml2", r"extra_from_dls", r"appendix b\b", r"course's (source|build)", r"\bthe brief\b"]
STUDY_TIME = re.compile(r"\*\*Run time:\*\* about [^\n]*·\s*\*\*Study time:\*\*\s+about\s+\d+(?:[–-]\d+)?\s+(?:min|h)\b")
EXERCISE_HEADING = re.compile(r"^###\s+Exercise\b.*$", re.MULTILINE)
EXERCISE_POINTS_MINUTES = re.compile(r"\((\d+(?:\.\d+)?) points?, ~\d+ min\)\s*$")
RUBRIC = re.compile(r"\*\*Rubric \((\d+(?:\.\d+)?) points?\):\*\*")
QUIZ_GRADERS = {"grade_choice", "grade_choices", "grade_number", "grade_matching"}
QUIZ_FORMATS = {"check_choice_format", "check_choices_format", "check_number_format", "check_matching_format"}


def _week_notebooks(notebooks, week):
    return [p for p in notebooks if p.parent.name == week]


def _called_names(tree) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return names


def silent_failures(source: str) -> list[str]:
    """What in a test cell could fail without saying why: a bare ``assert``, an assert whose
    message is empty or a bare value (a tuple of numbers explains nothing), a ``check_that``
    with an empty message, or a hidden part that checks nothing."""
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            if node.msg is None:
                problems.append(f"line {node.lineno}: bare `assert` (add a message that explains what is wrong)")
            elif isinstance(node.msg, ast.Constant) and not str(node.msg.value).strip():
                problems.append(f"line {node.lineno}: `assert` with an empty message")
            elif isinstance(node.msg, (ast.Tuple, ast.List)) or \
                    isinstance(node.msg, ast.Constant) and not isinstance(node.msg.value, str):
                problems.append(f"line {node.lineno}: `assert` whose message is a bare value, not a sentence "
                                "(say what is wrong; values may go in an f-string)")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "check_that":
            msg = node.args[2] if len(node.args) > 2 else next((k.value for k in node.keywords if k.arg == "message"), None)
            if isinstance(msg, ast.Constant) and not str(msg.value).strip():
                problems.append(f"line {node.lineno}: check_that with an empty message")
    if "### BEGIN HIDDEN TESTS" in source:
        hidden = source.split("### BEGIN HIDDEN TESTS", 1)[1].split("### END HIDDEN TESTS", 1)[0]
        tree = ast.parse(hidden)
        checks = {n for n in _called_names(tree) if n.startswith(("check", "grade_", "grad_check", "_check"))}
        if not checks and not any(isinstance(n, ast.Assert) for n in ast.walk(tree)):
            problems.append("the hidden tests contain no assert and no check_*/grade_* call: they cannot fail")
    return problems


def test_ungraded_rule_needs_the_mark_and_no_grade_cells():
    from nbformat.v4 import new_markdown_cell, new_notebook

    sheet = new_notebook(cells=[new_markdown_cell(f"# Sheet\n\n**Week 06 · {UNGRADED_MARK}**"), new_markdown_cell("text")])
    assert is_ungraded(sheet)
    sheet.cells[0].source = "# Sheet"
    assert not is_ungraded(sheet), "without the mark, a notebook with no grade cells is not an activity sheet"
    sheet.cells[0].source = f"# Sheet {UNGRADED_MARK}"
    sheet.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "x", "points": 1}
    assert not is_ungraded(sheet), "a notebook with a grade cell is graded, whatever its header says"


def test_silent_failures_finds_bare_asserts_and_empty_messages():
    cell = ("check_close(f(1), 2, 'f(1)')\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\nassert f(3) == 6, ''\n"
            "assert f(4) == 8, 'f(4) must be 8'\ncheck_that(f(5) == 10, 'f(5)', '')\nassert f(6) == 12, (6, f(6))\n"
            "assert f(7) == 14, f'f(7) is {f(7)}, expected 14'\n### END HIDDEN TESTS\n")
    problems = silent_failures(cell)
    assert len(problems) == 4, problems
    assert "bare `assert`" in problems[0] and "empty" in problems[1] and "bare value" in problems[2], problems
    assert "check_that" in problems[3], problems
    assert silent_failures("check_close(1, 1)\n### BEGIN HIDDEN TESTS\nx = 1\n### END HIDDEN TESTS\n") == \
        ["the hidden tests contain no assert and no check_*/grade_* call: they cannot fail"]
    assert not silent_failures("### BEGIN HIDDEN TESTS\ngrade_choice(q1, 'b', 'q1', why='...')\n### END HIDDEN TESTS")


@pytest.mark.parametrize("week", WEEKS)
def test_every_header_gives_run_time_and_study_time(week):
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        header = read(path).cells[0].source
        assert STUDY_TIME.search(header), (
            f"{rel(path)}: the header cell must say `**Run time:** about N s on 2 CPU cores · **Study time:** about M min`")


@pytest.mark.parametrize("week", WEEKS)
def test_every_exercise_heading_gives_points_and_minutes(week):
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        nb = read(path)
        headings = [h for c in nb.cells if c.cell_type == "markdown" for h in EXERCISE_HEADING.findall(c.source)]
        if is_ungraded(nb):
            assert not headings, f"{rel(path)} is ungraded: its headings must not promise points {headings}"
            continue
        assert headings, f"{rel(path)} has no `### Exercise` heading"
        bad = [h for h in headings if not EXERCISE_POINTS_MINUTES.search(h)]
        assert not bad, f"{rel(path)}: exercise headings must end with `(N points, ~M min)`: {bad}"


@pytest.mark.parametrize("week", WEEKS)
def test_no_build_wording_reaches_students(week):
    pattern = re.compile("|".join(BUILD_WORDING), re.IGNORECASE)
    for path in _week_notebooks(RELEASE_NOTEBOOKS, week):
        for cell in read(path).cells:
            hits = sorted({m.group(0) for m in pattern.finditer(cell.source)})
            assert not hits, f"{rel(path)} cell {cell.id}: build wording {hits} reaches students"


@pytest.mark.parametrize("week", WEEKS)
def test_graded_cells_never_fail_silently(week):
    """nbgrader's feedback shows the exception line only: `AssertionError` alone explains nothing."""
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        for cell in read(path).cells:
            if is_test_cell(cell):
                problems = silent_failures(cell.source)
                assert not problems, f"{rel(path)} test cell {nbgrader_md(cell)['grade_id']}: {problems}"


@pytest.mark.parametrize("week", WEEKS)
def test_every_week_has_an_autograded_quiz(week):
    """A quiz item: a solution cell that assigns one variable, then a tests cell whose public part
    checks the format only (check_*_format) and whose hidden part grades (grade_* with why=)."""
    items = 0
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        cells = read(path).cells
        for i, cell in enumerate(cells):
            if not (is_test_cell(cell) and _called_names(ast.parse(cell.source)) & (QUIZ_GRADERS | QUIZ_FORMATS)):
                continue
            gid = nbgrader_md(cell)["grade_id"]
            public, hidden = cell.source.split("### BEGIN HIDDEN TESTS", 1)
            assert _called_names(ast.parse(public)) & QUIZ_FORMATS, f"{rel(path)} {gid}: no check_*_format call"
            assert not _called_names(ast.parse(public)) & QUIZ_GRADERS, f"{rel(path)} {gid}: the key is public"
            graders = [n for n in ast.walk(ast.parse(hidden.split("### END HIDDEN TESTS")[0]))
                       if isinstance(n, ast.Call) and getattr(n.func, "id", None) in QUIZ_GRADERS]
            assert graders and all(any(k.arg == "why" for k in g.keywords) for g in graders), \
                f"{rel(path)} {gid}: the hidden part grades with grade_*(..., why=...)"
            solution = next(c for c in reversed(cells[:i]) if is_solution_cell(c))
            body = solution.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            assigns = [n for n in ast.parse(body).body if isinstance(n, ast.Assign)]
            assert len(assigns) == 1, f"{rel(path)} {gid}: a quiz answer cell assigns one variable in its solution"
            items += 1
    assert items >= 3, f"{week} has {items} quiz items (at least 3: a short autograded quiz per week)"


@pytest.mark.parametrize("week", WEEKS)
def test_every_predict_first_prompt_has_a_collapsible_answer(week):
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        text = "\n".join(c.source for c in read(path).cells if c.cell_type == "markdown")
        prompts = len(re.findall(r"\*\*Predict first", text))
        answers = len(re.findall(r"<summary>Answer \(open after you have tried\)</summary>", text))
        assert answers >= prompts, f"{rel(path)}: {prompts} 'Predict first' prompts but {answers} collapsible answers"


@pytest.mark.parametrize("week", WEEKS)
def test_every_manual_question_prints_its_rubric(week):
    for path in _week_notebooks(SOLUTION_NOTEBOOKS, week):
        cells = read(path).cells
        for i, cell in enumerate(cells):
            md = nbgrader_md(cell)
            if cell.cell_type == "markdown" and md.get("grade") and md.get("solution"):
                question = cells[i - 1].source if i else ""
                m = RUBRIC.search(question)
                assert m, f"{rel(path)} {md['grade_id']}: the question above it prints `**Rubric (N points):** …`"
                assert float(m.group(1)) == md["points"], \
                    f"{rel(path)} {md['grade_id']}: rubric says {m.group(1)} points, the cell is worth {md['points']}"
                assert len(cell.source) > 200, \
                    f"{rel(path)} {md['grade_id']}: the model answer sits in the answer cell of solutions/"


def test_no_build_wording_on_the_landing_page():
    pattern = re.compile("|".join(BUILD_WORDING), re.IGNORECASE)
    landing = ROOT / "course" / "START_HERE.ipynb"
    hits = sorted({m.group(0) for c in read(landing).cells for m in pattern.finditer(c.source)})
    assert not hits, f"course/START_HERE.ipynb: build wording {hits} reaches students"


# ---------------------------------------------------------------- graded reference implementations
from course_layout import REFERENCE_WEEKS  # noqa: E402
from dlcourse.grading.cells import reference_uses  # noqa: E402


def test_every_week_has_a_graded_reference_table():
    assert sorted(REFERENCE_WEEKS) == WEEKS, "tests/course_layout.py REFERENCE_WEEKS must map every week to its topic"


@pytest.mark.parametrize("week", sorted(REFERENCE_WEEKS))
def test_notebooks_never_reach_a_graded_reference(week):
    """No cell (setup, demo, solution or test) imports `dlcourse.<topic>.reference` or a private dlcourse name."""
    for path in _week_notebooks(ALL_NOTEBOOKS, week):
        for cell in read(path).cells:
            if cell.cell_type == "code":
                uses = reference_uses(cell.source)
                assert not uses, f"{rel(path)} cell {cell.id} uses {uses}: graded references are for the package and tests only"


@pytest.mark.parametrize("week", sorted(REFERENCE_WEEKS))
def test_every_graded_reference_resolves_to_its_private_definition(week):
    ref = importlib.import_module(f"dlcourse.{REFERENCE_WEEKS[week]}.reference")
    assert ref.WHERE, f"dlcourse.{REFERENCE_WEEKS[week]}.reference lists no exercise"
    assert not hasattr(ref, "__all__"), "a reference module exports nothing (no __all__): it is not public API"
    for name in ref.WHERE:
        module = importlib.import_module(f"dlcourse.{REFERENCE_WEEKS[week]}.{ref.WHERE[name]}")
        assert getattr(ref, name) is getattr(module, "_" + name), f"reference.{name} is not {module.__name__}._{name}"


# ---------------------------------------------------------------- thin notebooks
DEMO_CELL_MAX_LINES = 15        # DESIGN: "logic longer than ~15 lines belongs in dlcourse"


def _long_demo_cells(nb) -> list[str]:
    from dlcourse.grading.cells import CODE, role

    out = []
    for cell in nb.cells:
        n = sum(1 for line in cell.source.splitlines() if line.strip())
        if cell.cell_type == "code" and role(cell) == CODE and n > DEMO_CELL_MAX_LINES:
            out.append(f"cell {cell.get('id')} ({n} lines)")
    return out


def test_the_thin_cell_rule_sees_a_long_demo_cell():
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(16))),
                                         nbformat.v4.new_code_cell("\n".join(f"y{i} = {i}" for i in range(15)))])
    assert len(_long_demo_cells(nb)) == 1


@pytest.mark.parametrize("path", SOLUTION_NOTEBOOKS, ids=rel)
def test_demo_cells_stay_thin(path):
    """A demo cell holds what a student should read; plotting and plumbing live in the week's package."""
    long = _long_demo_cells(read(path))
    assert not long, (f"{rel(path)}: demo cells over {DEMO_CELL_MAX_LINES} non-blank lines: {', '.join(long)}; "
                      "move plotting and plumbing into the week's plots or widgets module")
