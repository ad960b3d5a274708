"""The grader's records: one submission's result, its notebooks and its grade cells.

Defined once, here. The worker builds a :class:`Result` in the forked child and sends it to the
parent (pickled), which stores it as JSON (:meth:`Result.to_json`, read back with
:meth:`Result.from_json`), merges it into the gradebook and writes the feedback and the CSV from
it. A grading process that produced no result reports a :class:`Failure` instead; the executor
records what it did to a cell as an :class:`Event`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

RESULT_SCHEMA = 1


@dataclass
class Grade:
    """One grade cell of one notebook (a test cell or a manually graded answer)."""

    notebook: str                 # release notebook file name, e.g. "01_ensembles.ipynb"
    grade_id: str
    max_score: float
    auto_score: float | None      # None: nbgrader leaves it to a human (manual answers)
    kind: str                     # "auto" (a test cell) or "manual"
    message: str = "not run"      # why the cell lost points, in the student's words ("" when full marks)


@dataclass
class NotebookReport:
    """What happened to one notebook of the submission."""

    status: str                                        # a config status (graded, tampered_repaired, ...)
    problem: str = ""                                  # why it could not be graded as handed in
    findings: list[str] = field(default_factory=list)  # tampering found by cells.compare
    events: list[str] = field(default_factory=list)    # executor events (timeouts, crashes, truncation)
    notes: list[str] = field(default_factory=list)     # other remarks for the grader (e.g. reference calls)


@dataclass
class Result:
    """One student's result for one week: the JSON stored under results/<week>/<student>.json."""

    student: str
    week: str
    key: str                                           # hash of the inputs (reruns reuse a matching result)
    status: str
    message: str = ""
    seconds: float = 0.0
    notebooks: dict[str, NotebookReport] = field(default_factory=dict)
    grades: list[Grade] = field(default_factory=list)
    sandbox: bool = True
    submitted: bool = True                             # False: nothing was handed in (no gradebook row)
    schema: int = RESULT_SCHEMA

    @property
    def total(self) -> float:
        return sum(g.auto_score or 0 for g in self.grades)

    @property
    def max_score(self) -> float:
        return sum(g.max_score for g in self.grades)

    def fill(self, status: str, message: str) -> Result:
        """Set the status and give every grade cell the same message (nothing was scored)."""
        self.status, self.message = status, message
        for grade in self.grades:
            grade.message = message
        return self

    def to_dict(self) -> dict:
        out = asdict(self)
        for report in out["notebooks"].values():
            if not report["notes"]:
                del report["notes"]                    # results without notes read as before
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["notebooks"] = {n: NotebookReport(**r) for n, r in data.get("notebooks", {}).items()}
        data["grades"] = [Grade(**g) for g in data.get("grades", [])]
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> Result:
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True)
class Event:
    """Something the executor did to one cell (a timeout, a dead kernel, truncated output, ...)."""

    kind: str                     # cell_timeout, submission_timeout, kernel_died, integrity, output_truncated
    notebook: str                 # notebook name without .ipynb (nbgrader's unique_key)
    cell: int
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind} (cell {self.cell}) {self.detail}".strip()


@dataclass(frozen=True)
class Failure:
    """What a grading process reports when it has no result: it crashed, was killed or timed out."""

    status: str
    message: str
    seconds: float = 0.0
