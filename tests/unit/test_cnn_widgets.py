"""Week 03 widgets: build each one, move its controls in Python, assert on the state (against
torch, brute force and the lecture's numbers, not the widget's own code) and on the figure;
pass deliberately wrong student functions and check that the widget shows their effect."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlcourse.cnn import widgets
from dlcourse.cnn.plots import PixelImage
from dlcourse.cnn import reference as ref
from dlcourse.data import PHOTOS, XO_FILTERS, photo, shapes_dataset, xo_images
from dlcourse.widgetkit import figure_png
from dlcourse.widgetkit import text_strings as _strings
from dlcourse.widgetkit.testing import built as _built

T = lambda a: torch.tensor(np.asarray(a, dtype=float))           # noqa: E731


def _images(ax) -> list[np.ndarray]:
    """The RGBA (H, W, 4) uint8 arrays of the pictures drawn on ``ax``."""
    return [a.get_array() for a in ax.artists if isinstance(a, PixelImage)]


def _all_strings(fig) -> str:
    return "\n".join(s for ax in fig.axes for s in _strings(ax))


def _count_updates(explorer) -> list:
    """Record every compute call from now on."""
    calls, compute = [], explorer.compute
    explorer.compute = lambda **p: calls.append(p) or compute(**p)
    return calls


# ------------------------------------------------------------------------------ W3.1 X/O matcher
NINTHS_X_F1_POOLED = np.array([[9, 3, 5, 3], [3, 9, 3, 5], [5, 3, 9, 1], [3, 5, 1, 7]]) / 9   # the lecture's


def test_xo_matcher_shows_the_window_products_and_the_lectures_pooled_map():
    ex = _built(widgets.xo_matcher)
    x, f1 = xo_images()["X"], XO_FILTERS["f1"]
    ex.controls["row"].value, ex.controls["col"].value = 2, 4
    s = ex.state
    np.testing.assert_array_equal(s.products, x[2:5, 4:7] * f1)
    assert s.mean == pytest.approx((x[2:5, 4:7] * f1).sum() / 9) and s.agrees
    brute = np.array([[(x[i:i + 3, j:j + 3] * f1).mean() for j in range(7)] for i in range(7)])
    np.testing.assert_allclose(s.fmap, brute, atol=1e-12)
    ax_img, ax_f, ax_p, ax_map, ax_pool = ex.fig.axes
    window = [p for p in ax_img.patches if isinstance(p, Rectangle)]
    assert [(p.get_x(), p.get_y(), p.get_width()) for p in window] == [(3.5, 1.5, 3)]     # cols 4-6, rows 2-4
    assert f"{brute[2, 4]:.2f}".replace("-", "−") in _strings(ax_map)
    assert any(t.startswith("mean = ") for t in _strings(ax_p))
    assert "tick “pool”\nto max-pool\nthe map" in _strings(ax_pool)
    ex.controls["relu"].value, ex.controls["pool"].value = True, True
    np.testing.assert_allclose(ex.state.pooled, NINTHS_X_F1_POOLED, atol=1e-12)
    oracle = F.max_pool2d(T(np.maximum(brute, 0))[None, None], 2, 2, ceil_mode=True)[0, 0].numpy()
    np.testing.assert_allclose(ex.state.pooled, oracle, atol=1e-12)
    assert [im.shape for im in _images(ax_pool)] == [(4, 4, 4)]                            # RGBA cells
    assert "1.00" in _strings(ax_pool) and "0.78" in _strings(ax_pool)
    ex.controls["relu"].value = False
    assert ex.state.shown.min() < 0                                 # without ReLU the map keeps negatives


def test_xo_matcher_runs_the_students_match_and_flags_a_wrong_one():
    calls = []

    def summing_match(image, kernel):                 # forgets to divide by 9
        calls.append((image.shape, kernel.shape))
        H, W = image.shape
        return np.array([[(image[i:i + 3, j:j + 3] * kernel).sum() for j in range(W - 2)] for i in range(H - 2)])

    ex = _built(widgets.xo_matcher, match=summing_match)
    assert calls and calls[-1] == ((9, 9), (3, 3))
    assert not ex.state.agrees and ex.state.value == pytest.approx(9 * ex.state.mean)
    assert any("your match gives" in t for t in _strings(ex.fig.axes[3]))
    ex.controls["filter"].value = "f2"
    assert len(calls) >= 2                                            # called on every change
    broken = widgets.xo_matcher(match=lambda image, kernel: image)    # same size: "padding"
    assert "returned shape (9, 9)" in broken.message.value and "7x7" in broken.message.value


# ------------------------------------------------------------------------------ W3.2 conv arithmetic
def _brute_uncovered(W1, F_, S, P) -> int:
    n = W1 + 2 * P
    seen = np.zeros((n, n), bool)
    for i in range(0, n - F_ + 1, S):
        for j in range(0, n - F_ + 1, S):
            seen[i:i + F_, j:j + F_] = True
    return int((~seen[P:P + W1, P:P + W1]).sum())


def test_conv_arithmetic_gives_the_lectures_numbers():
    ex = _built(widgets.conv_arithmetic)
    for name, value in dict(W1=36, F=11, S=1, P=0, K=9, D1=3).items():
        ex.controls[name].value = value
    s = ex.state
    assert (s.W2, s.params, s.error) == (26, 3276, None)          # 26x26x9, 3,276 parameters
    torch_out = torch.nn.Conv2d(3, 9, 11)(torch.zeros(1, 3, 36, 36))
    assert torch_out.shape[-1] == s.per_row == 26
    assert ex.controls["window"].max == 26 * 26 - 1
    text = _all_strings(ex.fig)
    assert "your output_size: W2 = 26" in text and "your param_count: 3,276" in text
    assert _images(ex.fig.axes[1])[0].shape[:2] == (26, 26)


@pytest.mark.parametrize("W1, F_, S, P", [(7, 3, 2, 0), (6, 3, 2, 0), (10, 4, 3, 1), (5, 5, 1, 0), (9, 2, 4, 2)])
def test_conv_arithmetic_draws_windows_and_uncovered_cells(W1, F_, S, P):
    ex = _built(widgets.conv_arithmetic)
    for name, value in dict(W1=W1, F=F_, S=S, P=P).items():
        ex.controls[name].value = value
    s = ex.state
    torch_w2 = torch.nn.functional.conv2d(torch.zeros(1, 1, W1, W1), torch.zeros(1, 1, F_, F_), stride=S,
                                          padding=P).shape[-1]
    assert s.per_row == torch_w2 and ex.controls["window"].max == torch_w2 ** 2 - 1
    assert s.uncovered == _brute_uncovered(W1, F_, S, P)
    dots = ex.fig.axes[0].collections[-1].get_offsets()
    assert len(dots) == torch_w2 ** 2
    assert (s.error is None) == ((W1 - F_ + 2 * P) % S == 0)
    ex.controls["window"].value = ex.controls["window"].max               # the last window
    wr, wc = ex.state.window_rc
    assert (wr, wc) == (torch_w2 - 1, torch_w2 - 1)


def test_conv_arithmetic_warns_about_an_invalid_configuration_instead_of_crashing():
    ex = _built(widgets.conv_arithmetic)
    ex.controls["W1"].value, ex.controls["P"].value, ex.controls["S"].value, ex.controls["F"].value = 6, 0, 2, 3
    assert ex.state.W2 is None and "not an integer" in ex.state.error
    text = _all_strings(ex.fig)
    assert "⚠ INVALID configuration:" in text and "torch would floor: 2 windows per row," in text
    assert "⚠ 11 input cells (red) are never seen:" in text
    ex.controls["F"].value, ex.controls["W1"].value = 11, 5                # the filter does not fit at all
    assert ex.state.per_row == 0 and ex.message.value == ""
    assert "does not fit" in ex.state.error
    assert "⚠ the 11×11 filter does not fit the padded 5×5 input" in _all_strings(ex.fig)


def test_conv_arithmetic_uses_the_students_functions():
    seen = []

    def float_size(W, F_, S, P):                      # no divisibility check: 2.5 for 6, 3, 2, 0
        seen.append((W, F_, S, P))
        return (W - F_ + 2 * P) / S + 1

    def no_bias(F_, C_in, K, bias=True):
        return K * F_ * F_ * C_in

    ex = _built(widgets.conv_arithmetic, output_size=float_size, param_count=no_bias)
    assert seen[-1] == (5, 3, 2, 1) and ex.state.W2 == 3 and ex.state.params == 54
    assert "your param_count: 54" in _all_strings(ex.fig)
    ex.controls["W1"].value, ex.controls["P"].value = 6, 0
    assert "returned 2.5" in ex.state.error and "⚠ INVALID configuration:" in _all_strings(ex.fig)

    def off_by_one(W, F_, S, P):
        return (W - F_ + 2 * P) // S
    ex = _built(widgets.conv_arithmetic, output_size=off_by_one)
    assert ex.state.W2 == 2 and "⚠ but 3 windows fit per row" in _all_strings(ex.fig)

    def stub(W, F_, S, P):
        raise NotImplementedError()
    stubbed = widgets.conv_arithmetic(output_size=stub)
    assert "NotImplementedError" in stubbed.message.value


# ------------------------------------------------------------------------------ W3.3 kernel playground
def test_photo_loader_gives_bundled_grey_images():
    for name in PHOTOS:
        img = photo(name, 64)
        assert img.shape == (64, 64) and img.dtype == float and 0 <= img.min() < img.max() <= 1
    img = photo()
    img[:] = 0                                                            # a copy: the cache is untouched
    assert photo().max() > 0 and photo().shape == (128, 128)
    with pytest.raises(ValueError, match="unknown photo"):
        photo("lena")


def test_kernel_playground_matches_torch_and_presets_fill_the_kernel():
    ex = _built(widgets.kernel_playground)
    calls = _count_updates(ex)
    ex.controls["preset"].value = "Laplacian"
    assert len(calls) == 1                                                # one redraw, not ten
    laplacian = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], float)
    np.testing.assert_array_equal(ex.state.kernel, laplacian)
    assert [ex.controls[f"w{i}{j}"].value for i in range(3) for j in range(3)] == list(laplacian.ravel())
    x = photo("camera", widgets.PLAYGROUND_SIZE)
    conv = F.conv2d(T(x)[None, None], T(laplacian)[None, None], padding=1)
    np.testing.assert_allclose(ex.state.fmap, conv[0, 0].numpy(), atol=1e-12)
    pooled = F.max_pool2d(F.relu(conv), 2, 2)[0, 0].numpy()
    np.testing.assert_allclose(ex.state.pooled, pooled, atol=1e-12)
    ax_x, ax_c, ax_r, ax_p = ex.fig.axes
    assert [_images(ax)[0].shape for ax in ex.fig.axes] == [(128, 128, 4)] * 3 + [(64, 64, 4)]
    ex.controls["w11"].value = -3.0                                       # a typed kernel becomes "custom"
    assert ex.controls["preset"].value == "custom" and ex.state.kernel[1, 1] == -3.0 and len(calls) == 2
    assert "conv(x, w): custom" in _strings(ax_c)[0]
    ex.controls["image"].value = "chelsea"
    np.testing.assert_array_equal(ex.state.x, photo("chelsea", 128))


def test_kernel_playground_calls_the_students_conv_and_pool():
    seen = []

    def my_conv(x, w, b, stride, padding):
        seen.append(("conv", x.shape, w.shape, b.shape, stride, padding))
        return F.conv2d(T(x), T(w), T(b), stride=stride, padding=padding).numpy()

    def my_pool(x, k, stride, ceil_mode):
        seen.append(("pool", x.shape, k, stride, ceil_mode))
        return F.avg_pool2d(T(x), k, stride, ceil_mode=ceil_mode).numpy()   # a different pooling: visible

    ex = _built(widgets.kernel_playground, conv=my_conv, pool=my_pool)
    assert seen[:2] == [("conv", (1, 1, 128, 128), (1, 1, 3, 3), (1,), 1, 1), ("pool", (1, 1, 128, 128), 2, 2, False)]
    np.testing.assert_allclose(ex.state.pooled, F.avg_pool2d(T(ex.state.relu)[None, None], 2)[0, 0].numpy())
    unpadded = widgets.kernel_playground(conv=lambda x, w, b, s, p: F.conv2d(T(x), T(w)).numpy())
    assert "returned shape (1, 1, 126, 126)" in unpadded.message.value


# ------------------------------------------------------------------------------ W3.4 receptive field
def test_receptive_field_explorer_highlights_the_region_torch_gradients_reach():
    ex = _built(widgets.receptive_field_explorer)
    calls = _count_updates(ex)
    ex.controls["stack"].value = "conv3 x2"
    assert ex.controls["layers"].value == "conv3 conv3" and len(calls) == 1
    ex.controls["row"].value, ex.controls["col"].value = 1, 3
    s = ex.state
    n = s.sizes[0]
    x = torch.ones(1, 1, n, n, requires_grad=True)
    out = F.conv2d(F.conv2d(x, torch.ones(1, 1, 3, 3)), torch.ones(1, 1, 3, 3))
    assert out.shape[-1] == 5
    out[0, 0, 1, 3].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    assert s.input_rows == (rows.min(), rows.max() + 1) and s.input_cols == (cols.min(), cols.max() + 1)
    assert s.r == s.student == 5
    ax, ax_in, ax_bar = ex.fig.axes
    (region,) = _images(ax_in)
    assert (region[..., 2] < 128).sum() == 25                           # the 5 x 5 orange block
    assert "the region is 5 pixels wide  ✓" in _strings(ax_in)
    assert len(ax.collections) == 3                                     # input + two layers, one row each
    ex.controls["channels"].value = 10
    widths = sorted(p.get_width() for p in ax_bar.patches)
    assert widths == [1800, 1800, 2500, 2700, 4900]                     # 18C² (this stack too), 25, 27, 49 C²


def test_receptive_field_explorer_reads_typed_stacks_and_shows_the_students_value():
    def forgets_strides(layers):
        return 1 + sum(k - 1 for _kind, k, _s in layers)

    ex = _built(widgets.receptive_field_explorer, receptive_field=forgets_strides)
    assert ex.state.text == "conv3 pool2 conv3" and ex.state.r == 8 and ex.state.student == 6
    assert "the region is 8 pixels wide  ✗ differs" in _strings(ex.fig.axes[1])
    ex.controls["layers"].value = "conv3/2 x3"
    assert ex.controls["stack"].value == "custom" and ex.state.r == 15
    ex.raise_errors = False
    ex.controls["layers"].value = "conv3 dense4"
    assert "cannot read layer" in ex.message.value
    ex.controls["layers"].value = "conv7/2 x6"
    assert "too big to draw" in ex.message.value
    ex.controls["stack"].value = "VGG block"
    assert ex.message.value == "" and ex.state.layers == [("conv", 3, 1), ("conv", 3, 1), ("pool", 2, 2)]


# ------------------------------------------------------------------------------ W3.5 YOLO grid
def _brute_nms(boxes, scores, score_threshold, iou_threshold):
    def iou(a, b):
        w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
        h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
        union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
        return w * h / union
    alive = [i for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i)) if scores[i] > score_threshold]
    keep = []
    while alive:
        best = alive.pop(0)
        keep.append(best)
        alive = [i for i in alive if iou(boxes[best], boxes[i]) < iou_threshold]
    return keep


def test_yolo_grid_owner_cells_and_nms_match_brute_force():
    ex = _built(widgets.yolo_grid)
    images, boxes, labels = shapes_dataset(8, size=64, max_objects=3, rng=0)
    for image, S, st, it in [(0, 4, 0.6, 0.5), (3, 7, 0.3, 0.3), (5, 2, 0.1, 0.7)]:
        ex.controls["image"].value, ex.controls["S"].value = image, S
        ex.controls["score_threshold"].value, ex.controls["iou_threshold"].value = st, it
        s = ex.state
        np.testing.assert_allclose(s.image, images[image].transpose(1, 2, 0))
        expected = []
        for cls in np.unique(s.labels):
            idx = np.flatnonzero(s.labels == cls)
            expected += [idx[k] for k in _brute_nms(s.boxes[idx], s.scores[idx], st, it)]
        assert sorted(s.kept) == sorted(expected)
        owners = {(min(int((b[1] + b[3]) / 2 / 64 * S), S - 1), min(int((b[0] + b[2]) / 2 / 64 * S), S - 1))
                  for b in boxes[image]}
        assert {tuple(rc) for rc in np.argwhere(s.gt["target"][..., 4] == 1)} == owners
        ax_g, ax_n = ex.fig.axes
        shaded = [p for p in ax_g.patches if p.get_alpha() and p.get_alpha() > 0]
        assert len(shaded) == len(owners)
        kept_lines = [c for c in ax_n.collections if np.allclose(c.get_linewidths(), 2.6)]   # bold: kept
        assert sum(len(c.get_segments()) for c in kept_lines) == len(expected)


def test_yolo_grid_explains_the_selected_candidate_with_the_students_iou():
    ious = []

    def my_iou(a, b):
        ious.append((a.shape, b.shape))
        x1, y1 = max(a[0], b[0]), max(a[1], b[1])
        x2, y2 = min(a[2], b[2]), min(a[3], b[3])
        inter = max(0, x2 - x1) * max(0, y2 - y1)
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)

    ex = _built(widgets.yolo_grid, iou=my_iou)
    assert ious and ious[0] == ((4,), (4,))
    ex.controls["score_threshold"].value, ex.controls["iou_threshold"].value = 0.3, 0.3
    for k in range(24):
        ex.controls["candidate"].value = k
        sel = ex.state.selected
        if sel["why"].startswith("suppressed by box #"):
            break
    else:
        pytest.fail("no suppressed candidate among the 24")
    rival = int(sel["why"].split("#")[1].split(":")[0])
    boxes = ex.state.boxes
    assert rival in ex.state.kept and my_iou(boxes[k], boxes[rival]) >= 0.3
    assert any(t.startswith("    → suppressed by box #") for t in _strings(ex.fig.axes[1]))
    gt = ex.state.gt
    assert gt["iou"] == pytest.approx(max(my_iou(boxes[k], g) for g in gt["boxes"]))


def test_yolo_grid_shows_a_wrong_nms_at_work():
    def no_score_filter(boxes, scores, score_threshold, iou_threshold):
        return _brute_nms(boxes, scores, -1.0, iou_threshold)

    ex = _built(widgets.yolo_grid, nms=no_score_filter)
    ex.controls["score_threshold"].value = 0.9
    s = ex.state
    low = [k for k in s.kept if s.scores[k] <= 0.9]                  # kept although below the threshold
    assert low
    ex.controls["candidate"].value = int(low[0])
    assert "nms must drop it first" in ex.state.selected["why"]
    assert any("nms must drop it first" in t for t in _strings(ex.fig.axes[1]))
    bad = widgets.yolo_grid(nms=lambda boxes, scores, st, it: [len(boxes) + 3])
    assert "indices into the boxes it was given" in bad.message.value


def test_yolo_grid_decodes_a_detectors_predictions():
    images, boxes, labels = shapes_dataset(3, size=64, max_objects=3, rng=7)
    grids = np.stack([ref.yolo_encode(b, lab, 4, 3, 64) for b, lab in zip(boxes, labels)])   # a perfect detector
    ex = _built(widgets.yolo_grid, predictions=(images, grids))
    assert ex.controls["S"].value == 4 and ex.controls["S"].disabled and ex.controls["image"].max == 2
    ex.controls["score_threshold"].value = 0.5
    for image in range(3):
        ex.controls["image"].value = image
        s = ex.state
        owners = {}
        for b, lab in zip(boxes[image], labels[image]):             # one box per cell: the first listed wins
            owners.setdefault((int((b[1] + b[3]) / 2 / 16), int((b[0] + b[2]) / 2 / 16)), (b, lab))
        assert len(s.boxes) == len(owners) and s.gt is None
        expected = np.array(sorted(b.tolist() for b, _ in owners.values()))
        np.testing.assert_allclose(np.array(sorted(s.boxes.tolist())), expected, atol=1e-9)
        np.testing.assert_allclose(s.cell_scores, grids[image][..., 4])
    assert [im.shape for im in _images(ex.fig.axes[0])] == [(64, 64, 4), (4, 4, 4)]     # photo, cell scores
    with pytest.raises(ValueError, match="predictions must be"):
        widgets.yolo_grid(predictions=(images[:, 0], grids))


# ------------------------------------------------------------------------------ plot helpers
def test_pixel_image_draws_what_imshow_draws():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dlcourse.cnn import plots

    rgb = np.array([[[1, 0, 0], [0, 1, 0], [0, 0, 0]], [[0, 0, 1], [1, 1, 1], [1, 1, 0]]], float)   # (2, 3, 3)

    def drawn(use_imshow: bool, extent: tuple, ylim: tuple) -> np.ndarray:
        fig = Figure(figsize=(3, 2), dpi=50)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        if use_imshow:
            ax.imshow(rgb, extent=extent, interpolation="nearest")
        else:
            plots.show_image(ax, rgb, extent=extent)
        ax.set(xlim=(0, 3), ylim=ylim)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, :3].astype(int)          # (100, 150, 3), top row first

    # (extent as imshow's (left, right, bottom, top), y limits, the colour in the top-left corner)
    for extent, ylim, corner in [((0, 3, 2, 0), (2, 0), [255, 0, 0]), ((0, 3, 0, 2), (0, 2), [255, 0, 0]),
                                 ((0, 3, 2, 0), (0, 2), [0, 0, 255]), ((3, 0, 2, 0), (2, 0), [0, 0, 0])]:
        ours, theirs = drawn(False, extent, ylim), drawn(True, extent, ylim)
        assert np.mean(np.any(ours != theirs, axis=-1)) < 0.03                 # at most the block edges differ
        np.testing.assert_array_equal(ours[25, 25], corner)
