"""Before anything executes: is each submitted file a notebook at all, and what did the student
change compared with the release? (Cheap, no kernel; runs inside the submission's process.)"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import cells
from .config import GRADED, INVALID_NOTEBOOK, MISSING, TAMPERED_REPAIRED

MAX_NOTEBOOK_BYTES = 50 * 2**20


@dataclass
class Intake:
    """One submitted notebook after classification."""

    name: str
    status: str                                  # graded (so far), missing, invalid_notebook, tampered_repaired
    problem: str = ""                            # why it is invalid / missing
    findings: list[cells.Finding] = field(default_factory=list)
    notebook: dict | None = None                 # repaired, ready for nbgrader (None if unusable)


def load_notebook(path: Path) -> tuple[dict | None, str]:
    """``(notebook dict, '')`` or ``(None, why it is not a usable v4 notebook)``."""
    import nbformat

    data = path.read_bytes()
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"larger than {MAX_NOTEBOOK_BYTES >> 20} MB"
    if b"\x00" in data:
        return None, "contains null bytes (not a text file)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        nb = json.loads(text)
    except ValueError as exc:
        kind = "truncated JSON" if "Expecting" in str(exc) and exc.pos >= len(text) - 1 else "not JSON"
        return None, f"{kind} ({str(exc).split(':')[0]}); was it saved as HTML or cut off?"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "JSON, but not a notebook (no list of cells)"
    if nb.get("nbformat") != 4:
        return None, f"nbformat {nb.get('nbformat')!r}; expected 4 (save it from JupyterLab 3+)"
    try:
        nbformat.validate(nbformat.from_dict(nb))
    except nbformat.ValidationError as exc:
        return None, f"not a valid notebook: {str(exc).splitlines()[0][:200]}"
    for i, cell in enumerate(nb["cells"]):
        if "\x00" in cells.source(cell):
            return None, f"cell {i} contains a null byte"
    return nb, ""


def classify(name: str, path: Path, release: dict) -> Intake:
    """Load, validate and compare one notebook; repair deleted locked cells."""
    if not path.exists():
        return Intake(name, MISSING, "not handed in")
    nb, problem = load_notebook(path)
    if nb is None:
        return Intake(name, INVALID_NOTEBOOK, problem)
    findings = cells.compare(release, nb)
    repaired, _ = cells.repair(release, nb)
    return Intake(name, TAMPERED_REPAIRED if findings else GRADED, "", findings, repaired)
