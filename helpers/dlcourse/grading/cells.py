"""Compare a submitted notebook with its release, cell by cell (by nbgrader ``grade_id``).

One implementation serves both sides: the student's pre-submission check
(:mod:`dlcourse.grading.precheck`) and the grader's tamper detection and repair. Notebooks are
plain dicts (parsed JSON, nbformat v4), so this module needs nothing but the standard library.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

# Finding kinds, in the words a student reads.
DELETED = "deleted"            # a cell of the release is gone
DUPLICATED = "duplicated"      # a graded/locked cell appears more than once
RETYPED = "retyped"            # code <-> markdown
EDITED_LOCKED = "edited_locked"  # a read-only cell (instructions, setup, tests) was changed
EDITED_METADATA = "edited_metadata"  # points / grade / solution / locked flags changed
UNKNOWN_ID = "unknown_id"      # a grade_id the release does not have

_FLAGS = ("grade", "solution", "locked", "points")


@dataclass(frozen=True)
class Finding:
    kind: str
    grade_id: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.grade_id} - {self.detail}"


def nbgrader_md(cell: dict) -> dict:
    return (cell.get("metadata") or {}).get("nbgrader") or {}


# The nbgrader role of a cell: the one place that reads the grade / solution / locked flags.
# The values are the kinds of ``helpers/scripts/nbtool.py``'s text form where they have one.
TESTS = "tests"            # code, graded, not a solution: an autograded test cell (points)
ANSWER = "answer"          # code, graded and a solution: nbgrader's "autograded answer" (unused here)
SOLUTION = "solution"      # code, a solution the student writes (### BEGIN SOLUTION ...)
MANUAL = "manual"          # markdown, graded: a manually graded answer (points)
SETUP = "setup"            # code, read-only: imports, seeding, data loading
INSTRUCTIONS = "md"        # markdown, read-only
CODE = "code"              # code without an nbgrader role: demos and widgets students may edit
MARKDOWN = "markdown"      # markdown without an nbgrader role

GRADED = frozenset({TESTS, ANSWER, MANUAL})
LOCKED = frozenset({TESTS, SETUP, INSTRUCTIONS})  # what nbgrader marks read-only (and restores)

_ROLE_WORDS = {TESTS: "test cell", ANSWER: "answer cell", SOLUTION: "solution cell", MANUAL: "answer cell",
               SETUP: "read-only cell", INSTRUCTIONS: "read-only cell", CODE: "cell", MARKDOWN: "cell"}


def role(cell) -> str:
    """What nbgrader does with ``cell``: one of TESTS, ANSWER, SOLUTION, MANUAL, SETUP,
    INSTRUCTIONS, CODE, MARKDOWN. Works on parsed JSON dicts and on nbformat nodes."""
    md = nbgrader_md(cell)
    if cell.get("cell_type") == "markdown":
        if md.get("grade"):
            return MANUAL
        return INSTRUCTIONS if md.get("locked") else MARKDOWN
    if md.get("grade"):
        return ANSWER if md.get("solution") else TESTS
    if md.get("solution"):
        return SOLUTION
    return SETUP if md.get("locked") else CODE


def grade_id(cell: dict) -> str | None:
    return nbgrader_md(cell).get("grade_id")


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


_HIDDEN = re.compile(r"\n?[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*", re.S)


def public_source(cell: dict) -> str:
    """The source without a hidden-tests block: what the release of a test cell shows (the
    instructor's solution notebook, used as a submission in tests, carries the hidden block)."""
    return _HIDDEN.sub("", source(cell)).strip()


def compare(release: dict, submitted: dict) -> list[Finding]:
    """What the student changed that the grader must repair or that costs them points.

    Checks every release cell that has a ``grade_id`` (instructions, setup, solutions, tests):
    deleted, duplicated, retyped; for locked cells also edited source; for all, edited nbgrader
    flags. Solution cells may of course be edited.
    """
    by_id: dict[str, list[dict]] = {}
    for cell in submitted.get("cells", []):
        gid = grade_id(cell)
        if gid is not None:
            by_id.setdefault(gid, []).append(cell)
    release_ids = set()
    findings: list[Finding] = []
    for ref in release.get("cells", []):
        gid = grade_id(ref)
        if gid is None:
            continue
        release_ids.add(gid)
        copies, what = by_id.get(gid, []), _ROLE_WORDS[role(ref)]
        if not copies:
            findings.append(Finding(DELETED, gid, f"the {what} '{gid}' was deleted"))
            continue
        if len(copies) > 1:
            findings.append(Finding(DUPLICATED, gid, f"the {what} '{gid}' appears {len(copies)} times"))
        cell = copies[-1]                                  # nbgrader keeps the last copy (DeduplicateIds)
        if cell.get("cell_type") != ref.get("cell_type"):
            findings.append(Finding(RETYPED, gid, f"the {what} '{gid}' was changed from "
                                    f"{ref.get('cell_type')} to {cell.get('cell_type')}"))
        ref_md, md = nbgrader_md(ref), nbgrader_md(cell)
        changed = [k for k in _FLAGS if ref_md.get(k) != md.get(k)]
        if changed:
            findings.append(Finding(EDITED_METADATA, gid, f"nbgrader metadata {', '.join(changed)} of '{gid}' changed"))
        if role(ref) in LOCKED and public_source(cell) != public_source(ref):
            findings.append(Finding(EDITED_LOCKED, gid, f"the {what} '{gid}' was edited"))
    for gid in by_id:
        if gid not in release_ids:
            findings.append(Finding(UNKNOWN_ID, gid, f"a cell claims grade_id '{gid}', which the release does not have"))
    return findings


def repair(release: dict, submitted: dict) -> tuple[dict, list[str]]:
    """A copy of ``submitted`` that nbgrader can grade; returns it and the restored grade_ids.

    Duplicates: every copy of a graded/locked cell but the last loses its nbgrader metadata
    (it stays, as a plain cell). nbgrader's DeduplicateIds sets that metadata to ``{}``, which its
    own CheckCellMetadata then rejects as an "old version": the whole student fails (nbgrader#1629).

    Deleted cells: every deleted *locked* release cell is put back. Each restored cell goes right after the nearest earlier release cell still present (as
    nbgrader's ``OverwriteCells.add_missing_cells`` does for test cells; we also restore
    setup and instruction cells). nbgrader then overwrites locked sources from its gradebook,
    which puts hidden tests back. Deleted solution cells are not restored: that answer is gone.
    """
    out = copy.deepcopy(submitted)
    cells = out.setdefault("cells", [])
    seen = set()
    for cell in reversed(cells):
        gid = grade_id(cell)
        if gid is not None and gid in seen:
            cell["metadata"].pop("nbgrader")
        seen.add(gid)
    present = {grade_id(c) for c in cells}
    restored, previous = [], None
    for ref in release.get("cells", []):
        gid = grade_id(ref)
        if gid is None:
            continue
        if gid not in present and role(ref) in LOCKED:
            idx = 0
            if previous is not None:
                idx = max(i for i, c in enumerate(cells) if grade_id(c) == previous) + 1
            cells.insert(idx, copy.deepcopy(ref))
            present.add(gid)
            restored.append(gid)
        if gid in present:
            previous = gid
    return out, restored


# ---------------------------------------------------------------- graded reference implementations
def reference_uses(code: str) -> list[str]:
    """The graded reference implementations (or other private ``dlcourse`` names) ``code`` reaches.

    Each week's references are listed in ``dlcourse.<week>.reference`` and defined under a
    private name (``_fit_stump``) in the week's numerics. Found: importing a ``reference``
    module or a private name from ``dlcourse``, and attribute chains such as
    ``dlcourse.boosting.reference.fit_stump`` or ``stump._fit_stump`` on a dlcourse module.
    Static: code that builds the name at run time is not seen. Code that does not parse: [].
    """
    import ast

    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        return []
    modules: dict[str, str] = {}               # local name -> dlcourse module it is bound to
    found: list[str] = []

    def private(name: str) -> bool:
        return name.startswith("_") and not name.startswith("__")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "dlcourse":
                    if a.name.split(".")[-1] == "reference" or any(map(private, a.name.split("."))):
                        found.append(a.name)
                    modules[a.asname or "dlcourse"] = a.name if a.asname else "dlcourse"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "dlcourse" and not node.level:
            mod = node.module
            for a in node.names:
                if mod.split(".")[-1] == "reference" or any(map(private, mod.split("."))):
                    found.append(f"{mod}.{a.name}")
                elif a.name == "reference" or private(a.name):
                    found.append(f"{mod}.{a.name}")
                if a.name != "*":
                    modules[a.asname or a.name] = f"{mod}.{a.name}"
    chains = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, base = [node.attr], node.value
            while isinstance(base, ast.Attribute):
                chain.append(base.attr)
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                full = [*modules[base.id].split("."), *reversed(chain)]
                if "reference" in full or any(map(private, full)):
                    chains.append(".".join(full))
    found += [c for c in chains if not any(o.startswith(c + ".") for o in chains)]   # the longest chain only
    return list(dict.fromkeys(found))


def reference_notes(nb: dict) -> list[str]:
    """One line per graded cell (solution or answer) of ``nb`` that uses a reference implementation."""
    notes = []
    for cell in nb.get("cells", []):
        if role(cell) in (SOLUTION, ANSWER):
            uses = reference_uses(source(cell))
            if uses:
                notes.append(f"graded cell '{grade_id(cell)}' uses a reference implementation: {', '.join(uses)}")
    return notes
