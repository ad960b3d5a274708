"""Deep MLPs in torch for gradient-norm studies: init schemes, batch norm, residual shortcuts.

:func:`deep_mlp` builds ``depth`` Linear layers (depth - 1 hidden layers of ``width`` units,
then the output layer); each hidden layer is Linear -> [BatchNorm1d] -> activation (BN before
the non-linearity, as Ioffe & Szegedy). With ``residual`` every hidden layer after the first
adds an identity shortcut around itself: h_l = h_{l-1} + g(BN(W_l h_{l-1} + b_l)).
:func:`_layer_grad_norms` (graded in notebook 02, hence private) measures ‖dJ/dW_l‖ of every
Linear / Conv2d layer, input side first. Importing this module imports torch.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

__all__ = ["DeepMLP", "deep_mlp", "MLP_INITS", "MLP_ACTIVATIONS"]

#: init name -> std of W as a function of (fan_in, fan_out); biases start at 0.
MLP_INITS = {
    "standard": lambda fan_in, fan_out: 1.0,                             # N(0, 1), the lecture's "standard"
    "small": lambda fan_in, fan_out: 0.01,                               # N(0, 0.01²)
    "xavier": lambda fan_in, fan_out: math.sqrt(1.0 / fan_in),           # 1/n_in (tanh), as dlcourse.mlp
    "glorot": lambda fan_in, fan_out: math.sqrt(2.0 / (fan_in + fan_out)),   # = nn.init.xavier_normal_
    "he": lambda fan_in, fan_out: math.sqrt(2.0 / fan_in),               # = nn.init.kaiming_normal_ (ReLU)
}
MLP_ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}


class _HiddenLayer(nn.Module):
    """Linear -> [BatchNorm1d] -> activation, with an optional identity shortcut around it."""

    def __init__(self, n_in: int, n_out: int, activation: str, batchnorm: bool, residual: bool):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        self.bn = nn.BatchNorm1d(n_out) if batchnorm else nn.Identity()
        self.act = MLP_ACTIVATIONS[activation]()
        self.residual = residual and n_in == n_out

    def forward(self, h: torch.Tensor) -> torch.Tensor:                 # (N, n_in) -> (N, n_out)
        out = self.act(self.bn(self.linear(h)))
        return h + out if self.residual else out


class DeepMLP(nn.Module):
    """``depth`` Linear layers; ``forward(x, record=None)`` appends every hidden layer's output
    to the list ``record`` if one is given (for activation statistics)."""

    def __init__(self, depth: int, width: int, activation: str = "relu", batchnorm: bool = False,
                 residual: bool = False, in_features: int = 2, out_features: int = 1):
        super().__init__()
        if depth < 2:
            raise ValueError(f"depth counts Linear layers including the output one: need >= 2, got {depth}")
        if activation not in MLP_ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: use one of {sorted(MLP_ACTIVATIONS)}")
        sizes = [in_features, *[width] * (depth - 1)]
        self.hidden = nn.ModuleList(_HiddenLayer(a, b, activation, batchnorm, residual)
                                    for a, b in zip(sizes[:-1], sizes[1:]))
        self.out = nn.Linear(width, out_features)

    def forward(self, x: torch.Tensor, record: list | None = None) -> torch.Tensor:  # (N, in) -> (N, out)
        for layer in self.hidden:
            x = layer(x)
            if record is not None:
                record.append(x)
        return self.out(x)


def deep_mlp(depth: int, width: int = 32, activation: str = "relu", init: str = "he", batchnorm: bool = False,
             residual: bool = False, in_features: int = 2, out_features: int = 1, seed: int = 0,
             dtype: torch.dtype = torch.float32) -> DeepMLP:
    """A :class:`DeepMLP` whose weights are drawn from ``init`` (a key of MLP_INITS:
    'standard' N(0,1), 'small', 'xavier', 'glorot', 'he') with a local ``torch.Generator``
    seeded by ``seed``; biases 0; BN starts at gamma = 1, beta = 0."""
    if init not in MLP_INITS:
        raise ValueError(f"unknown init {init!r}: use one of {sorted(MLP_INITS)}")
    model = DeepMLP(depth, width, activation, batchnorm, residual, in_features, out_features).to(dtype)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, MLP_INITS[init](m.in_features, m.out_features), generator=g)
                m.bias.zero_()
    return model


def _loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """BCE with logits for one output (y in {0, 1}), cross-entropy for K > 1 outputs."""
    if out.shape[1] == 1:
        return nn.functional.binary_cross_entropy_with_logits(out[:, 0], y.to(out.dtype))
    return nn.functional.cross_entropy(out, y.long())


def _layer_grad_norms(model: nn.Module, X, y) -> list[float]:
    """One forward/backward pass on (X, y); the Frobenius norm of dJ/dW for every Linear and
    Conv2d layer in module order (the input side first, the output layer last). The loss is
    BCE-with-logits for one output, cross-entropy otherwise. Leaves the model's gradients set."""
    p = next(model.parameters())
    X = torch.as_tensor(np.asarray(X), dtype=p.dtype)
    y = torch.as_tensor(np.asarray(y))
    model.zero_grad()
    _loss(model(X), y).backward()
    return [float(m.weight.grad.norm()) for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]
