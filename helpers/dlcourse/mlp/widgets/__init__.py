"""Week 02 widgets (W2.1-W2.5): the only module of :mod:`dlcourse.mlp` that imports ipywidgets.

Each widget is a ``_layout_*(fig)`` that creates the axes once, a ``compute_*`` that turns
control values (and, for the steppers, a small session object that the buttons advance) into
a state dict, and a ``render_*(state, fig)`` that draws the state on the emptied axes; an
:class:`~dlcourse.widgetkit.Explorer` binds them to the controls. Where a widget shows
something the students implement, the builder takes their function (default: the reference).
"""

from __future__ import annotations



from .activation import *  # noqa: F401,F403
from .neuron import *  # noqa: F401,F403
from .playground import *  # noqa: F401,F403
from .stepper import *  # noqa: F401,F403
from ._common import ActivationPair, REFERENCE_ACTIVATIONS  # noqa: F401 (public names of the former widgets.py)

__all__ = ["activation_explorer", "perceptron_explorer", "mlp_playground", "backprop_stepper", "loss_slice"]
