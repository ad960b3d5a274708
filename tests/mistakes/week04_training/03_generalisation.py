"""Typical wrong (and alternative right) answers for week04_training/03_generalisation.ipynb."""

import copy
import pickle

import numpy as np
import torch
from mistakes import quiz, right, variants, wrong
from scipy import ndimage
from torch import nn


# ------------------------------------------------------------------------------ penalties
def _arrays(params):
    return list(params.values()) if isinstance(params, dict) else list(params)


def _l2_half(params, lam):
    return float(0.5 * lam * sum(np.sum(w ** 2) for w in _arrays(params)))


def _l1_squared(params, lam):
    return float(lam * sum(np.sum(w ** 2) for w in _arrays(params)))


def _l2_first_only(params, lam):
    return float(lam * np.sum(_arrays(params)[0] ** 2))


def _l2_frobenius_norm(params, lam):
    return float(lam * sum(np.linalg.norm(w) for w in _arrays(params)))


def _l1_no_abs(params, lam):
    return float(lam * sum(np.sum(w) for w in _arrays(params)))


def _l2_concat(params, lam):
    flat = np.concatenate([np.ravel(w) for w in _arrays(params)]) if _arrays(params) else np.zeros(0)
    return float(lam * flat @ flat)


def _l1_concat(params, lam):
    flat = np.concatenate([np.ravel(w) for w in _arrays(params)]) if _arrays(params) else np.zeros(0)
    return float(lam * np.linalg.norm(flat, 1))


# ------------------------------------------------------------------------------ early stopping
class _ESBase:
    """Correct except for the switches."""
    le, late, alias, shallow, no_delta, vs_previous = False, False, False, False, False, False

    def __init__(self, patience=5, min_delta=0.001):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_state = np.inf, -1, None
        self.wait, self.epoch, self.stopped_epoch, self.prev = 0, -1, None, np.inf

    def step(self, val_loss, state=None):
        self.epoch += 1
        ref = self.prev if self.vs_previous else self.best_loss
        delta = 0.0 if self.no_delta else self.min_delta
        improved = val_loss <= ref - delta if self.le else val_loss < ref - delta
        self.prev = val_loss
        if improved:
            self.best_loss, self.best_epoch, self.wait = float(val_loss), self.epoch, 0
            if self.alias:
                self.best_state = state
            elif self.shallow:
                self.best_state = dict(state) if isinstance(state, dict) else state
            else:
                self.best_state = copy.deepcopy(state)
            return False
        self.wait += 1
        if (self.wait > self.patience) if self.late else (self.wait >= self.patience):
            self.stopped_epoch = self.epoch
            return True
        return False


class _ESLessEqual(_ESBase):
    le = True


class _ESLate(_ESBase):
    late = True


class _ESEarly(_ESBase):
    def __init__(self, patience=5, min_delta=0.001):
        super().__init__(patience - 1, min_delta)


class _ESAlias(_ESBase):
    alias = True


class _ESShallow(_ESBase):
    shallow = True


class _ESNoDelta(_ESBase):
    no_delta = True


class _ESPrevious(_ESBase):
    vs_previous = True


class _ESCountdown:
    """Right: a countdown of the remaining patience, a pickle round trip as the deep copy."""

    def __init__(self, patience=5, min_delta=0.001):
        self.patience, self.min_delta = patience, min_delta
        self.best_loss, self.best_epoch, self.best_state, self.stopped_epoch = float("inf"), None, None, None
        self._left, self._epochs = patience, 0

    def step(self, val_loss, state=None):
        epoch, self._epochs = self._epochs, self._epochs + 1
        if self.best_loss - val_loss > self.min_delta:
            self.best_loss, self.best_epoch, self._left = val_loss, epoch, self.patience
            self.best_state = pickle.loads(pickle.dumps(state))
            return False
        self._left -= 1
        if self._left <= 0:
            self.stopped_epoch = epoch
        return self._left <= 0


# ------------------------------------------------------------------------------ dropout
def _drop(x, keep_prob, training=True, rng=None, *, scale=True, keep_is_drop=False, at_eval=False,
          scale_eval=False, eval_mask_none=False):
    x = np.asarray(x)
    if not training and not at_eval:
        out = x * keep_prob if scale_eval else x.copy()
        return out, (None if eval_mask_none else np.ones(x.shape, dtype=bool))
    u = np.random.default_rng(rng).random(x.shape)
    mask = u > keep_prob if keep_is_drop else u < keep_prob
    return (x * mask / keep_prob if (scale and not scale_eval) else x * mask), mask


