"""Shared helpers of the grading tests: a temporary course with the fixture assignment, and
the grading command run as instructors run it (a subprocess)."""

from __future__ import annotations

import csv
import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from course_layout import AUTOGRADER, ROOT

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture_course"
CORPUS = HERE / "corpus"
WEEK = "tiny"
# Small limits so the slow cases cost seconds: 5 s per cell, 12 s per submission, 2 GB.
LIMIT_ARGS = ["--cell-timeout", "5", "--submission-timeout", "12", "--kill-grace", "10", "--memory-mb", "2048"]


def make_course(root: Path) -> Path:
    """A course root like the repo's: autograder/nbgrader_config.py (the real one), solutions/, course/."""
    (root / "autograder").mkdir(parents=True)
    shutil.copy(AUTOGRADER / "nbgrader_config.py", root / "autograder")
    shutil.copytree(FIXTURE / "solutions", root / "solutions")
    shutil.copytree(FIXTURE / "course", root / "course")
    return root


def env() -> dict[str, str]:
    helpers = str(ROOT / "helpers")
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (helpers, os.environ.get("PYTHONPATH")) if p),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


@functools.cache
def sandbox_problem() -> str | None:
    """Why the grading sandbox cannot start here (None: it can)."""
    from dlcourse.grading.sandbox import SandboxUnavailable, probe

    try:
        probe()
    except SandboxUnavailable as exc:
        return str(exc)
    return None


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_sandbox() -> None:
    """Skip a sandbox test where bwrap cannot start, except in CI, where that is a failure."""
    import pytest

    problem = sandbox_problem()
    if problem and in_ci():
        pytest.fail(f"CI must grade inside the sandbox: {problem}")
    if problem:
        pytest.skip(f"the grading sandbox cannot start here: {problem}")


def sandbox_args() -> list[str]:
    """[] (grade sandboxed, the default); ``--no-sandbox`` only outside CI where bwrap cannot start."""
    return ["--no-sandbox"] if sandbox_problem() and not in_ci() else []


def grade_command(course: Path, runtime: Path, submissions: Path | None, *extra: str) -> list[str]:
    args = [sys.executable, "-m", "dlcourse.grading", WEEK]
    if submissions is not None:
        args.append(str(submissions))
    return args + ["--course-root", str(course), "--runtime-dir", str(runtime), "--workers", "2", *LIMIT_ARGS,
                   *sandbox_args(), *extra]


def run_grader(course: Path, runtime: Path, submissions: Path | None, *extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(grade_command(course, runtime, submissions, *extra), capture_output=True, text=True,
                          env=env(), timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def read_csv(runtime: Path) -> dict[str, dict]:
    with open(runtime / f"grades_{WEEK}.csv") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


def result(runtime: Path, student: str) -> dict:
    return json.loads((runtime / "results" / WEEK / f"{student}.json").read_text())


def corpus_as_folders(dest: Path, cases: list[str] | None = None) -> Path:
    """One folder per student, named after the case (the corpus's folder cases stay folders)."""
    dest.mkdir(parents=True)
    for path in sorted(CORPUS.iterdir()):
        case = path.name.removesuffix(".ipynb")
        if cases is not None and case not in cases:
            continue
        if path.is_dir():
            shutil.copytree(path, dest / case, ignore=shutil.ignore_patterns(".keep"))
        else:
            (dest / case).mkdir()
            shutil.copy(path, dest / case / "tiny.ipynb")
    return dest
