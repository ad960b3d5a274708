"""The bad-submission corpus, graded together in ONE batch by the instructors' command.

Each case of tests/grading/corpus/ is a student; each test asserts that case's concrete
outcome (status and the points of both exercises, from the CSV). Grading them together also
proves that one bad submission neither stops the batch nor changes anyone else's grade.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from grading_env import CORPUS, WEEK, corpus_as_folders, make_course, read_csv, result, run_grader
from make_corpus import EXPECTED

_BATCH: dict = {}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    if not _BATCH:
        tmp = tmp_path_factory.mktemp("corpus")
        course = make_course(tmp / "course")
        subs = corpus_as_folders(tmp / "submissions")
        proc = run_grader(course, tmp / "runtime", subs)
        _BATCH.update(course=course, runtime=tmp / "runtime", proc=proc, csv=read_csv(tmp / "runtime"))
    return _BATCH


def test_the_corpus_is_in_sync_with_the_fixture_release():
    proc = subprocess.run([sys.executable, str(CORPUS.parent / "make_corpus.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_the_committed_fixture_release_is_what_nbgrader_generates(batch):
    generated = batch["runtime"] / "release_check" / WEEK / "tiny.ipynb"
    committed = CORPUS.parent / "fixture_course" / "course" / WEEK / "tiny.ipynb"
    assert json.loads(generated.read_text())["cells"] == json.loads(committed.read_text())["cells"]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_outcome(case, batch):
    status, square, normalise = EXPECTED[case]
    row = batch["csv"][case]
    got = (row["status"], float(row["tiny:test_square"]), float(row["tiny:test_normalise"]))
    assert got == (status, square, normalise), f"{case}: {result(batch['runtime'], case)}"
    assert float(row["score"]) == square + normalise                  # the manual answer is not graded yet
    assert row["max_score"] == "10"


def test_every_student_of_the_batch_is_in_the_csv(batch):
    assert sorted(batch["csv"]) == sorted(EXPECTED)


def test_failure_messages_name_the_problem(batch):
    msg = {case: {g["grade_id"]: g["message"] for g in result(batch["runtime"], case)["grades"]} for case in EXPECTED}
    assert msg["raises_early"]["test_square"] == "ValueError: not done yet"
    assert "shape" in msg["wrong_shape"]["test_normalise"]
    assert "CellTimeoutError" in msg["infinite_loop"]["test_square"]
    assert "KernelDied" in msg["kernel_exit"]["test_normalise"]
    assert "SubmissionTimeout" in msg["slow_cells"]["test_normalise"]
    assert "MemoryError" in msg["memory_hog"]["test_square"]
    assert "IntegrityError" in msg["monkeypatched_allclose"]["test_square"]
    assert msg["edited_test_cell"]["test_square"] == "AssertionError: square of 0..3 (hidden)"
    assert "not JSON" in result(batch["runtime"], "not_json")["message"]
    assert "null byte" in result(batch["runtime"], "null_byte")["message"]


def test_a_graded_cell_calling_a_reference_implementation_is_noted(batch):
    row, stored = batch["csv"]["calls_reference"], result(batch["runtime"], "calls_reference")
    assert "graded cell 'square' uses a reference implementation: dlcourse.mlp.reference" in row["message"], row
    assert "dlcourse.mlp.reference.relu" in row["message"]
    assert stored["notebooks"]["tiny.ipynb"]["notes"] == [row["message"].split("tiny.ipynb: ", 1)[1]]
    assert "reference" not in batch["csv"]["ok"]["message"] and "notes" not in result(batch["runtime"], "ok")["notebooks"]["tiny.ipynb"]


def test_tampering_is_reported_per_cell(batch):
    findings = {case: result(batch["runtime"], case)["notebooks"]["tiny.ipynb"]["findings"]
                for case in EXPECTED if EXPECTED[case][0] == "tampered_repaired"}
    assert any("test_square" in f and "deleted" in f for f in findings["deleted_test_cell"])
    assert any("appears 2 times" in f for f in findings["duplicated_test_cell"])
    assert any("markdown" in f for f in findings["retyped_test_cell"])
    assert any("points" in f for f in findings["edited_points"])
    assert any("'setup' was edited" in f for f in findings["edited_setup_cell"])


def test_huge_output_is_capped_in_the_stored_notebook(batch):
    path = batch["runtime"] / "autograded" / "huge_output" / WEEK / "tiny.ipynb"
    assert path.stat().st_size < 1_000_000
    assert "truncated by the grader" in path.read_text()


def test_the_kernel_never_sees_hidden_tests_or_the_grader(batch):
    nb = json.loads((batch["runtime"] / "autograded" / "reads_hidden_tests" / WEEK / "tiny.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "found: []" in printed


def test_shadowing_files_are_reported_and_ignored(batch):
    out = batch["proc"].stdout
    assert "shadowed_helper/dlcourse.py: not a notebook of this week" in out
    assert "SHADOW USED" not in (batch["runtime"] / "autograded" / "shadowed_helper" / WEEK / "tiny.ipynb").read_text()


def test_feedback_shows_results_never_hidden_tests_or_scripts(batch):
    pages = {p.parent.parent.name: p.read_text() for p in (batch["runtime"] / "feedback").glob(f"*/{WEEK}/tiny.html")}
    assert set(pages) == set(EXPECTED)                                 # an empty folder gets a page too
    for student, page in pages.items():
        assert "### BEGIN HIDDEN TESTS" not in page and "np.arange(4.0)" not in page and "[2.0, 2.0, 4.0]" not in page, student
        assert "<script" not in page.lower() and not re.search(r"<[a-z]+ on\w+=", page.lower()), student
        assert "Content-Security-Policy" in page
    assert "test_square" in pages["raises_early"] and "0 / 3 points" in pages["raises_early"]
    assert "ValueError: not done yet" in pages["raises_early"]
    assert "4 / 4 points" in pages["raises_early"]
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in pages["xss_output"]          # shown, escaped


def test_rerun_is_a_no_op_and_never_overwrites_manual_grades(batch, tmp_path):
    runtime = tmp_path / "runtime"
    shutil.copytree(batch["runtime"], runtime)
    before = (runtime / f"grades_{WEEK}.csv").read_text()
    proc = run_grader(batch["course"], runtime, None)                   # nothing new: every result is reused
    assert "grading " not in proc.stdout
    assert (runtime / f"grades_{WEEK}.csv").read_text() == before
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{runtime / 'gradebook.db'}") as gb:     # the instructor grades an answer by hand
        gb.find_grade("explain", WEEK, WEEK, "ok").manual_score = 2.5
        gb.find_comment("explain", WEEK, WEEK, "ok").manual_comment = "Good, but <name> the second reason."
        gb.db.commit()
    run_grader(batch["course"], runtime, None)                          # results merged into the gradebook again
    row = read_csv(runtime)["ok"]
    assert (row["tiny:explain"], row["score"]) == ("2.5", "9.5")
    page = (runtime / "feedback" / "ok" / WEEK / "tiny.html").read_text()  # the student sees grade and comment
    assert "2.5 / 3 points" in page and "Good, but &lt;name&gt; the second reason." in page