def _drop_multiply(x, keep_prob, training=True, rng=None):
    out, mask = _drop(x, keep_prob, training, rng, scale=False)
    return (out * keep_prob if training else out), mask


def _drop_binomial(x, keep_prob, training=True, rng=None):
    x = np.asarray(x, dtype=float)
    if not training:
        return np.array(x), np.full(x.shape, True)
    mask = np.random.default_rng(rng).binomial(1, keep_prob, size=x.shape).astype(bool)
    return np.where(mask, x / keep_prob, 0.0), mask


# ------------------------------------------------------------------------------ augment
def _draw(img, rng, rotation, shift, zoom, hflip):
    g = np.random.default_rng(rng)
    angle = g.uniform(-rotation, rotation)
    s = g.uniform(1 - zoom, 1 + zoom)
    H, W = img.shape
    dy, dx = g.uniform(-shift, shift) * H, g.uniform(-shift, shift) * W
    return angle, s, dy, dx, bool(hflip) and g.random() < 0.5


def _augment_chain(img, rng, rotation=40, shift=0.2, zoom=0.2, hflip=True, fill="nearest", *,
                   zoom_shape=False, vflip=False, mode=None, corner=False, order=1):
    """Right by default: rotate, zoom about the centre, shift - three scipy.ndimage calls."""
    img = np.asarray(img)
    angle, s, dy, dx, flip = _draw(img, rng, rotation, shift, zoom, hflip)
    mode = mode or fill
    out = img.astype(float)
    H, W = img.shape
    if angle:
        out = ndimage.rotate(out, angle, reshape=False, order=order, mode=mode)
    if s != 1:
        if zoom_shape:
            out = ndimage.zoom(out, s, order=order, mode=mode)
        else:
            c = np.zeros(2) if corner else np.array([(H - 1) / 2, (W - 1) / 2])
            out = ndimage.affine_transform(out, np.eye(2) / s, offset=c - c / s, order=order, mode=mode)
    if dy or dx:
        out = ndimage.shift(out, (dy, dx), order=order, mode=mode)
    if flip:
        out = out[::-1] if vflip else out[:, ::-1]
    return out.astype(img.dtype)


# ------------------------------------------------------------------------------ transfer
def _new_head(base, n_classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(base.n_features, n_classes))


def _fx_eval_only(base, n_classes):
    model = copy.deepcopy(base)
    model.features.eval()
    model.classifier = _new_head(base, n_classes)
    return model


def _fx_head_frozen_too(base, n_classes):
    model = copy.deepcopy(base)
    model.classifier = _new_head(base, n_classes)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def _fx_no_copy(base, n_classes):
    for p in base.features.parameters():
        p.requires_grad_(False)
    base.classifier = _new_head(base, n_classes)
    return base


def _fx_rebuild(base, n_classes):
    """Right: a fresh DigitsCNN that loads the pretrained features' weights."""
    from dlcourse.training.transfer import DigitsCNN

    model = DigitsCNN(n_classes)
    model.features.load_state_dict(base.features.state_dict())
    model.features.requires_grad_(False)
    return model


def _groups_one(model, lr, lr_scale=0.1):
    for p in model.parameters():
        p.requires_grad_(True)
    return [{"params": list(model.parameters()), "lr": lr}]


def _groups_scale_on_head(model, lr, lr_scale=0.1):
    for p in model.features.parameters():
        p.requires_grad_(True)
    return [{"params": list(model.features.parameters()), "lr": lr},
            {"params": list(model.classifier.parameters()), "lr": lr * lr_scale}]


def _groups_no_unfreeze(model, lr, lr_scale=0.1):
    return [{"params": list(model.features.parameters()), "lr": lr * lr_scale},
            {"params": list(model.classifier.parameters()), "lr": lr}]


def _groups_per_block(model, lr, lr_scale=0.1):
    """Right: one group per conv block (generators, as torch allows), then the head."""
    model.features.requires_grad_(True)
    groups = [{"params": block.parameters(), "lr": lr * lr_scale} for block in model.features]
    return groups + [{"params": model.classifier.parameters(), "lr": lr}]


