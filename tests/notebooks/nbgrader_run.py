"""Run the real nbgrader pipeline on a temporary copy of one week (for the notebook tests).

The copy holds autograder/nbgrader_config.py, solutions/<week> and course/<week>, so nbgrader
runs exactly as ``make release`` / ``make grade`` do, without touching the repo.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_layout import AUTOGRADER, COURSE, SOLUTIONS, is_solution_cell, is_test_cell

NBGRADER = [sys.executable, "-m", "nbgrader"]


def make_course_copy(root: Path, week: str, with_release: bool = True) -> Path:
    (root / "autograder").mkdir(parents=True)
    shutil.copy(AUTOGRADER / "nbgrader_config.py", root / "autograder")
    shutil.copytree(SOLUTIONS / week, root / "solutions" / week)
    if with_release:
        shutil.copytree(COURSE / week, root / "course" / week)
    return root


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` from the copy's autograder/ dir (where its config is)."""
    # nbgrader runs the `alembic` executable when it creates a gradebook: the venv's bin/ must be on PATH.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run([*NBGRADER, *args, "--log-level=WARN"], cwd=root / "autograder",
                          capture_output=True, text=True, timeout=1800, env=env)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return proc


def clean_copy(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def partial_submission(solution_nb, release_nb):
    """The release with every exercise solved except the last one of the notebook.

    Returns (notebook, grade_ids of the test cells that must then fail).
    """
    solved = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution_nb.cells if is_solution_cell(c)}
    exercises = list(solved)
    tests = [c.metadata["nbgrader"]["grade_id"] for c in solution_nb.cells if is_test_cell(c)]
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in exercises[:-1]:
            cell.source = solved[gid]
    return nb, {tests[-1]}


@dataclass
class GradedWeek:
    root: Path
    week: str
    students: list[str]
    autograde: subprocess.CompletedProcess
    scores: dict = field(default_factory=dict)     # (student, notebook, grade_id) -> (score, max)
    csv_rows: list[dict] = field(default_factory=list)

    def autograded(self, student: str, notebook: str):
        return nbformat.read(str(self.root / "autograder" / "autograded" / student / self.week / notebook), as_version=4)

    def feedback(self, student: str, notebook: str) -> Path:
        return self.root / "autograder" / "feedback" / student / self.week / notebook.replace(".ipynb", ".html")


def grade_week(root: Path, week: str, submissions: dict[str, dict[str, object]]) -> GradedWeek:
    """Generate (with gradebook), submit ``{student: {notebook name: nb}}``, autograde, feedback, export."""
    nbgrader(root, "generate_assignment", week, "--force")
    for student, notebooks in submissions.items():
        folder = root / "autograder" / "submitted" / student / week
        folder.mkdir(parents=True)
        for name, nb in notebooks.items():
            nbformat.write(nb, str(folder / name))
    proc = nbgrader(root, "autograde", week, check=False)
    nbgrader(root, "generate_feedback", week)
    nbgrader(root, "export", "--to", "grades.csv")
    graded = GradedWeek(root, week, sorted(submissions), proc)
    with open(root / "autograder" / "grades.csv") as fh:
        graded.csv_rows = list(csv.DictReader(fh))
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root / 'autograder' / 'gradebook.db'}") as gb:
        for student in submissions:
            sub = gb.find_submission(week, student)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    graded.scores[(student, nb.name + ".ipynb", grade.name)] = (
                        grade.auto_score, grade.max_score, grade.cell_type, bool(grade.manual_score is not None))
    return graded
