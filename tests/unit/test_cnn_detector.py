"""The tiny YOLO-style detector of Week 03 (dlcourse.cnn.detector).

Oracles: the loss written out term by term with a loop over cells, hand-counted precision and
recall, and "same seed => same weights"; training must reduce the loss and reach a useful
detector on the shapes data.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dlcourse.cnn import reference as ref
from dlcourse.cnn.detector import TinyDetector, evaluate_detections, predict, train_detector, yolo_loss
from dlcourse.data.shapes import shapes_dataset


def _targets(n: int, size: int = 32, S: int = 4, rng: int = 0):
    images, boxes, labels = shapes_dataset(n, size=size, max_objects=3, rng=rng)
    return images, boxes, labels, np.stack([ref.yolo_encode(b, lab, S, 3, size) for b, lab in zip(boxes, labels)])


def test_output_shape_and_ranges():
    torch.manual_seed(0)
    model = TinyDetector(S=4, n_classes=3, image_size=32)
    out = model(torch.rand(5, 3, 32, 32))                                   # (N, S, S, 5 + C)
    assert out.shape == (5, 4, 4, 8)
    assert torch.all((out[..., :2] > 0) & (out[..., :2] < 1))              # x, y inside the cell
    assert torch.all(out[..., 2:4] > 0)                                     # w, h positive
    assert torch.all((out[..., 4] > 0) & (out[..., 4] < 1))
    torch.testing.assert_close(out[..., 5:].sum(-1), torch.ones(5, 4, 4))   # class probabilities


@pytest.mark.parametrize("S,size,n_classes", [(2, 32, 3), (4, 64, 5), (8, 32, 2)])
def test_other_grids_and_sizes(S, size, n_classes):
    model = TinyDetector(S=S, n_classes=n_classes, image_size=size, width=4)
    assert model(torch.rand(2, 3, size, size)).shape == (2, S, S, 5 + n_classes)


def test_rejects_a_size_that_is_not_S_times_a_power_of_two():
    with pytest.raises(ValueError):
        TinyDetector(S=3, image_size=32)
    with pytest.raises(ValueError):
        TinyDetector(S=4, image_size=4)


def test_loss_is_zero_at_the_target_and_positive_elsewhere():
    *_, targets = _targets(6)
    target = torch.tensor(targets)
    assert float(yolo_loss(target.clone(), target)) == 0.0
    for channel, delta in [(0, 0.1), (2, 0.3), (4, -0.2)]:
        pred = target.clone()
        cell = tuple(np.argwhere(targets[..., 4] == 1)[0])                  # an object cell
        pred[cell + (channel,)] += delta
        assert float(yolo_loss(pred, target)) > 0.0
    pred = target.clone()
    pred[..., 4] = torch.where(target[..., 4] == 0, 0.3, pred[..., 4])       # objectness in empty cells
    assert float(yolo_loss(pred, target)) > 0.0


def test_loss_matches_a_loop_over_cells():
    g = np.random.default_rng(1)
    *_, targets = _targets(3)
    pred = targets.copy()
    pred[..., :2] = g.uniform(0.05, 0.95, pred[..., :2].shape)
    pred[..., 2:4] = g.uniform(0.3, 3.0, pred[..., 2:4].shape)
    pred[..., 4] = g.uniform(0.05, 0.95, pred[..., 4].shape)
    p = g.uniform(0.1, 1.0, pred[..., 5:].shape)
    pred[..., 5:] = p / p.sum(-1, keepdims=True)
    expected = 0.0
    for n, r, c in np.ndindex(targets.shape[:3]):
        t, q = targets[n, r, c], pred[n, r, c]
        if t[4] == 1:
            expected += 5.0 * (np.sum((q[:2] - t[:2]) ** 2) + np.sum((np.sqrt(q[2:4]) - np.sqrt(t[2:4])) ** 2))
            expected += -np.log(q[4]) - np.log(q[5 + int(np.argmax(t[5:]))])
        else:
            expected += -0.5 * np.log(1 - q[4])                            # box and class terms ignored
    got = float(yolo_loss(torch.tensor(pred), torch.tensor(targets)))
    assert got == pytest.approx(expected / len(targets), rel=1e-10)
    pred_garbage = pred.copy()
    pred_garbage[targets[..., 4] == 0, :4] = 7.0                            # empty cells: box is "don't care"
    pred_garbage[targets[..., 4] == 0, 5:] = 1 / 3
    assert float(yolo_loss(torch.tensor(pred_garbage), torch.tensor(targets))) == pytest.approx(got, rel=1e-12)


def test_loss_weights_are_used():
    *_, targets = _targets(4)
    target = torch.tensor(targets)
    pred = target.clone()
    pred[..., 4] = torch.where(target[..., 4] == 0, 0.25, 1.0)
    base = float(yolo_loss(pred, target))
    assert float(yolo_loss(pred, target, lambda_noobj=1.0)) == pytest.approx(2 * base)


def _train(seed_model: int = 0, seed: int = 0, epochs: int = 2):
    images, _, _, targets = _targets(192, rng=7)
    torch.manual_seed(seed_model)
    model = TinyDetector(S=4, n_classes=3, image_size=32, width=8)
    history = train_detector(model, images, targets, epochs=epochs, lr=1e-2, batch_size=32, seed=seed,
                             progress=False)
    return model, history


def test_training_reduces_the_loss_and_is_reproducible():
    model_a, hist_a = _train(epochs=8)
    model_b, hist_b = _train(epochs=8)
    assert hist_a["loss"][-1] < 0.7 * hist_a["loss"][0]
    assert hist_a["loss"] == hist_b["loss"]
    for pa, pb in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(pa, pb)
    assert not model_a.training
    _, hist_c = _train(epochs=2, seed=1)
    assert hist_c["loss"] != hist_a["loss"][:2]                               # the seed drives the shuffling


def test_predict_returns_float64_grids_in_eval_mode():
    model, _ = _train(epochs=1)
    images = shapes_dataset(10, size=32, rng=3)[0]
    grids = predict(model, images, batch_size=4)
    assert grids.shape == (10, 4, 4, 8) and grids.dtype == np.float64
    with torch.no_grad():
        direct = model(torch.tensor(images, dtype=torch.float32)).double().numpy()
    np.testing.assert_allclose(grids, direct, atol=1e-6)


def test_the_notebook_recipe_finds_most_shapes():
    """The Week 03 notebook's setting with fewer images: precision and recall at IoU 0.5 well above chance."""
    images, boxes, labels, targets = _targets(1000, rng=1)
    torch.manual_seed(0)
    model = TinyDetector(S=4, n_classes=3, image_size=32)
    train_detector(model, images[:800], targets[:800], epochs=12, lr=3e-3, batch_size=32, seed=0, progress=False)
    pred_b, pred_l = [], []
    for grid in predict(model, images[800:]):
        b, s, lab = ref.yolo_decode(grid, 0.6, image_size=32)
        keep = np.concatenate([np.flatnonzero(lab == c)[ref.nms(b[lab == c], s[lab == c], 0.5)] for c in range(3)])
        keep = keep[np.argsort(-s[keep], kind="stable")].astype(int)
        pred_b.append(b[keep])
        pred_l.append(lab[keep])
    result = evaluate_detections(pred_b, pred_l, boxes[800:], labels[800:], ref.iou)
    assert result["precision"] > 0.75 and result["recall"] > 0.55


