"""The per-week grading guide: every manual answer's question, rubric and model answer."""

from __future__ import annotations

import json

import pytest

from course_layout import SOLUTIONS, WEEKS, nbgrader_md, read
from dlcourse.grading.guide import main, render_guide


def _md(source, gid, **nbgrader):
    md = {"grade": False, "grade_id": gid, "locked": True, "schema_version": 3, "solution": False, "task": False}
    md.update(nbgrader)
    return {"cell_type": "markdown", "id": gid, "metadata": {"nbgrader": md}, "source": source}


def _week(tmp_path, question, answer, points=3):
    week = tmp_path / "solutions" / "week99_demo"
    week.mkdir(parents=True)
    cells = [_md("# Demo\n\n## 4. Reflection (3 points)", "header"), _md(question, "q"),
             _md(answer, "a", grade=True, solution=True, locked=False, points=points)]
    (week / "01_demo.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                                    "nbformat_minor": 5}))
    return tmp_path / "solutions"


QUESTION = ("## 4. Reflection (3 points)\n\nWhy does bagging reduce variance?\n\n"
            "**Rubric (3 points):** averaging (1); evidence from the widget (1); correlation (1).\n\nWrite below.")
ANSWER = "### BEGIN SOLUTION\n**Model answer.** Averaging cancels the members' own errors.\n### END SOLUTION"


def test_guide_has_question_rubric_and_model_answer(tmp_path):
    guide = render_guide("week99_demo", _week(tmp_path, QUESTION, ANSWER))
    assert "Manually graded: 1 answers, 3 of the week's 100 points." in guide
    assert "01_demo.ipynb · `a` · 3 points" in guide
    question = guide.split("### Question", 1)[1].split("### Rubric", 1)[0]
    assert "> Why does bagging reduce variance?" in question and "> Write below." in question
    assert "Rubric (3 points)" not in question and "## 4. Reflection" not in question, question
    rubric = guide.split("### Rubric", 1)[1].split("### Model answer", 1)[0]
    assert "- averaging (1)\n- evidence from the widget (1)\n- correlation (1)." in rubric and "Write below" not in rubric
    model = guide.split("### Model answer", 1)[1]
    assert "Averaging cancels the members' own errors." in model and "BEGIN SOLUTION" not in model
    assert "No rubric" not in guide and "Fix the notebook" not in guide


def test_guide_flags_a_missing_rubric_and_a_points_mismatch(tmp_path):
    guide = render_guide("week99_demo", _week(tmp_path / "a", "## Reflection\n\nWhy?", ANSWER))
    assert "No rubric printed with this question" in guide
    guide = render_guide("week99_demo", _week(tmp_path / "b", QUESTION, ANSWER, points=4))
    assert "The rubric says 3 points, the cell is worth 4" in guide


def test_main_writes_one_guide_per_week(tmp_path, capsys):
    solutions = _week(tmp_path, QUESTION, ANSWER)
    assert main(["--solutions", str(solutions), "--out", str(tmp_path / "guides")]) == 0
    assert (tmp_path / "guides" / "week99_demo.md").read_text().startswith("# Grading guide: week99_demo")
    assert "week99_demo.md" in capsys.readouterr().out


@pytest.mark.parametrize("week", WEEKS)
def test_every_manual_answer_of_the_course_is_in_its_weeks_guide(week):
    guide = render_guide(week, SOLUTIONS)
    cells = [(p.name, c) for p in sorted((SOLUTIONS / week).glob("*.ipynb")) for c in read(p).cells
             if c.cell_type == "markdown" and nbgrader_md(c).get("grade") and nbgrader_md(c).get("solution")]
    assert cells, f"{week} has no manually graded answer"
    for name, cell in cells:
        md = nbgrader_md(cell)
        assert f"{name} · `{md['grade_id']}` · {md['points']:g} points" in guide
        model = cell.source.split("### BEGIN SOLUTION")[-1].split("### END SOLUTION")[0].strip()
        assert model[:200] in guide, f"{week} {name}: the model answer is missing from the guide"
