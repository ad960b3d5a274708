"""A tiny one-stage, YOLO-style detector for :func:`dlcourse.data.shapes_dataset` (Week 03).

* :class:`TinyDetector` - a small CNN mapping images (N, 3, H, W) to a grid (N, S, S, 5 + C)
  in the same format as the YOLO target of the Week 03 notebooks: channels
  [x, y, w, h, objectness, class probabilities], x, y the box centre inside its cell in [0, 1]
  (sigmoid), w, h the box size in units of the cell (exp, so positive; may exceed 1),
  objectness a sigmoid, class probabilities a softmax;
* :func:`yolo_loss` - squared error on (x, y, sqrt w, sqrt h) in the cells that own an object,
  logistic loss on the objectness (no-object cells down-weighted) and log loss on the classes
  (the lecture's "in practice" choices), summed over cells and averaged over images;
* :func:`train_detector` - mini-batch Adam with seeded shuffling and a progress bar; the caller
  builds the targets (with the student's ``yolo_encode`` in the notebook);
* :func:`predict` - the raw grids as a NumPy array, ready for a ``yolo_decode``;
* :func:`evaluate_detections` - precision and recall at an IoU threshold, with any ``iou``;
* :func:`window_crops` - every square window of an image at a stride, as one batch (the
  sliding-window detector the lecture starts from).

Importing this module imports torch; ``import dlcourse.cnn`` alone does not.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["TinyDetector", "yolo_loss", "train_detector", "predict", "evaluate_detections", "window_crops"]


class TinyDetector(nn.Module):
    """A YOLO-style detector with one box per cell (B = 1): (N, 3, H, W) -> (N, S, S, 5 + C).

    k = log2(image_size / S) blocks halve the side: a 3x3 conv with stride 2 first (cheap at
    full resolution), then 3x3 conv + ReLU + 2x2 max-pool; on the S x S grid a 3x3 conv lets
    each cell see its neighbours and a 1x1 conv (a dense layer applied to every cell) gives
    the 5 + C numbers of each cell (activations: see :meth:`forward`).

    Parameters
    ----------
    S : int
        Grid size; the image side must be S * 2**k with k >= 1.
    n_classes : int
        Number of classes C.
    image_size : int
        Side of the (square) input images in pixels.
    width : int
        Channels of the first block; each further block doubles them (capped at 4 * width).
    """

    def __init__(self, S: int = 4, n_classes: int = 3, image_size: int = 32, width: int = 16) -> None:
        super().__init__()
        n_blocks = int(round(np.log2(image_size / S)))
        if n_blocks < 1 or S * 2 ** n_blocks != image_size:
            raise ValueError(f"image_size must be S * 2**k with k >= 1; got image_size={image_size}, S={S}")
        self.S, self.n_classes, self.image_size = S, n_classes, image_size
        layers: list[nn.Module] = []
        c_in = 3
        for k in range(n_blocks):                                   # (N, c, H, W) -> (N, c', H/2, W/2)
            c_out = width * min(2 ** k, 4)
            if k == 0:                                              # stride 2: cheap at full resolution
                layers += [nn.Conv2d(c_in, c_out, 3, stride=2, padding=1), nn.ReLU()]
            else:
                layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c_in = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Conv2d(c_in, c_in, 3, padding=1), nn.ReLU(),   # context from neighbours
                                  nn.Conv2d(c_in, 5 + n_classes, 1))               # one 1x1 "FC" per cell

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 3, H, W) -> grids (N, S, S, 5 + C) in the YOLO target format: sigmoid x, y,
        exp w, h (clamped exponent, so 0.018 .. 55 cells), sigmoid objectness, softmax classes."""
        raw = self.head(self.features(x)).permute(0, 2, 3, 1)      # (N, S, S, 5 + C)
        xy = torch.sigmoid(raw[..., 0:2])                           # centre inside the cell
        wh = torch.exp(raw[..., 2:4].clamp(-4.0, 4.0))              # cell units, > 0
        obj = torch.sigmoid(raw[..., 4:5])
        cls = torch.softmax(raw[..., 5:], dim=-1)
        return torch.cat([xy, wh, obj, cls], dim=-1)


