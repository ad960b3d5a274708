"""A scalar autograd engine in the style of micrograd: every number remembers how it was made.

Each operation creates a new :class:`_Value` and, right beside the forward rule, defines
``_backward``: how to pass the output's gradient to its inputs (the chain rule, locally).
:meth:`_Value.backward` runs those closures in reverse topological order. Gradients
*accumulate* (``+=``), so a value used twice receives both contributions.
Graded in the Week 02 notebook, hence the private names.
"""

from __future__ import annotations

import math

import numpy as np

from .. import as_rng

__all__: list[str] = []


class _Value:
    """A scalar with a gradient slot: ``data`` (float), ``grad`` (dJ/d this, after backward())."""

    def __init__(self, data: float, _children: tuple = (), _op: str = ""):
        self.data, self.grad = float(data), 0.0
        self._backward = lambda: None
        self._prev, self._op = set(_children), _op

    def __add__(self, other):
        other = other if isinstance(other, _Value) else _Value(other)
        out = _Value(self.data + other.data, (self, other), "+")
        def _backward():                                  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, _Value) else _Value(other)
        out = _Value(self.data * other.data, (self, other), "*")
        def _backward():                                  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k: float):
        if not isinstance(k, (int, float)):
            raise TypeError("only constant (int/float) powers")
        out = _Value(self.data ** k, (self,), f"**{k}")
        def _backward():                                  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def _unary(self, value: float, local_grad: float, op: str) -> _Value:
        """out = f(self) with f'(self) = local_grad: the shared pattern of every function below."""
        out = _Value(value, (self,), op)
        def _backward():
            self.grad += local_grad * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")          # tanh' = 1 - tanh²

    def sigmoid(self):
        s = 0.5 * (1 + math.tanh(0.5 * self.data))        # = 1/(1+e^-x), never overflows
        return self._unary(s, s * (1 - s), "sigmoid")     # σ' = σ(1 - σ)

    def relu(self):
        return self._unary(max(self.data, 0.0), float(self.data > 0), "relu")   # relu'(0) = 0

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e, "exp")                   # exp' = exp

    def log(self):
        return self._unary(math.log(self.data), 1 / self.data, "log")           # log' = 1/x

    def backward(self) -> None:
        """Set ``grad`` of every value this one depends on to d(self)/d(that value)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:                                      # depth-first, children before parents
            v, children_done = stack.pop()                # (a loop: no recursion limit on long chains)
            if children_done:
                order.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()

    # everything else is built from the operations above
    def __neg__(self): return self * -1
    def __radd__(self, other): return self + other
    def __sub__(self, other): return self + (-other)
    def __rsub__(self, other): return other + (-self)
    def __rmul__(self, other): return self * other
    def __truediv__(self, other): return self * other ** -1
    def __rtruediv__(self, other): return other * self ** -1
    def __repr__(self): return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


class _Module:
    def parameters(self) -> list[_Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


class _Neuron(_Module):
    """act(w·x + b) with w ~ U(-1, 1); ``activation`` 'tanh', 'relu', 'sigmoid' or 'linear'."""

    def __init__(self, nin: int, activation: str = "tanh", rng: np.random.Generator | int | None = 0):
        g = as_rng(rng)
        self.w = [_Value(v) for v in g.uniform(-1, 1, nin)]
        self.b, self.activation = _Value(0.0), activation

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z if self.activation == "linear" else getattr(z, self.activation)()

    def parameters(self):
        return [*self.w, self.b]


class _Layer(_Module):
    def __init__(self, nin: int, nout: int, activation: str = "tanh", rng: np.random.Generator | int | None = 0):
        g = as_rng(rng)
        self.neurons = [_Neuron(nin, activation, g) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class _MLP(_Module):
    """Layers of sizes nin -> nouts[0] -> ... -> nouts[-1]; the last layer is linear.
    Calling it on a list of nin numbers returns a list, or one _Value if nouts[-1] == 1."""

    def __init__(self, nin: int, nouts: list[int], activation: str = "tanh",
                 rng: np.random.Generator | int | None = 0):
        g, sizes = as_rng(rng), [nin, *nouts]
        self.layers = [_Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else "linear", g)
                       for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]