def test_evaluate_detections_on_hand_cases():
    truth = [np.array([[0, 0, 10, 10], [20, 20, 30, 30]]), np.array([[5, 5, 15, 15]]), np.zeros((0, 4))]
    truth_labels = [np.array([0, 1]), np.array([2]), np.zeros(0, dtype=int)]
    preds = [np.array([[0, 0, 10, 10],                                     # exact: TP
                       [1, 0, 11, 10],                                     # same object again: FP (already matched)
                       [20, 20, 30, 35]]),                                 # IoU 100/150 = 0.67, but wrong class: FP
             np.array([[5, 5, 15, 25]]),                                   # IoU 0.5 exactly: TP (>= 0.5)
             np.array([[0, 0, 3, 3]])]                                     # nothing to find: FP
    pred_labels = [np.array([0, 0, 2]), np.array([2]), np.array([1])]
    result = evaluate_detections(preds, pred_labels, truth, truth_labels, ref.iou)
    assert (result["tp"], result["fp"], result["fn"], result["n_pred"], result["n_true"]) == (2, 3, 1, 5, 3)
    assert result["precision"] == pytest.approx(2 / 5) and result["recall"] == pytest.approx(2 / 3)
    strict = evaluate_detections(preds, pred_labels, truth, truth_labels, ref.iou, iou_threshold=0.75)
    assert strict["tp"] == 1


def test_evaluate_detections_prefers_the_best_overlap_and_uses_the_given_iou():
    truth, truth_labels = [np.array([[0, 0, 10, 10], [2, 0, 12, 10]])], [np.array([0, 0])]
    preds, pred_labels = [np.array([[2, 0, 12, 10], [0, 0, 10, 10]])], [np.array([0, 0])]
    assert evaluate_detections(preds, pred_labels, truth, truth_labels, ref.iou)["tp"] == 2
    calls = []

    def counting_iou(a, b):
        calls.append(1)
        return ref.iou(a, b)

    evaluate_detections(preds, pred_labels, truth, truth_labels, counting_iou)
    assert calls
    empty = evaluate_detections([np.zeros((0, 4))], [np.zeros(0)], [np.zeros((0, 4))], [np.zeros(0)], ref.iou)
    assert empty["precision"] == 1.0 and empty["recall"] == 1.0
