"""Week 02 figures: pure ``(data..., ax) -> Axes`` helpers, no state, no ipywidgets.

Colours come from :mod:`dlcourse.plotting` (Okabe-Ito): class 0 (or -1) blue, class 1 (or +1)
orange, probabilities of class 1 run blue -> white -> orange (``REGION_CMAP``); a function is
drawn in blue, its derivative in orange, gradients are written in vermillion and updated weights
in green.

Modules: :mod:`.core` (used by the widgets and every notebook), :mod:`.perceptron` (notebook 1:
perceptron runs, activation curves, the XOR network's two spaces), :mod:`.training` (notebook 2),
:mod:`.autograd` (notebook 3: the computation graph, the engine against its PyTorch twin).
Everything is importable from ``dlcourse.mlp.plots``.
"""

from .autograd import plot_score_grid, plot_twin_losses, plot_value_graph
from .core import (EDGES_222, NODES_222, SATURATION_Z, make_grid, plot_activation, plot_decision_boundary,
                   plot_decision_line, plot_loss_curve, plot_network_222, plot_points, plot_probability_map,
                   saturated_regions)
from .perceptron import (plot_activation_curves, plot_boundary_history, plot_hidden_space, plot_input_space,
                         plot_line_across, plot_mistakes_per_epoch, plot_signed_points, plot_tanh_erratum)
from .training import plot_misclassified_digits

__all__ = ["SATURATION_Z", "saturated_regions", "plot_activation", "make_grid", "plot_points",
           "plot_probability_map", "plot_decision_boundary", "plot_decision_line", "plot_loss_curve",
           "NODES_222", "EDGES_222", "plot_network_222",
           "plot_signed_points", "plot_line_across", "plot_boundary_history", "plot_mistakes_per_epoch",
           "plot_activation_curves", "plot_tanh_erratum", "plot_input_space", "plot_hidden_space",
           "plot_misclassified_digits", "plot_value_graph", "plot_twin_losses", "plot_score_grid"]
