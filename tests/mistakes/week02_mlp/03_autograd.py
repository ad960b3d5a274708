"""Typical wrong (and alternative right) answers for 03_autograd.ipynb."""

import math

from mistakes import quiz, right, wrong


# --------------------------------------------------------------------------- Exercise 1
class _V:
    """Right: another valid engine. Children in a tuple, Kahn's algorithm for the order, an
    explicit quotient rule for /. Subclasses below switch on one slip each."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(_children)
        self._op = _op
        self.label = label
        self._backward = lambda: None

    def _lift(self, x):
        return x if isinstance(x, _V) else type(self)(x)

    def _acc(self, child, g):              # how a _backward adds into a child's grad
        child.grad += g

    def _node(self, value, children, op, local):
        """out = op(children); local(out) -> one local derivative per child."""
        out = type(self)(value, children, op)

        def _backward():
            for child, d in zip(children, local(out)):
                out._acc(child, d * out.grad)
        out._backward = _backward
        return out

    def __add__(self, other):
        other = self._lift(other)
        return self._node(self.data + other.data, (self, other), "+", lambda out: (1.0, 1.0))

    def __mul__(self, other):
        other = self._lift(other)
        return self._node(self.data * other.data, (self, other), "*", lambda out: (other.data, self.data))

    def __pow__(self, n):
        return self._node(self.data ** n, (self,), "**", lambda out: (n * self.data ** (n - 1),))

    def __truediv__(self, other):
        other = self._lift(other)
        return self._node(self.data / other.data, (self, other), "/",
                          lambda out: (1.0 / other.data, -self.data / other.data ** 2))

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def tanh(self):
        return self._node(math.tanh(self.data), (self,), "tanh", lambda out: (1.0 - out.data ** 2,))

    def sigmoid(self):
        return self._node(0.5 * (1.0 + math.tanh(0.5 * self.data)), (self,), "sigmoid",
                          lambda out: (out.data * (1.0 - out.data),))

    def relu(self):
        return self._node(max(0.0, self.data), (self,), "relu", lambda out: (float(self.data > 0),))

    def exp(self):
        return self._node(math.exp(self.data), (self,), "exp", lambda out: (out.data,))

    def _order(self):
        """Nodes so that each comes after all nodes that use it (Kahn's algorithm)."""
        nodes, stack = {}, [self]
        while stack:
            v = stack.pop()
            if id(v) not in nodes:
                nodes[id(v)] = v
                stack.extend(v._prev)
        users = {k: 0 for k in nodes}
        for v in nodes.values():
            for child in v._prev:
                users[id(child)] += 1
        order, ready = [], [self]
        while ready:
            v = ready.pop()
            order.append(v)
            for child in v._prev:
                users[id(child)] -= 1
                if users[id(child)] == 0:
                    ready.append(child)
        return order

    def backward(self):
        self.grad = 1.0
        for v in self._order():
            v._backward()

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"


class _VComposed(_V):
    """Right: tanh and sigmoid built from exp, + and / (their gradients follow on their own),
    backward by a recursive depth-first topological sort over a set of children."""

    def tanh(self):
        e2 = (2 * self).exp() if self.data < 0 else (-2 * self).exp()
        t = (1 - e2) / (1 + e2)
        return t if self.data >= 0 else -t

    def sigmoid(self):
        return 1 / (1 + (-self).exp()) if self.data >= 0 else self.exp() / (1 + self.exp())

    def backward(self):
        topo, seen = [], set()

        def visit(v):
            if v not in seen:
                seen.add(v)
                for child in set(v._prev):
                    visit(child)
                topo.append(v)
        visit(self)
        self.grad = 1.0
        for v in topo[::-1]:
            v._backward()


class _VAssign(_V):
    """Wrong: `=` instead of `+=` in every _backward."""

    def _acc(self, child, g):
        child.grad = g


class _VMulSelf(_V):
    """Wrong: the product's backward uses the node's own data (self.grad += self.data * out.grad)."""

    def __mul__(self, other):
        other = self._lift(other)
        return self._node(self.data * other.data, (self, other), "*", lambda out: (self.data, other.data))


class _VTanhNoSquare(_V):
    """Wrong: tanh' = 1 - tanh (the square is missing)."""

    def tanh(self):
        return self._node(math.tanh(self.data), (self,), "tanh", lambda out: (1.0 - out.data,))


class _VSlideTanh(_V):
    """Wrong: the slide's tanh formula (1 - e^-z)/(1 + e^-z), which is tanh(z/2)."""

    def tanh(self):
        t = (1 - math.exp(-self.data)) / (1 + math.exp(-self.data))
        return self._node(t, (self,), "tanh", lambda out: (1.0 - out.data ** 2,))


class _VPowNoExponent(_V):
    """Wrong: d(x**n)/dx = x**(n - 1), the factor n forgotten."""

    def __pow__(self, n):
        return self._node(self.data ** n, (self,), "**", lambda out: (self.data ** (n - 1),))


class _VReluAtZero(_V):
    """Wrong: relu'(0) = 1 (uses >= instead of >)."""

    def relu(self):
        return self._node(max(0.0, self.data), (self,), "relu", lambda out: (float(self.data >= 0),))


class _VSigmoidOfInput(_V):
    """Wrong: sigmoid' computed from the input, x (1 - x), instead of the output."""

    def sigmoid(self):
        return self._node(1 / (1 + math.exp(-self.data)), (self,), "sigmoid",
                          lambda out: (self.data * (1.0 - self.data),))


class _VPreorder(_V):
    """Wrong: no topological sort - a depth-first walk from the output that runs each node's
    _backward as soon as it is reached (with a visited set)."""

    def backward(self):
        self.grad = 1.0
        seen = set()

        def walk(v):
            if id(v) in seen:
                return
            seen.add(id(v))
            v._backward()
            for child in v._prev:
                walk(child)
        walk(self)


class _VBreadthFirst(_V):
    """Wrong: nodes in breadth-first order from the output (not a topological order)."""

    def backward(self):
        self.grad = 1.0
        queue, seen = [self], {id(self)}
        while queue:
            v = queue.pop(0)
            v._backward()
            for child in v._prev:
                if id(child) not in seen:
                    seen.add(id(child))
                    queue.append(child)


class _VNotReversed(_V):
    """Wrong: a correct topological order, but walked from the inputs to the output."""

    def backward(self):
        self.grad = 1.0
        for v in reversed(self._order()):
            v._backward()


class _VNoVisited(_V):
    """Wrong: no topological sort - a recursive walk from the output without a visited set, so a
    shared node runs its _backward once per user, each time with its grad so far."""

    def backward(self):
        self.grad = 1.0

        def walk(v):
            v._backward()
            for child in v._prev:
                walk(child)
        walk(self)


class _VNoSeed(_V):
    """Wrong: backward() forgets the seed self.grad = 1.0."""

    def backward(self):
        for v in self._order():
            v._backward()


# --------------------------------------------------------------------------- Exercise 2
class _Neuron:
    """Right: an explicit accumulation loop; the bias is drawn FIRST and listed first."""

    def __init__(self, nin, rng, nonlin=True):
        self.b = _V(rng.uniform(-1, 1))
        self.w = [_V(rng.uniform(-1, 1)) for _ in range(nin)]
        self.nonlin = nonlin

    def __call__(self, x):
        z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return z.tanh() if self.nonlin else z

    def parameters(self):
        return [self.b] + self.w


class _Layer:
    def __init__(self, nin, nout, rng, nonlin=True):
        self.neurons = [_Neuron(nin, rng, nonlin) for _ in range(nout)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class _MLP:
    def __init__(self, nin, nouts, rng):
        sizes = [nin, *nouts]
        self.layers = [_Layer(a, b, rng, nonlin=k < len(nouts) - 1)
                       for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


def _train_step(model, xs, ys, lr, *, zero=True, mean=True, sign=-1.0, zero_after=False):
    params = model.parameters()
    if zero and not zero_after:
        for p in params:
            p.grad = 0.0
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
    if mean:
        loss = loss / len(ys)
    loss.backward()
    for p in params:
        p.data += sign * lr * p.grad
        if zero_after:
            p.grad = 0.0
    return loss.data


def _train_step_alt(model, xs, ys, lr):
    """Right: grads zeroed after the update (fresh models start at 0); errors squared by a product."""
    return _train_step(model, xs, ys, lr, zero_after=True)


class _MLPTanhOut(_MLP):
    """Wrong: tanh on the output layer too."""

    def __init__(self, nin, nouts, rng):
        sizes = [nin, *nouts]
        self.layers = [_Layer(a, b, rng) for a, b in zip(sizes[:-1], sizes[1:])]


class _NeuronNoBias(_Neuron):
    """Wrong: the bias is never used or listed (stored as a constant 0)."""

    def __init__(self, nin, rng, nonlin=True):
        super().__init__(nin, rng, nonlin)
        self.b = _V(0.0)

    def parameters(self):
        return list(self.w)


class _LayerNoBias(_Layer):
    def __init__(self, nin, nout, rng, nonlin=True):
        self.neurons = [_NeuronNoBias(nin, rng, nonlin) for _ in range(nout)]


class _MLPNoBias(_MLP):
    def __init__(self, nin, nouts, rng):
        sizes = [nin, *nouts]
        self.layers = [_LayerNoBias(a, b, rng, nonlin=k < len(nouts) - 1)
                       for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))]


_ENGINE = dict(Value=_V, Neuron=_Neuron, Layer=_Layer, MLP=_MLP, train_step=_train_step)

CASES = [
    wrong("test_Value", "= instead of += in _backward", Value=_VAssign),
    wrong("test_Value", "mul backward uses its own data: self.grad += self.data * out.grad", Value=_VMulSelf),
    wrong("test_Value", "tanh' = 1 - tanh (missing square)", Value=_VTanhNoSquare),
    wrong("test_Value", "the slide's tanh formula, i.e. tanh(z/2)", Value=_VSlideTanh),
    wrong("test_Value", "pow derivative missing the exponent n", Value=_VPowNoExponent),
    wrong("test_Value", "relu'(0) = 1", Value=_VReluAtZero),
    wrong("test_Value", "sigmoid' from the input instead of the output", Value=_VSigmoidOfInput),
    wrong("test_Value", "no topological sort: depth-first pre-order with a visited set", Value=_VPreorder),
    wrong("test_Value", "no topological sort: breadth-first order", Value=_VBreadthFirst),
    wrong("test_Value", "no topological sort: recursive walk without a visited set", Value=_VNoVisited),
    wrong("test_Value", "topological order walked forwards (inputs first)", Value=_VNotReversed),
    wrong("test_Value", "backward() without the seed grad = 1", Value=_VNoSeed),
    right("test_Value", "tuple children, Kahn's algorithm, explicit quotient rule", Value=_V),
    right("test_Value", "tanh and sigmoid composed from exp and /, recursive topological sort", Value=_VComposed),

    wrong("test_MLP", "forgets to zero the grads (second step wrong)",
          **{**_ENGINE, "train_step": lambda m, xs, ys, lr: _train_step(m, xs, ys, lr, zero=False)}),
    wrong("test_MLP", "loss summed instead of averaged",
          **{**_ENGINE, "train_step": lambda m, xs, ys, lr: _train_step(m, xs, ys, lr, mean=False)}),
    wrong("test_MLP", "update along the gradient (p.data += lr * p.grad)",
          **{**_ENGINE, "train_step": lambda m, xs, ys, lr: _train_step(m, xs, ys, lr, sign=+1.0)}),
    wrong("test_MLP", "tanh on the output layer", **{**_ENGINE, "MLP": _MLPTanhOut}),
    wrong("test_MLP", "neurons without a bias", **{**_ENGINE, "MLP": _MLPNoBias}),
    right("test_MLP", "bias first, sum() with start, grads zeroed after the update",
          **{**_ENGINE, "train_step": _train_step_alt}),
]

# --------------------------------------------------------------------------- the week's quiz
# Quiz items: equivalent forms of the right answer are accepted, typical wrong answers rejected.
_Q1 = {"neural networks": "a", "stochastic gradient descent": "b", "convolutional networks": "c", "LSTM": "d"}
CASES += [
    *quiz("q1", wrong={
        "CNN and LSTM swapped": {**_Q1, "convolutional networks": "d", "LSTM": "c"},
        "everything dated to the deep-learning boom": {"neural networks": "e", "stochastic gradient descent": "e", "convolutional networks": "e", "LSTM": "f"},
        "an item missing": {k: v for k, v in _Q1.items() if k != "LSTM"},
    }, right={"upper case, brackets": {k: f"({v.upper()})" for k, v in _Q1.items()}}),

    *quiz("q2", wrong={"thinks backpropagation is new": {"a", "b", "c", "d"}, "data only": {"a"}}, right={
        "a tuple of upper-case letters": ("C", "B", "A"),
        "a plain string of letters": "abc",
    }),

    *quiz("q3", wrong={
        "the derivative's maximum once, not ten times": 0.25,
        "sigma(0) instead of sigma'(0): 0.5 ** 10": 0.5 ** 10,
        "tanh's maximum slope, 1": 1,
    }, right={"the value written out": 9.5367e-07, "a fraction string": "1/1048576"}),

    *quiz("q4", wrong={"believes linear layers cannot be backpropagated (b)": "b", "speed (c)": "c"}, right={"upper case": "A"}),
]
