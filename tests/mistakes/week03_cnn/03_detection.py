"""Typical wrong (and alternative right) answers for week03_cnn/03_detection.ipynb."""

import numpy as np
from mistakes import quiz, right, variants, wrong


# ------------------------------------------------------------------------------------------- iou
def _iou_generic(a, b, *, plus_one=0.0, clip=True, denom="union"):
    """IoU with a switch per slip; the defaults are correct."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    iw = min(a[2], b[2]) - max(a[0], b[0]) + plus_one
    ih = min(a[3], b[3]) - max(a[1], b[1]) + plus_one
    if clip:
        iw, ih = max(iw, 0.0), max(ih, 0.0)
    inter = iw * ih
    area_a = (a[2] - a[0] + plus_one) * (a[3] - a[1] + plus_one)
    area_b = (b[2] - b[0] + plus_one) * (b[3] - b[1] + plus_one)
    if denom == "sum":
        return float(inter / (area_a + area_b))
    if denom == "a":
        return float(inter / area_a)
    return float(inter / (area_a + area_b - inter))


def _iou_clip_product(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    inter = max(0.0, (min(a[2], b[2]) - max(a[0], b[0])) * (min(a[3], b[3]) - max(a[1], b[1])))
    return float(inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter))


def _iou_numpy(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    wh = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0, None)
    inter = wh.prod()
    return float(inter / (np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter))


def _iou_explicit(a, b):
    ax1, ay1, ax2, ay2 = (float(v) for v in a)
    bx1, by1, bx2, by2 = (float(v) for v in b)
    if ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1:
        return 0.0
    inter = (min(ax2, bx2) - max(ax1, bx1)) * (min(ay2, by2) - max(ay1, by1))
    return inter / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter)


# ------------------------------------------------------------------------------------------- nms
def _ref_iou(a, b):
    return _iou_numpy(a, b)


def _nms_generic(boxes, scores, score_threshold=0.6, iou_threshold=0.5, *, score_filter=">",
                 suppress=">=", order="desc", against="kept", ties="stable", sort_result=False):
    """NMS with a switch per slip; the defaults are correct."""
    boxes, scores = np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(scores, dtype=float)
    if order == "asc":
        idx = list(np.argsort(scores, kind="stable"))
    elif ties == "reversed":
        idx = list(np.argsort(scores, kind="stable")[::-1])
    else:
        idx = list(np.argsort(-scores, kind="stable"))
    passes = {">": lambda s: s > score_threshold, ">=": lambda s: s >= score_threshold, "none": lambda s: True}
    idx = [int(i) for i in idx if passes[score_filter](scores[i])]
    hits = (lambda v: v >= iou_threshold) if suppress == ">=" else (lambda v: v > iou_threshold)
    keep, seen = [], []
    for i in idx:
        pool = keep if against == "kept" else seen
        if not any(hits(_ref_iou(boxes[i], boxes[k])) for k in pool):
            keep.append(i)
        seen.append(i)
    return sorted(keep) if sort_result else keep


def _nms_hardcoded_thresholds(boxes, scores, score_threshold=0.6, iou_threshold=0.5):
    return _nms_generic(boxes, scores)


def _nms_matrix(boxes, scores, score_threshold=0.6, iou_threshold=0.5):
    """Vectorised: an IoU matrix and a boolean mask of alive boxes; returns an array."""
    boxes, scores = np.asarray(boxes, dtype=float).reshape(-1, 4), np.asarray(scores, dtype=float)
    lo = np.maximum(boxes[:, None, :2], boxes[None, :, :2])
    hi = np.minimum(boxes[:, None, 2:], boxes[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=-1)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=-1)
    table = inter / (area[:, None] + area[None, :] - inter)
    alive = scores > score_threshold
    keep = []
    for i in np.argsort(-scores, kind="stable"):
        if alive[i]:
            keep.append(i)
            alive &= table[i] < iou_threshold
    return np.array(keep, dtype=np.int64)


def _nms_sorted_key(boxes, scores, score_threshold=0.6, iou_threshold=0.5):
    """Python's sorted (stable) with a score filter that runs after sorting."""
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    remaining = [i for i in order if scores[i] > score_threshold]
    keep = []
    while remaining:
        i = remaining[0]
        keep.append(i)
        remaining = [j for j in remaining[1:] if _iou_explicit(boxes[i], boxes[j]) < iou_threshold]
    return keep


