"""Object-detection building blocks in NumPy: IoU, non-max suppression, YOLO targets, anchors.

Graded in the Week 03 notebooks, hence the private names. Boxes are corner format
[x1, y1, x2, y2] in **continuous** pixel coordinates (x to the right, y down; a pixel i covers
[i, i+1)), so width = x2 - x1 with no "+1 pixel" convention (as torchvision, unlike the old
PASCAL VOC code). The YOLO target has one box per cell (B = 1): channels
[x, y, w, h, objectness, one-hot class (C)], the centre (x, y) as offsets inside its cell in
[0, 1) and (w, h) in units of the cell size, so they may exceed 1 (the Coursera DLS b_x, b_y, b_w,
b_h; the YOLO v1 paper divides w, h by the image size instead). NMS follows the DLS rule: a box
whose IoU with a kept box is >= the threshold is suppressed (torchvision suppresses only > it).
Letters as in the YOLO paper (an exception to CONTRIBUTING.md): S grid cells per side, C
classes, B boxes per cell; a grid is (S, S, 5 + C).

Public: :func:`detect_objects`, the notebooks' detection pipeline (decode, then NMS per class)
run with the student's ``yolo_decode`` and ``nms``.
"""

from __future__ import annotations

import numpy as np

from ..arrays import box_area, box_iou_matrix

__all__ = ["detect_objects"]


_area = box_area                 # the shared helpers of :mod:`dlcourse.arrays` (the data layer uses them too)
_iou_matrix = box_iou_matrix


def _iou(box_a, box_b) -> float:
    """Intersection over union of two [x1, y1, x2, y2] boxes, in [0, 1].

    Example: [0, 0, 2, 2] and [1, 0, 3, 2] overlap in a 1 x 2 strip: 2 / (4 + 4 - 2) = 1/3.
    """
    return float(_iou_matrix(box_a, box_b)[0, 0])


def _nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float = 0.5) -> np.ndarray:
    """Greedy non-max suppression: indices of the kept boxes, highest score first.

    Repeatedly keep the best remaining box and drop every other remaining box whose IoU
    with it is **at least** ``iou_threshold`` (the Coursera DLS rule; torchvision.ops.nms drops
    only IoU > threshold, which differs only at exact equality). Ties in
    score keep the earlier index first. No score filter and no classes here: filter by
    score first, and run once per class for per-class NMS.
    boxes : (N, 4); scores : (N,). Returns (k,) int64.
    """
    boxes, scores = np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="stable")                      # (N,) best first
    ious = _iou_matrix(boxes, boxes)                                # (N, N)
    alive = np.ones(len(boxes), dtype=bool)
    keep = []
    for i in order:
        if alive[i]:
            keep.append(i)
            alive &= ious[i] < iou_threshold                        # also kills i itself (IoU 1)
    return np.array(keep, dtype=np.int64)


def _image_hw(image_size) -> tuple[float, float]:
    """``image_size`` as (H, W): an int means a square image."""
    return (float(image_size), float(image_size)) if np.isscalar(image_size) else tuple(map(float, image_size))


def _yolo_encode(boxes: np.ndarray, labels: np.ndarray, S: int, n_classes: int, image_size) -> np.ndarray:
    """YOLO target (S, S, 5 + C) for one image, one box per cell.

    boxes : (k, 4) [x1, y1, x2, y2] in pixels; labels : (k,) ints in [0, C);
    image_size : int (square) or (H, W). The object belongs to the cell [row, col] holding
    its centre (a centre exactly on a cell border goes to the cell right/below; one on the
    image's far edge to the last cell). Channels: x, y = centre offsets inside the cell in
    [0, 1); w, h = box size / cell size (may exceed 1); objectness = 1; then the one-hot class. If two
    objects share a cell, the first one listed wins (the grid cannot hold both).
    """
    H, W = _image_hw(image_size)
    target = np.zeros((S, S, 5 + n_classes))
    for (x1, y1, x2, y2), c in zip(np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(labels, dtype=int)):
        gx, gy = (x1 + x2) / 2 / W * S, (y1 + y2) / 2 / H * S       # centre in cell units
        col, row = min(int(gx), S - 1), min(int(gy), S - 1)
        if target[row, col, 4]:
            continue
        target[row, col, :5] = [gx - col, gy - row, (x2 - x1) / W * S, (y2 - y1) / H * S, 1.0]
        target[row, col, 5 + c] = 1.0
    return target


def _yolo_decode(output: np.ndarray, conf_threshold: float = 0.5,
                 image_size=1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes from a YOLO grid (S, S, 5 + C): the inverse of :func:`_yolo_encode`.

    A cell's score is objectness * its largest class probability (YOLO's class-specific
    confidence); cells with score > ``conf_threshold`` give a box. Returns boxes (k, 4) in
    pixels [x1, y1, x2, y2], scores (k,) and labels (k,) int64, in row-major cell order.
    """
    output = np.asarray(output, dtype=float)
    S = output.shape[0]
    H, W = _image_hw(image_size)
    probs = output[..., 5:]                                         # (S, S, C)
    scores = output[..., 4] * probs.max(axis=-1)                    # (S, S)
    rows, cols = np.nonzero(scores > conf_threshold)
    x, y, w, h = (output[rows, cols, i] for i in range(4))          # each (k,)
    cx, cy = (cols + x) / S * W, (rows + y) / S * H                 # centres in pixels
    bw, bh = w / S * W, h / S * H                                   # cell units -> pixels
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=-1).reshape(-1, 4)
    return boxes, scores[rows, cols], probs[rows, cols].argmax(axis=-1).astype(np.int64)


def _best_anchor(box_wh, anchors_wh) -> int | np.ndarray:
    """Index of the anchor whose shape best matches each box: IoU of (w, h) boxes centred together.

    box_wh : (2,) or (N, 2); anchors_wh : (A, 2). The overlap of two centred boxes is
    min(w) * min(h). Returns an int for one box, (N,) int64 for many; ties go to the first anchor.
    """
    box_wh, anchors_wh = np.asarray(box_wh, dtype=float), np.asarray(anchors_wh, dtype=float).reshape(-1, 2)
    b = box_wh.reshape(-1, 1, 2)                                    # (N, 1, 2)
    inter = np.prod(np.minimum(b, anchors_wh[None]), axis=-1)       # (N, A)
    union = np.prod(b, axis=-1) + np.prod(anchors_wh, axis=-1)[None] - inter
    best = np.argmax(inter / union, axis=-1)                        # (N,)
    return int(best[0]) if box_wh.ndim == 1 else best.astype(np.int64)


def detect_objects(grid: np.ndarray, decode, nms, conf_threshold: float = 0.1,
                   image_size=1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A YOLO grid (S, S, 5 + C) -> boxes (M, 4), scores (M,), labels (M,), best score first.

    ``decode(grid, conf_threshold, image_size=...)`` gives the candidate boxes, scores and labels;
    ``nms(boxes, scores)`` (its default thresholds) is then run separately for each class, so a
    box never suppresses a box of another class.
    """
    boxes, scores, labels = decode(grid, conf_threshold, image_size=image_size)
    keep: list[int] = []
    for c in np.unique(labels):                                      # NMS separately per class
        idx = np.flatnonzero(labels == c)
        keep += [int(idx[k]) for k in nms(boxes[idx], scores[idx])]
    keep = sorted(keep, key=lambda i: -scores[i])
    return boxes[keep], scores[keep], labels[keep]
