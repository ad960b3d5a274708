"""The instructor's path for answers graded by hand, end to end, in a real browser (week 06).

A student hands in week 06 with a written answer; ``dlcourse-grade`` (what ``make grade`` runs)
autogrades it; the instructor opens nbgrader's formgrader, finds the answer with the rubric printed
above it, enters a score and a comment; a second grading run then shows the score in the CSV and
the score and the comment in the student's feedback page. nbgrader keeps manual grades in its
gradebook and ``dlcourse-grade`` only ever writes ``auto_score`` (autograder/README.md), so the
second run keeps them.

The course is a temporary copy (week 06 only) with its own runtime folder, so the repo's
``autograder/`` is never touched. To keep the test short the student's submission empties the free
demo cells of notebook 3 (students may edit those; graded cells are untouched).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, SHOTS, _free_port, _wait_for_server

WEEK = "week06_project"
NOTEBOOK = "03_structuring_and_miniproject"
CELL = "report_setup"                                  # a manually graded report section worth 3 points
STUDENT = "alice"
ANSWER = "Two 3x3 convolutions (8 and 16 channels) and a dense layer; Adam, 20 epochs, batches of 25."
SCORE, COMMENT = 2, "Clear architecture; give the parameter count and the split sizes."


def _course(root: Path) -> Path:
    (root / "autograder").mkdir(parents=True)
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", root / "autograder")
    for folder in ("solutions", "course"):
        shutil.copytree(ROOT / folder / WEEK, root / folder / WEEK)
    subs = root / "export" / STUDENT
    subs.mkdir(parents=True)
    for nb_path in sorted((root / "course" / WEEK).glob("*.ipynb")):
        nb = nbformat.read(str(nb_path), as_version=4)
        for cell in nb.cells:
            md = cell.get("metadata", {}).get("nbgrader", {})
            if md.get("grade_id") == CELL:
                cell.source = ANSWER
            elif cell.cell_type == "code" and not md:
                cell.source = "pass  # demo not run in this test"
        nbformat.write(nb, str(subs / nb_path.name))
    return root


def _env(runtime: Path) -> dict[str, str]:
    return {**os.environ, "DLCOURSE_GRADING_DIR": str(runtime), "OMP_NUM_THREADS": "1", "DLCOURSE_TORCH_THREADS": "1",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT / "helpers"), os.environ.get("PYTHONPATH")) if p),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def _grade(root: Path, runtime: Path, *extra: str) -> None:
    """What `make grade WEEK=week06_project SUBMISSIONS=…` runs, on the temporary course."""
    from dlcourse.grading.sandbox import SandboxUnavailable, probe

    try:
        probe()
        sandbox = []
    except SandboxUnavailable:
        if os.environ.get("CI"):
            raise
        sandbox = ["--no-sandbox"]
    cmd = [sys.executable, "-m", "dlcourse.grading", WEEK, *extra, "--course-root", str(root), "--runtime-dir",
           str(runtime), "--workers", "1", *sandbox]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(runtime), timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _csv_row(runtime: Path) -> dict:
    with open(runtime / f"grades_{WEEK}.csv") as fh:
        return next(row for row in csv.DictReader(fh) if row["student_id"] == STUDENT)


def _formgrader(root: Path, runtime: Path):
    """A Jupyter server run from the course's autograder/ folder (where nbgrader finds its config)."""
    port, token = _free_port(), secrets.token_hex(16)
    env = {**_env(runtime), "JUPYTER_CONFIG_DIR": str(root / "_config"), "JUPYTER_RUNTIME_DIR": str(root / "_runtime")}
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root / 'autograder'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = root / "formgrader.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=root / "autograder", env=env, stdout=fh, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait_for_server(base, token, proc, log)
    return proc, base, token


def test_instructor_grades_a_report_cell_in_formgrader_and_the_student_sees_it(browser, tmp_path):
    start = time.time()
    root = _course(tmp_path / "course")
    runtime = tmp_path / "runtime"
    _grade(root, runtime, str(root / "export"))
    assert _csv_row(runtime)[f"{NOTEBOOK}:{CELL}"] in ("", "0"), "before manual grading the cell has no score"

    proc, base, token = _formgrader(root, runtime)
    # formgrader's pages call its REST API from JavaScript: authenticate every request with the token
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  extra_http_headers={"Authorization": f"token {token}"})
    page = context.new_page()
    try:
        api = urllib.request.Request(f"{base}/formgrader/api/submitted_notebooks/{WEEK}/{NOTEBOOK}",
                                     headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(api) as r:
            (submission,) = [s for s in json.load(r) if s["student"] == STUDENT]
        assert submission["needs_manual_grade"], "the written answers wait for the instructor"

        page.goto(f"{base}/formgrader/gradebook/{WEEK}/{NOTEBOOK}")   # the notebook's submissions
        link = page.locator(f"a[href$='/formgrader/submissions/{submission['id']}']").first  # names hidden by default
        link.wait_for(timeout=60_000)
        link.click()
        score = page.locator(f"input.score#{CELL}")
        score.wait_for(timeout=60_000)
        cell = page.locator(".nbgrader_cell", has=score)
        assert ANSWER in cell.inner_text(), "formgrader shows the student's answer"
        assert page.get_by_text("Rubric (3 points):").count() >= 1, "the rubric is printed above the answer"
        rubric_y = page.get_by_text("Rubric (3 points):").first.bounding_box()["y"]
        assert rubric_y < score.bounding_box()["y"], "the rubric comes before the score box"

        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT"):
            score.fill(str(SCORE))
            score.press("Tab")
        comment = page.locator(f"textarea.comment#{CELL}-comment")
        with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url and r.request.method == "PUT"):
            comment.fill(COMMENT)
            comment.press("Tab")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "formgrader_week06_report.png"))
    finally:
        context.close()
        req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
        try:
            urllib.request.urlopen(req, timeout=10).close()
            proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - make sure nothing is left running
            proc.kill()
            proc.wait(timeout=10)

    _grade(root, runtime)                                   # the instructor reruns `make grade` (results reused)
    row = _csv_row(runtime)
    assert row[f"{NOTEBOOK}:{CELL}"] == str(SCORE), f"the CSV shows the manual grade: {row}"
    assert float(row["score"]) == SCORE, f"the total counts it (every autograded test fails on the stubs): {row}"
    page_html = (runtime / "feedback" / STUDENT / WEEK / f"{NOTEBOOK}.html").read_text()
    assert f"{SCORE} / 3 points" in page_html and COMMENT in page_html, "the feedback shows the grade and comment"
    assert time.time() - start < 300, "the manual-grading path should take about a minute"
