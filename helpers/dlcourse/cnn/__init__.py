"""Week 03 - convolutions, pooling and object detection (IoU, NMS, YOLO targets, anchors).

Numerics live in :mod:`.conv` (NumPy conv/pool forward and backward, float64, NCHW, torch's
weight layout (C_out, C_in, kh, kw); the lecture's X/O "multiply and average" map) and
:mod:`.detection` (boxes as [x1, y1, x2, y2] in continuous pixel coordinates). Every piece is
graded in the Week 03 notebooks, hence the private names (``_conv2d``, ``_iou``, ...); the
widgets accept the students' versions. The X/O images and the shapes detection set live in
:mod:`dlcourse.data.shapes`. Importing this package loads NumPy only.
"""

__all__: list[str] = []
