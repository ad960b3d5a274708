"""Week 03 widgets (W3.1-W3.5): the only module of :mod:`dlcourse.cnn` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values into a frozen state dataclass (calling the student's function), and a ``render_*(state,
fig)`` that draws it; an :class:`~dlcourse.widgetkit.Explorer` binds them to the controls.
Every builder takes the student's function(s), default the private reference in
:mod:`dlcourse.cnn`, so students watch their own code at work; what their function returns
is checked (shape, type) and a clear message appears under the figure when it is wrong.

Controls that steer other controls (a preset that fills a kernel, a stack that sets a
slider's range) are wired by observers registered *before* the Explorer's, which change the
other controls inside ``with ex.hold(redraw=False):`` (no redraw; ``ex.held`` tells them apart
from the user's changes), so one user action gives one redraw.
"""

from __future__ import annotations



from .xo import *  # noqa: F401,F403
from .arithmetic import *  # noqa: F401,F403
from .kernels import *  # noqa: F401,F403
from .receptive import *  # noqa: F401,F403
from .yolo import *  # noqa: F401,F403
from ._common import BAD, GOOD  # noqa: F401 (public names of the former widgets.py)

__all__ = ["xo_matcher", "conv_arithmetic", "kernel_playground", "receptive_field_explorer", "yolo_grid"]
