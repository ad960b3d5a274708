"""Typical wrong (and alternative right) answers for week03_cnn/02_cnn_architectures.ipynb."""

import numpy as np
import torch
import torch.nn.functional as F
from mistakes import right, wrong
from torch import nn


# ------------------------------------------------------------------------------ slide_model
def _slide(pad=0, ceil=False, pool=nn.MaxPool2d, sigmoid=True, dense_relu=True, flat=None):
    """The lecture's Keras model with one switch per slip; the defaults are correct."""
    layers, c_in, side = [], 3, 150
    for c_out in (32, 64, 128, 128):
        layers += [nn.Conv2d(c_in, c_out, 3, padding=pad), nn.ReLU(),
                   pool(2, ceil_mode=True) if ceil else pool(2)]
        side = side - 2 + 2 * pad
        side = -(-side // 2) if ceil else side // 2
        c_in = c_out
    n_flat = flat or c_in * side * side
    layers += [nn.Flatten(), nn.Linear(n_flat, 512)] + ([nn.ReLU()] if dense_relu else []) + [nn.Linear(512, 1)]
    return nn.Sequential(*layers, *([nn.Sigmoid()] if sigmoid else []))


class _SlideNet(nn.Module):
    """A hand-written module: functional ReLU / pooling / sigmoid in forward."""

    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(a, b, 3, padding="valid") for a, b in
                                    [(3, 32), (32, 64), (64, 128), (128, 128)]])
        self.fc1, self.fc2 = nn.Linear(6272, 512), nn.Linear(512, 1)

    def forward(self, x):
        for conv in self.convs:
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return torch.sigmoid(self.fc2(F.relu(self.fc1(torch.flatten(x, 1)))))


# ------------------------------------------------------------------------------ receptive_field
def _rf_sum_kernels(layers):
    return int(sum(k for _, k, _ in layers)) if layers else 1


def _rf_ignore_strides(layers):
    return 1 + sum(k - 1 for _, k, _ in layers)


def _rf_own_stride(layers):
    r, jump = 1, 1
    for _, k, s in layers:
        jump *= s                                   # stride applied before its own window
        r += (k - 1) * jump
    return r


def _rf_no_plus_one(layers):
    r, jump = 0, 1
    for _, k, s in layers:
        r += (k - 1) * jump
        jump *= s
    return r


def _rf_reversed(layers):
    r, jump = 1, 1
    for _, k, s in reversed(layers):                # walks the stack from the top
        r += (k - 1) * jump
        jump *= s
    return r


def _rf_top_down(layers):
    r = 1
    for _, k, s in reversed(layers):                # r_below = s * r_above + (k - s)
        r = s * r + (k - s)
    return r


def _rf_interval(layers):
    lo, hi = 0, 0                                   # input interval of the top pixel 0, walked down
    for _, k, s in reversed(layers):
        lo, hi = lo * s, hi * s + k - 1
    return hi - lo + 1


def _rf_cumprod(layers):
    if not layers:
        return 1
    k = np.array([layer[1] for layer in layers])
    s = np.array([layer[2] for layer in layers])
    jumps = np.concatenate([[1], np.cumprod(s)[:-1]])
    return int(1 + np.sum((k - 1) * jumps))


# ------------------------------------------------------------------------------ conv_mults
def _branch(conv_mults):
    def branch_mults(h, w, c_in, c_out, f, bottleneck=None):
        if bottleneck is None:
            return conv_mults(h, w, c_out, f, c_in)
        return conv_mults(h, w, bottleneck, 1, c_in) + conv_mults(h, w, c_out, f, bottleneck)
    return branch_mults


def _mults_no_cin(h_out, w_out, c_out, f, c_in):
    return h_out * w_out * c_out * f * f


def _mults_f_once(h_out, w_out, c_out, f, c_in):
    return h_out * w_out * c_out * f * c_in


def _mults_with_bias(h_out, w_out, c_out, f, c_in):
    return h_out * w_out * c_out * (f * f * c_in + 1)


def _mults_float(h_out, w_out, c_out, f, c_in):
    return h_out * w_out * c_out * f ** 2.0 * c_in


def _mults_prod(h_out, w_out, c_out, f, c_in):
    return np.prod([h_out, w_out, c_out, f, f, c_in], dtype=np.int64)


def _branch_no_1x1(h, w, c_in, c_out, f, bottleneck=None):
    return h * w * c_out * f * f * (c_in if bottleneck is None else bottleneck)


def _branch_cin_after_bottleneck(h, w, c_in, c_out, f, bottleneck=None):
    main = h * w * c_out * f * f * c_in
    return main if bottleneck is None else h * w * bottleneck * c_in + main


def _branch_inline(h, w, c_in, c_out, f, bottleneck=None):
    if bottleneck is None:
        return h * w * c_out * f * f * c_in
    return h * w * (bottleneck * c_in + c_out * f * f * bottleneck)


# ------------------------------------------------------------------------------ build_digits_cnn
def _two_blocks(*tail, c1=16, c2=32, flat=128, act=nn.ReLU):
    return nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), act(), nn.MaxPool2d(2),
                         nn.Conv2d(c1, c2, 3, padding=1), act(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(flat, 10), *tail)


