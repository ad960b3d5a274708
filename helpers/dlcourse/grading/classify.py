"""Before anything executes: is each submitted file a notebook at all, and what did the student
change compared with the release? (Cheap, no kernel; runs inside the submission's process.)"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import cells
from .config import GRADED, INVALID_NOTEBOOK, MISSING, TAMPERED_REPAIRED

MAX_NOTEBOOK_BYTES = 50 * 2**20
MAX_JSON_DEPTH = 64              # a v4 notebook is < 15 deep; rich JSON outputs get some room
_BRACKETS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')   # strings (skipped) or a bracket


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """Deepest nesting of ``[``/``{`` outside strings, stopping once past ``limit`` (no recursion,
    so a 100 000-deep document cannot exhaust the stack of the process that checks it)."""
    depth = deepest = 0
    for m in _BRACKETS.finditer(data):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif tok in (b"]", b"}"):
            depth -= 1
    return deepest


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
    if json_depth(data) > MAX_JSON_DEPTH:
        return None, f"JSON nested more than {MAX_JSON_DEPTH} levels deep (not a notebook)"
    try:
        nb = json.loads(text)
    except ValueError as exc:
        kind = "truncated JSON" if "Expecting" in str(exc) and exc.pos >= len(text) - 1 else "not JSON"
        return None, f"{kind} ({str(exc).split(':')[0]}); was it saved as HTML or cut off?"
    except (RecursionError, MemoryError) as exc:
        return None, f"JSON that cannot be parsed ({type(exc).__name__})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "JSON, but not a notebook (no list of cells)"
    if nb.get("nbformat") != 4:
        return None, f"nbformat {nb.get('nbformat')!r}; expected 4 (save it from JupyterLab 3+)"
    try:
        nbformat.validate(nbformat.from_dict(nb))
        for i, cell in enumerate(nb["cells"]):
            if "\x00" in cells.source(cell):
                return None, f"cell {i} contains a null byte"
    except nbformat.ValidationError as exc:
        return None, f"not a valid notebook: {str(exc).splitlines()[0][:200]}"
    except (RecursionError, TypeError, AttributeError, KeyError, ValueError) as exc:
        return None, f"not a valid notebook ({type(exc).__name__}: {str(exc)[:120]})"
    return nb, ""


def classify(name: str, path: Path, release: dict) -> Intake:
    """Load, validate and compare one notebook; repair deleted locked cells."""
    if not path.exists():
        return Intake(name, MISSING, "not handed in")
    nb, problem = load_notebook(path)
    if nb is None:
        return Intake(name, INVALID_NOTEBOOK, problem)
    try:
        findings = cells.compare(release, nb)
        repaired, _ = cells.repair(release, nb)
    except (RecursionError, TypeError, AttributeError, KeyError, ValueError) as exc:   # valid JSON, odd structure
        return Intake(name, INVALID_NOTEBOOK, f"not a usable notebook ({type(exc).__name__}: {str(exc)[:120]})")
    return Intake(name, TAMPERED_REPAIRED if findings else GRADED, "", findings, repaired)