def yolo_loss(pred: torch.Tensor, target: torch.Tensor, lambda_coord: float = 5.0,
              lambda_noobj: float = 0.5, eps: float = 1e-7) -> torch.Tensor:
    """YOLO loss of predicted grids against targets, summed over cells, mean over images.

    Parameters
    ----------
    pred, target : tensors of shape (N, S, S, 5 + C)
        Channels [x, y, w, h, objectness, class probabilities]; the target's objectness is 1
        in the cells that own an object and 0 elsewhere, its classes one-hot.
    lambda_coord : float
        Weight of the box terms (x, y)^2 and (sqrt w, sqrt h)^2 (only object cells count).
    lambda_noobj : float
        Weight of the objectness log loss in the cells without an object (most cells).
    eps : float
        Probabilities are clamped to at least ``eps`` inside the logarithms.

    Returns
    -------
    Tensor of shape ()
        0 when ``pred`` equals ``target``, positive otherwise.
    """
    has_obj = target[..., 4] > 0.5                                  # (N, S, S)
    p, t = pred[has_obj], target[has_obj]                           # (k, 5 + C) object cells only
    box = ((p[:, :2] - t[:, :2]) ** 2).sum() + ((p[:, 2:4].sqrt() - t[:, 2:4].sqrt()) ** 2).sum()
    obj = -torch.log(p[:, 4].clamp_min(eps)).sum()                  # objectness -> 1
    noobj = -torch.log((1.0 - pred[..., 4][~has_obj]).clamp_min(eps)).sum()   # objectness -> 0
    cls = -(t[:, 5:] * torch.log(p[:, 5:].clamp_min(eps))).sum()    # log loss of the true class
    return (lambda_coord * box + obj + lambda_noobj * noobj + cls) / pred.shape[0]


def _tensor(a: Any, dtype: torch.dtype) -> torch.Tensor:
    return torch.as_tensor(a if isinstance(a, torch.Tensor) else np.asarray(a)).to(dtype)


def train_detector(model: nn.Module, images: Any, targets: Any, *, epochs: int, lr: float,
                   batch_size: int, seed: int = 0, progress: bool = True,
                   **loss_kwargs: float) -> dict[str, Any]:
    """Train ``model`` in place with Adam on :func:`yolo_loss`.

    Parameters
    ----------
    model : nn.Module
        Maps (N, 3, H, W) images to (N, S, S, 5 + C) grids, e.g. a :class:`TinyDetector`.
    images : array or tensor of shape (N, 3, H, W)
    targets : array or tensor of shape (N, S, S, 5 + C)
        The YOLO targets (built by the caller, e.g. with a ``yolo_encode``).
    epochs, lr, batch_size : int, float, int
        Passes over the data, Adam's learning rate, images per step (the last batch is smaller).
    seed : int
        Seeds the shuffling (a ``torch.Generator``); same initial model + same arguments =>
        same weights and history.
    progress : bool
        Show a ``tqdm.auto`` progress bar over the epochs (it writes to stderr).
    **loss_kwargs
        Passed to :func:`yolo_loss` (``lambda_coord``, ``lambda_noobj``).

    Returns
    -------
    dict
        ``"loss"``: the mean loss per image of each epoch (``epochs`` floats); ``"seconds"``:
        the wall time. The model is left in eval mode.
    """
    from tqdm.auto import tqdm

    dtype = next(model.parameters()).dtype
    X, Y = _tensor(images, dtype), _tensor(targets, dtype)          # (N, 3, H, W), (N, S, S, 5 + C)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    history: dict[str, Any] = {"loss": []}
    start = time.perf_counter()
    model.train()
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for _ in bar:
        order, total = torch.randperm(len(X), generator=g), 0.0
        for i in range(0, len(X), batch_size):
            idx = order[i:i + batch_size]
            loss = yolo_loss(model(X[idx]), Y[idx], **loss_kwargs)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        history["loss"].append(total / len(X))
        bar.set_postfix(loss=f"{history['loss'][-1]:.3f}")
    bar.close()
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