class _DigitsNet(nn.Module):
    """A hand-written module returning log-probabilities (valid logits: softmax(log p) = p)."""

    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):                                        # (N, 1, 8, 8)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)               # (N, 8, 4, 4)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)               # (N, 16, 2, 2)
        return F.log_softmax(self.fc(x.flatten(1)), dim=1)       # (N, 10)


CASES = [
    # slide_model
    wrong("test_slide_model", "padding='same' (and a Linear sized for the 9x9 maps that gives)",
          slide_model=lambda: _slide(pad=1)),
    wrong("test_slide_model", "no sigmoid at the end", slide_model=lambda: _slide(sigmoid=False)),
    wrong("test_slide_model", "ceil-mode pooling (15 -> 8)", slide_model=lambda: _slide(ceil=True)),
    wrong("test_slide_model", "flatten size taken as 128 * 8 * 8", slide_model=lambda: _slide(flat=128 * 8 * 8)),
    wrong("test_slide_model", "average instead of max pooling", slide_model=lambda: _slide(pool=nn.AvgPool2d)),
    wrong("test_slide_model", "no ReLU after Dense 512", slide_model=lambda: _slide(dense_relu=False)),
    right("test_slide_model", "nn.Module subclass with functional relu / max_pool2d / sigmoid", slide_model=_SlideNet),
    # receptive_field
    wrong("test_receptive_field", "adds the kernel sizes", receptive_field=_rf_sum_kernels),
    wrong("test_receptive_field", "ignores the strides", receptive_field=_rf_ignore_strides),
    wrong("test_receptive_field", "multiplies by the layer's own stride", receptive_field=_rf_own_stride),
    wrong("test_receptive_field", "starts from 0 instead of 1", receptive_field=_rf_no_plus_one),
    wrong("test_receptive_field", "bottom-up formula applied from the top layer", receptive_field=_rf_reversed),
    right("test_receptive_field", "top-down recurrence r = s r + (k - s)", receptive_field=_rf_top_down),
    right("test_receptive_field", "input interval of one pixel walked down the stack", receptive_field=_rf_interval),
    right("test_receptive_field", "np.cumprod of the strides", receptive_field=_rf_cumprod),
    # conv_mults / branch_mults
    wrong("test_conv_mults", "forgets c_in", conv_mults=_mults_no_cin, branch_mults=_branch(_mults_no_cin)),
    wrong("test_conv_mults", "f instead of f * f", conv_mults=_mults_f_once, branch_mults=_branch(_mults_f_once)),
    wrong("test_conv_mults", "counts the bias as a multiplication", conv_mults=_mults_with_bias,
          branch_mults=_branch(_mults_with_bias)),
    wrong("test_conv_mults", "returns a float", conv_mults=_mults_float, branch_mults=_branch(_mults_float)),
    wrong("test_conv_mults", "bottleneck branch without the 1x1 layer's cost", branch_mults=_branch_no_1x1),
    wrong("test_conv_mults", "5x5 after the bottleneck still reads c_in channels",
          branch_mults=_branch_cin_after_bottleneck),
    right("test_conv_mults", "np.prod with int64", conv_mults=_mults_prod, branch_mults=_branch(_mults_prod)),
    right("test_conv_mults", "branch written out without conv_mults", branch_mults=_branch_inline),
    # build_digits_cnn
    wrong("test_build_digits_cnn", "softmax inside the model", build_digits_cnn=lambda: _two_blocks(nn.Softmax(dim=1))),
    wrong("test_build_digits_cnn", "sigmoid on the outputs", build_digits_cnn=lambda: _two_blocks(nn.Sigmoid())),
    wrong("test_build_digits_cnn", "no non-linearity (conv -> flatten -> linear)",
          build_digits_cnn=lambda: nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.Flatten(), nn.Linear(512, 10))),
    wrong("test_build_digits_cnn", "too many parameters (no pooling, wide dense layer)",
          build_digits_cnn=lambda: nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Flatten(),
                                                 nn.Linear(2048, 64), nn.ReLU(), nn.Linear(64, 10))),
    wrong("test_build_digits_cnn", "an MLP (no convolution)",
          build_digits_cnn=lambda: nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))),
    wrong("test_build_digits_cnn", "flatten size computed without the second pooling",
          build_digits_cnn=lambda: _two_blocks(flat=32 * 4 * 4)),
    right("test_build_digits_cnn", "one conv layer without padding (810 parameters)",
          build_digits_cnn=lambda: nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                                 nn.Linear(8 * 3 * 3, 10))),
    right("test_build_digits_cnn", "nn.Module subclass returning log-probabilities", build_digits_cnn=_DigitsNet),
    right("test_build_digits_cnn", "LeNet-like: tanh, average pooling, hidden dense layer",
          build_digits_cnn=lambda: nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.Tanh(), nn.AvgPool2d(2),
                                                 nn.Conv2d(6, 16, 3), nn.Tanh(), nn.Flatten(), nn.Linear(64, 32),
                                                 nn.Tanh(), nn.Linear(32, 10))),
    right("test_build_digits_cnn", "batch norm and dropout",
          build_digits_cnn=lambda: nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                                                 nn.MaxPool2d(2), nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32),
                                                 nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.25),
                                                 nn.Linear(128, 10))),
]
