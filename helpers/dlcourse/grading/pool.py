"""Run grading jobs in parallel: one forked process (own session) per submission, a wall clock
per submission, and a hard kill that takes every process group the submission created."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator

from .config import GRADER_ERROR, TIMEOUT
from .records import Failure, Result
from .sandbox import remove_cgroup
from .worker import Job, cgroup_name, child_main


def kill_tree(pid: int) -> None:
    """SIGKILL the process group of ``pid`` and of each descendant (Jupyter kernels start their
    own session, so killing one group is not enough)."""
    import psutil

    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        procs = []
    own = os.getpgrp()
    groups = set()
    for proc in procs:
        try:
            groups.add(os.getpgid(proc.pid))
        except ProcessLookupError:
            pass
    groups.add(pid)                                        # the child called setsid(): its group id is its pid
    for group in groups - {own}:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for proc in procs:
        try:
            proc.kill()
        except Exception:  # noqa: BLE001 - already gone
            pass


class _Running:
    def __init__(self, job: Job, ctx, hard_limit_s: float):
        self.job = job
        self.parent_conn, child_conn = ctx.Pipe(duplex=False)
        self.started = time.monotonic()
        self.deadline = self.started + hard_limit_s
        self.proc = ctx.Process(target=child_main, args=(job, child_conn), daemon=False)
        self.proc.start()
        child_conn.close()
        self.result: Result | Failure | None = None


def run_jobs(jobs: list[Job], workers: int, on_start: Callable[[Job], None] | None = None) -> Iterator[tuple[Job, Result | Failure]]:
    """Yield ``(job, result)`` as submissions finish; at most ``workers`` at a time.

    A child that outlives ``submission_timeout_s + kill_grace_s`` is killed (with its kernel)
    and yields status ``timeout``; a child that dies without a result yields ``grader_error``.
    """
    ctx = multiprocessing.get_context("fork")
    pending, running = deque(jobs), []
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.popleft()
                for path in (job.workdir, job.scratch):
                    if path.exists():
                        shutil.rmtree(path)
                job.workdir.mkdir(parents=True)
                shutil.copytree(job.course.release(job.week), job.scratch,   # the release's data files only
                                ignore=shutil.ignore_patterns("*.ipynb", ".*"))
                if on_start:
                    on_start(job)
                running.append(_Running(job, ctx, job.limits.submission_timeout_s + job.limits.kill_grace_s))
            time.sleep(0.02)
            for run in list(running):
                done = _poll(run)
                if done is not None:
                    running.remove(run)
                    _clean(run.job)
                    yield run.job, done
    finally:                                               # interrupted (Ctrl-C, an error): leave nothing running
        for run in running:
            kill_tree(run.proc.pid)
            run.proc.join(5)
            _clean(run.job)


def _clean(job: Job) -> None:
    shutil.rmtree(job.scratch, ignore_errors=True)
    if job.sandbox and os.geteuid() == 0:
        from .sandbox import _pids_root

        root = _pids_root()
        if root is not None:
            remove_cgroup(str(root / cgroup_name(job.student, os.getpid())))


def _poll(run: _Running) -> Result | Failure | None:
    if run.parent_conn.poll():
        try:
            run.result = run.parent_conn.recv()
        except (EOFError, OSError):
            run.result = None
    if run.result is not None:
        kill_tree(run.proc.pid)                            # a kernel left behind must not outlive its submission
        run.proc.join(5)
        return run.result
    if not run.proc.is_alive():
        run.proc.join()
        if run.parent_conn.poll():
            return _poll(run)
        return Failure(GRADER_ERROR, f"the grading process died (exit code {run.proc.exitcode}); "
                                     "out of memory or killed")
    if time.monotonic() > run.deadline:
        kill_tree(run.proc.pid)
        run.proc.join(5)
        limit = run.job.limits.submission_timeout_s
        return Failure(TIMEOUT, f"killed after {limit + run.job.limits.kill_grace_s} s "
                                f"(submission limit {limit} s): nothing could be scored")
    return None
