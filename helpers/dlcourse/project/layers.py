"""Layers with a forward and a backward pass, composed into a network (CS231n's layer API).

Each layer is a small object: ``forward(x, train)`` keeps what its backward pass needs,
``backward(dout)`` returns dL/dx and fills ``grads`` (same keys as ``params``). The layers do
not hard-code their numerics: each takes the functions it runs (the student's own, pasted from
weeks 02-04, or the course's references, see :mod:`dlcourse.project.capstone`). Shapes: NCHW
images, dense weights ``W (D_in, D_out)`` with samples in rows (the course's MLP layout).

Provided backward passes (no earlier week graded them): :func:`max_pool2d_backward` and the
spatial batch norm pair :func:`spatial_batchnorm_forward` / :func:`spatial_batchnorm_backward`,
which reshape (N, C, H, W) to (N*H*W, C) and call the week 04 batch-norm functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from dlcourse import as_rng

__all__ = ["Conv", "SpatialBatchNorm", "ReLU", "MaxPool", "Flatten", "Dense", "Sequential",
           "max_pool2d_backward", "spatial_batchnorm_forward", "spatial_batchnorm_backward"]


def max_pool2d_backward(dout: np.ndarray, x: np.ndarray, k: int = 2, stride: int = 2) -> np.ndarray:
    """dL/dx of k x k max pooling (no padding, floor mode): each window's gradient goes to its maximum.

    dout : (N, C, Ho, Wo); x : (N, C, H, W), the pooling input. Ties go to the first maximum in
    row-major order (torch's choice). Returns (N, C, H, W).
    """
    N, C, Ho, Wo = dout.shape
    dx = np.zeros_like(x, dtype=float)
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k].reshape(N, C, -1)  # (N, C, k*k)
            arg = window.argmax(axis=2)                                                    # (N, C)
            r, c = i * stride + arg // k, j * stride + arg % k
            n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
            np.add.at(dx, (n_idx, c_idx, r, c), dout[:, :, i, j])
    return dx


def _to_rows(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) -> (N*H*W, C): every pixel of every image becomes a sample of C features."""
    return x.transpose(0, 2, 3, 1).reshape(-1, x.shape[1])


def _from_rows(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """(N*H*W, C) -> (N, C, H, W), the inverse of :func:`_to_rows`."""
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).transpose(0, 3, 1, 2)


def spatial_batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, bn_forward: Callable,
                              eps: float = 1e-5) -> tuple[np.ndarray, tuple]:
    """Batch norm per channel over (N, H, W), from a (N, D) batch-norm forward ``bn_forward``."""
    y, cache = bn_forward(_to_rows(x), gamma, beta, eps)                  # (N*H*W, C)
    return _from_rows(y, x.shape), (cache, x.shape)


def spatial_batchnorm_backward(dy: np.ndarray, cache: tuple, bn_backward: Callable):
    """(dx (N, C, H, W), dgamma (C,), dbeta (C,)) from the matching (N, D) backward ``bn_backward``."""
    inner, shape = cache
    dx, dgamma, dbeta = bn_backward(_to_rows(dy), inner)
    return _from_rows(dx, shape), dgamma, dbeta


