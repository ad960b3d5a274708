"""nbgrader's ``Execute`` with the limits and defences nbgrader leaves out.

:class:`GuardedExecute` replaces ``Execute`` in nbgrader's autograde pipeline (everything else,
``determine_grade`` included, is nbgrader's own, so scores match ``nbgrader autograde``). On top:

- the kernel starts inside the bubblewrap sandbox (:mod:`dlcourse.grading.sandbox`), in a
  folder holding only the release's data files (never the notebook with its hidden tests, the
  gradebook or other students' work) with a scrubbed environment (no ``NBGRADER_EXECUTION``,
  one BLAS/torch thread); with ``--no-sandbox``, in a host scratch folder with the same files;
- a per-submission deadline: once passed, remaining cells are not run and score 0;
- a dead kernel (``os._exit``, segfault, out of memory) does not abort the notebook: the cell
  that killed it and every later cell get an error output, so they score 0 and earlier cells
  keep their score (nbgrader would drop the whole student);
- a Python warning on stderr in a test cell is moved to stdout (nbgrader would score it 0);
- output is capped per cell and per notebook as it streams in (error outputs always kept,
  a dropped stderr leaves a stderr note so nbgrader's stderr rule still applies);
- :mod:`dlcourse.grading.kernel_guard` restores replaced checks before every test cell.

What happened is recorded in :data:`EVENTS` (the worker grades one submission per process).
"""

from __future__ import annotations

import ast
import os
import re
import time

from jupyter_core.utils import ensure_async, run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from .cells import SETUP, TESTS, role
from .config import KERNEL_ENV, SCRUBBED_ENV_PREFIXES
from .records import Event

EVENTS: list[Event] = []
KERNEL_TIMEOUT = "KernelTimeout"
_WARNING = re.compile(r"^\S*:\d+: \w*Warning: ", re.M)      # how the warnings module formats a warning


class Settings:
    """Set by the worker before grading (one submission per process, so class state is fine)."""

    scratch: str | None = None
    sandbox = None                         # a sandbox.SandboxConfig: every kernel runs inside bwrap; None: not
    deadline: float | None = None          # time.monotonic() after which no cell starts
    cell_output_bytes: int = 200_000
    notebook_output_bytes: int = 2_000_000


