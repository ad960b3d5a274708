"""The class roster (deploy/roster.yaml): load and check it, and export it for other tools.

    python deploy/roster.py check [ROSTER]   # validate, print a summary
    python deploy/roster.py z2jh  [ROSTER]   # Zero to JupyterHub values (users, groups, limits)
    python deploy/roster.py csv   [ROSTER]   # nbgrader's student list: nbgrader db student import FILE

deploy/jupyterhub_config.py imports ``load_roster`` from here, so the hub, the Kubernetes values
and the gradebook all come from the same file.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / "roster.yaml"
# Portable Unix user names (useradd's default NAME_REGEX, lower case); also valid nbgrader ids.
NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class RosterError(ValueError):
    """The roster file is not usable; the message says which entry and why."""


@dataclass(frozen=True)
class Roster:
    course_id: str
    exchange: str
    instructors: tuple[str, ...]
    students: tuple[str, ...]
    memory: str          # as written, e.g. "4G"
    memory_bytes: int
    cpu: float
    processes: int

    @property
    def users(self) -> tuple[str, ...]:
        return self.instructors + self.students


def parse_size(text: str) -> int:
    """'4G' -> 4 * 2**30 (K, M, G, T are powers of 1024, as JupyterHub's mem_limit reads them)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)\s*", str(text).upper())
    if not m:
        raise RosterError(f"limits.memory: {text!r} is not a size such as 4G or 512M")
    return int(float(m.group(1)) * UNITS[m.group(2)])


def _names(data: dict, key: str) -> tuple[str, ...]:
    names = data.get(key) or []
    if not isinstance(names, list) or not names:
        raise RosterError(f"{key}: a non-empty list of user names is required")
    for name in names:
        if not isinstance(name, str) or not NAME.match(name):
            raise RosterError(f"{key}: {name!r} is not a valid user name (lower case letters, digits, _ and -, "
                              "starting with a letter or _, at most 32 characters)")
    if len(set(names)) != len(names):
        raise RosterError(f"{key}: a name is listed twice")
    return tuple(names)


def load_roster(path: str | Path = DEFAULT) -> Roster:
    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict):
        raise RosterError(f"{path}: expected a mapping with course_id, exchange, instructors, students, limits")
    instructors, students = _names(data, "instructors"), _names(data, "students")
    both = set(instructors) & set(students)
    if both:
        raise RosterError(f"listed both as instructor and as student: {', '.join(sorted(both))}")
    course_id = str(data.get("course_id", ""))
    if not re.fullmatch(r"[A-Za-z0-9_-]+", course_id):
        raise RosterError(f"course_id: {course_id!r} must be letters, digits, _ or -")
    exchange = str(data.get("exchange", "/srv/nbgrader/exchange"))
    if not exchange.startswith("/"):
        raise RosterError(f"exchange: {exchange!r} must be an absolute path")
    limits = data.get("limits") or {}
    memory = str(limits.get("memory", "4G"))
    cpu, processes = float(limits.get("cpu", 1.0)), int(limits.get("processes", 256))
    if cpu <= 0 or processes < 16:
        raise RosterError("limits: cpu must be > 0 and processes >= 16 (a Jupyter server alone runs about 10 threads)")
    return Roster(course_id=course_id, exchange=exchange, instructors=instructors, students=students,
                  memory=memory, memory_bytes=parse_size(memory), cpu=cpu, processes=processes)


def z2jh_values(r: Roster) -> dict:
    """The roster's part of the Zero to JupyterHub values (merged with deploy/z2jh/values.yaml by helm)."""
    return {
        "hub": {
            "config": {"Authenticator": {"allowed_users": list(r.users), "admin_users": list(r.instructors)}},
            "extraConfig": {"dlcourse-groups": (
                "c.JupyterHub.load_groups = " + repr({"instructors": {"users": list(r.instructors)},
                                                      "students": {"users": list(r.students)}}))},
        },
        "singleuser": {
            "memory": {"limit": r.memory, "guarantee": r.memory},
            "cpu": {"limit": r.cpu, "guarantee": min(r.cpu, 0.5)},
            "extraEnv": {"DLCOURSE_COURSE_ID": r.course_id},
        },
    }


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"check", "z2jh", "csv"}:
        print(__doc__)
        return 2
    roster = load_roster(argv[1] if len(argv) > 1 else DEFAULT)
    if argv[0] == "check":
        print(f"course {roster.course_id}: {len(roster.instructors)} instructor(s), {len(roster.students)} "
              f"student(s); per user {roster.memory} memory, {roster.cpu:g} CPU, {roster.processes} processes; "
              f"exchange {roster.exchange}")
    elif argv[0] == "z2jh":
        print("# generated by `python deploy/roster.py z2jh` from deploy/roster.yaml; do not edit")
        print(yaml.safe_dump(z2jh_values(roster), sort_keys=False), end="")
    else:
        print("id")
        print("\n".join(roster.students))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