class Layer:
    """Base class: ``params`` and ``grads`` are dicts of arrays with the same keys."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


class Conv(Layer):
    """Convolution F x F, stride 1, ``padding``; He-initialised w (C_out, C_in, F, F), b (C_out,)."""

    def __init__(self, C_in: int, C_out: int, F: int, padding: int, conv: Callable, conv_backward: Callable,
                 rng: np.random.Generator | int | None = 0) -> None:
        super().__init__()
        std = np.sqrt(2.0 / (C_in * F * F))
        self.params = {"w": as_rng(rng).normal(0.0, std, (C_out, C_in, F, F)), "b": np.zeros(C_out)}
        self.padding, self.conv, self.conv_backward = padding, conv, conv_backward

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.x = x                                                          # (N, C_in, H, W)
        return self.conv(x, self.params["w"], self.params["b"], 1, self.padding)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["w"], self.grads["b"] = self.conv_backward(dout, self.x, self.params["w"], 1, self.padding)
        return dx


class SpatialBatchNorm(Layer):
    """Batch norm over channels of (N, C, H, W); running statistics as torch (momentum 0.1, unbiased var)."""

    def __init__(self, C: int, bn_forward: Callable, bn_backward: Callable, momentum: float = 0.1,
                 eps: float = 1e-5) -> None:
        super().__init__()
        self.params = {"gamma": np.ones(C), "beta": np.zeros(C)}
        self.running_mean, self.running_var = np.zeros(C), np.ones(C)
        self.bn_forward, self.bn_backward, self.momentum, self.eps = bn_forward, bn_backward, momentum, eps

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        if not train:
            shape = (1, -1, 1, 1)
            x_hat = (x - self.running_mean.reshape(shape)) / np.sqrt(self.running_var.reshape(shape) + self.eps)
            return self.params["gamma"].reshape(shape) * x_hat + self.params["beta"].reshape(shape)
        rows = _to_rows(x)                                                  # (N*H*W, C)
        m = len(rows)
        self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * rows.mean(axis=0)
        self.running_var = (1 - self.momentum) * self.running_var + self.momentum * rows.var(axis=0) * m / max(m - 1, 1)
        y, self.cache = spatial_batchnorm_forward(x, self.params["gamma"], self.params["beta"], self.bn_forward, self.eps)
        return y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["gamma"], self.grads["beta"] = spatial_batchnorm_backward(dout, self.cache, self.bn_backward)
        return dx


class ReLU(Layer):
    """Element-wise activation ``relu`` with derivative ``relu_grad`` (evaluated at the input)."""

    def __init__(self, relu: Callable, relu_grad: Callable) -> None:
        super().__init__()
        self.relu, self.relu_grad = relu, relu_grad

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.x = x
        return self.relu(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self.relu_grad(self.x)


class MaxPool(Layer):
    """k x k max pooling with stride k (``pool(x, k, stride)``); backward by :func:`max_pool2d_backward`."""

    def __init__(self, k: int, pool: Callable) -> None:
        super().__init__()
        self.k, self.pool = k, pool

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.x = x
        return self.pool(x, self.k, self.k)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return max_pool2d_backward(dout, self.x, self.k, self.k)


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), in C, H, W order (torch's ``nn.Flatten``)."""

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout.reshape(self.shape)


class Dense(Layer):
    """Fully connected, no activation: ``dense(X, W, b, identity)``, W (D_in, D_out) ~ N(0, std^2).

    ``std=None`` is He initialisation, sqrt(2 / D_in); an output layer often starts much smaller
    (e.g. 0.01) so that the first predictions are nearly uniform (initial loss close to ln K).
    """

    def __init__(self, D_in: int, D_out: int, dense: Callable, rng: np.random.Generator | int | None = 0,
                 std: float | None = None) -> None:
        super().__init__()
        std = np.sqrt(2.0 / D_in) if std is None else std
        self.params = {"W": as_rng(rng).normal(0.0, std, (D_in, D_out)), "b": np.zeros(D_out)}
        self.dense = dense

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        self.x = x                                                          # (N, D_in)
        return self.dense(x, self.params["W"], self.params["b"], lambda z: z)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        self.grads["W"] = self.x.T @ dout                                   # (D_in, D_out)
        self.grads["b"] = dout.sum(axis=0)                                  # (D_out,)
        return dout @ self.params["W"].T                                    # (N, D_in)


class Sequential:
    """Layers applied in order. ``params``/``grads`` are flat views named ``"<index>.<name>"``."""

    def __init__(self, layers: Sequence[Layer]) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray, train: bool = True) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x, train)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    @property
    def grads(self) -> dict[str, np.ndarray]:
        return {f"{i}.{k}": layer.grads.get(k) for i, layer in enumerate(self.layers) for k in layer.params}

    def set_param(self, name: str, value: np.ndarray) -> None:
        """Replace parameter ``"<index>.<name>"`` (the optimiser returns new arrays)."""
        i, key = name.split(".", 1)
        self.layers[int(i)].params[key] = value

    def n_params(self) -> int:
        return sum(v.size for v in self.params.values())

    def __repr__(self) -> str:
        return "Sequential(\n" + "\n".join(f"  {i}: {layer!r}" for i, layer in enumerate(self.layers)) + "\n)"
