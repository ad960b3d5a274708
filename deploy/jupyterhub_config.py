"""JupyterHub configuration of the course hub (one machine).

    sudo .venv/bin/jupyterhub -f deploy/jupyterhub_config.py     # from the checkout, as root

Everything about the class comes from deploy/roster.yaml (or the file named by $DLCOURSE_ROSTER):
who may log in (instructors and students), the nbgrader course id and exchange folder, and the
per-user limits. Components, none of them ours:

- JupyterHub with its LocalProcessSpawner: each user's server runs as that user's Unix account
  (the hub runs as root), so Unix permissions keep students apart; configurable-http-proxy
  (npm, pinned in deploy/proxy/) in front.
- The students' environment is this venv: binder/lock.txt plus the hub's pins in
  deploy/requirements.txt (JupyterHub's single-user server must be installed beside JupyterLab).
- nbgrader's file-system exchange at ``exchange`` (deploy/jupyter/common/nbgrader_config.py,
  put on every server's JUPYTER_CONFIG_PATH): the assignment list in JupyterLab fetches and
  submits; the instructor runs nbgrader release_assignment / collect / release_feedback.
- Limits: ``prlimit`` (util-linux) starts each server with the roster's address-space and
  process limits, which every kernel inherits; Spawner.mem_limit / cpu_limit carry the same
  numbers for spawners that enforce them (systemd in TLJH, Kubernetes).
- The sandboxed grader (``make grade``, bubblewrap) runs in the instructor's own server, as the
  instructor, from their clone of the course (see README "Teaching a class").

Environment knobs (all optional): DLCOURSE_ROSTER, DLCOURSE_HUB_AUTH (``pam``, the default: the
machine's own passwords; ``dummy`` for tests), DLCOURSE_HUB_MODE (``local``, the default, or
``tljh``: then The Littlest JupyterHub keeps its own spawner, authenticator and proxy and this
file only adds the class: drop it into /opt/tljh/config/jupyterhub_config.d/).
"""

import os
import pwd
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from roster import load_roster  # noqa: E402  (deploy/roster.py, beside this file)

c = get_config()  # noqa: F821  (injected by traitlets)

ROSTER = load_roster(os.environ.get("DLCOURSE_ROSTER", HERE / "roster.yaml"))
MODE = os.environ.get("DLCOURSE_HUB_MODE", "local")
ENV_BIN = Path(sys.executable).parent          # the venv the hub runs from = the students' environment

# --- who: instructors and students, from the roster -------------------------------------------
c.Authenticator.allowed_users = set(ROSTER.users)
c.JupyterHub.load_groups = {"instructors": {"users": list(ROSTER.instructors)},
                            "students": {"users": list(ROSTER.students)}}

# --- every server: JupyterLab, nbgrader's exchange config, the roster's limits -----------------
COMMON = HERE / "jupyter" / "common"     # nbgrader_config.py: course id + exchange (everyone)
STUDENT = HERE / "jupyter" / "student"   # hides nbgrader's instructor tools from students
c.Spawner.default_url = "/lab"
c.Spawner.environment = {"DLCOURSE_COURSE_ID": ROSTER.course_id, "DLCOURSE_EXCHANGE": ROSTER.exchange}
c.Spawner.mem_limit = ROSTER.memory_bytes
c.Spawner.cpu_limit = ROSTER.cpu


def _prepare_user(spawner):
    """Before each server starts (as root): role-specific Jupyter config path, a private home, and
    the exchange with the course's folder owned by the instructor."""
    name = spawner.user.name
    instructor = name in ROSTER.instructors
    spawner.environment = {**spawner.environment,   # a new dict: the configured one is shared
                           "JUPYTER_CONFIG_PATH": str(COMMON) if instructor else f"{STUDENT}{os.pathsep}{COMMON}",
                           "DLCOURSE_ROLE": "instructor" if instructor else "student"}
    if MODE != "local":
        return
    home = Path(pwd.getpwnam(name).pw_dir)
    os.chmod(home, 0o700)                     # useradd's default (umask 022) would be 0755
    # nbgrader wants an exchange root everyone may write (it checks for 0777); the sticky bit, as
    # on /tmp, stops anyone removing or renaming an entry that is not theirs, and the course's
    # folder is made here, the first instructor's, before a student could claim the name.
    exchange = Path(ROSTER.exchange)
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o1777)
    course = exchange / ROSTER.course_id      # nbgrader creates outbound/ inbound/ feedback/ in it
    owner = pwd.getpwnam(ROSTER.instructors[0])
    if not os.path.lexists(course):
        course.mkdir()
        shutil.chown(course, owner.pw_uid, owner.pw_gid)
        os.chmod(course, 0o755)
    elif course.is_symlink() or course.lstat().st_uid != owner.pw_uid:
        raise RuntimeError(f"{course} is not a folder of {owner.pw_name}: someone else created it; "
                           "remove it and start the server again")


c.Spawner.pre_spawn_hook = _prepare_user

if MODE == "local":
    c.JupyterHub.spawner_class = "localprocess"
    c.LocalProcessSpawner.cmd = ["prlimit", f"--as={ROSTER.memory_bytes}", f"--nproc={ROSTER.processes}",
                                 "--core=0", "--", str(ENV_BIN / "jupyterhub-singleuser")]
    c.JupyterHub.authenticator_class = os.environ.get("DLCOURSE_HUB_AUTH", "pam")
    proxy = HERE / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if proxy.exists():                        # `npm ci --prefix deploy/proxy`; else the one on PATH
        c.ConfigurableHTTPProxy.command = [str(proxy)]
