"""Week 01 widgets (W1.1-W1.5): the only module of :mod:`dlcourse.boosting` that imports ipywidgets.

Each widget is three module-level functions bound to controls by :class:`~dlcourse.widgetkit.Explorer`:

* ``_layout_*(fig)`` creates the axes once, with everything that never changes (labels,
  ticks, fixed limits, legends drawn from proxy handles);
* ``compute_*`` turns precomputed fits (:mod:`.staged`) and control values into a frozen state dataclass;
* ``render_*(state, fig)`` adds the state's data artists and titles to ``fig.axes``, which
  the Explorer has emptied of the previous state's (it keeps axes, ticks and legends).

Builders fit what is expensive when built (or on the first use of a setting, then cached),
so a control change only indexes arrays and redraws. Where a widget shows something the
students implement, the builder takes their function, with the reference as default.
"""

from __future__ import annotations



from .stepper import *  # noqa: F401,F403
from .ensembles import *  # noqa: F401,F403
from .gradient import *  # noqa: F401,F403
from .faces import *  # noqa: F401,F403

__all__ = ["adaboost_stepper", "bagging_vs_boosting", "gradient_boosting_1d", "ml2_grade_table", "haar_explorer"]

# The conformance test moves every control; with 12 stages instead of 200 its refits take seconds.
CONFORMANCE_KWARGS = {"bagging_vs_boosting": {"n_max": 12}, "gradient_boosting_1d": {"n_max": 12}}
