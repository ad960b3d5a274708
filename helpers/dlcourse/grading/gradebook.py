"""Write results into the instructor's nbgrader gradebook, in the main process only.

Only ``auto_score`` is written. ``manual_score`` and ``extra_credit`` are never touched; a cell
that already has a manual grade is marked "needs manual grade" again only when its autograde
score changed (nbgrader's rule: manual grades take precedence).
"""

from __future__ import annotations

from pathlib import Path

from .config import MISSING
from .records import Result


def merge(db_url: str, week: str, results: list[Result]) -> None:
    import warnings

    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")                     # SQLAlchemy's autoflush noise inside nbgrader
        for result in results:
            if result.status == MISSING and not result.submitted:
                continue                                    # never handed anything in: no submission row
            gb.update_or_create_student(result.student)
            submission = gb.update_or_create_submission(week, result.student)
            grades = {(nb.name + ".ipynb", g.name): g for nb in submission.notebooks for g in nb.grades}
            for rec in result.grades:
                grade = grades.get((rec.notebook, rec.grade_id))
                if grade is None:
                    continue
                changed = grade.auto_score != rec.auto_score
                grade.auto_score = rec.auto_score
                if grade.manual_score is not None:
                    if changed:
                        grade.needs_manual_grade = True             # review: the autograde moved under a manual grade
                else:
                    grade.needs_manual_grade = rec.auto_score is None
            gb.db.commit()


def final_scores(db_url: str, week: str, students: list[str]) -> dict[str, dict[tuple[str, str], float | None]]:
    """``{student: {(notebook, grade_id): score}}`` as nbgrader counts it (manual if given, else auto)."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                submission = gb.find_submission(week, student)
            except MissingEntry:
                continue
            out[student] = {(nb.name + ".ipynb", g.name): (g.manual_score if g.manual_score is not None else g.auto_score)
                            for nb in submission.notebooks for g in nb.grades}
            for nb in submission.notebooks:
                for g in nb.grades:
                    if g.manual_score is not None and g.extra_credit:
                        out[student][(nb.name + ".ipynb", g.name)] += g.extra_credit
    return out


def manual_grades(db_url: str, week: str, students: list[str]) -> dict[str, dict[tuple[str, str], dict]]:
    """``{student: {(notebook, grade_id): {"score": manual score or None, "comment": text or ""}}}`` for
    every grade cell with a manual score or a comment entered in formgrader (read-only)."""
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[str, dict[tuple[str, str], dict]] = {}
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///"):]).is_file():
        return out                                         # no gradebook yet: nothing entered (and none created)
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                submission = gb.find_submission(week, student)
            except MissingEntry:
                continue
            for nb in submission.notebooks:
                comments = {c.name: (c.manual_comment or "") for c in nb.comments}
                for g in nb.grades:
                    if g.manual_score is not None or comments.get(g.name):
                        out.setdefault(student, {})[(nb.name + ".ipynb", g.name)] = {
                            "score": g.manual_score, "comment": comments.get(g.name, "")}
    return out


def known_students(db_url: str) -> list[str]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return sorted(s.id for s in gb.students)
