"""Turn what an LMS exports into nbgrader's layout ``submitted/<student>/<week>/<notebook>.ipynb``.

Accepted shapes (a folder, or a .zip of one):

- one folder per student: ``<student>/.../<notebook>.ipynb`` (any depth, so nbgrader's own
  ``<student>/<week>/`` and Moodle's ``Jane Doe_123_assignsubmission_file_/`` both work);
- files named with the student id: ``<student><sep><notebook>.ipynb`` with ``sep`` one of
  ``_ - space`` (Canvas: ``doejane_123_456_01_ensembles-1.ipynb``; a trailing ``-N`` is a
  resubmission number and the highest wins).

Student ids are sanitised to ``[A-Za-z0-9._-]``, injectively: two raw ids that sanitise alike get
distinct ids (``-2``) and a report line, never a merge. Everything else (other files, notebooks
whose name matches no release notebook, files without a student id, hidden files and folders,
``__MACOSX``, checkpoints) is listed with the reason, never graded.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_ZIP_BYTES = 2 * 2**30          # refuse zip bombs
_RESUBMISSION = re.compile(r"^(?P<stem>.*?)(?:-(?P<n>\d+)| \((?P<m>\d+)\))?$")


@dataclass
class Intake:
    """Who handed in which notebook, and what could not be used."""

    files: dict[str, dict[str, Path]] = field(default_factory=dict)   # student -> notebook name -> file
    unknown: list[str] = field(default_factory=list)                  # "path: why"
    renamed: dict[str, str] = field(default_factory=dict)             # raw name -> sanitised student id
    collisions: list[str] = field(default_factory=list)               # raw ids that sanitise alike (kept apart)


def sanitise_student_id(raw: str) -> str:
    """``'Jane Doe_123'`` -> ``'Jane_Doe_123'``; '' if nothing usable is left."""
    sid = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.strip())
    return re.sub(r"_+", "_", sid).strip("._-")


def _split_resubmission(stem: str) -> tuple[str, int]:
    m = _RESUBMISSION.match(stem)
    n = m.group("n") or m.group("m")
    return m.group("stem"), int(n) if n else 0


def _match_notebook(filename: str, notebooks: list[str]) -> tuple[str, str, int] | None:
    """``(prefix, notebook, resubmission)`` if ``filename`` ends with a release notebook's name."""
    stem, resub = _split_resubmission(Path(filename).stem)
    for nb in sorted(notebooks, key=len, reverse=True):           # longest name first
        nb_stem = Path(nb).stem
        if stem == nb_stem or stem.endswith(nb_stem) and stem[-len(nb_stem) - 1] in "_- ":
            return stem[: len(stem) - len(nb_stem)].rstrip("_- "), nb, resub
    return None


def _why_ignored(name: str) -> str:
    """Why a file or folder of that name is not graded ('' if it may be)."""
    if name == "__MACOSX":
        return "macOS archive metadata (not graded)"
    if name == ".ipynb_checkpoints":
        return "Jupyter autosave checkpoints (not graded; the notebook itself is)"
    if name == ".DS_Store":
        return "macOS folder metadata (not graded)"
    if name.startswith("."):
        return "hidden (its name starts with a dot; not graded: rename it if it is a student's work)"
    return ""


def _count(path: Path) -> str:
    if not path.is_dir():
        return ""
    n = sum(1 for p in path.rglob("*") if p.is_file())
    return f", {n} file{'s' if n != 1 else ''}"


