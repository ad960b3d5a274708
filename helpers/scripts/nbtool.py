"""Author and tidy the course notebooks.

Notebooks in ``solutions/`` are the source of truth; this tool converts them to and from a
plain-text form for editing in any editor, and normalises them (no outputs, stable ids).

    python helpers/scripts/nbtool.py to-text   solutions/week01_boosting/01_ensembles.ipynb > nb.txt
    python helpers/scripts/nbtool.py from-text nb.txt solutions/week01_boosting/01_ensembles.ipynb
    python helpers/scripts/nbtool.py clean     solutions/*/*.ipynb

Text form: each cell starts with a header line ``# %% <kind> id=<cell-id> [points=<n>]``;
everything up to the next header is the cell's source, verbatim (markdown is not commented).
Kinds and the nbgrader role they get:

    md        markdown, read-only (locked)
    setup     code, read-only (locked): the notebook's imports and seeding
    code      code, free (no nbgrader role): demos and widgets students may edit
    solution  code, autograded answer (### BEGIN SOLUTION / ### END SOLUTION inside)
    tests     code, autograder tests with points (public checks, then hidden tests)
    manual    markdown, manually graded answer with points
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))      # helpers/, if dlcourse is not installed
from dlcourse.grading.cells import ANSWER, MARKDOWN, TESTS, nbgrader_md, role  # noqa: E402

HEADER = re.compile(r"^# %% (?P<kind>md|setup|code|solution|tests|manual) id=(?P<id>[A-Za-z0-9_-]+)"
                    r"(?: points=(?P<points>\d+(?:\.\d+)?))?\s*$")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    md = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
          "solution": solution, "task": False}
    if points is not None:
        md["points"] = points
    return {"nbgrader": md}


def _cell(kind: str, cid: str, source: str, points: float | None):
    if kind in ("tests", "manual") and not points:
        raise ValueError(f"cell {cid}: a '{kind}' cell needs points > 0 (0-point grade cells break autograde)")
    if kind == "md":
        cell = new_markdown_cell(source, metadata=_nbgrader(cid, locked=True))
    elif kind == "manual":
        cell = new_markdown_cell(source, metadata=_nbgrader(cid, grade=True, solution=True, points=points))
    elif kind == "setup":
        cell = new_code_cell(source, metadata=_nbgrader(cid, locked=True))
    elif kind == "solution":
        cell = new_code_cell(source, metadata=_nbgrader(cid, solution=True))
    elif kind == "tests":
        cell = new_code_cell(source, metadata=_nbgrader(cid, grade=True, locked=True, points=points))
    else:
        cell = new_code_cell(source)
    cell["id"] = cid  # stable ids: nbformat would invent random ones
    return cell


def from_text(text: str) -> nbformat.NotebookNode:
    """Parse the text form into a notebook (ids as given, no outputs)."""
    nb = new_notebook(metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    header, lines = None, []

    def flush():
        if header is not None:
            src = "\n".join(lines).strip("\n")
            pts = float(header["points"]) if header["points"] else None
            pts = int(pts) if pts is not None and pts.is_integer() else pts
            nb.cells.append(_cell(header["kind"], header["id"], src, pts))

    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            flush()
            header, lines = m, []
        elif line.startswith("# %%"):
            raise ValueError(f"malformed cell header: {line!r}")
        elif header is not None:
            lines.append(line)
    flush()
    ids = [c["id"] for c in nb.cells]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate cell ids: {sorted(dupes)}")
    nbformat.validate(nb)
    return nb


def _kind(cell) -> str:
    """The text form's kind: the cell's nbgrader role (plain markdown reads as md, locked on the way back)."""
    what = role(cell)
    return {MARKDOWN: "md", ANSWER: TESTS}.get(what, what)


def to_text(nb) -> str:
    out = []
    for cell in nb.cells:
        md = nbgrader_md(cell)
        pts = f" points={md['points']}" if md.get("points") else ""
        out.append(f"# %% {_kind(cell)} id={cell['id']}{pts}\n{cell['source']}\n")
    return "\n".join(out)


def clean(nb) -> nbformat.NotebookNode:
    """Strip outputs and execution counts; keep metadata and ids."""
    for cell in nb.cells:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell.get("metadata", {}).pop("execution", None)
    return nb


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("from-text"); a.add_argument("src"); a.add_argument("dst")
    b = sub.add_parser("to-text"); b.add_argument("src")
    c = sub.add_parser("clean"); c.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "from-text":
        nbformat.write(from_text(Path(args.src).read_text()), args.dst)
    elif args.cmd == "to-text":
        sys.stdout.write(to_text(nbformat.read(args.src, as_version=4)))
    else:
        for path in args.paths:
            nbformat.write(clean(nbformat.read(path, as_version=4)), path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
