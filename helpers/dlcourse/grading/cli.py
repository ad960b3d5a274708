"""``dlcourse-grade`` / ``python -m dlcourse.grading``: grade one week's submissions.

    dlcourse-grade WEEK [SUBMISSIONS] [--workers N] [--cell-timeout S] [--submission-timeout S]
                   [--memory-mb MB] [--scratch-mb MB] [--max-processes N] [--no-sandbox] [--force]
                   [--course-root DIR] [--runtime-dir DIR]

SUBMISSIONS is a folder or a .zip as an LMS exports it (one folder per student, or files named
``<student>_<notebook>.ipynb``); without it, what is already in ``autograder/submitted/`` is
graded. Writes ``autograder/grades_WEEK.csv``, ``autograder/feedback/<student>/WEEK/*.html``,
fills nbgrader's gradebook (manual grades untouched) and prints a summary. Every student kernel
runs inside a bubblewrap sandbox (Linux, `bwrap`); if it cannot start, nothing is graded (exit 2)
and the message names the fix. Exit status: 0 when every submission got a status (bad
submissions included), 1 if the grader itself failed on one, 2 if the sandbox cannot start.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .config import GRADER_ERROR, Course, Limits


def _repo_root() -> Path:
    """The checkout this package lives in (helpers/dlcourse/grading -> repo root), else the cwd."""
    here = Path(__file__).resolve().parents[3]
    return here if (here / "autograder" / "nbgrader_config.py").exists() else Path.cwd()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    d = Limits()
    ap = argparse.ArgumentParser(prog="dlcourse-grade", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("week", help="e.g. week01_boosting (a folder of solutions/)")
    ap.add_argument("submissions", nargs="?", type=Path, help="folder or .zip of submissions (optional)")
    ap.add_argument("--workers", type=int, default=max(1, len(os.sched_getaffinity(0))),
                    help="submissions graded at once (default: all cores)")
    ap.add_argument("--cell-timeout", type=int, default=d.cell_timeout_s, help="seconds per cell")
    ap.add_argument("--submission-timeout", type=int, default=d.submission_timeout_s,
                    help="wall-clock seconds per submission (all its notebooks)")
    ap.add_argument("--kill-grace", type=int, default=d.kill_grace_s, help="seconds past it before a hard kill")
    ap.add_argument("--memory-mb", type=int, default=d.memory_mb, help="address-space limit per submission")
    ap.add_argument("--output-kb", type=int, default=d.cell_output_kb, help="output kept per cell")
    ap.add_argument("--scratch-mb", type=int, default=d.scratch_mb, help="sandbox: the kernel's writable folder (quota)")
    ap.add_argument("--max-processes", type=int, default=d.max_processes,
                    help="sandbox: processes and threads of one kernel")
    ap.add_argument("--no-sandbox", action="store_true",
                    help="run student code WITHOUT the bubblewrap sandbox, as you (said in the summary, CSV, feedback)")
    ap.add_argument("--force", action="store_true", help="regrade submissions that already have a stored result")
    ap.add_argument("--course-root", type=Path, default=None, help="repo root (default: this checkout)")
    ap.add_argument("--runtime-dir", type=Path, default=None,
                    help="where submitted/, autograded/, feedback/, gradebook.db go (default: <root>/autograder)")
    ap.add_argument("--quiet", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from .batch import Options, run, summary

    limits = Limits(cell_timeout_s=args.cell_timeout, submission_timeout_s=args.submission_timeout,
                    kill_grace_s=args.kill_grace, memory_mb=args.memory_mb, cell_output_kb=args.output_kb,
                    notebook_output_kb=max(args.output_kb, Limits().notebook_output_kb),
                    scratch_mb=args.scratch_mb, max_processes=args.max_processes)
    course = Course(args.course_root or _repo_root(), args.runtime_dir)
    from .sandbox import SandboxUnavailable

    try:
        batch = run(Options(week=args.week, course=course, submissions=args.submissions, limits=limits,
                            workers=args.workers, force=args.force, quiet=args.quiet, sandbox=not args.no_sandbox))
    except SandboxUnavailable as exc:
        print(f"dlcourse-grade: refusing to grade: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(batch))
    return 1 if any(batch.results[s].status == GRADER_ERROR for s in batch.students) else 0


if __name__ == "__main__":
    sys.exit(main())
