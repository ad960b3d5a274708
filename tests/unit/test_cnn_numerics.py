"""Week 03 reference implementations against independent oracles.

Oracles: torch.nn.functional (conv2d, max_pool2d, avg_pool2d) and torch autograd in float64,
the naive loop version, the lecture's worked X/O maps in ninths (syllabus Week 03), torch
modules' parameter counts, box rasterisation on a fine grid for IoU, and brute-force loops
written here for NMS and anchors.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.cnn.conv import _conv2d_backward, _flip_kernel, _xo_filter_map
from dlcourse.cnn.detection import _iou_matrix
from dlcourse.cnn import reference as ref
from dlcourse.data.shapes import SHAPE_CLASSES, XO_FILTERS, shapes_dataset, xo_images

T = lambda a: torch.tensor(np.asarray(a, dtype=float))          # noqa: E731  NumPy -> float64 tensor

# (N, C_in, H, W, C_out, kh, kw, stride, padding): several channels, non-square inputs and kernels
CONV_CASES = [
    (2, 3, 7, 9, 4, 3, 3, 1, 0),
    (2, 3, 7, 9, 4, 3, 3, 2, 1),
    (1, 1, 8, 8, 2, 2, 2, 2, 0),
    (3, 2, 10, 6, 5, 3, 2, 1, 1),
    (1, 4, 9, 11, 3, 5, 3, 2, 0),
]


def _conv_inputs(case, seed=0):
    N, C, H, W, K, kh, kw, S, P = case
    g = np.random.default_rng(seed)
    return g.normal(size=(N, C, H, W)), g.normal(size=(K, C, kh, kw)), g.normal(size=K), S, P


# ------------------------------------------------------------------------------ conv forward / backward
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_torch_conv2d(case):
    x, w, b, S, P = _conv_inputs(case)
    expected = F.conv2d(T(x), T(w), T(b), stride=S, padding=P).numpy()
    np.testing.assert_allclose(ref.conv2d(x, w, b, stride=S, padding=P), expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ref.conv2d(x, w, None, S, P), expected - b[None, :, None, None], atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES)
def test_naive_and_vectorised_conv_agree(case):
    x, w, b, S, P = _conv_inputs(case, seed=1)
    np.testing.assert_allclose(ref.conv2d_naive(x, w, b, S, P), ref.conv2d(x, w, b, S, P), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_backward_matches_torch_autograd(case):
    x, w, b, S, P = _conv_inputs(case, seed=2)
    xt, wt, bt = (T(a).requires_grad_() for a in (x, w, b))
    y = F.conv2d(xt, wt, bt, stride=S, padding=P)
    dout = np.random.default_rng(3).normal(size=y.shape)
    y.backward(T(dout))
    dx, dw, db = _conv2d_backward(dout, x, w, S, P)
    for ours, theirs in ((dx, xt), (dw, wt), (db, bt)):
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_flipped_kernel_gives_true_convolution():
    from scipy.signal import convolve2d, correlate2d
    g = np.random.default_rng(4)
    x, k = g.normal(size=(6, 8)), g.normal(size=(3, 3))
    corr = ref.conv2d(x[None, None], k[None, None])[0, 0]
    np.testing.assert_allclose(corr, correlate2d(x, k, mode="valid"), atol=1e-12)
    conv = ref.conv2d(x[None, None], _flip_kernel(k)[None, None])[0, 0]
    np.testing.assert_allclose(conv, convolve2d(x, k, mode="valid"), atol=1e-12)
    np.testing.assert_array_equal(_flip_kernel(np.array([[3, 4, 5], [1, 0, 2], [-1, 9, 7]])),
                                  [[7, 9, -1], [2, 0, 1], [5, 4, 3]])


# ------------------------------------------------------------------------------ pooling
POOL_CASES = [((2, 3, 8, 8), 2, 2, False), ((2, 3, 7, 7), 2, 2, True), ((1, 2, 7, 9), 2, 2, False),
              ((1, 2, 9, 10), 3, 2, True), ((1, 1, 10, 7), 3, 3, True), ((2, 2, 6, 6), 3, 1, False)]


@pytest.mark.parametrize("shape, k, s, ceil", POOL_CASES)
def test_pooling_matches_torch(shape, k, s, ceil):
    x = np.random.default_rng(5).normal(size=shape)
    np.testing.assert_allclose(ref.max_pool2d(x, k, s, ceil), F.max_pool2d(T(x), k, s, ceil_mode=ceil).numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(ref.avg_pool2d(x, k, s, ceil), F.avg_pool2d(T(x), k, s, ceil_mode=ceil).numpy(),
                               rtol=1e-12, atol=1e-14)


def test_ceil_mode_pools_seven_to_four_and_floor_to_three():
    x = np.random.default_rng(6).normal(size=(1, 1, 7, 7))
    assert ref.max_pool2d(x, 2, 2, ceil_mode=True).shape == (1, 1, 4, 4)
    assert ref.max_pool2d(x, 2, 2).shape == (1, 1, 3, 3)
    assert ref.conv_output_size(7, 2, 2, ceil=True) == 4


# ------------------------------------------------------------------------------ the lecture's X and O
F1_MAP_NINTHS = [[7, -1, 1, 3, 5, -1, 3],
                 [-1, 9, -1, 3, -1, 1, -1],
                 [1, -1, 9, -3, 1, -1, 5],
                 [3, 3, -3, 5, -3, 3, 3],
                 [5, -1, 1, -3, 9, -1, 1],
                 [-1, 1, -1, 3, -1, 9, -1],
                 [3, -1, 5, 3, 1, -1, 7]]
POOLED_NINTHS = {"f1": [[9, 3, 5, 3], [3, 9, 3, 5], [5, 3, 9, 1], [3, 5, 1, 7]],
                 "f2": [[5, 3, 5, 3], [3, 9, 5, 1], [5, 5, 5, 1], [3, 1, 1, 3]],
                 "f3": [[3, 5, 9, 7], [5, 5, 9, 3], [9, 9, 1, 5], [7, 3, 5, 3]]}
POOLED_TWICE_NINTHS = {"f1": [[9, 5], [5, 9]], "f2": [[9, 5], [5, 5]], "f3": [[5, 9], [9, 5]]}


def test_xo_images_are_the_lecture_images():
    imgs = xo_images()
    X, O = imgs["X"], imgs["O"]
    assert X.shape == O.shape == (9, 9) and set(np.unique(X)) == set(np.unique(O)) == {-1.0, 1.0}
    ones = {(int(r), int(c)) for r, c in zip(*np.nonzero(X == 1))}
    assert ones == {(i, i) for i in range(1, 8)} | {(i, 8 - i) for i in range(1, 8)}
    assert not np.array_equal(X, O) and O[4, 4] == -1 and np.array_equal(O, O[::-1]) and np.array_equal(O, O.T)
    xo_images()["X"][0, 0] = 5                                          # fresh arrays every call
    assert xo_images()["X"][0, 0] == -1


def test_xo_filter_map_reproduces_the_lecture_f1_map_in_ninths():
    X = xo_images()["X"]
    m = _xo_filter_map(X, XO_FILTERS["f1"])
    np.testing.assert_allclose(m * 9, F1_MAP_NINTHS, atol=1e-12)
    # the lecture divides by 9; torch's conv2d does not
    torch_map = F.conv2d(T(X)[None, None], T(XO_FILTERS["f1"])[None, None])[0, 0].numpy()
    np.testing.assert_allclose(m, torch_map / 9, atol=1e-12)
    # f3 is the mirror image of f1, and so is its map; a perfect match gives 1
    np.testing.assert_allclose(_xo_filter_map(X, XO_FILTERS["f3"]), m[:, ::-1], atol=1e-12)
    assert _xo_filter_map(X[1:4, 1:4], XO_FILTERS["f1"])[0, 0] == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["f1", "f2", "f3"])
def test_conv_relu_ceil_pool_stack_gives_the_lecture_maps(name):
    m = _xo_filter_map(xo_images()["X"], XO_FILTERS[name])[None, None]            # (1, 1, 7, 7)
    pooled = ref.max_pool2d(np.maximum(m, 0), 2, 2, ceil_mode=True)                  # (1, 1, 4, 4)
    np.testing.assert_allclose(pooled[0, 0] * 9, POOLED_NINTHS[name], atol=1e-12)
    np.testing.assert_allclose(ref.max_pool2d(pooled, 2, 2, ceil_mode=True)[0, 0] * 9,
                               POOLED_TWICE_NINTHS[name], atol=1e-12)
    torch_pooled = F.max_pool2d(F.relu(T(m)), 2, 2, ceil_mode=True).numpy()
    np.testing.assert_allclose(pooled, torch_pooled, atol=1e-12)


def test_max_pool_of_top_left_six_by_six_is_the_lecture_three_by_three():
    m = _xo_filter_map(xo_images()["X"], XO_FILTERS["f1"])[None, None, :6, :6]
    np.testing.assert_allclose(ref.max_pool2d(m)[0, 0] * 9, [[9, 3, 5], [3, 9, 3], [5, 3, 9]], atol=1e-12)


# ------------------------------------------------------------------------------ shape arithmetic
def test_output_size_matches_lecture_and_torch():
    assert ref.conv_output_size(36, 11) == 26
    assert ref.conv_output_size(32, 2, 2) == 16
    for W, Fk, S, P in itertools.product(range(5, 14), (1, 2, 3, 5), (1, 2, 3), (0, 1, 2)):
        if W - Fk + 2 * P < 0 or (W - Fk + 2 * P) % S:
            continue
        out = F.conv2d(torch.zeros(1, 1, W, W), torch.zeros(1, 1, Fk, Fk), stride=S, padding=P).shape[-1]
        assert ref.conv_output_size(W, Fk, S, P) == out, (W, Fk, S, P)


def test_output_size_ceil_mode_matches_torch_pooling():
    for W, k, S in itertools.product(range(4, 14), (2, 3), (1, 2, 3)):
        out = F.max_pool2d(torch.zeros(1, 1, W, W), k, S, ceil_mode=True).shape[-1]
        assert ref.conv_output_size(W, k, S, ceil=True) == out, (W, k, S)


@pytest.mark.parametrize("W, Fk, S, P", [(8, 3, 2, 0), (7, 2, 2, 0), (3, 5, 1, 0)])
def test_output_size_rejects_configurations_that_do_not_tile(W, Fk, S, P):
    with pytest.raises(ValueError, match="tile|fit"):
        ref.conv_output_size(W, Fk, S, P)


def test_param_counts_match_torch_modules():
    assert ref.conv_param_count(11, 3, 9) == sum(p.numel() for p in nn.Conv2d(3, 9, 11).parameters()) == 3276
    assert ref.conv_param_count(11, 3, 9, bias=False) == 3267
    dense = nn.Linear(200 * 200 * 3, 300, device="meta")            # no 36 M-float allocation
    assert sum(p.numel() for p in dense.parameters()) == 36_000_300
    assert ref.conv_param_count(200, 3, 300) == 36_000_300              # a dense layer = a conv spanning the image


def test_keras_slide_model_as_torch_sequential_has_3453121_parameters():
    convs = [(3, 32), (32, 64), (64, 128), (128, 128)]
    layers, size = [], 150
    for c_in, c_out in convs:
        layers += [nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.MaxPool2d(2)]
        size = (ref.conv_output_size(size, 3) - 2) // 2 + 1               # conv 3x3 then 2x2/2 pool (floor)
    assert size == 7
    model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * size * size, 512), nn.ReLU(),
                          nn.Linear(512, 1), nn.Sigmoid())
    per_layer = [sum(p.numel() for p in m.parameters()) for m in model if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert per_layer == [896, 18_496, 73_856, 147_584, 3_211_776, 513]
    assert per_layer[:4] == [ref.conv_param_count(3, c_in, c_out) for c_in, c_out in convs]
    assert sum(per_layer) == 3_453_121
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 150, 150)).shape == (1, 1)


# ------------------------------------------------------------------------------ IoU
def _raster_iou(a, b, n=1000, extent=10.0):
    """IoU by counting the centres of an n x n grid on [0, extent]^2 that fall in each box."""
    c = (np.arange(n) + 0.5) * extent / n
    xx, yy = np.meshgrid(c, c)
    inside = lambda bx: (xx >= bx[0]) & (xx < bx[2]) & (yy >= bx[1]) & (yy < bx[3])  # noqa: E731
    ia, ib = inside(a), inside(b)
    union = np.sum(ia | ib)
    return np.sum(ia & ib) / union if union else 0.0


def test_iou_known_cases():
    assert ref.iou([0, 0, 2, 2], [0, 0, 2, 2]) == 1.0
    assert ref.iou([0, 0, 1, 1], [2, 2, 3, 3]) == 0.0
    assert ref.iou([0, 0, 2, 2], [1, 0, 3, 2]) == pytest.approx(1 / 3)
    assert ref.iou([0, 0, 4, 4], [1, 1, 3, 3]) == pytest.approx(4 / 16)                  # containment
    assert ref.iou([0, 0, 1, 1], [1, 0, 2, 1]) == 0.0                                     # touching edges
    assert ref.iou([0, 0, 1, 1], [3, 3, 5, 5]) == 0.0                                     # both gaps negative: clipped
    assert ref.iou([0, 0, 1, 1], [0.5, 3, 2, 5]) == 0.0                                   # x overlaps, y does not


def test_iou_matrix_matches_rasterised_boxes():
    g = np.random.default_rng(7)
    p = g.uniform(0, 10, size=(12, 2, 2))
    boxes = np.concatenate([p.min(axis=1), p.max(axis=1)], axis=1)            # (12, 4) valid corners
    A, B = boxes[:5], boxes[5:]
    M = _iou_matrix(A, B)
    assert M.shape == (5, 7)
    expected = np.array([[_raster_iou(a, b) for b in B] for a in A])
    np.testing.assert_allclose(M, expected, atol=1e-2)
    assert M[2, 3] == pytest.approx(ref.iou(A[2], B[3]))
    np.testing.assert_allclose(_iou_matrix(B, A), M.T)


# ------------------------------------------------------------------------------ NMS
def _brute_force_nms(boxes, scores, thr):
    remaining = list(range(len(boxes)))
    keep = []
    while remaining:
        best = max(remaining, key=lambda i: (scores[i], -i))
        keep.append(best)
        remaining = [i for i in remaining if i != best and _raster_free_iou(boxes[best], boxes[i]) < thr]
    return keep


def _raster_free_iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("thr", [0.3, 0.5, 0.7])
def test_nms_matches_brute_force(seed, thr):
    g = np.random.default_rng(seed)
    centres = g.uniform(5, 25, size=(4, 2))[g.integers(4, size=30)] + g.normal(0, 1.5, (30, 2))
    wh = g.uniform(3, 8, size=(30, 2))
    boxes = np.concatenate([centres - wh / 2, centres + wh / 2], axis=1)
    scores = g.uniform(size=30)
    keep = ref.nms(boxes, scores, thr)
    assert keep.tolist() == _brute_force_nms(boxes, scores, thr)
    assert np.all(np.diff(scores[keep]) <= 0)
    assert np.all(_iou_matrix(boxes[keep], boxes[keep])[np.triu_indices(len(keep), 1)] < thr)


def test_nms_keeps_the_best_of_two_overlapping_boxes_and_a_separate_one():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=float)
    assert ref.nms(boxes, np.array([0.6, 0.9, 0.5]), 0.5).tolist() == [1, 2]


def test_nms_suppresses_a_box_whose_iou_equals_the_threshold():
    boxes = np.array([[0, 0, 2, 2], [1, 0, 3, 2]], dtype=float)          # IoU exactly 1/3
    assert ref.nms(boxes, np.array([0.9, 0.8]), 1 / 3).tolist() == [0]      # the lecture's ">= threshold"
    assert ref.nms(boxes, np.array([0.9, 0.8]), 0.34).tolist() == [0, 1]


# ------------------------------------------------------------------------------ YOLO and anchors
def test_yolo_encode_places_objects_in_the_centre_cell():
    boxes = np.array([[10, 20, 30, 60], [48, 0, 64, 16]], dtype=float)       # centres (20, 40), (56, 8)
    t = ref.yolo_encode(boxes, np.array([2, 0]), S=4, n_classes=3, image_size=64)
    assert t.shape == (4, 4, 8) and t[..., 4].sum() == 2
    np.testing.assert_allclose(t[2, 1], [0.25, 0.5, 20 / 16, 40 / 16, 1, 0, 0, 1])  # row = y cell; w, h in cells
    np.testing.assert_allclose(t[0, 3], [0.5, 0.5, 1.0, 1.0, 1, 1, 0, 0])
    edge = ref.yolo_encode(np.array([[16, 16, 48, 48]], float), [1], 2, 2, 64)        # centre (32, 32) on a border
    assert edge[1, 1, 4] == 1 and edge[..., 4].sum() == 1 and edge[1, 1, 0] == edge[1, 1, 1] == 0.0
    first = ref.yolo_encode(np.array([[0, 0, 8, 8], [1, 1, 9, 9]], float), [0, 1], 4, 2, 64)  # same cell
    assert first[0, 0, 4] == 1 and first[..., 4].sum() == 1 and first[0, 0, 5] == 1      # the first one wins


@pytest.mark.parametrize("seed", range(3))
def test_yolo_encode_decode_round_trip_on_shapes_dataset(seed):
    images, boxes, labels = shapes_dataset(6, size=64, max_objects=3, rng=seed)
    S = 8
    for b, lab in zip(boxes, labels):
        t = ref.yolo_encode(b, lab, S, len(SHAPE_CLASSES), 64)
        cells = {(min(int((y1 + y2) / 2 / 64 * S), S - 1), min(int((x1 + x2) / 2 / 64 * S), S - 1))
                 for x1, y1, x2, y2 in b}
        if len(cells) < len(b):
            continue                                                 # two objects in a cell: not invertible
        assert np.all((t[..., :2] >= 0) & (t[..., :2] < 1))
        db, ds, dl = ref.yolo_decode(t, 0.5, 64)
        order_true, order_dec = np.lexsort(b.T[::-1]), np.lexsort(db.T[::-1])
        np.testing.assert_allclose(db[order_dec], b[order_true], atol=1e-9)
        np.testing.assert_array_equal(dl[order_dec], lab[order_true])
        np.testing.assert_allclose(ds, 1.0)


def test_yolo_decode_respects_the_confidence_threshold():
    t = ref.yolo_encode(np.array([[0, 0, 8, 8], [20, 20, 30, 30]], float), [0, 1], 4, 2, 32)
    t[0, 0, 4] = 0.4
    boxes, scores, labels = ref.yolo_decode(t, 0.5, 32)
    np.testing.assert_allclose(boxes, [[20, 20, 30, 30]], atol=1e-12)
    assert labels.tolist() == [1] and scores.tolist() == [1.0]
    assert len(ref.yolo_decode(np.zeros((3, 3, 7)), 0.5, 32)[0]) == 0


def test_best_anchor_uses_shape_iou_not_distance():
    anchors = np.array([[1.0, 3.0], [3.0, 1.0], [2.0, 2.0]])                # tall, wide, square
    assert ref.best_anchor([1.0, 2.8], anchors) == 0
    assert ref.best_anchor([2.5, 0.9], anchors) == 1
    assert ref.best_anchor([1.9, 2.1], anchors) == 2
    # Euclidean distance in (w, h) picks the small anchor; IoU picks the large one
    two = np.array([[1.0, 1.0], [10.0, 10.0]])
    box = np.array([4.0, 4.0])
    assert np.argmin(np.linalg.norm(two - box, axis=1)) == 0 and ref.best_anchor(box, two) == 1
    g = np.random.default_rng(8)
    wh = g.uniform(0.5, 5, size=(50, 2))
    brute = [int(np.argmax([_raster_free_iou([-w / 2, -h / 2, w / 2, h / 2], [-a / 2, -c / 2, a / 2, c / 2])
                            for a, c in anchors])) for w, h in wh]
    assert ref.best_anchor(wh, anchors).tolist() == brute


# ------------------------------------------------------------------------------ shapes dataset
def test_shapes_dataset_is_seeded_and_well_formed():
    images, boxes, labels = shapes_dataset(20, size=32, max_objects=3, rng=0)
    again = shapes_dataset(20, size=32, max_objects=3, rng=0)
    other = shapes_dataset(20, size=32, max_objects=3, rng=1)
    np.testing.assert_array_equal(images, again[0])
    assert all(np.array_equal(a, b) for a, b in zip(boxes, again[1]))
    assert not np.array_equal(images, other[0])
    assert images.shape == (20, 3, 32, 32) and images.dtype == np.float64
    assert images.min() >= 0 and images.max() <= 1
    assert len(boxes) == len(labels) == 20
    for img, b, lab in zip(images, boxes, labels):
        assert b.shape == (len(lab), 4) and 1 <= len(lab) <= 3
        assert np.all(b[:, :2] >= 0) and np.all(b[:, 2:] <= 32) and np.all(b[:, 2:] > b[:, :2])
        assert set(lab.tolist()) <= {0, 1, 2}
        x1, y1, x2, y2 = b[-1].astype(int)                         # the last shape is drawn on top: tight box
        bright = img.max(axis=0) > 0.4                             # (H, W) shape pixels
        region = bright[y1:y2, x1:x2]
        assert region[0].any() and region[-1].any() and region[:, 0].any() and region[:, -1].any()
    all_labels = np.concatenate(labels)
    assert set(all_labels.tolist()) == {0, 1, 2}
