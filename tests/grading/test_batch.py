"""A 40-student mixed batch from a .zip in both LMS shapes (plus two raw ids that sanitise alike and
hidden-looking names), end to end through the one command (sandboxed, the default):
interrupted mid-batch (process group killed), rerun, then checked row by row; and the same
grades as plain sequential ``nbgrader autograde`` for the good and partial submissions."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
import zipfile

import psutil

from grading_env import CORPUS, WEEK, env, grade_command, make_course, read_csv, run_grader
from make_corpus import EXPECTED

# 40 students: 24 good / partial / untouched, 16 bad (case -> how many students)
MIX = {"ok": 14, "raises_early": 6, "untouched_release": 4, "not_json": 1, "truncated": 1, "infinite_loop": 1,
       "kernel_exit": 1, "deleted_test_cell": 1, "edited_test_cell": 1, "duplicated_test_cell": 1,
       "monkeypatched_allclose": 1, "fake_pass": 1, "hidden_traceback": 1, "always_true": 1, "nan_output": 1,
       "wrong_shape": 1, "missing": 3}


def students():
    out = []
    for case, n in MIX.items():
        out += [(f"s{len(out) + i:02d}-{case}", case) for i in range(n)]
    assert len(out) == 40
    return out


def make_zip(path):
    """Even students as Moodle-style folders, odd ones as Canvas-style files (with a resubmission)."""
    with zipfile.ZipFile(path, "w") as zf:
        for k, (sid, case) in enumerate(students()):
            if case == "missing":
                zf.writestr(f"{sid}/", b"")
                continue
            data = (CORPUS / f"{case}.ipynb").read_bytes()
            if k % 2 == 0:
                zf.writestr(f"{sid}/submission/{WEEK}.ipynb", data)
            else:
                zf.writestr(f"{sid}_{WEEK}.ipynb", (CORPUS / "untouched_release.ipynb").read_bytes())
                zf.writestr(f"{sid}_{WEEK}-1.ipynb", data)        # the resubmission wins
        zf.writestr("__MACOSX/._junk", b"junk")
        zf.writestr("readme.txt", b"exported by the LMS")
        # two raw ids that sanitise alike: kept apart, never merged
        for raw_path, case in COLLIDING.items():
            zf.writestr(raw_path, (CORPUS / f"{case}.ipynb").read_bytes())
        # hidden-looking names: listed as not graded, with the reason
        zf.writestr(f".hidden_student/{WEEK}.ipynb", (CORPUS / "ok.ipynb").read_bytes())
        zf.writestr(f"s00-ok/.ipynb_checkpoints/{WEEK}-checkpoint.ipynb", (CORPUS / "ok.ipynb").read_bytes())
    return path


# raw path in the export -> case; gradebook ids: 'Jane_Doe' (already clean) and 'Jane_Doe-2'
COLLIDING = {f"Jane Doe/{WEEK}.ipynb": "raises_early", f"Jane_Doe_{WEEK}.ipynb": "ok"}
COLLIDING_IDS = {"Jane_Doe": "ok", "Jane_Doe-2": "raises_early"}


def _kill_everything_under(proc):
    for child in psutil.Process(proc.pid).children(recursive=True):
        try:
            os.killpg(os.getpgid(child.pid), signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_forty_students_interrupted_then_rerun(tmp_path):
    course = make_course(tmp_path / "course")
    runtime = tmp_path / "runtime"
    archive = make_zip(tmp_path / "export.zip")
    # 1. start the batch, kill it (the whole process group and every kernel) after a few results
    proc = subprocess.Popen(grade_command(course, runtime, archive), env=env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = runtime / "results" / WEEK
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(results.glob("*.json"))) < 10:
        time.sleep(0.2)
    _kill_everything_under(proc)
    done_before = len(list(results.glob("*.json")))
    assert 10 <= done_before < 42, done_before
    assert not list(results.glob("*.tmp")), "results are written atomically"
    # 2. rerun: only what is missing is graded
    out = run_grader(course, runtime, archive).stdout
    assert f"({done_before} unchanged since the last run)" in out
    rows = read_csv(runtime)
    assert sorted(rows) == sorted([sid for sid, _ in students()] + list(COLLIDING_IDS))
    for sid, case in students() + list(COLLIDING_IDS.items()):
        status, square, normalise = EXPECTED[case]
        row = rows[sid]
        assert (row["status"], float(row["tiny:test_square"]), float(row["tiny:test_normalise"]), float(row["score"])) \
            == (status, square, normalise, square + normalise), sid
    assert "readme.txt" in out and "__MACOSX/: macOS archive metadata" in out
    assert ".hidden_student/: hidden (its name starts with a dot" in out
    assert "s00-ok/.ipynb_checkpoints/: Jupyter autosave checkpoints" in out
    assert "'Jane Doe' is graded as 'Jane_Doe-2' (never merged)" in out
    assert "superseded" in out
    timings = json.loads((runtime / f"timings_{WEEK}.json").read_text())     # what make bench reads
    assert 1 <= timings["submissions_graded"] <= len(rows) - done_before and timings["steps"]["grade"] > 0, timings
    assert f"({timings['submissions_graded']} graded now," in out
    # 3. no kernel of ours survives
    assert not [p for p in psutil.process_iter(["cmdline"]) if "dlcourse-kernels-" in " ".join(p.info["cmdline"] or [])]


def test_same_grades_as_plain_nbgrader_autograde(tmp_path):
    """Our pipeline (parallel, repaired, guarded) vs `nbgrader autograde` (sequential) on honest work."""
    cases = ["ok", "raises_early", "untouched_release", "wrong_shape", "nan_output", "fake_pass"]
    ours, plain = make_course(tmp_path / "ours"), make_course(tmp_path / "plain")
    subs = tmp_path / "subs"
    for case in cases:
        (subs / case).mkdir(parents=True)
        (subs / case / f"{WEEK}.ipynb").write_bytes((CORPUS / f"{case}.ipynb").read_bytes())
        dest = plain / "autograder" / "submitted" / case / WEEK
        dest.mkdir(parents=True)
        (dest / f"{WEEK}.ipynb").write_bytes((CORPUS / f"{case}.ipynb").read_bytes())
    run_grader(ours, tmp_path / "runtime", subs)
    ours_rows = read_csv(tmp_path / "runtime")
    for args in (["generate_assignment", WEEK, "--force"], ["autograde", WEEK], ["export", "--to", "plain.csv"]):
        subprocess.run([*grade_command(plain, plain, None)[:1], "-m", "nbgrader", *args], cwd=plain / "autograder",
                       env={**env(), "DLCOURSE_GRADING_DIR": str(plain / "autograder")}, check=True, capture_output=True)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{plain / 'autograder' / 'gradebook.db'}") as gb:
        for case in cases:
            sub = gb.find_submission(WEEK, case)
            plain_scores = {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades if g.cell_type == "code"}
            assert plain_scores == {"test_square": float(ours_rows[case]["tiny:test_square"]),
                                    "test_normalise": float(ours_rows[case]["tiny:test_normalise"])}, case
