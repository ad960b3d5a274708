"""Every week goes through real nbgrader grading; one week through the full round trip.

Each solution notebook is executed ONCE per suite, as the autograded submission of a student
who handed in the solutions: that single run proves it executes top to bottom without errors
or stderr, that its hidden tests pass (full autograded marks), and records its run time.
For ROUNDTRIP_WEEKS an untouched release (0 points) and a half-solved one (exactly the solved
exercises' points) are graded too, with feedback HTML and the CSV checked.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import nbformat
import pytest

from course_layout import COURSE, ROOT, ROUNDTRIP_WEEKS, SOLUTIONS, WEEKS, read
from nbgrader_run import clean_copy, grade_week, make_course_copy, partial_submission

_GRADED: dict = {}
_EXPECTED_FAIL: dict = {}


def _graded(week: str, tmp_path_factory):
    if week not in _GRADED:
        root = make_course_copy(tmp_path_factory.mktemp(week), week)
        names = sorted(p.name for p in (SOLUTIONS / week).glob("*.ipynb"))
        subs = {"solution": {n: clean_copy(read(SOLUTIONS / week / n)) for n in names}}
        if week in ROUNDTRIP_WEEKS:
            subs["untouched"] = {n: read(COURSE / week / n) for n in names}
            subs["partial"] = {}
            for n in names:
                nb, failing = partial_submission(read(SOLUTIONS / week / n), read(COURSE / week / n))
                subs["partial"][n] = nb
                _EXPECTED_FAIL[(week, n)] = failing
        _GRADED[week] = grade_week(root, week, subs)
        _record_timings(_GRADED[week])
    return _GRADED[week]


def _record_timings(graded) -> None:
    """Write each solution notebook's execution time and slowest cell (from nbclient's cell
    timestamps) to artifacts/notebook_timings.json, for the benchmark report and the
    ``Execute.timeout`` margin."""
    def seconds(start: str, end: str) -> float:
        parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
        return (parse(end) - parse(start)).total_seconds()

    out = ROOT / "artifacts" / "notebook_timings.json"
    out.parent.mkdir(exist_ok=True)
    data = json.loads(out.read_text()) if out.exists() else {}
    for path in sorted((graded.root / "autograder" / "autograded" / "solution" / graded.week).glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        cells = [(c.id, c.metadata.get("execution", {})) for c in nb.cells if c.cell_type == "code"]
        timed = [(cid, s["iopub.execute_input"], s["shell.execute_reply"]) for cid, s in cells
                 if "iopub.execute_input" in s and "shell.execute_reply" in s]
        if timed:
            slowest = max(timed, key=lambda t: seconds(t[1], t[2]))
            data[f"{graded.week}/{path.name}"] = {
                "cells_seconds": round(seconds(min(t[1] for t in timed), max(t[2] for t in timed)), 1),
                "slowest_cell": slowest[0], "slowest_cell_seconds": round(seconds(slowest[1], slowest[2]), 2)}
    out.write_text(json.dumps(data, indent=1, sort_keys=True))


def _weeks(roundtrip_only: bool = False):
    weeks = [w for w in WEEKS if not roundtrip_only or w in ROUNDTRIP_WEEKS]
    return [pytest.param(w, marks=[pytest.mark.xdist_group(w), pytest.mark.notebooks]) for w in weeks]


@pytest.mark.parametrize("week", _weeks())
def test_solutions_get_full_autograded_marks(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    auto = {k: v for k, v in graded.scores.items() if k[0] == "solution" and v[2] == "code"}
    assert auto, f"no autograded cells found for {week}"
    lost = {f"{nb}:{gid}": f"{s}/{m}" for (_, nb, gid), (s, m, *_rest) in auto.items() if s != m}
    assert not lost, f"solution notebooks lose points: {lost}"


@pytest.mark.parametrize("week", _weeks())
def test_solutions_execute_without_errors_or_stderr(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    problems = []
    for path in sorted((SOLUTIONS / week).glob("*.ipynb")):
        nb = graded.autograded("solution", path.name)
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    problems.append(f"{path.name} cell {i}: {out.ename}: {out.evalue}")
                elif out.output_type == "stream" and out.name == "stderr":
                    problems.append(f"{path.name} cell {i} wrote to stderr: {out.text[:200]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("week", _weeks(roundtrip_only=True))
def test_untouched_release_scores_zero(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    auto = {k: v for k, v in graded.scores.items() if k[0] == "untouched" and v[2] == "code"}
    assert auto and all(s == 0 for s, *_ in auto.values()), auto


@pytest.mark.parametrize("week", _weeks(roundtrip_only=True))
def test_half_solved_submission_gets_exactly_the_solved_exercises(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    for (student, nb, gid), (score, max_score, cell_type, _) in graded.scores.items():
        if student != "partial" or cell_type != "code":
            continue
        expected = 0 if gid in _EXPECTED_FAIL[(week, nb)] else max_score
        assert score == expected, f"{nb}:{gid} scored {score}, expected {expected}"
    total = float(next(r for r in graded.csv_rows if r["student_id"] == "partial")["raw_score"])
    full = float(next(r for r in graded.csv_rows if r["student_id"] == "solution")["raw_score"])
    assert 0 < total < full


@pytest.mark.parametrize("week", _weeks(roundtrip_only=True))
def test_feedback_and_csv_for_every_student(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    for student in graded.students:
        for path in sorted((SOLUTIONS / week).glob("*.ipynb")):
            html = graded.feedback(student, path.name)
            assert html.exists() and html.stat().st_size > 1000, html
    rows = [r for r in graded.csv_rows if r["assignment"] == week]
    assert sorted(r["student_id"] for r in rows) == graded.students
    assert all(float(r["max_score"]) == 100 for r in rows), "a week is worth 100 points"
    assert graded.autograde.returncode == 0, graded.autograde.stderr[-2000:]
