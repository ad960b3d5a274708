"""Week 04 widgets (W4.1-W4.5, W4.7): the only module of :mod:`dlcourse.training` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values (and what the builder precomputed) into a frozen state dataclass, and a
``render_*(state, fig)`` that draws the state on the emptied axes; an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders precompute what they can (all
learning rates of the optimiser race in one vectorised run, every batch size, ...), so light
controls only select and redraw; controls that retrain update on release and the figure
reports the time. Where a widget shows something the students implement, the builder takes
their function (default: the private reference).
"""

from __future__ import annotations



from .race import *  # noqa: F401,F403
from .batch_size import *  # noqa: F401,F403
from .schedule import *  # noqa: F401,F403
from .gradients import *  # noqa: F401,F403
from .overfitting import *  # noqa: F401,F403
from .augmentation import *  # noqa: F401,F403
from ._common import REFERENCE_STEPS  # noqa: F401 (public names of the former widgets.py)

__all__ = ["optimizer_race", "batch_size_explorer", "schedule_plotter", "vanishing_gradients", "overfitting_lab",
           "augmentation_previewer"]
