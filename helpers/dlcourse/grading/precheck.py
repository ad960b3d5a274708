"""Before you submit: did you delete, duplicate, retype or edit a graded or read-only cell?

In a notebook (after saving it)::

    import dlcourse; dlcourse.check_submission()          # checks the notebook you are in

From a terminal::

    python -m dlcourse.grading.precheck course/week01_boosting/01_ensembles.ipynb

The notebook is compared, cell by cell, with its release: the path you pass as ``release``,
else the committed version (``git show HEAD:<path>``). Without either, only what the
notebook's own nbgrader checksums reveal is checked (edited read-only cells). The grader uses
the same comparison (:func:`dlcourse.grading.cells.compare`) and repairs what it can, but a
deleted answer cell is lost, and a changed test never helps: the original runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import cells

ADVICE = {
    cells.DELETED: "restore it (Edit > Undo, or copy it from a fresh copy of the release)",
    cells.DUPLICATED: "delete the extra copy; only the last copy counts",
    cells.RETYPED: "change the cell type back",
    cells.EDITED_LOCKED: "undo your change; the grader runs the original anyway",
    cells.EDITED_METADATA: "undo the change to the cell's nbgrader metadata",
    cells.UNKNOWN_ID: "remove the nbgrader metadata from that cell (or delete it)",
}


@dataclass
class Report:
    notebook: Path
    compared_with: str
    findings: list[cells.Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def __str__(self) -> str:
        head = f"{self.notebook.name}: compared with {self.compared_with}"
        if self.ok and self.compared_with.startswith("its own checksums"):
            return f"{head}\n  ✓ no edited read-only cell found (deleted cells need the release to be found)."
        if self.ok:
            return f"{head}\n  ✓ every graded and read-only cell is in place. Ready to submit."
        lines = [head] + [f"  ✗ {f.detail}: {ADVICE[f.kind]}" for f in self.findings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:               # shown as a notebook cell's output
        import html
        return "<pre>" + html.escape(str(self)) + "</pre>"


def _current_notebook() -> Path:
    session = os.environ.get("JPY_SESSION_NAME")     # set by Jupyter Server for the notebook's kernel
    if session and session.endswith(".ipynb") and Path(session).exists():
        return Path(session)
    raise FileNotFoundError("cannot tell which notebook this is: call check_submission('path/to/notebook.ipynb')")


def _release_from_git(path: Path) -> dict | None:
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=path.parent, capture_output=True,
                             text=True, timeout=10)
        if top.returncode != 0:
            return None
        rel = path.resolve().relative_to(Path(top.stdout.strip()).resolve())
        shown = subprocess.run(["git", "show", f"HEAD:{rel.as_posix()}"], cwd=path.parent, capture_output=True,
                               timeout=10)
        return json.loads(shown.stdout) if shown.returncode == 0 else None
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _checksum_findings(nb: dict) -> list[cells.Finding]:
    """Without a release: locked cells whose nbgrader checksum no longer matches."""
    try:
        from nbformat import from_dict
        from nbgrader.utils import compute_checksum
    except ImportError:
        return []
    findings, seen = [], set()
    for cell in nb.get("cells", []):
        md, gid = cells.nbgrader_md(cell), cells.grade_id(cell)
        if gid is None:
            continue
        if gid in seen:
            findings.append(cells.Finding(cells.DUPLICATED, gid, f"the cell '{gid}' appears more than once"))
        seen.add(gid)
        if md.get("locked") and md.get("checksum") and compute_checksum(from_dict({**cell, "source": cells.source(cell)})) != md["checksum"]:
            findings.append(cells.Finding(cells.EDITED_LOCKED, gid, f"the read-only cell '{gid}' was edited"))
    return findings


def check_submission(path: str | os.PathLike | None = None, release: str | os.PathLike | None = None) -> Report:
    """Compare a notebook with its release; returns a :class:`Report` (printed nicely)."""
    nb_path = Path(path) if path is not None else _current_notebook()
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    if release is not None:
        return Report(nb_path, str(release), cells.compare(json.loads(Path(release).read_text(encoding="utf-8")), nb))
    committed = _release_from_git(nb_path)
    if committed is not None:
        return Report(nb_path, "the committed release (git HEAD)", cells.compare(committed, nb))
    return Report(nb_path, "its own checksums only (pass release= to also find deleted cells)", _checksum_findings(nb))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlcourse.grading.precheck", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--release", type=Path, help="the release notebook (default: git HEAD of the same path)")
    args = ap.parse_args(argv)
    reports = [check_submission(nb, args.release) for nb in args.notebooks]
    print("\n".join(str(r) for r in reports))
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