def predict(model: nn.Module, images: Any, batch_size: int = 512) -> np.ndarray:
    """The model's grids for ``images`` (N, 3, H, W) as a float64 array (N, S, S, 5 + C) (eval mode)."""
    dtype = next(model.parameters()).dtype
    X = _tensor(images, dtype)
    model.eval()
    with torch.no_grad():
        out = [model(X[i:i + batch_size]) for i in range(0, len(X), batch_size)]
    return torch.cat(out).double().numpy()


def _match_image(boxes: np.ndarray, labels: np.ndarray, true_boxes: np.ndarray, true_labels: np.ndarray,
                 iou: Callable, iou_threshold: float) -> int:
    """Greedy matching in one image: each prediction (in the given order) takes the unmatched true
    box of its class with the highest IoU, if that IoU >= threshold. Returns the true positives."""
    free = np.ones(len(true_boxes), dtype=bool)
    tp = 0
    for box, label in zip(boxes, labels):
        best, best_iou = -1, -np.inf
        for j in np.flatnonzero(free & (true_labels == label)):
            v = float(iou(np.array(box, dtype=float), np.array(true_boxes[j], dtype=float)))
            if v > best_iou:
                best, best_iou = j, v
        if best >= 0 and best_iou >= iou_threshold:
            free[best], tp = False, tp + 1
    return tp


def evaluate_detections(pred_boxes: Sequence, pred_labels: Sequence, true_boxes: Sequence,
                        true_labels: Sequence, iou: Callable, iou_threshold: float = 0.5) -> dict[str, float]:
    """Precision and recall of detections over a set of images (the lecture's IoU >= 0.5 rule).

    A prediction is a true positive when it has the right class and IoU >= ``iou_threshold``
    with a true box not already matched by an earlier prediction of the same image (predictions
    are matched in the order given: pass them best first, as NMS returns them).

    Parameters
    ----------
    pred_boxes, true_boxes : sequences (one entry per image) of arrays of shape (k, 4)
        Boxes [x1, y1, x2, y2] in pixels.
    pred_labels, true_labels : sequences of arrays of shape (k,)
        Class labels of those boxes.
    iou : callable
        ``iou(box_a (4,), box_b (4,)) -> float`` (e.g. the student's).
    iou_threshold : float
        Minimum IoU for a match.

    Returns
    -------
    dict
        ``precision`` = tp / n_pred, ``recall`` = tp / n_true (1.0 when the denominator is 0),
        and the counts ``tp``, ``fp``, ``fn``, ``n_pred``, ``n_true``.
    """
    tp = n_pred = n_true = 0
    for b, lab, tb, tl in zip(pred_boxes, pred_labels, true_boxes, true_labels):
        b, tb = np.asarray(b, dtype=float).reshape(-1, 4), np.asarray(tb, dtype=float).reshape(-1, 4)
        lab, tl = np.asarray(lab, dtype=int).reshape(-1), np.asarray(tl, dtype=int).reshape(-1)
        tp += _match_image(b, lab, tb, tl, iou, iou_threshold)
        n_pred, n_true = n_pred + len(b), n_true + len(tb)
    return {"precision": tp / n_pred if n_pred else 1.0, "recall": tp / n_true if n_true else 1.0,
            "tp": tp, "fp": n_pred - tp, "fn": n_true - tp, "n_pred": n_pred, "n_true": n_true}


def window_crops(images: torch.Tensor, size: int, stride: int) -> torch.Tensor:
    """Every ``size`` x ``size`` window of images (N, C, H, W) at ``stride``, row by row (top-left
    corner moving right first): (N * rows * cols, C, size, size), the N crops of a position together."""
    H, W = images.shape[-2:]
    return torch.cat([images[:, :, r:r + size, c:c + size]
                      for r in range(0, H - size + 1, stride) for c in range(0, W - size + 1, stride)])
