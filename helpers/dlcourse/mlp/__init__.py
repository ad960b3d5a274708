"""Week 02 - perceptron, activations, losses, backpropagation, a NumPy MLP, scalar autograd.

Numerics live in :mod:`.activations`, :mod:`.losses`, :mod:`.perceptron`, :mod:`.backprop`
(the lecture's 2-2-2 network), :mod:`.network` (an L-layer MLP with a manual backward pass)
and :mod:`.engine` (a micrograd-style ``_Value``), with :mod:`.twin` checking a scalar engine
against PyTorch; figures in the :mod:`.plots` subpackage; ipywidgets only in :mod:`.widgets`. Graded pieces are private (``_sigmoid``, ``_mlp_backward``, ...): the
notebooks ask students to write them, and the widgets accept the students' versions.
Importing this package loads NumPy only (no matplotlib, ipywidgets or torch).
"""

from .backprop import WEIGHT_NAMES
from .network import INIT_SCHEMES, LOSSES, OUTPUTS, accuracy, n_layers, one_hot

__all__ = ["WEIGHT_NAMES", "INIT_SCHEMES", "OUTPUTS", "LOSSES", "one_hot", "accuracy", "n_layers"]
