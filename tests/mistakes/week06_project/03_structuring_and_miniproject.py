"""Typical wrong (and alternative right) answers for week06_project/03_structuring_and_miniproject.ipynb."""

import numpy as np
import torch
from mistakes import right, variants, wrong
from torch import nn

from dlcourse.project.miniproject import Config, evaluate, fit, project_data


# ------------------------------------------------------------------------------ diagnose
def _diagnose_swapped(train_err, dev_err, human_err=0.0, tol=0.02):
    bias, variance = train_err - human_err, train_err - dev_err          # variance with the wrong sign
    focus = "unclear" if bias < 0 else "bias" if bias > tol else "variance" if variance > tol else "none"
    return {"avoidable_bias": bias, "variance": variance, "focus": focus}


def _diagnose_no_human(train_err, dev_err, human_err=0.0, tol=0.02):
    bias, variance = train_err, dev_err - train_err                      # human-level error ignored
    focus = "bias" if bias > tol else "variance" if variance > tol else "none"
    return {"avoidable_bias": bias, "variance": variance, "focus": focus}


def _diagnose_variance_first(train_err, dev_err, human_err=0.0, tol=0.02):
    bias, variance = train_err - human_err, dev_err - train_err
    focus = "unclear" if bias < 0 else "variance" if variance > tol else "bias" if bias > tol else "none"
    return {"avoidable_bias": bias, "variance": variance, "focus": focus}


def _diagnose_larger_gap(train_err, dev_err, human_err=0.0, tol=0.02):
    bias, variance = train_err - human_err, dev_err - train_err           # "the bigger gap wins", not the recipe
    if bias < 0:
        focus = "unclear"
    elif max(bias, variance) <= tol:
        focus = "none"
    else:
        focus = "bias" if bias > variance else "variance"
    return {"avoidable_bias": bias, "variance": variance, "focus": focus}


def _diagnose_table(train_err, dev_err, human_err=0.0, tol=0.02):
    gaps = {"avoidable_bias": train_err - human_err, "variance": dev_err - train_err}
    rules = [(gaps["avoidable_bias"] < 0, "unclear"), (gaps["avoidable_bias"] > tol, "bias"),
             (gaps["variance"] > tol, "variance"), (True, "none")]
    return {**gaps, "focus": next(label for cond, label in rules if cond), "human": human_err}


