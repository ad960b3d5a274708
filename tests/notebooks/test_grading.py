"""The full nbgrader round trip, on ROUNDTRIP_WEEKS: three students, real grades.

That every solution notebook executes (hidden tests included) without an error or stderr is
proven once per suite by nbval (``make test`` runs ``pytest --nbval-lax ... solutions``, see the
root ``conftest.py``). What nbval cannot prove is proven here, on one week, through nbgrader
itself: a student who hands in the solutions gets full marks, an untouched release gets 0, a
half-solved one gets exactly the solved exercises' points, and every student gets feedback
HTML and a CSV row. (That every public check fails on every week's stub is
``test_release.py``'s job.)
"""

from __future__ import annotations

import pytest

from course_layout import COURSE, ROUNDTRIP_WEEKS, SOLUTIONS, read
from nbgrader_run import clean_copy, grade_week, make_course_copy, partial_submission

_GRADED: dict = {}
_EXPECTED_FAIL: dict = {}


def _graded(week: str, tmp_path_factory):
    if week not in _GRADED:
        root = make_course_copy(tmp_path_factory.mktemp(week), week)
        names = sorted(p.name for p in (SOLUTIONS / week).glob("*.ipynb"))
        subs = {"solution": {n: clean_copy(read(SOLUTIONS / week / n)) for n in names},
                "untouched": {n: read(COURSE / week / n) for n in names},
                "partial": {}}
        for n in names:
            nb, failing = partial_submission(read(SOLUTIONS / week / n), read(COURSE / week / n))
            subs["partial"][n] = nb
            _EXPECTED_FAIL[(week, n)] = failing
        _GRADED[week] = grade_week(root, week, subs)
    return _GRADED[week]


def _weeks():
    return [pytest.param(w, marks=pytest.mark.notebooks) for w in ROUNDTRIP_WEEKS]


@pytest.mark.parametrize("week", _weeks())
def test_solutions_get_full_autograded_marks(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    auto = {k: v for k, v in graded.scores.items() if k[0] == "solution" and v[2] == "code"}
    assert auto, f"no autograded cells found for {week}"
    lost = {f"{nb}:{gid}": f"{s}/{m}" for (_, nb, gid), (s, m, *_rest) in auto.items() if s != m}
    assert not lost, f"solution notebooks lose points: {lost}"


@pytest.mark.parametrize("week", _weeks())
def test_untouched_release_scores_zero(week, tmp_path_factory):
    graded = _graded(week, tmp_path_factory)
    auto = {k: v for k, v in graded.scores.items() if k[0] == "untouched" and v[2] == "code"}
    assert auto and all(s == 0 for s, *_ in auto.values()), auto


@pytest.mark.parametrize("week", _weeks())
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


@pytest.mark.parametrize("week", _weeks())
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
