"""cnn widgets, W3.5 YOLO grid."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ...data import SHAPE_CLASSES, shapes_dataset
from ...plotting import CLASS_COLORS, PALETTE
from ...widgetkit import Explorer, TextLayer, freeze_static, key, note
from .. import plots
from .. import reference as ref
from ._common import BAD, GOOD

__all__ = ["yolo_grid", "compute_yolo_grid", "render_yolo_grid", "YoloGridState"]


# --------------------------------------------------------------------------- W3.5 YOLO grid
_CANDIDATES = 24         # candidate boxes per image (default mode)


def _nms_scored(boxes: np.ndarray, scores: np.ndarray, score_threshold: float, iou_threshold: float) -> np.ndarray:
    """NMS with a score filter (Coursera DLS rule): drop scores <= score_threshold, then greedy NMS (IoU >= threshold suppressed)."""
    idx = np.flatnonzero(np.asarray(scores) > score_threshold)
    return idx[ref.nms(np.asarray(boxes)[idx], np.asarray(scores)[idx], iou_threshold)]


def _jittered_candidates(boxes: np.ndarray, labels: np.ndarray, size: int, rng: np.random.Generator,
                         n: int = _CANDIDATES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fake detector output: jittered copies of each true box, scored by how well they fit
    (plus noise), and a few random low-scoring boxes; sorted by score (best first)."""
    out_b, out_s, out_l = [], [], []
    per = max(1, min(7, (n - 2) // max(len(boxes), 1)))
    for box, label in zip(boxes, labels):
        w, h = box[2] - box[0], box[3] - box[1]
        for _ in range(per):
            c = (box[:2] + box[2:]) / 2 + rng.normal(0, 0.1, 2) * (w, h)
            wh = np.array([w, h]) * np.exp(rng.normal(0, 0.12, 2))
            cand = np.clip(np.r_[c - wh / 2, c + wh / 2], 0, size)
            fit = float(ref.iou(cand, box))
            out_b.append(cand)
            out_s.append(float(np.clip(0.3 + 0.65 * fit + rng.normal(0, 0.06), 0.02, 0.99)))
            out_l.append(int(label))
    while len(out_b) < n:                                                        # false positives
        wh = rng.uniform(0.15, 0.4, 2) * size
        x1y1 = rng.uniform(0, 1, 2) * (size - wh)
        out_b.append(np.r_[x1y1, x1y1 + wh])
        out_s.append(float(rng.uniform(0.05, 0.5)))
        out_l.append(int(rng.integers(len(SHAPE_CLASSES))))
    order = np.argsort(-np.array(out_s), kind="stable")[:n]
    return np.array(out_b)[order], np.array(out_s)[order], np.array(out_l, dtype=np.int64)[order]


def _scenes_default(n_images: int, size: int, seed: int) -> dict:
    images, boxes, labels = shapes_dataset(n_images, size=size, max_objects=3, rng=seed)
    rng = np.random.default_rng(seed + 1)
    cands = [_jittered_candidates(b, lab, size, rng) for b, lab in zip(boxes, labels)]
    return {"images": images.transpose(0, 2, 3, 1), "boxes": boxes, "labels": labels, "candidates": cands,
            "size": size, "fixed_S": None, "cell_scores": None, "class_names": SHAPE_CLASSES}


def _scenes_predictions(predictions: tuple, n_candidates: int = _CANDIDATES) -> dict:
    images, grids = (np.asarray(a, float) for a in predictions)
    if images.ndim != 4 or images.shape[1] != 3 or grids.ndim != 4 or grids.shape[1] != grids.shape[2] \
            or len(images) != len(grids) or grids.shape[3] < 6:
        raise ValueError(f"predictions must be (images (n, 3, H, W), grids (n, S, S, 5 + C)); got shapes "
                         f"{images.shape} and {grids.shape}")
    size, S, C = images.shape[2], grids.shape[1], grids.shape[3] - 5
    cands, cell_scores = [], []
    for grid in grids:
        b, s, lab = ref.yolo_decode(grid, conf_threshold=0.01, image_size=size)
        order = np.argsort(-s, kind="stable")[:n_candidates]
        cands.append((np.clip(b[order], 0, size), s[order], lab[order]))
        cell_scores.append(grid[..., 4] * grid[..., 5:].max(axis=-1))            # (S, S)
    names = SHAPE_CLASSES if C == len(SHAPE_CLASSES) else tuple(f"class {k}" for k in range(C))
    return {"images": np.clip(images.transpose(0, 2, 3, 1), 0, 1), "boxes": None, "labels": None,
            "candidates": cands, "size": size, "fixed_S": S, "cell_scores": cell_scores, "class_names": names}


@dataclass(frozen=True)
class YoloGridState:
    """The state of :func:`yolo_grid`: what :func:`render_yolo_grid` draws."""

    image: np.ndarray
    size: int
    S: int
    boxes: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    kept: list
    above: np.ndarray
    score_threshold: float
    iou_threshold: float
    selected: dict
    gt: dict
    cell_scores: list | None
    class_names: tuple


def compute_yolo_grid(iou: Callable, nms: Callable, scenes: dict, image: int, S: int, score_threshold: float,
                      iou_threshold: float, candidate: int) -> YoloGridState:
    """Cell ownership of each object's centre on an S x S grid, the student's NMS (per class) on
    the candidates, and what happened to the selected candidate (with the student's IoU)."""
    size = scenes["size"]
    boxes, scores, labels = scenes["candidates"][image]
    kept: list[int] = []
    for cls in np.unique(labels):                                                # NMS per class
        idx = np.flatnonzero(labels == cls)
        keep = np.asarray(nms(boxes[idx].copy(), scores[idx].copy(), score_threshold, iou_threshold)).astype(int)
        if keep.size and (keep.min() < 0 or keep.max() >= len(idx)):
            raise ValueError(f"nms returned index {keep.max()} for {len(idx)} boxes: it must return indices "
                             "into the boxes it was given")
        kept += list(idx[keep.reshape(-1)])
    kept = sorted(kept, key=lambda i: -scores[i])
    i = min(candidate, len(scores) - 1)
    info = {"index": i, "score": float(scores[i]), "label": int(labels[i]), "kept": i in kept}
    if i in kept:
        info["why"] = "kept" if scores[i] > score_threshold else \
            f"kept, but its score {scores[i]:.2f} ≤ {score_threshold:.2f}: nms must drop it first"
    elif scores[i] <= score_threshold:
        info["why"] = f"score {scores[i]:.2f} ≤ {score_threshold:.2f}: dropped before NMS"
    else:
        rivals = [(k, float(iou(boxes[i].copy(), boxes[k].copy()))) for k in kept
                  if labels[k] == labels[i] and scores[k] >= scores[i] and k != i]
        hit = [(k, v) for k, v in rivals if v >= iou_threshold]
        info["why"] = (f"suppressed by box #{hit[0][0]}: IoU {hit[0][1]:.2f} ≥ {iou_threshold:.2f}" if hit else
                       "not kept, yet no kept box of its class has IoU ≥ "
                       f"{iou_threshold:.2f} with it: check your nms")
    gt = None
    if scenes["boxes"] is not None:
        gts = scenes["boxes"][image]
        ious = [float(iou(boxes[i].copy(), g.copy())) for g in gts]
        gt = {"boxes": gts, "labels": scenes["labels"][image], "best": int(np.argmax(ious)) if ious else None,
              "iou": max(ious) if ious else 0.0,
              "kept_iou": [max((float(iou(boxes[k].copy(), g.copy())) for g in gts), default=0.0) for k in kept],
              "target": ref.yolo_encode(gts, scenes["labels"][image], S, len(scenes["class_names"]), size)}
    shown_S = scenes["fixed_S"] or S
    return YoloGridState(
        image=scenes["images"][image], size=size, S=shown_S, boxes=boxes, scores=scores,
        labels=labels, kept=kept, above=np.flatnonzero(scores > score_threshold),
        score_threshold=score_threshold, iou_threshold=iou_threshold, selected=info, gt=gt,
        cell_scores=None if scenes["cell_scores"] is None else scenes["cell_scores"][image],
        class_names=scenes["class_names"])


def _layout_yolo_grid(fig: Figure, size: int) -> None:
    for left in (0.03, 0.53):
        ax = fig.add_axes((left, 0.18, 0.42, 0.42 * 10 / 5.6))
        ax.set(xlim=(0, size), ylim=(size, 0), xticks=[], yticks=[], aspect="equal")
        ax.grid(False)
    freeze_static(fig)


def _class_color(label: int) -> str:
    return CLASS_COLORS[(label + 2) % len(CLASS_COLORS)]       # green, purple, sky: not the image's hues


def render_yolo_grid(state: YoloGridState, fig: Figure) -> None:
    ax_g, ax_n = fig.axes
    size, S, names = state.size, state.S, state.class_names
    for ax in (ax_g, ax_n):
        plots.show_image(ax, state.image, extent=(0, size, size, 0))
    edges = np.arange(1, S) * size / S
    ax_g.vlines(edges, 0, size, colors="w", lw=0.8, alpha=0.8)
    ax_g.hlines(edges, 0, size, colors="w", lw=0.8, alpha=0.8)
    notes = []
    if state.gt is not None:
        gt, target = state.gt, state.gt["target"]
        owners: dict[tuple[int, int], int] = {}
        for k, (box, lab) in enumerate(zip(gt["boxes"], gt["labels"])):
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            col, row = min(int(cx / size * S), S - 1), min(int(cy / size * S), S - 1)
            color = _class_color(int(lab))
            first = (row, col) not in owners
            owners.setdefault((row, col), k)
            x0, y0 = col * size / S, row * size / S
            ax_g.add_patch(Rectangle((x0, y0), size / S, size / S, facecolor=color, alpha=0.35 if first else 0,
                                           edgecolor=color, lw=2.5))
            ax_g.plot([cx], [cy], "o", ms=6, color=color, mec="w", mew=1.2, zorder=5)
            if first:
                x, y, w, h = target[row, col, :4]
                notes.append((f"{names[lab]} → cell (row {row}, col {col}): x={x:.2f} y={y:.2f} w={w:.2f} h={h:.2f}",
                              color))
            else:
                notes.append((f"{names[lab]} shares cell (row {row}, col {col}): dropped (one box per cell)", BAD))
        plots.plot_boxes(ax_g, gt["boxes"], colors="w", lw=1.0, alpha=0.7)
        plots.axes_title(ax_g, f"S = {S}: the cell holding an object's centre owns it", size=10)
    else:
        scores = state.cell_scores
        plots.show_image(ax_g, scores, cmap="magma", vmin=0, vmax=1, alpha=0.45, extent=(0, size, size, 0))
        layer = TextLayer().add_to(ax_g)
        if S <= 8:
            for (r, c), v in np.ndenumerate(scores):
                layer.add((c + 0.5) * size / S, (r + 0.5) * size / S, f"{v:.2f}", color="w", size=8)
        plots.axes_title(ax_g, f"the detector's S = {S} grid: objectness × class prob.", size=10)
    boxes, scores, labels, kept = state.boxes, state.scores, state.labels, state.kept
    below = np.setdiff1d(np.arange(len(boxes)), state.above)
    suppressed = np.setdiff1d(state.above, kept)
    plots.plot_boxes(ax_n, boxes[below], colors="0.75", lw=0.7, ls=":", alpha=0.7)
    plots.plot_boxes(ax_n, boxes[suppressed], colors=[_class_color(int(lab)) for lab in labels[suppressed]],
                     lw=1.0, ls="--", alpha=0.6)
    plots.plot_boxes(ax_n, boxes[kept], colors=[_class_color(int(lab)) for lab in labels[kept]], lw=2.6)
    sel = state.selected
    plots.plot_boxes(ax_n, boxes[sel["index"]], colors=PALETTE["yellow"], lw=1.6, ls=(0, (3, 2)), zorder=6)
    tags = TextLayer().add_to(ax_n)
    for k in kept:
        tags.add(max(boxes[k, 0], 0.5), max(boxes[k, 1], 2.5), f"#{k} {scores[k]:.2f}", ha="left", va="bottom",
                 size=8, color=_class_color(int(labels[k])), box=True)
    plots.axes_title(ax_n, f"NMS kept {len(kept)} (bold) of {len(state.above)} boxes with score > "
                           f"{state.score_threshold:.2f}", size=10)
    lines = [(f"dotted: {len(below)} below the score threshold; dashed: suppressed", "0.35"),
             (f"candidate #{sel['index']} (yellow): {names[sel['label']]}, score {sel['score']:.2f}", "k"),
             (f"    → {sel['why']}", (GOOD if sel["why"] == "kept" else BAD) if sel["kept"] else "k")]
    if state.gt is not None:
        lines.append((f"    its IoU with the nearest true box: {state.gt['iou']:.2f} (your iou)", "k"))
        if kept:
            kept_iou = ", ".join(f"{v:.2f}" for v in state.gt["kept_iou"][:6])
            lines.append((f"kept boxes' IoU with the truth: {kept_iou}", "k"))
    note(ax_n, lines, x=0.0, y=-0.03, size=9.5)
    if notes:
        note(ax_g, notes[:3], x=0.0, y=-0.03, size=9.5)


def yolo_grid(iou: Callable | None = None, nms: Callable | None = None, predictions: tuple | None = None,
              n_images: int = 8, size: int = 64, seed: int = 0) -> Explorer:
    """W3.5: the YOLO grid and non-max suppression on coloured shapes.

    ``iou(a, b) -> float`` for two [x1, y1, x2, y2] boxes and ``nms(boxes (N, 4), scores (N,),
    score_threshold, iou_threshold) -> kept indices`` (drop scores <= threshold, then suppress
    IoU >= threshold; yours or the references). NMS runs once per class.
    Left: an S x S grid on the image and the cell that owns each object's centre, with its
    YOLO target numbers (x, y in the cell, w, h in cell units). Right: candidate boxes before
    (dotted / dashed) and after NMS (bold); the slider "candidate" (by rank of score) picks one
    box and says why it was kept, dropped or suppressed, and its IoU with the truth.

    By default the candidates are jittered copies of the true boxes (scored by their fit, plus
    noise) and a few random false positives, made when the widget is built (seeded). Pass
    ``predictions=(images (n, 3, H, W), grids (n, S, S, 5 + C))`` - a trained detector's raw
    outputs, channels [x, y, w, h, objectness, class probs] - to see its boxes instead (decoded
    at a low threshold, the best 24 per image); S is then the detector's.
    """
    iou = iou or ref.iou
    nms = nms or _nms_scored
    scenes = _scenes_default(n_images, size, seed) if predictions is None else _scenes_predictions(predictions)
    n = len(scenes["images"])
    fixed = scenes["fixed_S"]
    controls = {"image": ipw.IntSlider(0, min=0, max=n - 1, description="image #"),
                "S": ipw.IntSlider(fixed or 4, min=fixed or 1, max=fixed or 8, description="grid S",
                                 disabled=bool(fixed)),
                "candidate": ipw.IntSlider(0, min=0, max=_CANDIDATES - 1, description="candidate (rank)"),
                "score_threshold": ipw.FloatSlider(0.6, min=0.0, max=0.95, step=0.05, description="score >"),
                "iou_threshold": ipw.FloatSlider(0.5, min=0.05, max=1.0, step=0.05, description="IoU ≥")}
    return Explorer(controls, functools.partial(compute_yolo_grid, iou, nms, scenes), render_yolo_grid,
                    layout=functools.partial(_layout_yolo_grid, size=scenes["size"]), figsize=(10, 5.6))