# ----------------------------------------------------------------------------------- yolo_encode
def _encode_generic(boxes, labels, S, n_classes, image_size, *, swap=False, xy="cell", wh="cell",
                    centre="mid", last_wins=False, no_clip=False):
    """YOLO encoding with a switch per slip; the defaults are correct."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    cell = image_size / S
    t = np.zeros((S, S, 5 + n_classes))
    for (x1, y1, x2, y2), lab in zip(boxes, labels):
        cx, cy = ((x1 + x2) / 2, (y1 + y2) / 2) if centre == "mid" else (x1, y1)
        col, row = int(cx // cell), int(cy // cell)
        if not no_clip:
            col, row = min(col, S - 1), min(row, S - 1)
        if swap:
            row, col = col, row
        if t[row, col, 4] and not last_wins:
            continue
        r0, c0 = (col, row) if swap else (row, col)
        x, y = (cx / cell - c0, cy / cell - r0) if xy == "cell" else (cx / image_size, cy / image_size)
        w, h = ((x2 - x1) / cell, (y2 - y1) / cell) if wh == "cell" else ((x2 - x1) / image_size, (y2 - y1) / image_size)
        t[row, col] = 0.0
        t[row, col, :5] = [x, y, w, h, 1.0]
        t[row, col, 5 + int(lab)] = 1.0
    return t


def _encode_round_cell(boxes, labels, S, n_classes, image_size):
    """The cell from round() instead of floor()."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    cell = image_size / S
    t = np.zeros((S, S, 5 + n_classes))
    for (x1, y1, x2, y2), lab in zip(boxes, labels):
        gx, gy = (x1 + x2) / 2 / cell, (y1 + y2) / 2 / cell
        col, row = min(int(round(gx)), S - 1), min(int(round(gy)), S - 1)
        if t[row, col, 4]:
            continue
        t[row, col, :5] = [gx - col, gy - row, (x2 - x1) / cell, (y2 - y1) / cell, 1.0]
        t[row, col, 5 + int(lab)] = 1.0
    return t


def _encode_vectorised(boxes, labels, S, n_classes, image_size):
    """Vectorised cells and values; the first object of a cell written last, so it wins."""
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    labels = np.asarray(labels, dtype=int).reshape(-1)
    g = (boxes[:, :2] + boxes[:, 2:]) / 2 / image_size * S                   # (k, 2) centres in cells
    cells = np.minimum(np.floor(g).astype(int), S - 1)                      # (k, 2) (col, row)
    values = np.column_stack([g - cells, (boxes[:, 2:] - boxes[:, :2]) / image_size * S, np.ones(len(boxes))])
    t = np.zeros((S, S, 5 + n_classes))
    for k in reversed(range(len(boxes))):
        col, row = cells[k]
        t[row, col] = 0.0
        t[row, col, :5] = values[k]
        t[row, col, 5 + labels[k]] = 1.0
    return t


