"""Fast unit tests of the grading package: intake shapes, cell comparison, kill, feedback, precheck."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from dlcourse.grading import cells, normalise
from dlcourse.grading.config import Limits, worst
from dlcourse.grading.feedback import render_output
from grading_env import CORPUS, FIXTURE, env

RELEASE = FIXTURE / "course" / "tiny" / "tiny.ipynb"


def _nb(name):
    return json.loads((CORPUS / f"{name}.ipynb").read_text())


def test_importing_dlcourse_imports_nothing_heavy():
    code = ("import sys, dlcourse, dlcourse.grading; "
            "print([m for m in ('nbgrader', 'nbformat', 'nbclient', 'torch', 'sqlalchemy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env()).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("raw, sid", [("Jane Doe_123", "Jane_Doe_123"), ("../../etc", "etc"), ("ümlaut", "mlaut"),
                                      ("a b\tc", "a_b_c"), ("...", "")])
def test_student_ids_are_sanitised(raw, sid):
    assert normalise.sanitise_student_id(raw) == sid


def test_both_lms_shapes_resubmissions_and_unknown_files(tmp_path):
    (tmp_path / "alice" / "sub").mkdir(parents=True)
    (tmp_path / "alice" / "sub" / "01_ensembles.ipynb").write_text("{}")
    (tmp_path / "alice" / "notes.txt").write_text("x")
    (tmp_path / "bob_01_ensembles.ipynb").write_text("{}")
    (tmp_path / "bob_01_ensembles-2.ipynb").write_text("{}")
    (tmp_path / "bob_02_adaboost.ipynb").write_text("{}")
    (tmp_path / "01_ensembles.ipynb").write_text("{}")
    (tmp_path / "carol").mkdir()
    intake = normalise.collect(tmp_path, ["01_ensembles.ipynb", "02_adaboost.ipynb"])
    assert {s: sorted(f) for s, f in intake.files.items()} == {
        "alice": ["01_ensembles.ipynb"], "bob": ["01_ensembles.ipynb", "02_adaboost.ipynb"], "carol": []}
    assert intake.files["bob"]["01_ensembles.ipynb"].name == "bob_01_ensembles-2.ipynb"
    assert any("notes.txt" in u for u in intake.unknown)
    assert any(u.startswith("01_ensembles.ipynb: no student id") for u in intake.unknown)


def test_raw_ids_map_to_gradebook_ids_injectively():
    mapping, report = normalise.assign_ids(["Jane Doe", "Jane_Doe", "jane.doe", "Jane  Doe", "...", "Jane_Doe-2"])
    assert mapping == {"Jane_Doe": "Jane_Doe", "jane.doe": "jane.doe", "Jane_Doe-2": "Jane_Doe-2",
                       "Jane  Doe": "Jane_Doe-3", "Jane Doe": "Jane_Doe-4", "...": ""}
    used = [sid for sid in mapping.values() if sid]
    assert len(used) == len(set(used))
    assert len(report) == 2 and all("never merged" in line for line in report)


def test_colliding_ids_are_kept_apart_and_hidden_names_listed(tmp_path):
    for folder in ("Jane Doe", "Jane_Doe", ".secret", "__MACOSX", "bob/.ipynb_checkpoints"):
        (tmp_path / folder).mkdir(parents=True)
    for path in ("Jane Doe/tiny.ipynb", "Jane_Doe/tiny.ipynb", ".secret/tiny.ipynb", "__MACOSX/._tiny.ipynb",
                 "bob/tiny.ipynb", "bob/.ipynb_checkpoints/tiny-checkpoint.ipynb", "bob/.env", ".DS_Store",
                 "!!!_tiny.ipynb"):
        (tmp_path / path).write_text("{}")
    intake = normalise.collect(tmp_path, ["tiny.ipynb"])
    assert {sid: [p.relative_to(tmp_path).as_posix() for p in files.values()] for sid, files in intake.files.items()} \
        == {"Jane_Doe": ["Jane_Doe/tiny.ipynb"], "Jane_Doe-2": ["Jane Doe/tiny.ipynb"], "bob": ["bob/tiny.ipynb"]}
    assert len(intake.collisions) == 1 and "Jane_Doe-2" in intake.collisions[0]
    listed = "\n".join(intake.unknown)
    for name in (".secret/", "__MACOSX/", ".DS_Store", "bob/.ipynb_checkpoints/", "bob/.env", "!!!_tiny.ipynb"):
        assert name in listed, name                                 # every file or folder: graded or listed
    assert "superseded" not in listed


def test_pathological_json_is_an_invalid_notebook_without_recursion(tmp_path):
    from dlcourse.grading.classify import load_notebook

    deep = tmp_path / "deep.ipynb"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    nb, problem = load_notebook(deep)
    assert nb is None and "nested more than" in problem
    odd = tmp_path / "odd.ipynb"
    odd.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1, "two"]}))
    nb, problem = load_notebook(odd)
    assert nb is None and problem


def test_grading_refuses_without_a_sandbox_and_names_the_fix(tmp_path):
    """bwrap not on PATH: nothing is graded, exit 2, the message says how to install it."""
    from grading_env import WEEK, make_course

    course = make_course(tmp_path / "course")
    e = {**env(), "PATH": str(Path(sys.executable).parent)}        # the venv only: no /usr/bin/bwrap
    proc = subprocess.run([sys.executable, "-m", "dlcourse.grading", WEEK, "--course-root", str(course),
                           "--runtime-dir", str(tmp_path / "rt")], env=e, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "refusing to grade" in proc.stderr and "apt-get install bubblewrap" in proc.stderr
    assert "--no-sandbox" in proc.stderr and "container" in proc.stderr
    assert not (tmp_path / "rt" / "gradebook.db").exists()


def test_zip_slip_members_are_skipped(tmp_path):
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.ipynb", "{}")
        zf.writestr("alice/tiny.ipynb", "{}")
    out = normalise.extract_zip(archive, tmp_path / "x")
    assert [p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")] == ["alice/tiny.ipynb"]
    assert not (tmp_path / "evil.ipynb").exists()


def test_compare_finds_each_kind_of_tampering():
    release = json.loads(RELEASE.read_text())
    kinds = {name: {f.kind for f in cells.compare(release, _nb(name))} for name in
             ("ok", "deleted_test_cell", "duplicated_test_cell", "retyped_test_cell", "edited_points", "edited_setup_cell")}
    assert kinds == {"ok": set(), "deleted_test_cell": {cells.DELETED}, "duplicated_test_cell": {cells.DUPLICATED},
                     "retyped_test_cell": {cells.RETYPED}, "edited_points": {cells.EDITED_METADATA},
                     "edited_setup_cell": {cells.EDITED_LOCKED}}


def test_repair_restores_deleted_locked_cells_in_place_and_dedupes():
    release = json.loads(RELEASE.read_text())
    fixed, restored = cells.repair(release, _nb("deleted_test_cell"))
    ids = [cells.grade_id(c) for c in fixed["cells"]]
    assert restored == ["test_square"] and ids.index("test_square") == ids.index("square") + 1
    fixed, _ = cells.repair(release, _nb("duplicated_test_cell"))
    assert [cells.grade_id(c) for c in fixed["cells"]].count("test_square") == 1


def test_worst_status_wins():
    assert worst(["graded", "tampered_repaired", "timeout"]) == "timeout"
    assert worst([]) == "graded"
    with pytest.raises(ValueError):
        Limits(cell_timeout_s=0)


def test_kill_tree_takes_kernels_in_their_own_session():
    from dlcourse.grading.pool import kill_tree

    code = ("import os, subprocess, time\nos.setsid()\n"
            "subprocess.Popen(['sleep', '300'], start_new_session=True)\ntime.sleep(300)")
    proc = subprocess.Popen([sys.executable, "-c", code])
    time.sleep(1.0)
    import psutil
    grandchildren = psutil.Process(proc.pid).children(recursive=True)
    assert grandchildren
    kill_tree(proc.pid)
    proc.wait(10)
    gone, alive = psutil.wait_procs(grandchildren, timeout=10)
    assert not alive


def test_rich_outputs_are_never_rendered():
    html = render_output({"output_type": "display_data", "data": {"text/html": "<script>x</script>"}})
    assert "<script" not in html
    html = render_output({"output_type": "stream", "name": "stdout", "text": "<img src=x onerror=alert(1)>"})
    assert "<img" not in html
    html = render_output({"output_type": "display_data", "data": {"image/png": "not base64 <script>"}})
    assert "<script" not in html


def test_precheck_reports_what_the_student_broke(tmp_path, capsys):
    from dlcourse.grading.precheck import check_submission, main

    report = check_submission(CORPUS / "deleted_test_cell.ipynb", RELEASE)
    assert not report.ok and "test_square" in str(report) and "deleted" in str(report)
    assert check_submission(CORPUS / "ok.ipynb", RELEASE).ok
    assert main([str(CORPUS / "retyped_test_cell.ipynb"), "--release", str(RELEASE)]) == 1
    assert "markdown" in capsys.readouterr().out
    edited = tmp_path / "tiny.ipynb"                               # no release, no git: the checksums still tell
    edited.write_text((CORPUS / "edited_test_cell.ipynb").read_text())
    assert "'test_square' was edited" in str(check_submission(edited))


def test_dlcourse_check_submission_is_the_same_function():
    import dlcourse

    assert dlcourse.check_submission(CORPUS / "edited_points.ipynb", RELEASE).findings[0].kind == cells.EDITED_METADATA


def test_feedback_folders_keep_what_nbgrader_release_feedback_needs(tmp_path, monkeypatch):
    """Submissions collected from nbgrader's exchange carry timestamp.txt and submission_secret.txt;
    `nbgrader release_feedback` reads both from the feedback folder (the course hub, deploy/).
    An LMS export has neither, and then nothing is copied."""
    from types import SimpleNamespace

    from dlcourse.grading import batch
    from dlcourse.grading.config import Course

    course = Course(tmp_path, tmp_path / "runtime")
    for student, files in (("hub_student", {"timestamp.txt": "2026-12-06 21:17:26.986886 UTC",
                                            "submission_secret.txt": "ab" * 64}), ("lms_student", {})):
        folder = course.submitted(student, "tiny")
        folder.mkdir(parents=True)
        for name, text in files.items():
            (folder / name).write_text(text)
    pages = []
    monkeypatch.setattr(batch, "_write_feedback_pages",
                        lambda result, autograded, out, manual=None: (out.mkdir(parents=True, exist_ok=True), pages.append(out)))
    b = SimpleNamespace(opts=SimpleNamespace(course=course, week="tiny"), students=["hub_student", "lms_student"],
                        results={"hub_student": SimpleNamespace(submitted=True),
                                 "lms_student": SimpleNamespace(submitted=True)})
    batch.write_feedback(b)
    assert len(pages) == 2
    hub = course.feedback("hub_student", "tiny")
    assert (hub / "timestamp.txt").read_text() == "2026-12-06 21:17:26.986886 UTC"
    assert (hub / "submission_secret.txt").read_text() == "ab" * 64
    assert sorted(p.name for p in course.feedback("lms_student", "tiny").iterdir()) == []


@pytest.mark.parametrize("code, expected", [
    ("from dlcourse.boosting import reference as ref\ndef f(X, y, w):\n    return ref.fit_stump(X, y, w)",
     ["dlcourse.boosting.reference", "dlcourse.boosting.reference.fit_stump"]),
    ("import dlcourse\nf = dlcourse.boosting.reference.fit_stump", ["dlcourse.boosting.reference.fit_stump"]),
    ("from dlcourse.boosting.stump import _fit_stump", ["dlcourse.boosting.stump._fit_stump"]),
    ("import dlcourse.mlp.activations as act\ns = act._sigmoid(0.0)", ["dlcourse.mlp.activations._sigmoid"]),
    ("import numpy as np\nfrom dlcourse.checks import check_close\ndef f(x):\n    return np.tanh(x)._private", []),
    ("def broken(:", []),
])
def test_reference_uses_finds_imports_and_attribute_chains(code, expected):
    assert cells.reference_uses(code) == expected


def test_reference_notes_name_the_graded_cell_only():
    def cell(kind, src, **md):
        return {"cell_type": kind, "source": src, "metadata": {"nbgrader": {"grade_id": md.pop("gid"), **md}}}
    nb = {"cells": [cell("code", "from dlcourse.mlp import reference as ref", gid="setup", locked=True),
                    cell("code", "from dlcourse.mlp import reference\ndef relu(z):\n    return reference.relu(z)",
                         gid="relu", solution=True),
                    cell("code", "def tanh(z):\n    return z", gid="tanh", solution=True)]}
    assert cells.reference_notes(nb) == ["graded cell 'relu' uses a reference implementation: "
                                         "dlcourse.mlp.reference, dlcourse.mlp.reference.relu"]


def test_code_is_bound_after_the_private_tmp(monkeypatch, tmp_path):
    """bwrap mounts in order: a venv or checkout under /tmp (a CI clone in a temporary folder) must
    be bound after the sandbox's empty /tmp, or the kernel's interpreter disappears."""
    from dlcourse.grading import sandbox

    venv = tmp_path / "venv"
    venv.mkdir()
    monkeypatch.setattr(sandbox, "_code_roots", lambda: [venv])
    args = sandbox.bwrap_args(sandbox.SandboxConfig())
    tmpfs_tmp = next(i for i in range(len(args) - 1) if args[i:i + 2] == ["--tmpfs", "/tmp"])
    bind = next(i for i in range(len(args) - 2) if args[i:i + 3] == ["--ro-bind", str(venv), str(venv)])
    assert tmpfs_tmp < bind, "the code roots are hidden under the sandbox's private /tmp"