# ------------------------------------------------------------------------------ confusion matrix
def _cm_transposed(y_true, y_pred, K):
    C = np.zeros((K, K), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[p, t] += 1
    return C


def _cm_k_from_data(y_true, y_pred, K):
    K = int(max(np.max(y_true), np.max(y_pred))) + 1
    C = np.zeros((K, K), dtype=int)
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C


def _cm_normalised(y_true, y_pred, K):
    C = np.zeros((K, K))
    for t, p in zip(y_true, y_pred):
        C[t, p] += 1
    return C / np.maximum(C.sum(axis=1, keepdims=True), 1)


def _cm_loop(y_true, y_pred, K):
    C = np.zeros((K, K), dtype=np.int64)
    for t, p in zip(np.asarray(y_true).tolist(), np.asarray(y_pred).tolist()):
        C[t][p] += 1
    return C


def _cm_bincount(y_true, y_pred, K):
    return np.bincount(np.asarray(y_true) * K + np.asarray(y_pred), minlength=K * K).reshape(K, K)


# ------------------------------------------------------------------------------ error ceiling
def _ceiling_subtract(total_err, tag_counts, n_reviewed):
    return {tag: total_err - count / n_reviewed for tag, count in tag_counts.items()}


def _ceiling_gain(total_err, tag_counts, n_reviewed):
    return {tag: total_err * count / n_reviewed for tag, count in tag_counts.items()}


def _ceiling_share_of_tags(total_err, tag_counts, n_reviewed):
    n_tagged = sum(tag_counts.values())                                   # tags, not reviewed errors
    return {tag: total_err * (1 - count / n_tagged) for tag, count in tag_counts.items()}


def _ceiling_loop(total_err, tag_counts, n_reviewed):
    out = {}
    for tag in tag_counts:
        fixed_share = tag_counts[tag] / n_reviewed
        out[tag] = total_err - total_err * fixed_share
    return out


# ------------------------------------------------------------------------------ select model
def _select_no_constraints(table, optimise, constraints):
    return max(table, key=lambda row: row[optimise])["name"]


def _select_strict(table, optimise, constraints):
    ok = [row for row in table if all(row[k] < limit for k, limit in constraints.items())]
    if not ok:
        raise ValueError("no model satisfies the constraints")
    return max(ok, key=lambda row: row[optimise])["name"]


def _select_none_when_empty(table, optimise, constraints):
    ok = [row for row in table if all(row[k] <= limit for k, limit in constraints.items())]
    return max(ok, key=lambda row: row[optimise])["name"] if ok else None


def _select_fixed_accuracy(table, optimise, constraints):
    ok = [row for row in table if all(row[k] <= limit for k, limit in constraints.items())]
    if not ok:
        raise ValueError("no model satisfies the constraints")
    return max(ok, key=lambda row: row["accuracy"])["name"]


def _select_sorted(table, optimise, constraints):
    for row in sorted(table, key=lambda r: -r[optimise]):
        if all(row[k] <= v for k, v in constraints.items()):
            return row["name"]
    raise ValueError(f"none of {len(table)} models meets {constraints}")


# ------------------------------------------------------------------------------ build_cnn
def _cnn(config, n_classes=5, *, keep_as_p=False, bn=True, classes=None):
    w = config.width
    p_drop = config.keep_prob if keep_as_p else 1 - config.keep_prob   # torch's p is the DROP probability
    norm = nn.BatchNorm2d if (config.batchnorm and bn) else (lambda c: nn.Identity())
    return nn.Sequential(
        nn.Conv2d(1, w, 3, padding=1), norm(w), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(w, 2 * w, 3, padding=1), norm(2 * w), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(p_drop), nn.Linear(8 * w, classes or n_classes))


class _GapNet(nn.Module):
    """Another architecture: 3 convolutions, BN before ReLU, global average pooling."""

    def __init__(self, config, n_classes):
        super().__init__()
        layers, c_in = [], 1
        for c_out in (12, 16, 24):
            layers += [nn.Conv2d(c_in, c_out, 3, padding=1),
                       nn.BatchNorm2d(c_out) if config.batchnorm else nn.Identity(), nn.ReLU()]
            c_in = c_out
        self.body = nn.Sequential(*layers)
        self.drop = nn.Dropout(1 - config.keep_prob)
        self.out = nn.Linear(24, n_classes)

    def forward(self, x):
        return self.out(self.drop(self.body(x).mean(dim=(2, 3))))


def _build_gap(config, n_classes=5):
    return _GapNet(config, n_classes)


# ------------------------------------------------------------------------------ run_experiment
def _run(config, seed, *, seeded=True, split="test", percent=False, trained=True):
    data = project_data(config.n_per_class, seed)
    if seeded:
        torch.manual_seed(seed)
    model = _cnn(config)                                                 # the right architecture
    if trained:
        fit(model, data["X_train"], data["y_train"], config, seed)
    acc = evaluate(model, data[f"X_{split}"], data[f"y_{split}"])[1]
    return (100 * acc if percent else acc), model


def _run_manual_accuracy(config, seed):
    data = project_data(config.n_per_class, seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _cnn(config)
    fit(model, torch.from_numpy(data["X_train"]), torch.from_numpy(data["y_train"]), config, seed)
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(data["X_test"])).argmax(dim=1).numpy()
    return float(np.mean(pred == data["y_test"])), model


CASES = [
    wrong("test_diagnose", "variance = train - dev", diagnose=_diagnose_swapped),
    wrong("test_diagnose", "human-level error not subtracted", diagnose=_diagnose_no_human),
    wrong("test_diagnose", "variance fixed before bias", diagnose=_diagnose_variance_first),
    wrong("test_diagnose", "the larger gap wins (ties and 'both' cases)", diagnose=_diagnose_larger_gap),
    right("test_diagnose", "a rule table, with an extra key", diagnose=_diagnose_table),
    wrong("test_confusion_matrix", "rows are predictions", confusion_matrix=_cm_transposed),
    wrong("test_confusion_matrix", "K taken from the data", confusion_matrix=_cm_k_from_data),
    wrong("test_confusion_matrix", "rows normalised to rates", confusion_matrix=_cm_normalised),
    right("test_confusion_matrix", "a Python loop", confusion_matrix=_cm_loop),
    right("test_confusion_matrix", "np.bincount on flat indices", confusion_matrix=_cm_bincount),
    wrong("test_error_ceiling", "error minus the share of the tag", error_ceiling=_ceiling_subtract),
    wrong("test_error_ceiling", "the gain instead of the new error", error_ceiling=_ceiling_gain),
    wrong("test_error_ceiling", "share among tagged, not reviewed, errors", error_ceiling=_ceiling_share_of_tags),
    right("test_error_ceiling", "a loop, subtracting the fixed part", error_ceiling=_ceiling_loop),
    wrong("test_select_model", "constraints ignored", select_model=_select_no_constraints),
    wrong("test_select_model", "strict < at the limit", select_model=_select_strict),
    wrong("test_select_model", "None instead of ValueError", select_model=_select_none_when_empty),
    wrong("test_select_model", "always maximises 'accuracy'", select_model=_select_fixed_accuracy),
    right("test_select_model", "sort, then the first feasible", select_model=_select_sorted),
    *variants("test_build_cnn", "build_cnn", _cnn, wrong={
        "keep_prob passed as torch's p": {"keep_as_p": True},
        "batch norm switch ignored": {"bn": False},
        "10 outputs whatever n_classes": {"classes": 10},
    }),
    right("test_build_cnn", "3 convolutions and global average pooling", build_cnn=_build_gap),
    *variants("test_run_experiment", "run_experiment", _run, wrong={
        "model built before seeding": {"seeded": False},
        "dev accuracy reported": {"split": "dev"},
        "accuracy in percent": {"percent": True},
        "model never trained": {"trained": False},
    }),
    right("test_run_experiment", "fork_rng for the init, accuracy by argmax", run_experiment=_run_manual_accuracy),
]
