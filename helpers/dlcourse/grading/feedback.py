"""Per-student feedback HTML: every test's name, points and failure message, the student's own
cells and (sanitised) outputs; never a test cell's source, so hidden tests stay hidden.

Everything is escaped; HTML, JavaScript, SVG and widget outputs are not rendered (a note says
so); images are embedded only as validated base64 PNG/JPEG; a Content-Security-Policy forbids
scripts even if something slipped through.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import re
from pathlib import Path

from . import cells
from .records import Grade, NotebookReport, Result

MAX_TEXT = 5000
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;line-height:1.4}
pre{background:#f6f6f6;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere}
.test{border-left:6px solid #999;padding:.3em .8em;margin:.8em 0;background:#fafafa}
.pass{border-color:#1b7837}.fail{border-color:#b2182b}.note{color:#666;font-style:italic}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"""
NO_SANDBOX_NOTE = ('<p class="note">graded without the sandbox (--no-sandbox): the instructor ran your code '
                   'without the usual isolation</p>')
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _text(value: str) -> str:
    value = _ANSI.sub("", value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT] + f"\n[... {len(value) - MAX_TEXT} more characters not shown ...]"
    return html.escape(value)


def _image(mime: str, data) -> str:
    raw = "".join(data) if isinstance(data, list) else str(data)
    raw = re.sub(r"\s+", "", raw)
    try:
        base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return '<p class="note">[an image that is not valid base64 was not shown]</p>'
    return f'<img alt="output" src="data:{mime};base64,{raw}">'


def render_output(out: dict) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        return f"<pre>{_text(cells.source({'source': out.get('text', '')}))}</pre>"
    if kind == "error":
        return f"<pre>{_text(str(out.get('ename')) + ': ' + str(out.get('evalue')))}</pre>"
    data = out.get("data") or {}
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return _image(mime, data[mime])
    if "text/plain" in data:
        return f"<pre>{_text(cells.source({'source': data['text/plain']}))}</pre>"
    return '<p class="note">[rich output (HTML, JavaScript, SVG or a widget) is not shown in feedback]</p>'


def render_test(grade: Grade, manual: dict | None = None) -> str:
    """One grade cell's result; ``manual`` = {"score", "comment"} entered in formgrader, if any
    (:func:`dlcourse.grading.gradebook.manual_grades`)."""
    score, max_score = grade.auto_score, grade.max_score
    manual = manual or {}
    comment = (f'<p class="comment">grader\'s comment: {html.escape(manual["comment"])}</p>'
               if manual.get("comment") else "")
    if manual.get("score") is not None:
        return (f'<div class="test"><b>{html.escape(grade.grade_id)}</b> (graded by hand): '
                f'{manual["score"]:g} / {max_score:g} points{comment}</div>')
    if grade.kind == "manual":
        shown = "graded by hand" if score is None else f"{score:g} / {max_score:g}"
        return (f'<div class="test"><b>{html.escape(grade.grade_id)}</b> (answer, {max_score:g} points): '
                f"{html.escape(shown)}{comment}</div>")
    passed = score == max_score
    msg = f"<pre>{_text(grade.message)}</pre>" if grade.message and not passed else ""
    return (f'<div class="test {"pass" if passed else "fail"}"><b>{html.escape(grade.grade_id)}</b>: '
            f'{"passed" if passed else "failed"} - {score or 0:g} / {max_score:g} points{msg}{comment}</div>')


def render_notebook(name: str, nb: dict | None, grades: list[Grade], info: NotebookReport,
                    manual: dict[tuple[str, str], dict] | None = None) -> str:
    by_id = {g.grade_id: g for g in grades}
    manual = manual or {}

    def test(g: Grade) -> str:
        return render_test(g, manual.get((g.notebook, g.grade_id)))

    parts = [f"<h2>{html.escape(name)}</h2>", f"<p>status: <b>{html.escape(info.status)}</b></p>"]
    for line in [info.problem] + info.findings + info.events:
        if line:
            parts.append(f'<p class="note">{html.escape(line)}</p>')
    if nb is None:
        parts += [test(g) for g in grades]
        return "\n".join(parts)
    shown = set()
    for cell in nb.get("cells", []):
        gid, what = cells.grade_id(cell), cells.role(cell)
        if gid in by_id:                                   # a graded cell: its result, never its source
            if what in (cells.MANUAL, cells.ANSWER):       # an answer: the student's own text
                parts.append(f"<pre>{_text(cells.source(cell))}</pre>")
            parts.append(test(by_id[gid]))
            shown.add(gid)
        elif what == cells.INSTRUCTIONS:
            continue                                       # instructions: the student has them
        elif what in (cells.CODE, cells.SOLUTION, cells.ANSWER):
            parts.append(f"<pre>{_text(cells.source(cell))}</pre>")
            parts += [render_output(o) for o in cell.get("outputs", [])]
    parts += [test(g) for g in grades if g.grade_id not in shown]
    return "\n".join(parts)


def write_feedback(result: Result, autograded_dir: Path, out_dir: Path,
                   manual: dict[tuple[str, str], dict] | None = None) -> list[Path]:
    """One HTML page per notebook of the release into ``out_dir``; ``manual`` maps (notebook,
    grade_id) to the score and comment a grader entered in formgrader (shown, and counted)."""
    manual = manual or {}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, info in result.notebooks.items():
        path = autograded_dir / name
        try:
            nb = json.loads(path.read_text()) if path.exists() and info.status != "invalid_notebook" else None
        except (ValueError, RecursionError, UnicodeDecodeError):
            nb = None
        grades = [g for g in result.grades if g.notebook == name]
        by_hand = {g.grade_id: manual[(name, g.grade_id)]["score"] for g in grades
                   if manual.get((name, g.grade_id), {}).get("score") is not None}
        total = sum(by_hand.get(g.grade_id, g.auto_score or 0) for g in grades)
        body = render_notebook(name, nb, grades, info, manual)
        page = (f'<!DOCTYPE html><html><head><meta charset="utf-8">'
                f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
                f"<title>{html.escape(result.week)} - {html.escape(name)}</title><style>{STYLE}</style></head><body>"
                f"<h1>Feedback: {html.escape(result.week)}</h1><p>student: {html.escape(result.student)}; "
                f"points in this notebook: {total:g} / {sum(g.max_score for g in grades):g} (answers graded by hand "
                f"count once their grade is entered)</p>"
                f"{'' if result.sandbox else NO_SANDBOX_NOTE}"
                f"{body}</body></html>")
        target = out_dir / (Path(name).stem + ".html")
        tmp = target.with_suffix(".tmp")
        tmp.write_text(page)
        tmp.replace(target)
        written.append(target)
    return written
