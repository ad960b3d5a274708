"""Architecture arithmetic: receptive fields of layer stacks and the cost of a convolution.

Graded in the Week 03 notebooks, hence the private names. A layer stack is a list of
``(kind, k, s)`` tuples - kind "conv" or "pool", window k, stride s - read from the input
upwards; padding does not change a receptive field, so it is not part of a layer here.

Receptive field (pixels of the input one output pixel depends on):
r = 1 + sum_l (k_l - 1) * prod_{i<l} s_i, e.g. [conv3, conv3] -> 5, three conv3 -> 7,
[conv3, pool2/2, conv3] -> 8. The product of the strides below a layer is its *jump*: how far
apart, in input pixels, two neighbouring pixels of that layer look.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__: list[str] = []

Layer = tuple[str, int, int]          # (kind, k, s): kind "conv" or "pool", window k, stride s


def _check_layers(layers: Sequence[Sequence]) -> list[Layer]:
    out = []
    for layer in layers:
        kind, k, s = layer
        if kind not in ("conv", "pool") or int(k) < 1 or int(s) < 1:
            raise ValueError(f"a layer is (kind, k, s) with kind 'conv' or 'pool', k >= 1, s >= 1; got {layer!r}")
        out.append((str(kind), int(k), int(s)))
    return out


def _receptive_field(layers: Sequence[Layer]) -> int:
    """Receptive field r of the top layer's pixels, in input pixels: 1 + sum_l (k_l - 1) * jump_l.

    jump_l = prod_{i<l} s_i (1 for the first layer). Examples: [("conv", 3, 1)] * 2 -> 5;
    [("conv", 3, 1), ("pool", 2, 2), ("conv", 3, 1)] -> 8; an empty stack -> 1.
    """
    r, jump = 1, 1
    for _kind, k, s in _check_layers(layers):
        r += (k - 1) * jump
        jump *= s
    return r


def _jump(layers: Sequence[Layer]) -> int:
    """Distance in input pixels between neighbouring top-layer pixels: the product of all strides."""
    jump = 1
    for _kind, _k, s in _check_layers(layers):
        jump *= s
    return jump


def _receptive_region(layers: Sequence[Layer], index: int) -> tuple[int, int]:
    """Input pixels [start, stop) that top-layer pixel ``index`` depends on (one axis, no padding).

    A pixel j of a valid (unpadded) layer reads its input's pixels [j*s, j*s + k); chained
    down the stack this is [index * jump, index * jump + r). With padding P per layer, shift
    by -(sum of P_l * jump_l) (the region may then start in the padding).
    """
    return index * _jump(layers), index * _jump(layers) + _receptive_field(layers)


def _layer_sizes(layers: Sequence[Layer], n: int) -> list[int]:
    """Widths of the input and of every layer's output for an input of width ``n`` (valid, floor)."""
    sizes = [int(n)]
    for _kind, k, s in _check_layers(layers):
        if sizes[-1] < k:
            raise ValueError(f"a {k}-wide window does not fit the {sizes[-1]}-wide layer below it")
        sizes.append((sizes[-1] - k) // s + 1)
    return sizes


def _stack_params(layers: Sequence[Layer], channels: int) -> int:
    """Weights of the stack's conv layers when every layer has ``channels`` in and out (no bias):
    sum k*k*C*C over conv layers. Two conv3 -> 18 C^2, one conv5 -> 25 C^2 (VGG's argument)."""
    return sum(k * k * channels * channels for kind, k, _s in _check_layers(layers) if kind == "conv")


def _conv_mults(h_out: int, w_out: int, c_out: int, f: int, c_in: int) -> int:
    """Multiplications of a convolution: one f*f*c_in dot product per output value.

    h_out * w_out * c_out * f * f * c_in. The inception example: a direct 5x5 conv from
    28x28x192 to 28x28x32 costs 28*28*32*5*5*192 = 120,422,400; a 1x1 bottleneck to 16
    channels first costs 28*28*16*192 + 28*28*32*5*5*16 = 12,443,648 (about 10x fewer).
    """
    return int(h_out) * int(w_out) * int(c_out) * int(f) * int(f) * int(c_in)


_TOKEN = re.compile(r"^(conv|pool|c|p)(\d+)(?:/(\d+))?$")


def _parse_layers(text: str) -> list[Layer]:
    """A stack written as text, e.g. "conv3 conv3 pool2 conv3/2" (also "c3 p2", commas allowed).

    convK has stride 1 and poolK stride K unless "/s" gives it; "conv3 x2" repeats the
    previous layer (two conv3 in all).
    """
    layers: list[Layer] = []
    for token in text.replace(",", " ").lower().split():
        repeat = re.fullmatch(r"[x×*](\d+)", token)
        if repeat and layers:
            layers += [layers[-1]] * (int(repeat.group(1)) - 1)
            continue
        m = _TOKEN.match(token)
        if not m:
            raise ValueError(f"cannot read layer {token!r}: write convK, poolK or convK/S (e.g. conv3 pool2 conv3/2)")
        kind = "conv" if m.group(1).startswith("c") else "pool"
        k = int(m.group(2))
        s = int(m.group(3)) if m.group(3) else (1 if kind == "conv" else k)
        layers.append(_check_layers([(kind, k, s)])[0])
    return layers


def _format_layers(layers: Sequence[Layer]) -> str:
    """The inverse of :func:`_parse_layers` (strides written only where they differ from the default)."""
    words = []
    for kind, k, s in _check_layers(layers):
        default = 1 if kind == "conv" else k
        words.append(f"{kind}{k}" + ("" if s == default else f"/{s}"))
    return " ".join(words)
