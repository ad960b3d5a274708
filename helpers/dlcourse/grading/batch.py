"""Grade one week's submissions: the instructor's whole path as a list of small named steps.

    record_release -> take_in -> plan -> grade -> merge_gradebook -> write_feedback -> export_csv

Each step reads and extends one :class:`Batch`. Results are stored per student as JSON (written
atomically by this process only) keyed by a hash of the submission, the release and the limits,
so a rerun after a crash grades only what is missing and yields the same CSV.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import gradebook, normalise
from .config import GRADED, GRADER_ERROR, MISSING, STATUSES, Course, Limits
from .feedback import write_feedback as _write_feedback_pages
from .records import Failure, NotebookReport, Result
from .worker import Job, empty_result

GRADER_VERSION = "1"          # bump when grading semantics change: stored results are then regraded


@dataclass(frozen=True)
class Options:
    week: str
    course: Course
    submissions: Path | None = None      # a folder or .zip as the LMS exports it; None: use submitted/ as is
    limits: Limits = Limits()
    workers: int = max(1, len(os.sched_getaffinity(0)))
    force: bool = False                  # regrade even if a stored result matches
    quiet: bool = False
    sandbox: bool = True                 # every kernel inside bwrap; False (--no-sandbox): student code runs as you


@dataclass
class Batch:
    opts: Options
    notebooks: list[str] = field(default_factory=list)
    release: dict[str, dict] = field(default_factory=dict)
    unknown_files: list[str] = field(default_factory=list)
    id_collisions: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    graded_now: list[str] = field(default_factory=list)
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)   # wall time of each step of run()

    def log(self, *args) -> None:
        if not self.opts.quiet:
            print(*args, flush=True)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def nbgrader_cli(course: Course, *args: str) -> subprocess.CompletedProcess:
    """nbgrader from the course's autograder/ folder (it reads nbgrader_config.py from its cwd)."""
    env = {**os.environ, "DLCOURSE_GRADING_DIR": str(course.runtime),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # nbgrader runs `alembic`
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd=course.config_dir,
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


# ---------------------------------------------------------------- steps
NO_SANDBOX = ("GRADED WITHOUT THE SANDBOX (--no-sandbox): student code ran with the grader's permissions, "
              "network and files")


def check_sandbox(b: Batch) -> None:
    """Refuse to grade (SandboxUnavailable, naming the fix) unless the sandbox starts or --no-sandbox."""
    if b.opts.sandbox:
        from .sandbox import SandboxConfig, probe

        lim = b.opts.limits
        probe(SandboxConfig(scratch_mb=lim.scratch_mb, home_mb=lim.home_mb, max_processes=lim.max_processes))
    else:
        b.log(f"WARNING: {NO_SANDBOX}")


def record_release(b: Batch) -> None:
    """Record the week's cells (with hidden tests) in the gradebook; a scratch release, course/ untouched."""
    course, week = b.opts.course, b.opts.week
    if not course.source(week).is_dir():
        raise SystemExit(f"no such week: {course.source(week)}")
    course.runtime.mkdir(parents=True, exist_ok=True)
    nbgrader_cli(course, "generate_assignment", week, "--force",
                 f"--CourseDirectory.release_directory={course.runtime / 'release_check'}",
                 f"--CourseDirectory.db_url={course.gradebook_url}")
    b.notebooks = sorted(p.name for p in course.release(week).glob("*.ipynb"))
    b.release = {n: json.loads((course.release(week) / n).read_text()) for n in b.notebooks}
    work = course.work(week)
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(course.runtime / "gradebook.db", work / "template.db")


def take_in(b: Batch) -> None:
    """Normalise the LMS export into submitted/<student>/<week>/; list who is to be graded."""
    course, week = b.opts.course, b.opts.week
    if b.opts.submissions is not None:
        src = Path(b.opts.submissions)
        if src.is_file() and src.suffix == ".zip":
            src = normalise.extract_zip(src, course.runtime / "incoming" / week)
        elif not src.is_dir():
            raise SystemExit(f"submissions must be a folder or a .zip: {src}")
        intake = normalise.collect(src, b.notebooks)
        normalise.write_nbgrader_layout(intake, course.runtime / "submitted", week)
        b.unknown_files = intake.unknown
        b.id_collisions = intake.collisions
        for raw, sid in sorted(intake.renamed.items()):
            b.log(f"  student id {raw!r} -> {sid!r}")
    submitted = course.runtime / "submitted"
    handed_in = {p.parent.name for p in submitted.glob(f"*/{week}") if p.is_dir()}
    b.students = sorted(handed_in | set(gradebook.known_students(course.gradebook_url)))


def submission_key(b: Batch, student: str) -> str:
    h = hashlib.sha256(f"{GRADER_VERSION}|{b.opts.limits}|sandbox={b.opts.sandbox}|".encode())
    for name in b.notebooks:
        h.update(name.encode() + json.dumps(b.release[name], sort_keys=True).encode())
        path = b.opts.course.submitted(student, b.opts.week) / name
        h.update(path.read_bytes() if path.exists() else b"<missing>")
    return h.hexdigest()


def plan(b: Batch) -> None:
    """Reuse stored results whose key matches; everything else becomes a job."""
    course, week = b.opts.course, b.opts.week
    for student in b.students:
        key = submission_key(b, student)
        stored = course.results(week) / f"{student}.json"
        if stored.exists() and not b.opts.force:
            result = _load(stored)
            if result is not None and result.key == key and result.status in STATUSES and result.status != GRADER_ERROR:
                b.results[student] = result
                continue
        folder = course.submitted(student, week)
        if not folder.is_dir() or not any(folder.glob("*.ipynb")):
            result = empty_result(_job(b, student, key), b.release).fill(MISSING, "nothing handed in")
            result.submitted = folder.is_dir()
            result.notebooks = {n: NotebookReport(MISSING, "not handed in") for n in b.notebooks}
            _store(b, student, result)
            continue
        b.jobs.append(_job(b, student, key))


def _job(b: Batch, student: str, key: str) -> Job:
    work = b.opts.course.work(b.opts.week)
    return Job(course=b.opts.course, week=b.opts.week, student=student, notebooks=tuple(b.notebooks),
               template_db=work / "template.db", workdir=work / student,
               scratch=_kernels_dir() / student,
               limits=b.opts.limits, key=key, sandbox=b.opts.sandbox)


def _kernels_dir() -> Path:
    """Parent of the kernels' working folders: private to this run, away from every grading file."""
    return Path(tempfile.gettempdir()) / f"dlcourse-kernels-{os.getpid()}"


def _load(stored: Path) -> Result | None:
    """A stored result, or None if it cannot be read (then the submission is graded again)."""
    try:
        return Result.from_json(stored.read_text())
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _store(b: Batch, student: str, result: Result) -> None:
    b.results[student] = result
    _atomic_write(b.opts.course.results(b.opts.week) / f"{student}.json", result.to_json())


def grade(b: Batch) -> None:
    """Run the jobs in parallel; store each result as soon as it arrives."""
    from .pool import run_jobs
    from .worker import preload

    if not b.jobs:
        return
    from .sandbox import remove_stale_cgroups

    for stale in Path(tempfile.gettempdir()).glob("dlcourse-kernels-*"):   # left by a killed run
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(stale, ignore_errors=True)
    remove_stale_cgroups()
    preload()
    start = time.monotonic()
    workers = max(1, min(b.opts.workers, len(b.jobs)))
    b.log(f"grading {len(b.jobs)} submission(s) of {b.opts.week} with {workers} worker(s) "
          f"({len(b.results)} unchanged since the last run)")
    for job, raw in run_jobs(b.jobs, workers):
        if isinstance(raw, Failure):
            result = empty_result(job, b.release).fill(raw.status, raw.message)
            result.seconds = raw.seconds
        else:
            result = raw
        for n in b.notebooks:
            result.notebooks.setdefault(n, NotebookReport(result.status, events=[result.message]))
        result.submitted = True
        src = job.workdir / "autograded" / job.student / job.week
        dest = b.opts.course.autograded(job.student, job.week)
        if dest.exists():
            shutil.rmtree(dest)
        if src.is_dir():
            shutil.copytree(src, dest, copy_function=shutil.copyfile)
        _store(b, job.student, result)
        b.graded_now.append(job.student)
        b.log(f"  {job.student:<24} {result.status:<20} {result.total:g}/{result.max_score:g}  "
              f"{result.seconds:.1f} s  {result.message[:80]}")
        if result.status != GRADER_ERROR:
            shutil.rmtree(job.workdir, ignore_errors=True)
    b.seconds = time.monotonic() - start
    shutil.rmtree(_kernels_dir(), ignore_errors=True)


def merge_gradebook(b: Batch) -> None:
    gradebook.merge(b.opts.course.gradebook_url, b.opts.week, [b.results[s] for s in b.students])


def write_feedback(b: Batch) -> None:
    """Feedback pages; manual grades and comments entered in formgrader are shown with their answers."""
    course, week = b.opts.course, b.opts.week
    manual = gradebook.manual_grades(course.gradebook_url, week, b.students)
    for student in b.students:
        result = b.results[student]
        if result.submitted:
            out = course.feedback(student, week)
            _write_feedback_pages(result, course.autograded(student, week), out, manual.get(student, {}))
            # As nbgrader's generate_feedback does: `nbgrader release_feedback` names each page in
            # the exchange by the submission's secret and needs the timestamp (hub exchange only).
            for name in ("timestamp.txt", "submission_secret.txt"):
                src = course.submitted(student, week) / name
                if src.is_file():
                    shutil.copyfile(src, out / name)


def grade_columns(b: Batch) -> list[tuple[str, str]]:
    return [(g.notebook, g.grade_id) for g in empty_result(_job(b, "-", "-"), b.release).grades]


def export_csv(b: Batch) -> None:
    """One row per student: status, total (manual grades take precedence), every grade cell."""
    columns = grade_columns(b)
    max_score = b.results[b.students[0]].max_score if b.students else 0
    final = gradebook.final_scores(b.opts.course.gradebook_url, b.opts.week, b.students)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "week", "status", "score", "max_score",
                     *[f"{Path(nb).stem}:{gid}" for nb, gid in columns], "sandbox", "message"])
    for student in b.students:
        result, scores = b.results[student], final.get(student, {})
        cells = [scores.get(col) for col in columns]
        writer.writerow([student, b.opts.week, result.status, f"{sum(c or 0 for c in cells):g}", f"{max_score:g}",
                         *["" if c is None else f"{c:g}" for c in cells],
                         "yes" if result.sandbox else "NO (--no-sandbox)", result.message])
    _atomic_write(b.opts.course.csv(b.opts.week), out.getvalue())


