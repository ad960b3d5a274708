"""Grade ONE submission, in a forked child process of its own (see :mod:`dlcourse.grading.batch`).

Steps: enter a new session (so the parent can kill the whole process group), apply the rlimits,
classify and repair each notebook, run nbgrader's own autograde pipeline (with
:class:`~dlcourse.grading.executor.GuardedExecute`) against a private copy of the gradebook, then
read the scores back and describe every test. The result (a :class:`~dlcourse.grading.records.Result`) is sent to the parent,
which alone writes results, the gradebook and the CSV.

This process runs nbgrader, not student code: each kernel it starts runs inside the bubblewrap
sandbox (:mod:`dlcourse.grading.sandbox`), which sees none of this process's files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from . import cells
from .classify import classify
from .config import (CRASHED, GRADED, GRADER_ERROR, INTEGRITY_VIOLATION, MISSING, TIMEOUT, Course, Limits,
                     worst)
from .records import Failure, Grade, NotebookReport, Result
GRADER_ERRORS = ("CellTimeoutError", "KernelDied", "KernelTimeout", "SubmissionTimeout", "IntegrityError")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass(frozen=True)
class Job:
    course: Course
    week: str
    student: str
    notebooks: tuple[str, ...]        # release notebook names
    template_db: Path                 # the instructor gradebook right after generate_assignment
    workdir: Path                     # private: submitted/, autograded/, gradebook.db, grading.log
    scratch: Path                     # the kernel's working directory (release data files only)
    limits: Limits
    key: str                          # hash of the inputs (reruns reuse a result with the same key)
    sandbox: bool = True              # kernels inside bwrap (False: --no-sandbox)


def preload() -> None:
    """Import nbgrader & co. once in the parent, so forked children start instantly."""
    import nbformat  # noqa: F401
    import nbgrader.converters  # noqa: F401
    from nbgrader.api import Gradebook  # noqa: F401

    from . import executor  # noqa: F401


# ---------------------------------------------------------------- the child
def cgroup_name(student: str, batch_pid: int) -> str:
    """The pids cgroup of one submission's kernels (root only; see sandbox.make_cgroup)."""
    return f"dlcourse-{batch_pid}-{student}"


def sandbox_config(job: Job):
    """The kernel sandbox of this submission (a pids cgroup too when running as root)."""
    from .sandbox import SandboxConfig, make_cgroup

    cgroup = make_cgroup(cgroup_name(job.student, os.getppid()), job.limits.max_processes) if os.geteuid() == 0 else None
    return SandboxConfig(scratch_mb=job.limits.scratch_mb, home_mb=job.limits.home_mb,
                         max_processes=job.limits.max_processes, cgroup=cgroup)


def enter_sandbox(limits: Limits) -> None:
    """Own session / process group; memory, file-size and core-dump limits (inherited by the kernel,
    which the executor starts inside bwrap)."""
    os.setsid()
    mem = limits.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    size = limits.file_size_mb * 2**20
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def grade_in_child(job: Job, started: float) -> Result:
    """Everything that runs student code. ``started`` is the parent's monotonic start time."""
    from .executor import EVENTS, Settings

    release = {n: json.loads((job.course.release(job.week) / n).read_text()) for n in job.notebooks}
    submitted = job.course.submitted(job.student, job.week)
    intakes = {n: classify(n, submitted / n, release[n]) for n in job.notebooks}
    work_sub = job.workdir / "submitted" / job.student / job.week
    work_sub.mkdir(parents=True)
    for intake in intakes.values():
        if intake.notebook is not None:
            (work_sub / intake.name).write_text(json.dumps(intake.notebook))
    result = empty_result(job, release)
    statuses = {n: i.status for n, i in intakes.items()}
    result.notebooks = {n: NotebookReport(i.status, i.problem, [str(f) for f in i.findings],
                                          notes=cells.reference_notes(i.notebook) if i.notebook is not None else [])
                        for n, i in intakes.items()}
    if any(i.notebook is not None for i in intakes.values()):
        Settings.scratch = str(job.scratch)
        Settings.sandbox = sandbox_config(job) if job.sandbox else None
        Settings.deadline = started + job.limits.submission_timeout_s
        Settings.cell_output_bytes = job.limits.cell_output_kb * 1024
        Settings.notebook_output_bytes = job.limits.notebook_output_kb * 1024
        run_nbgrader_autograde(job)
        read_scores(job, result)
        for event in EVENTS:
            nb = event.notebook + ".ipynb"
            if nb in result.notebooks:
                result.notebooks[nb].events.append(str(event))
            kind = {"kernel_died": CRASHED, "cell_timeout": TIMEOUT, "submission_timeout": TIMEOUT,
                    "integrity": INTEGRITY_VIOLATION}.get(event.kind)
            if kind and nb in statuses:
                statuses[nb] = worst([statuses[nb], kind])
    for n, status in statuses.items():
        result.notebooks[n].status = status
    result.status = worst(statuses.values())
    if all(s == MISSING for s in statuses.values()):
        result.message = "nothing handed in"
    else:
        result.message = "; ".join(f"{n}: {s}" + (f" ({result.notebooks[n].problem})" if result.notebooks[n].problem else "")
                                   for n, s in statuses.items() if s != GRADED)
    notes = [f"{n}: {note}" for n, report in result.notebooks.items() for note in report.notes]
    if notes:                                              # for the grader (CSV, summary): the score stands
        result.message = "; ".join([result.message, *notes] if result.message else notes)
    return result