CASES = [
    wrong("test_penalties", "a factor 1/2 in the L2 penalty", l2_penalty=_l2_half),
    wrong("test_penalties", "L1 squares the weights", l1_penalty=_l1_squared),
    wrong("test_penalties", "only the first array is penalised", l2_penalty=_l2_first_only),
    wrong("test_penalties", "the norm instead of the squared norm", l2_penalty=_l2_frobenius_norm),
    wrong("test_penalties", "L1 without abs", l1_penalty=_l1_no_abs),
    right("test_penalties", "concatenate everything, dot product and 1-norm", l2_penalty=_l2_concat,
          l1_penalty=_l1_concat),

    wrong("test_EarlyStopping", "<= instead of < on min_delta", EarlyStopping=_ESLessEqual),
    wrong("test_EarlyStopping", "stops one epoch late (wait > patience)", EarlyStopping=_ESLate),
    wrong("test_EarlyStopping", "stops one epoch early", EarlyStopping=_ESEarly),
    wrong("test_EarlyStopping", "stores a reference to the state", EarlyStopping=_ESAlias),
    wrong("test_EarlyStopping", "a shallow copy of the state dict", EarlyStopping=_ESShallow),
    wrong("test_EarlyStopping", "min_delta ignored", EarlyStopping=_ESNoDelta),
    wrong("test_EarlyStopping", "compares with the previous epoch instead of the best", EarlyStopping=_ESPrevious),
    right("test_EarlyStopping", "countdown of remaining patience, pickle copy", EarlyStopping=_ESCountdown),

    *variants("test_dropout_forward", "dropout_forward", _drop, wrong={
        "kept units not rescaled": dict(scale=False),
        "drops with probability keep_prob": dict(keep_is_drop=True),
        "dropout also at test time": dict(at_eval=True),
        "non-inverted: scaling at test time": dict(scale_eval=True),
    }),
    wrong("test_dropout_forward", "multiplies by keep_prob instead of dividing", dropout_forward=_drop_multiply),
    right("test_dropout_forward", "binomial mask and np.where", dropout_forward=_drop_binomial),

    *variants("test_augment", "augment", _augment_chain, wrong={
        "ndimage.zoom changes the shape": dict(zoom_shape=True),
        "flips vertically": dict(vflip=True),
        "ignores the fill mode": dict(mode='nearest'),
        "zooms about the top-left corner": dict(corner=True),
        "cubic interpolation overshoots the input range": dict(order=3),
    }, right={"rotate, centred zoom and shift as three ndimage calls": {}}),

    wrong("test_transfer", "only model.eval(), no requires_grad", feature_extractor_model=_fx_eval_only),
    wrong("test_transfer", "the new head is frozen too", feature_extractor_model=_fx_head_frozen_too),
    wrong("test_transfer", "modifies base instead of a copy", feature_extractor_model=_fx_no_copy),
    wrong("test_transfer", "one parameter group at lr", fine_tune_param_groups=_groups_one),
    wrong("test_transfer", "lr_scale on the head", fine_tune_param_groups=_groups_scale_on_head),
    wrong("test_transfer", "features not unfrozen", fine_tune_param_groups=_groups_no_unfreeze),
    right("test_transfer", "fresh DigitsCNN loading the features; groups per block with generators",
          feature_extractor_model=_fx_rebuild, fine_tune_param_groups=_groups_per_block),

    *quiz("q1", wrong={
        "ResNet50 (0.749 is below 0.75)": "c",
        "MobileNetV2 (smallest, but 0.713)": "a",
    }, right={"upper case with brackets": "(B)"}),
    *quiz("q2", wrong={
        "the inverse ratio": 3_538_984 / 138_357_544,
        "MB instead of parameters (528 / 14)": 528 / 14,
    }, right={"rounded to two digits": 39, "a fraction string": "138357544/3538984"}),
    *quiz("q3", wrong={
        "early layers fine-tuned": {"b", "c", "d"},
        "include_top forgotten": {"a", "b"},
    }, right={"a list in upper case": ["A", "B", "D"], "a string": "a b d"}),
    *quiz("q4", wrong={"the whole network": "a", "nothing trained": "d"}, right={"upper case": "B"}),
]