def kernel_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_ENV_PREFIXES)}
    env.update(KERNEL_ENV)
    return env


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GuardedExecute(Execute):

    def preprocess(self, nb, resources=None, km=None):
        self._notebook = (resources or {}).get("unique_key", "?")
        self._dead: str | None = None
        self._armed = False
        self._nb_bytes = 0
        self._cell_bytes: dict[int, int] = {}
        self._noted: set = set()
        return super().preprocess(nb, resources, km)

    async def async_start_new_kernel(self, **kwargs):
        if Settings.scratch:
            kwargs["cwd"] = Settings.scratch
        kwargs["env"] = kernel_env()
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)    # nbclient binds the sync twin at class creation

    def create_kernel_manager(self):
        if Settings.sandbox is not None:                   # the kernel runs inside bwrap (dlcourse.grading.sandbox)
            from .sandbox import kernel_manager_class

            self.kernel_manager_class = kernel_manager_class()
        km = super().create_kernel_manager()
        if Settings.sandbox is not None:
            km.sandbox_config = Settings.sandbox
            km.sandbox_data = Settings.scratch
        return km

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if Settings.deadline is not None:
            left = max(1, int(Settings.deadline - time.monotonic()) + 1)
            timeout = min(timeout, left) if timeout else left
        return timeout

    # ------------------------------------------------------------ events
    def _event(self, kind: str, cell_index: int, detail: str = "") -> None:
        EVENTS.append(Event(kind, self._notebook, cell_index, detail))

    # ------------------------------------------------------------ talking to the kernel's guard
    def _guard(self, call: str):
        """Evaluate ``kernel_guard.<call>`` in the kernel; None if the kernel does not answer."""
        expr = f"__import__('dlcourse.grading.kernel_guard', fromlist=['_']).{call}"

        async def send():
            return await ensure_async(self.kc.execute("", silent=True, store_history=False, user_expressions={"r": expr}))

        msg_id = run_sync(send)()
        reply = self.wait_for_reply(msg_id)
        if reply is None:
            return None
        result = reply["content"].get("user_expressions", {}).get("r", {})
        if result.get("status") != "ok":
            return [f"the grader's integrity check failed: {result.get('ename')}: {result.get('evalue')}"]
        try:
            return ast.literal_eval(result["data"]["text/plain"])
        except (ValueError, SyntaxError, KeyError):
            return ["the grader's integrity check returned garbage"]

    # ------------------------------------------------------------ per cell
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._dead is not None:
            cell.outputs = [_error("KernelDied", f"not run: {self._dead}")]
            return cell, resources
        if Settings.deadline is not None and time.monotonic() > Settings.deadline:
            cell.outputs = [_error("SubmissionTimeout", "not run: the submission's time limit was reached")]
            self._event("submission_timeout", index)
            return cell, resources
        try:
            if not self._armed:
                self._armed = self._guard("arm()") is not None
            replaced = self._guard("restore()") if role(cell) == TESTS else []
            if replaced is None:
                return self._unresponsive(cell, index), resources
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = f"the kernel died while running cell {index}"
            self._event("kernel_died", index)
            cell.outputs = list(cell.get("outputs", [])) + [_error("KernelDied", "the kernel died while running this cell "
                                                                   "(os._exit, a crash or the memory limit)")]
            return cell, resources
        except CellTimeoutError:                           # interrupted, but the kernel stays busy (SIGINT ignored)
            return self._unresponsive(cell, index), resources
        if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self._event("cell_timeout", index)
        if replaced:
            self._event("integrity", index, "; ".join(replaced))
            cell.outputs.append(_error("IntegrityError", "student code replaced the grader's checks: " + "; ".join(replaced)))
        if role(cell) in (SETUP, TESTS) and self._guard("remember()") is None:
            return self._unresponsive(cell, index), resources
        return cell, resources

    def _unresponsive(self, cell, index):
        self._dead = f"the kernel stopped responding (cell {index})"
        self._event("cell_timeout", index, "kernel unresponsive after interrupt")
        cell.outputs = list(cell.get("outputs", [])) + [_error(KERNEL_TIMEOUT, "the kernel did not respond")]
        return cell

    # ------------------------------------------------------------ output caps
    def output(self, outs, msg, display_id, cell_index):
        msg_type = msg["msg_type"]
        if msg_type == "error":
            return super().output(outs, msg, display_id, cell_index)
        content = msg["content"]
        if msg_type == "stream" and content.get("name") == "stderr" and _WARNING.search(content.get("text", "")) \
                and cell_index < len(self.nb.cells) and role(self.nb.cells[cell_index]) == TESTS:
            content["name"] = "stdout"                     # a library warning must not zero a passing test (row 28)
        if msg_type == "stream":
            size = len(content.get("text", ""))
        else:
            size = sum(len(str(v)) for v in (content.get("data") or {}).values())
        used = self._cell_bytes.get(cell_index, 0)
        if used + size > Settings.cell_output_bytes or self._nb_bytes + size > Settings.notebook_output_bytes:
            name = content.get("name", "stdout") if msg_type == "stream" else "stdout"
            if (cell_index, name) not in self._noted:
                self._noted.add((cell_index, name))
                self._event("output_truncated", cell_index)
                note = NotebookNode(output_type="stream", name=name,
                                    text=f"\n[... {name} truncated by the grader: output limit reached ...]\n")
                outs.append(note)
            return None
        self._cell_bytes[cell_index] = used + size
        self._nb_bytes += size
        return super().output(outs, msg, display_id, cell_index)