def run_nbgrader_autograde(job: Job) -> None:
    """nbgrader's own ``autograde`` (sanitise, execute, score) for this one student, in-process."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import Execute
    from traitlets.config.loader import PyFileConfigLoader

    from .executor import GuardedExecute

    shutil.copyfile(job.template_db, job.workdir / "gradebook.db")
    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(job.course.config_dir)).load_config()
    # nbgrader chdirs to the course root while grading, and the kernel could read its parent's
    # cwd (/proc/<ppid>/cwd): the root is the scratch folder, every other path is absolute.
    cfg.CourseDirectory.root = str(job.scratch)
    cfg.CourseDirectory.source_directory = str(job.course.root / "solutions")
    cfg.CourseDirectory.submitted_directory = str(job.workdir / "submitted")
    cfg.CourseDirectory.autograded_directory = str(job.workdir / "autograded")
    cfg.CourseDirectory.db_url = "sqlite:///" + str(job.workdir / "gradebook.db")
    cfg.CourseDirectory.assignment_id = job.week
    cfg.CourseDirectory.student_id = job.student
    cfg.Execute.timeout = job.limits.cell_timeout_s
    # Unix sockets in the private scratch folder instead of TCP ports: kernels started at the same
    # moment by parallel workers (or by anything else on the machine) cannot race for a port
    # ("ZMQError: Address already in use" -> "Kernel died before replying to kernel_info").
    cfg.KernelManager.transport = "ipc"
    defaults = Autograde.class_traits()["autograde_preprocessors"].default()
    cfg.Autograde.autograde_preprocessors = [GuardedExecute if p is Execute else p for p in defaults]
    coursedir = CourseDirectory(config=cfg)
    Autograde(coursedir=coursedir, config=cfg).start()


def empty_result(job: Job, release: dict[str, dict]) -> Result:
    """Every grade cell of the release at 0 (what a submission that never ran earns)."""
    grades = []
    for name, nb in release.items():
        for cell in nb["cells"]:
            md, what = cells.nbgrader_md(cell), cells.role(cell)
            if what in cells.GRADED:
                grades.append(Grade(name, md["grade_id"], float(md.get("points", 0)), 0.0,
                                    "auto" if what == cells.TESTS else "manual"))
    return Result(job.student, job.week, job.key, GRADED, grades=grades, sandbox=job.sandbox)


def _failure_message(cell: dict) -> str:
    """What went wrong in a test cell, from its outputs: the exception line only (never the
    traceback, which quotes the hidden test's source)."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    errors.sort(key=lambda o: o.get("ename") not in GRADER_ERRORS)      # the grader's own verdict first
    for out in errors:
        if out.get("output_type") == "error":
            return _ANSI.sub("", f"{out.get('ename')}: {out.get('evalue')}").strip().rstrip(":")[:600]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            first = next((ln for ln in cells.source({"source": out.get("text", "")}).splitlines() if ln.strip()), "")
            return _ANSI.sub("", f"wrote to stderr: {first}")[:600]
    return ""


def read_scores(job: Job, result: Result) -> None:
    """Scores from the private gradebook (nbgrader's determine_grade), messages from the autograded notebooks."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook("sqlite:///" + str(job.workdir / "gradebook.db")) as gb:
        try:
            submission = gb.find_submission(job.week, job.student)
        except MissingEntry:
            raise RuntimeError("nbgrader did not record the submission (see grading.log)") from None
        scores = {(nb.name + ".ipynb", g.name): g.auto_score for nb in submission.notebooks for g in nb.grades}
    autograded = job.workdir / "autograded" / job.student / job.week
    by_id = {}
    for path in autograded.glob("*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            gid = cells.grade_id(cell)
            if gid:
                by_id[(path.name, gid)] = cell
    for grade in result.grades:
        key = (grade.notebook, grade.grade_id)
        grade.auto_score = scores.get(key, 0.0)
        cell = by_id.get(key)
        if cell is None:
            grade.message = result.notebooks[grade.notebook].problem or "not run"
        elif grade.kind == "auto":
            grade.message = _failure_message(cell) if grade.auto_score != grade.max_score else ""
        else:
            grade.message = "to be graded by hand" if grade.auto_score is None else "no answer written"


# ---------------------------------------------------------------- entry point of the forked child
def child_main(job: Job, conn) -> None:
    """Runs in the forked child; never returns (os._exit), sends exactly one Result (or a Failure)."""
    started = time.monotonic()
    code = 0
    try:
        enter_sandbox(job.limits)
        os.chdir(job.scratch)
        log = os.open(str(job.workdir / "grading.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        result = grade_in_child(job, started)
    except BaseException as exc:  # noqa: BLE001 - one submission's failure must not escape
        traceback.print_exc()
        result = Failure(GRADER_ERROR, f"{type(exc).__name__}: {exc}"[:500])
        code = 1
    try:
        seconds = round(time.monotonic() - started, 2)
        result = Failure(result.status, result.message, seconds) if isinstance(result, Failure) else result
        if isinstance(result, Result):
            result.seconds = seconds
        conn.send(result)
        conn.close()
    finally:
        os._exit(code)

