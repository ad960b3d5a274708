"""Week 03 - convolutions, pooling and object detection (IoU, NMS, YOLO targets, anchors).

Numerics live in :mod:`.conv` (NumPy conv/pool forward and backward, float64, NCHW, torch's
weight layout (C_out, C_in, kh, kw); the lecture's X/O "multiply and average" map) and
:mod:`.detection` (boxes as [x1, y1, x2, y2] in continuous pixel coordinates). Every piece is
graded in the Week 03 notebooks, hence the private names (``_conv2d``, ``_iou``, ...); the
widgets accept the students' versions. :mod:`.architectures` holds the architecture
arithmetic (receptive fields of (kind, k, s) layer stacks, multiplications of a conv).

The view layer: :mod:`.plots` (pure ``(data, ax)`` drawing helpers: number grids, cell
outlines, boxes, the receptive-field pyramid; and the notebooks' whole figures) and
:mod:`.widgets` (the only module importing ipywidgets), with one builder per lecture widget, each taking the student's function(s):
``xo_matcher(match)``, ``conv_arithmetic(output_size, param_count)``,
``kernel_playground(conv, pool)``, ``receptive_field_explorer(receptive_field)`` and
``yolo_grid(iou, nms, predictions=None)``. The X/O images and the shapes detection set live
in :mod:`dlcourse.data.shapes`, the photos in :mod:`dlcourse.data.images`. Importing this
package loads NumPy only.

Shape letters (CONTRIBUTING.md) with this week's exceptions, kept because the lecture uses
them: the conv-arithmetic formula and widget speak the lecture's ``W1, F, S, P, K, D1`` (input
width, filter size, **S = stride**, padding, **K = number of filters**, input depth = C_in); in
YOLO, **S = grid cells per side**, C = classes and B = boxes per cell, as in the YOLO paper.
Code outside those two uses ``stride``, ``C_in`` / ``C_out`` and ``F``.
"""

__all__: list[str] = []