STEPS = [check_sandbox, record_release, take_in, plan, grade, merge_gradebook, write_feedback, export_csv]


def run(opts: Options) -> Batch:
    """Every step in order; each step's wall time goes to ``timings_<week>.json`` beside the CSV
    (``grade`` is the autograding itself, the part plain ``nbgrader autograde`` does)."""
    batch = Batch(opts)
    for step in STEPS:
        start = time.monotonic()
        step(batch)
        batch.step_seconds[step.__name__] = round(time.monotonic() - start, 2)
    _atomic_write(opts.course.runtime / f"timings_{opts.week}.json",
                  json.dumps({"week": opts.week, "workers": opts.workers, "sandbox": opts.sandbox,
                              "submissions_graded": len(batch.graded_now), "steps": batch.step_seconds}, indent=1))
    return batch


# ---------------------------------------------------------------- summary
def summary(b: Batch) -> str:
    unsandboxed = [s for s in b.students
                   if not b.results[s].sandbox and b.results[s].submitted]
    sandbox = f"OFF for {len(unsandboxed)} submission(s): {NO_SANDBOX}" if unsandboxed else "on (bubblewrap)"
    lines = [f"{b.opts.week}: {len(b.students)} student(s); grades in {b.opts.course.csv(b.opts.week)}",
             f"sandbox: {sandbox}",
             f"feedback in {b.opts.course.runtime / 'feedback'}/<student>/{b.opts.week}/", "",
             f"{'question':<40} {'mean':>6} {'max':>5} {'zeros':>6}"]
    for nb, gid in grade_columns(b):
        recs = [g for s in b.students for g in b.results[s].grades if (g.notebook, g.grade_id) == (nb, gid)]
        if not recs or recs[0].kind != "auto":
            continue
        scores = [g.auto_score or 0 for g in recs]
        lines.append(f"{Path(nb).stem + ':' + gid:<40} {sum(scores) / len(scores):>6.2f} {recs[0].max_score:>5g} "
                     f"{sum(s == 0 for s in scores):>6}")
    lines += ["", f"{'student':<24} {'status':<20} {'auto':>9}  message"]
    for s in b.students:
        r = b.results[s]
        lines.append(f"{s:<24} {r.status:<20} {r.total:>4g}/{r.max_score:<4g}  {r.message[:100]}")
    counts = {st: sum(b.results[s].status == st for s in b.students) for st in STATUSES}
    lines += ["", "status counts: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v)]
    if b.step_seconds:
        lines += ["time: " + ", ".join(f"{k.replace('_', ' ')} {v:g} s" for k, v in b.step_seconds.items())
                  + f" ({len(b.graded_now)} graded now, {b.opts.workers} worker(s))"]
    if b.id_collisions:
        lines += ["", "student ids kept apart:"] + [f"  {c}" for c in b.id_collisions]
    if b.unknown_files:
        lines += ["", "not graded:"] + [f"  {u}" for u in b.unknown_files]
    return "\n".join(lines)
