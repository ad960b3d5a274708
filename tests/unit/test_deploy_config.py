"""The course hub's configuration (deploy/), checked without starting a hub (``make hub-test`` does).

The roster is the one place that lists the class; the hub config, the Zero to JupyterHub values
and nbgrader's student list must all follow it, and a bad roster must be refused with a message
that names the entry.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from traitlets.config.loader import PyFileConfigLoader

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

spec = importlib.util.spec_from_file_location("deploy_roster", DEPLOY / "roster.py")
roster = importlib.util.module_from_spec(spec)
sys.modules["deploy_roster"] = roster          # dataclasses look their module up there
spec.loader.exec_module(roster)


def _write(tmp_path: Path, **data) -> Path:
    base = {"course_id": "dlcourse", "exchange": "/srv/nbgrader/exchange", "instructors": ["prof"],
            "students": ["ann", "bob"], "limits": {"memory": "2G", "cpu": 0.5, "processes": 128}}
    base.update(data)
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(base))
    return path


def _hub_config(monkeypatch, roster_path: Path):
    monkeypatch.setenv("DLCOURSE_ROSTER", str(roster_path))
    monkeypatch.delenv("DLCOURSE_HUB_MODE", raising=False)
    monkeypatch.delenv("DLCOURSE_HUB_AUTH", raising=False)
    return PyFileConfigLoader("jupyterhub_config.py", str(DEPLOY)).load_config()


def test_the_shipped_roster_is_valid():
    r = roster.load_roster(DEPLOY / "roster.yaml")
    assert r.course_id == "dlcourse" and r.instructors and len(r.students) >= 3
    assert not set(r.instructors) & set(r.students)


def test_the_hub_config_takes_users_and_limits_from_the_roster(tmp_path, monkeypatch):
    c = _hub_config(monkeypatch, _write(tmp_path))
    assert c.Authenticator.allowed_users == {"prof", "ann", "bob"}
    assert c.JupyterHub.load_groups == {"instructors": {"users": ["prof"]}, "students": {"users": ["ann", "bob"]}}
    assert c.Spawner.mem_limit == 2 * 2**30 and c.Spawner.cpu_limit == 0.5
    cmd = c.LocalProcessSpawner.cmd
    assert cmd[0] == "prlimit" and f"--as={2 * 2**30}" in cmd and "--nproc=128" in cmd
    assert cmd[-1].endswith("jupyterhub-singleuser")
    assert c.Spawner.environment["DLCOURSE_EXCHANGE"] == "/srv/nbgrader/exchange"
    assert c.JupyterHub.authenticator_class == "pam"          # the machine's accounts unless told otherwise


def test_tljh_mode_leaves_spawner_and_authenticator_to_tljh(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_ROSTER", str(_write(tmp_path)))
    monkeypatch.setenv("DLCOURSE_HUB_MODE", "tljh")
    c = PyFileConfigLoader("jupyterhub_config.py", str(DEPLOY)).load_config()
    assert "spawner_class" not in c.JupyterHub and "authenticator_class" not in c.JupyterHub
    assert c.Authenticator.allowed_users == {"prof", "ann", "bob"} and c.Spawner.mem_limit == 2 * 2**30


@pytest.mark.parametrize("change, message", [
    ({"students": ["ann", "prof"]}, "both as instructor and as student: prof"),
    ({"students": ["Ann Smith"]}, "'Ann Smith' is not a valid user name"),
    ({"students": ["ann", "ann"]}, "listed twice"),
    ({"students": []}, "students: a non-empty list"),
    ({"limits": {"memory": "lots"}}, "limits.memory: 'lots' is not a size"),
    ({"exchange": "exchange"}, "must be an absolute path"),
    ({"course_id": "deep learning"}, "course_id"),
])
def test_a_bad_roster_is_refused_with_the_reason(tmp_path, change, message):
    with pytest.raises(roster.RosterError, match=re.escape(message)):
        roster.load_roster(_write(tmp_path, **change))


@pytest.mark.parametrize("text, size", [("4G", 4 * 2**30), ("512M", 512 * 2**20), ("1.5G", int(1.5 * 2**30)),
                                        ("1024", 1024)])
def test_sizes_are_read_as_jupyterhub_reads_them(text, size):
    assert roster.parse_size(text) == size


def test_z2jh_values_and_nbgrader_list_follow_the_roster(tmp_path, capsys):
    path = _write(tmp_path)
    assert roster.main(["z2jh", str(path)]) == 0
    values = yaml.safe_load(capsys.readouterr().out)
    assert values["hub"]["config"]["Authenticator"]["allowed_users"] == ["prof", "ann", "bob"]
    assert values["singleuser"]["memory"]["limit"] == "2G" and values["singleuser"]["cpu"]["limit"] == 0.5
    assert roster.main(["csv", str(path)]) == 0
    assert capsys.readouterr().out.split() == ["id", "ann", "bob"]


def test_hub_pins_are_exact_and_leave_the_students_pins_alone():
    name = lambda line: re.split(r"[=<>!~\[ ;]", line, 1)[0].lower().replace("_", "-")  # noqa: E731
    lines = [ln.strip() for ln in (DEPLOY / "requirements.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", ln) for ln in lines), lines
    students = {name(ln) for ln in (ROOT / "binder" / "lock.txt").read_text().splitlines() if "==" in ln}
    assert not {name(ln) for ln in lines} & students, "a hub pin would override binder/lock.txt"
    assert any(ln.startswith("jupyterhub==") for ln in lines)


def test_the_proxy_is_pinned_exactly():
    package = json.loads((DEPLOY / "proxy" / "package.json").read_text())
    lock = json.loads((DEPLOY / "proxy" / "package-lock.json").read_text())
    version = package["dependencies"]["configurable-http-proxy"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version)
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == version


def test_z2jh_values_file_is_valid_yaml_with_ngshare_and_the_same_uid():
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text())
    assert values["singleuser"]["uid"] == 1000
    assert "ngshare" in json.dumps(values["hub"]["extraConfig"])