# ----------------------------------------------------------------------------------- yolo_decode
def _decode_generic(grid, conf_threshold=0.5, image_size=1.0, *, swap=False, offset=True, wh="cell",
                    score="class", strict=True, order="row", corners=True):
    """YOLO decoding with a switch per slip; the defaults are correct."""
    grid = np.asarray(grid, dtype=float)
    S = grid.shape[0]
    cell = image_size / S
    cells = [(r, c) for r in range(S) for c in range(S)]
    if order == "col":
        cells = [(r, c) for c in range(S) for r in range(S)]
    boxes, scores, labels = [], [], []
    for r, c in cells:
        x, y, w, h, obj = grid[r, c, :5]
        probs = grid[r, c, 5:]
        s = obj * probs.max() if score == "class" else obj
        if (s <= conf_threshold) if strict else (s < conf_threshold):
            continue
        col, row = (r, c) if swap else (c, r)
        cx, cy = ((col + x) * cell, (row + y) * cell) if offset else (x * cell, y * cell)
        bw, bh = (w * cell, h * cell) if wh == "cell" else (w * image_size, h * image_size)
        boxes.append([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2] if corners else [cx, cy, bw, bh])
        scores.append(s)
        labels.append(int(np.argmax(probs)))
    return np.array(boxes, dtype=float).reshape(-1, 4), np.array(scores, dtype=float), np.array(labels, dtype=int)


def _decode_vectorised(grid, conf_threshold=0.5, image_size=1.0):
    """np.nonzero (row-major) and broadcasting; returns lists converted to arrays."""
    grid = np.asarray(grid, dtype=float)
    S = grid.shape[0]
    score = grid[..., 4] * grid[..., 5:].max(axis=-1)                       # (S, S)
    rows, cols = np.nonzero(score > conf_threshold)
    x, y, w, h = (grid[rows, cols, k] for k in range(4))
    cx, cy = (cols + x) / S * image_size, (rows + y) / S * image_size
    bw, bh = w / S * image_size, h / S * image_size
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
    return boxes, score[rows, cols], grid[rows, cols, 5:].argmax(axis=-1)


# ----------------------------------------------------------------------------------- best_anchor
def _shape_ious(box_wh, anchors_wh):
    w, h = (float(v) for v in box_wh)
    a = np.asarray(anchors_wh, dtype=float).reshape(-1, 2)
    inter = np.minimum(w, a[:, 0]) * np.minimum(h, a[:, 1])
    return inter / (w * h + a[:, 0] * a[:, 1] - inter)


def _anchor_euclidean(box_wh, anchors_wh):
    a = np.asarray(anchors_wh, dtype=float).reshape(-1, 2)
    return int(np.argmin(np.linalg.norm(a - np.asarray(box_wh, dtype=float), axis=1)))


def _anchor_area(box_wh, anchors_wh):
    a = np.asarray(anchors_wh, dtype=float).reshape(-1, 2)
    return int(np.argmin(np.abs(a.prod(axis=1) - float(np.prod(box_wh)))))


def _anchor_argmin(box_wh, anchors_wh):
    return int(np.argmin(_shape_ious(box_wh, anchors_wh)))


def _anchor_last_tie(box_wh, anchors_wh):
    ious = _shape_ious(box_wh, anchors_wh)
    best, best_iou = 0, -1.0
    for k, v in enumerate(ious):
        if v >= best_iou:
            best, best_iou = k, v
    return best


def _anchor_returns_iou(box_wh, anchors_wh):
    return float(np.max(_shape_ious(box_wh, anchors_wh)))


def _anchor_corner_boxes(box_wh, anchors_wh):
    """Both shapes as boxes with their top-left corner at the origin: the same overlap as centred."""
    w, h = (float(v) for v in box_wh)
    best, best_iou = 0, -1.0
    for k, (aw, ah) in enumerate(np.asarray(anchors_wh, dtype=float).reshape(-1, 2)):
        inter = max(0.0, min(w, aw)) * max(0.0, min(h, ah))
        v = inter / (w * h + aw * ah - inter)
        if v > best_iou:
            best, best_iou = k, v
    return best


_Q1 = {"from above": "a", "far away": "b", "curled up": "c", "behind a sofa": "d", "at dusk": "e",
       "on a striped rug": "f", "Sphynx and Persian": "g"}

