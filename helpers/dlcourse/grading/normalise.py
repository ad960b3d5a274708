"""Turn what an LMS exports into nbgrader's layout ``submitted/<student>/<week>/<notebook>.ipynb``.

Accepted shapes (a folder, or a .zip of one):

- one folder per student: ``<student>/.../<notebook>.ipynb`` (any depth, so nbgrader's own
  ``<student>/<week>/`` and Moodle's ``Jane Doe_123_assignsubmission_file_/`` both work);
- files named with the student id: ``<student><sep><notebook>.ipynb`` with ``sep`` one of
  ``_ - space`` (Canvas: ``doejane_123_456_01_ensembles-1.ipynb``; a trailing ``-N`` is a
  resubmission number and the highest wins).

Student ids are sanitised to ``[A-Za-z0-9._-]``. Everything else (other files, notebooks whose
name matches no release notebook, files without a student id) is reported, never graded.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

IGNORED_PARTS = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}
MAX_ZIP_BYTES = 2 * 2**30          # refuse zip bombs
_RESUBMISSION = re.compile(r"^(?P<stem>.*?)(?:-(?P<n>\d+)| \((?P<m>\d+)\))?$")


@dataclass
class Intake:
    """Who handed in which notebook, and what could not be used."""

    files: dict[str, dict[str, Path]] = field(default_factory=dict)   # student -> notebook name -> file
    unknown: list[str] = field(default_factory=list)                  # "path: why"
    renamed: dict[str, str] = field(default_factory=dict)             # raw name -> sanitised student id


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


def _usable(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(p in IGNORED_PARTS or p.startswith(".") for p in parts)


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


def collect(folder: Path, notebooks: list[str]) -> Intake:
    """Find every (student, notebook) in ``folder`` (either shape, even mixed)."""
    intake, best, empty = Intake(), {}, set()                      # best: (sid, nb) -> (resub, path)

    def add(raw_id: str, nb: str, resub: int, path: Path) -> None:
        sid = sanitise_student_id(raw_id)
        if not sid:
            intake.unknown.append(f"{path.relative_to(folder)}: no student id in its name")
            return
        if sid != raw_id:
            intake.renamed[raw_id] = sid
        key = (sid, nb)
        if key in best and best[key][0] >= resub:
            intake.unknown.append(f"{path.relative_to(folder)}: superseded by {best[key][1].relative_to(folder)}")
            return
        if key in best:
            intake.unknown.append(f"{best[key][1].relative_to(folder)}: superseded by {path.relative_to(folder)}")
        best[key] = (resub, path)

    for entry in sorted(folder.iterdir()):
        if not _usable(entry, folder):
            continue
        if entry.is_dir():                                         # one folder per student
            sid = sanitise_student_id(entry.name)
            if sid:
                empty.add(sid)                                     # an empty folder is a (missing) submission
            for path in sorted(p for p in entry.rglob("*") if p.is_file() and _usable(p, folder)):
                match = _match_notebook(path.name, notebooks) if path.suffix == ".ipynb" else None
                if match is None:
                    intake.unknown.append(f"{path.relative_to(folder)}: not a notebook of this week")
                else:
                    add(entry.name, match[1], match[2], path)
        else:                                                      # files named with the student id
            match = _match_notebook(entry.name, notebooks) if entry.suffix == ".ipynb" else None
            if match is None:
                intake.unknown.append(f"{entry.name}: not named <student>_<notebook>.ipynb for this week")
            else:
                add(match[0], match[1], match[2], entry)
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
