"""Week 03 architecture arithmetic against independent oracles.

Oracles: torch itself - a one-hot gradient pushed back through real conv / pool layers shows
which input pixels an output pixel depends on; real nn.Conv2d outputs and parameter counts -
and the lecture's numbers (5, 7, 8; 120,422,400 and 12,443,648).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlcourse.cnn.architectures import (_format_layers, _jump, _layer_sizes, _parse_layers, _receptive_region, _stack_params)
from dlcourse.cnn import reference as ref

CONV3, POOL2 = ("conv", 3, 1), ("pool", 2, 2)


def _torch_region(layers, n: int, row: int, col: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Rows and columns [start, stop) of an n x n input that top pixel (row, col) depends on:
    the nonzero part of d out[row, col] / d input through layers of ones (avg pooling, whose
    gradient reaches every pixel of its window, unlike max pooling's)."""
    x = torch.ones(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    h = x
    for kind, k, s in layers:
        if kind == "conv":
            h = F.conv2d(h, torch.ones(1, 1, k, k, dtype=torch.float64), stride=s)
        else:
            h = F.avg_pool2d(h, k, stride=s)
    h[0, 0, row, col].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    return (int(rows.min()), int(rows.max()) + 1), (int(cols.min()), int(cols.max()) + 1)


def _random_stacks(count: int, seed: int = 0):
    g = np.random.default_rng(seed)
    for _ in range(count):
        layers = []
        for _ in range(int(g.integers(1, 5))):
            if g.random() < 0.3:
                k = int(g.integers(2, 4))
                layers.append(("pool", k, int(g.integers(1, k + 1))))
            else:
                layers.append(("conv", int(g.integers(1, 6)), int(g.integers(1, 3))))
        yield layers


@pytest.mark.parametrize("layers, expected", [
    ([CONV3, CONV3], 5), ([CONV3] * 3, 7), ([CONV3, POOL2, CONV3], 8), ([], 1), ([("conv", 5, 1)], 5),
    ([CONV3, CONV3, POOL2], 6),
])
def test_receptive_field_matches_the_lecture(layers, expected):
    assert ref.receptive_field(layers) == expected


@pytest.mark.parametrize("layers", list(_random_stacks(12)), ids=_format_layers)
def test_receptive_field_and_region_match_torch_gradients(layers):
    r, jump = ref.receptive_field(layers), _jump(layers)
    n = r + 3 * jump                                                 # the stack then outputs 4 x 4
    assert _layer_sizes(layers, n)[-1] == 4
    for row, col in [(0, 0), (1, 3), (3, 2)]:
        rows, cols = _torch_region(layers, n, row, col)
        assert rows == _receptive_region(layers, row) and cols == _receptive_region(layers, col)
        assert rows[1] - rows[0] == r


def test_layer_sizes_match_torch_output_shapes():
    for layers in _random_stacks(8, seed=3):
        n = ref.receptive_field(layers) + 5 * _jump(layers) + 2       # some left-over pixels: floors
        h = torch.zeros(1, 1, n, n)
        expected = [n]
        for kind, k, s in layers:
            h = F.conv2d(h, torch.zeros(1, 1, k, k), stride=s) if kind == "conv" else F.max_pool2d(h, k, s)
            expected.append(h.shape[-1])
        assert _layer_sizes(layers, n) == expected
    with pytest.raises(ValueError, match="does not fit"):
        _layer_sizes([CONV3], 2)


def test_bad_layers_are_rejected():
    for bad in [[("dense", 3, 1)], [("conv", 0, 1)], [("pool", 2, 0)]]:
        with pytest.raises(ValueError, match="kind"):
            ref.receptive_field(bad)


@pytest.mark.parametrize("shape", [(28, 28, 32, 5, 192), (28, 28, 16, 1, 192), (7, 5, 3, 3, 4), (1, 1, 1, 1, 1)])
def test_conv_mults_counts_the_multiplications_of_a_real_conv(shape):
    h, w, c_out, f, c_in = shape
    conv = nn.Conv2d(c_in, c_out, f, padding=f // 2, bias=False)
    with torch.no_grad():
        out = conv(torch.zeros(1, c_in, h, w))
    assert out.shape[-2:] == (h, w)
    assert ref.conv_mults(h, w, c_out, f, c_in) == out.numel() * c_in * f * f


def test_conv_mults_gives_the_inception_numbers():
    direct = ref.conv_mults(28, 28, 32, 5, 192)
    bottleneck = ref.conv_mults(28, 28, 16, 1, 192) + ref.conv_mults(28, 28, 32, 5, 16)
    assert (direct, bottleneck) == (120_422_400, 12_443_648)
    assert isinstance(direct, int)


@pytest.mark.parametrize("C", [1, 3, 64])
def test_stack_params_counts_real_conv_weights(C):
    for layers, factor in [([CONV3, CONV3], 18), ([("conv", 5, 1)], 25), ([CONV3] * 3, 27), ([("conv", 7, 1)], 49)]:
        modules = [nn.Conv2d(C, C, k, bias=False) for kind, k, _ in layers if kind == "conv"]
        assert _stack_params(layers, C) == sum(p.numel() for m in modules for p in m.parameters()) == factor * C * C
    assert _stack_params([CONV3, POOL2, CONV3], C) == 18 * C * C                # pooling has no weights


def test_layers_parse_from_text_and_back():
    assert _parse_layers("conv3 pool2 conv3/2") == [CONV3, POOL2, ("conv", 3, 2)]
    assert _parse_layers("c3, p3/1  conv5") == [CONV3, ("pool", 3, 1), ("conv", 5, 1)]
    assert _parse_layers("conv3 x3") == [CONV3] * 3
    assert _parse_layers("") == []
    for layers in _random_stacks(6, seed=5):
        assert _parse_layers(_format_layers(layers)) == layers
    with pytest.raises(ValueError, match="cannot read layer 'dense4'"):
        _parse_layers("conv3 dense4")
