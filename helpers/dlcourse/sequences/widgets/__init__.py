"""Week 05 widgets (W5.2-W5.6 and the sampling temperature of the character model).

Same pattern as every course widget: ``_layout_*(fig)`` creates the axes once, ``compute_*``
turns the control values into a frozen state dataclass, ``render_*(state, fig)`` draws it; an
:class:`~dlcourse.widgetkit.Explorer` binds them. Builders take the students' functions (default:
the private references) and precompute what is slow (training snapshots, trained models,
gradient grids), so each callback stays well under 50 ms.
"""

from __future__ import annotations



from .hello import *  # noqa: F401,F403
from .gates import *  # noqa: F401,F403
from .flow import *  # noqa: F401,F403
from .sampling import *  # noqa: F401,F403
from .alignment import *  # noqa: F401,F403
from .alignment import _random_weights  # noqa: F401 (the weights the tests recompute)
from .hello import _hello_snapshots  # noqa: F401 (the snapshots the tests reuse)

__all__ = ["hello_stepper", "lstm_gate_lab", "gradient_flow", "sampling_temperature", "attention_calculator",
           "attention_heatmap"]