def extract_zip(archive: Path, dest: Path) -> Path:
    """Extract safely (no absolute or ``..`` members, bounded size) into a fresh ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise ValueError(f"{archive}: more than {MAX_ZIP_BYTES >> 30} GB uncompressed; refusing")
        for m in members:
            target = (dest / m.filename).resolve()
            if not target.is_relative_to(dest.resolve()):
                continue                                           # zip-slip attempt: skipped
            if m.is_dir():                                         # an empty folder is an empty submission
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(m) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


def assign_ids(raw_ids) -> tuple[dict[str, str], list[str]]:
    """Raw student ids -> distinct gradebook ids (``[A-Za-z0-9._-]``), injectively.

    A raw id that is already clean keeps it; the others are sanitised, and when two raw ids
    sanitise to the same id the later ones (in sorted order) get ``-2``, ``-3``, ... Never a merge:
    returns the mapping and one report line per collision. Raw ids with nothing usable map to ''.
    """
    raws = sorted(set(raw_ids))
    taken: set[str] = {r for r in raws if r and sanitise_student_id(r) == r}
    mapping = {r: r for r in taken}
    report = []
    for raw in raws:
        if raw in mapping:
            continue
        sid = sanitise_student_id(raw)
        if not sid:
            mapping[raw] = ""
            continue
        if sid in taken:
            base, k = sid, 2
            while f"{base}-{k}" in taken:
                k += 1
            sid = f"{base}-{k}"
            others = sorted(r for r, s in mapping.items() if s == base)
            report.append(f"student ids {raw!r} and {', '.join(repr(o) for o in others)} both sanitise to {base!r}: "
                          f"{raw!r} is graded as {sid!r} (never merged)")
        taken.add(sid)
        mapping[raw] = sid
    return mapping, report


def collect(folder: Path, notebooks: list[str]) -> Intake:
    """Find every (student, notebook) in ``folder`` (either shape, even mixed). Every file and
    folder ends up graded or in ``unknown`` with the reason."""
    intake, best, empty = Intake(), {}, set()                      # best: (sid, nb) -> (resub, path)
    found: list[tuple[str, str, int, Path]] = []                   # (raw id, notebook, resubmission, path)
    folders: list[str] = []

    def rel(path: Path) -> str:
        return path.relative_to(folder).as_posix()

    for entry in sorted(folder.iterdir()):
        why = _why_ignored(entry.name)
        if why:
            intake.unknown.append(f"{rel(entry)}{'/' if entry.is_dir() else ''}: {why}{_count(entry)}")
            continue
        if entry.is_dir():                                         # one folder per student
            folders.append(entry.name)
            for path in sorted(entry.rglob("*")):
                inner = path.relative_to(entry).parts
                hidden = next((p for p in inner if _why_ignored(p)), None)
                if hidden is not None:
                    if path.name == hidden:                        # report the hidden entry once, not its contents
                        intake.unknown.append(f"{rel(path)}{'/' if path.is_dir() else ''}: {_why_ignored(hidden)}"
                                              f"{_count(path)}")
                    continue
                if not path.is_file():
                    continue
                match = _match_notebook(path.name, notebooks) if path.suffix == ".ipynb" else None
                if match is None:
                    intake.unknown.append(f"{rel(path)}: not a notebook of this week")
                else:
                    found.append((entry.name, match[1], match[2], path))
        else:                                                      # files named with the student id
            match = _match_notebook(entry.name, notebooks) if entry.suffix == ".ipynb" else None
            if match is None:
                intake.unknown.append(f"{entry.name}: not named <student>_<notebook>.ipynb for this week")
            else:
                found.append((match[0], match[1], match[2], entry))
    mapping, collisions = assign_ids([raw for raw, *_ in found] + folders)
    intake.collisions = collisions
    for raw, sid in mapping.items():
        if sid and sid != raw:
            intake.renamed[raw] = sid
    for name in folders:
        if mapping[name]:
            empty.add(mapping[name])                               # an empty folder is a (missing) submission
        else:
            intake.unknown.append(f"{name}/: no usable student id in the folder's name{_count(folder / name)}")
    for raw, nb, resub, path in found:
        sid = mapping[raw]
        if not sid:
            if path.parent != folder:
                continue                                           # in a folder: reported with the folder above
            intake.unknown.append(f"{rel(path)}: no student id in its name")
            continue
        key = (sid, nb)
        if key in best and best[key][0] >= resub:
            intake.unknown.append(f"{rel(path)}: superseded by {rel(best[key][1])}")
            continue
        if key in best:
            intake.unknown.append(f"{rel(best[key][1])}: superseded by {rel(path)}")
        best[key] = (resub, path)
    for sid in sorted(empty):
        intake.files.setdefault(sid, {})
    for (sid, nb), (_, path) in sorted(best.items()):
        intake.files.setdefault(sid, {})[nb] = path
    return intake


def write_nbgrader_layout(intake: Intake, submitted_dir: Path, week: str) -> list[str]:
    """Copy each student's files (bytes untouched) to ``submitted/<sid>/<week>/``; return the ids."""
    for sid, files in intake.files.items():
        dest = submitted_dir / sid / week
        if dest.exists():
            shutil.rmtree(dest)                                    # this intake replaces the student's last one
        dest.mkdir(parents=True)
        for nb, path in files.items():
            shutil.copyfile(path, dest / nb)
    return sorted(intake.files)
