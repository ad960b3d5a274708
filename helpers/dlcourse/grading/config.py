"""The grader's knobs (typed, documented) and its vocabulary of submission statuses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------- statuses
# Every submission ends in exactly one status. Listed from most to least severe: a submission
# with several problems reports the first that applies (its message lists every notebook).
INVALID_NOTEBOOK = "invalid_notebook"   # not JSON / not a v4 notebook / null bytes: nothing executed, 0
GRADER_ERROR = "grader_error"           # our bug or nbgrader's: 0 and needs review, batch continues
CRASHED = "crashed"                     # the kernel died (os._exit, segfault, out of memory): cells before it count
TIMEOUT = "timeout"                     # a cell hit the cell limit or the submission hit its wall clock
INTEGRITY_VIOLATION = "integrity_violation"  # student code replaced a check (np.allclose, check_close, showtraceback)
TAMPERED_REPAIRED = "tampered_repaired"  # deleted/duplicated/retyped/edited locked cells: repaired, then graded
MISSING = "missing"                     # a notebook (or the whole submission) was not handed in: 0 for it
GRADED = "graded"                       # executed and scored; failing tests are normal
STATUSES = (INVALID_NOTEBOOK, GRADER_ERROR, CRASHED, TIMEOUT, INTEGRITY_VIOLATION, TAMPERED_REPAIRED, MISSING, GRADED)


def worst(statuses) -> str:
    """The most severe of ``statuses`` (``graded`` for none)."""
    found = set(statuses)
    return next((s for s in STATUSES if s in found), GRADED)


# ---------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limits:
    """Resource limits for ONE submission (each runs in its own process group)."""

    cell_timeout_s: int = 60           # per cell (nbgrader's Execute.timeout); a timed-out cell scores 0
    submission_timeout_s: int = 600    # wall clock for all notebooks of a submission; cells after it score 0
    kill_grace_s: int = 30             # past the wall clock, the whole process group is SIGKILLed
    memory_mb: int = 4096              # RLIMIT_AS (virtual memory) of the grading process and its kernel
    file_size_mb: int = 256            # RLIMIT_FSIZE: no single file written may exceed this
    cell_output_kb: int = 200          # output kept per cell; the rest is dropped (with a note) as it streams
    notebook_output_kb: int = 2000     # output kept per notebook
    scratch_mb: int = 512              # sandbox: the kernel's working folder (tmpfs quota)
    home_mb: int = 64                  # sandbox: $HOME, /tmp and /dev/shm (tmpfs quota each)
    max_processes: int = 256           # sandbox: tasks (processes and threads) of one kernel

    def __post_init__(self):
        for name, value in self.__dict__.items():
            if value <= 0:
                raise ValueError(f"Limits.{name} must be > 0, got {value}")


# Thread count of every kernel (DESIGN: parallel grading uses one BLAS/torch thread per worker).
KERNEL_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "DLCOURSE_TORCH_THREADS": "1"}
# Never visible to student code: grader detection (row 23) and where the grading files live.
SCRUBBED_ENV_PREFIXES = ("NBGRADER_", "DLCOURSE_GRADING", "JPY_SESSION_NAME")


# ---------------------------------------------------------------- where things are
@dataclass(frozen=True)
class Course:
    """A course laid out as this repo is: ``<root>/autograder/nbgrader_config.py`` configures
    nbgrader (source ``solutions/``, release ``course/``); grading runtime files go to ``runtime``."""

    root: Path
    runtime: Path = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())
        runtime = self.runtime or os.environ.get("DLCOURSE_GRADING_DIR") or self.root / "autograder"
        object.__setattr__(self, "runtime", Path(runtime).resolve())

    @property
    def config_dir(self) -> Path:
        return self.root / "autograder"

    def source(self, week: str) -> Path:
        return self.root / "solutions" / week

    def release(self, week: str) -> Path:
        """The release recorded in the gradebook by this batch (identical to course/<week>)."""
        return self.runtime / "release_check" / week

    def submitted(self, student: str, week: str) -> Path:
        return self.runtime / "submitted" / student / week

    def autograded(self, student: str, week: str) -> Path:
        return self.runtime / "autograded" / student / week

    def feedback(self, student: str, week: str) -> Path:
        return self.runtime / "feedback" / student / week

    @property
    def gradebook_url(self) -> str:
        return "sqlite:///" + str(self.runtime / "gradebook.db")

    def results(self, week: str) -> Path:
        """One JSON per student: the grader's record (written atomically, reused on reruns)."""
        return self.runtime / "results" / week

    def csv(self, week: str) -> Path:
        return self.runtime / f"grades_{week}.csv"

    def work(self, week: str) -> Path:
        return self.runtime / "work" / week
