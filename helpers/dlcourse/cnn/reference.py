"""Week 03's graded reference implementations, by exercise name: ``ref.conv_output_size`` is
``conv._conv_output_size``. For the package and the tests; notebooks never import this module
(CONTRIBUTING.md, "Graded reference implementations"). Importing it imports nothing.
"""

from .._lazy import private_table

WHERE = {                                   # exercise name -> the module that defines it as _<name>
    "conv_output_size": "conv",
    "conv_param_count": "conv",
    "conv2d_naive": "conv",
    "conv2d": "conv",
    "conv2d_backward": "conv",
    "max_pool2d": "conv",
    "avg_pool2d": "conv",
    "receptive_field": "architectures",
    "conv_mults": "architectures",
    "iou": "detection",
    "nms": "detection",
    "yolo_encode": "detection",
    "yolo_decode": "detection",
    "best_anchor": "detection",
}
__getattr__, __dir__ = private_table(__name__, WHERE)