CASES = [
    *variants("test_iou", "iou", _iou_generic, wrong={
        "inclusive '+1' pixel convention": dict(plus_one=1.0),
        "negative overlap not clipped": dict(clip=False),
    }),
    wrong("test_iou", "clip applied to the product only", iou=_iou_clip_product),
    *variants("test_iou", "iou", _iou_generic, wrong={
        "divided by the sum of the areas": dict(denom='sum'),
        "divided by the area of box_a": dict(denom='a'),
    }),
    right("test_iou", "NumPy corner arithmetic", iou=_iou_numpy),
    right("test_iou", "early return for disjoint boxes", iou=_iou_explicit),
    *variants("test_nms", "nms", _nms_generic, wrong={
        "no score filter": dict(score_filter='none'),
        "keeps score == threshold": dict(score_filter='>='),
        "suppresses only IoU > threshold (torchvision)": dict(suppress='>'),
        "ascending order of score": dict(order='asc'),
        "suppressed against every higher box, not only kept ones": dict(against='all'),
        "argsort(scores)[::-1] reverses ties": dict(ties='reversed'),
        "indices returned in index order": dict(sort_result=True),
    }),
    wrong("test_nms", "thresholds hard-coded", nms=_nms_hardcoded_thresholds),
    right("test_nms", "IoU matrix and alive mask, returns an array", nms=_nms_matrix),
    right("test_nms", "sorted() with a key, own IoU", nms=_nms_sorted_key),
    *variants("test_yolo_encode", "yolo_encode", _encode_generic, wrong={
        "row and column swapped": dict(swap=True),
        "x, y relative to the image": dict(xy='image'),
        "w, h in image units": dict(wh='image'),
        "centre from the top-left corner": dict(centre='corner'),
        "the last object of a cell wins": dict(last_wins=True),
    }),
    wrong("test_yolo_encode", "cell from round() instead of floor()", yolo_encode=_encode_round_cell),
    right("test_yolo_encode", "vectorised, written in reverse order", yolo_encode=_encode_vectorised),
    *variants("test_yolo_decode", "yolo_decode", _decode_generic, wrong={
        "row and column swapped": dict(swap=True),
        "cell offset missing": dict(offset=False),
        "w, h as fractions of the image": dict(wh='image'),
        "threshold on the objectness only": dict(score='objectness'),
        "keeps score == threshold": dict(strict=False),
        "column-major order": dict(order='col'),
        "returns [cx, cy, w, h]": dict(corners=False),
    }),
    right("test_yolo_decode", "np.nonzero and broadcasting", yolo_decode=_decode_vectorised),
    wrong("test_best_anchor", "Euclidean distance of (w, h)", best_anchor=_anchor_euclidean),
    wrong("test_best_anchor", "closest area", best_anchor=_anchor_area),
    wrong("test_best_anchor", "argmin of the IoU", best_anchor=_anchor_argmin),
    wrong("test_best_anchor", "ties go to the last anchor", best_anchor=_anchor_last_tie),
    wrong("test_best_anchor", "returns the IoU instead of the index", best_anchor=_anchor_returns_iou),
    right("test_best_anchor", "boxes anchored at a common corner", best_anchor=_anchor_corner_boxes),

    *quiz("q1", wrong={
        "clutter and occlusion swapped": dict(_Q1, **{"behind a sofa": "f", "on a striped rug": "d"}),
        "a photo missing": {k: v for k, v in _Q1.items() if k != "at dusk"},
    }, right={"upper-case letters": {k: v.upper() for k, v in _Q1.items()}}),
    *quiz("q2", wrong={"a fraction instead of percent": 0.258, "AlexNet's 2012 error instead": 15.3}, right={"a string": "25.8", "a fraction string": "129/5"}),
    *quiz("q3", wrong={
        "B forgotten: 5 + C per cell": 13 * 13 * 85,
        "class probabilities per box": 13 * 13 * 5 * 85,
    }, right={"a NumPy integer": np.int64(17745), "a float": 17745.0}),
    *quiz("q4", wrong={"two-stage": "b", "not a letter": 3}, right={"upper case": "C"}),
]
