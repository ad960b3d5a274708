"""Typical wrong (and alternative right) answers for week02_mlp/01_perceptron_activations.ipynb."""

import numpy as np
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------- perceptron_predict
def _predict_np_sign(X, w, w0):
    return np.sign(X @ w + w0)                                   # sign(0) = 0, not a label


def _predict_strict(X, w, w0):
    return np.where(X @ w + w0 > 0, 1, -1)                       # sign(0) = -1


def _predict_minus_bias(X, w, w0):
    return np.where(X @ w - w0 >= 0, 1, -1)


def _predict_column(X, w, w0):
    return np.where(X @ w[:, None] + w0 >= 0, 1, -1)             # (N, 1) instead of (N,)


def _predict_01(X, w, w0):
    return (X @ w + w0 >= 0).astype(int)                         # labels {0, 1}


def _predict_loop(X, w, w0):
    out = []
    for x in X:
        s = w0 + sum(xi * wi for xi, wi in zip(x, w))
        out.append(-1.0 if s < 0 else 1.0)
    return np.array(out)


def _predict_sign_fixed(X, w, w0):
    s = np.sign(X @ w + w0)
    s[s == 0] = 1
    return s


# --------------------------------------------------------------------------- train_perceptron
def _train(X, y, lr=1.0, epochs=20, rng=None, *, update="ok", when="mistake", shuffle=True,
           bias=True, cumulative=False):
    """A loop trainer with a switch for each slip; the defaults are correct."""
    rng = np.random.default_rng(rng)
    X = np.asarray(X, float)
    w, w0, mistakes, total = np.zeros(X.shape[1]), 0.0, [], 0
    for _ in range(epochs):
        order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
        count = 0
        for i in order:
            s = X[i] @ w + w0
            pred = 1 if s >= 0 else -1
            is_mistake = {"mistake": pred != y[i], "every": True, "margin": y[i] * s <= 0}[when]
            if is_mistake:
                step = {"ok": y[i], "no_y": 1.0, "prediction": pred}[update]
                w = w + lr * step * X[i]
                if bias:
                    w0 = w0 + lr * step
                count += 1
        total += count
        mistakes.append(total if cumulative else count)
    return w, w0, mistakes


def _train_shuffle_in_place(X, y, lr=1.0, epochs=20, rng=None):
    rng = np.random.default_rng(rng)
    w, w0, mistakes = np.zeros(X.shape[1]), 0.0, []
    idx = np.arange(len(y))
    for _ in range(epochs):
        idx = np.arange(len(y))
        rng.shuffle(idx)                                         # same draw as rng.permutation(N)
        wrong_mask = []
        for i in idx:
            mistake = (X[i] @ w + w0 >= 0) != (y[i] > 0)
            if mistake:
                w += lr * y[i] * X[i]
                w0 += lr * y[i]
            wrong_mask.append(mistake)
        mistakes.append(int(np.sum(wrong_mask)))
    return w, w0, mistakes


def _train_one_rng_call(X, y, lr=1.0, epochs=20, rng=None):
    rng = np.random.default_rng(rng)
    orders = [rng.permutation(len(y))] * epochs                  # the same order every epoch
    w, w0, mistakes = np.zeros(X.shape[1]), 0.0, []
    for order in orders:
        count = 0
        for i in order:
            if (1 if X[i] @ w + w0 >= 0 else -1) != y[i]:
                w, w0, count = w + lr * y[i] * X[i], w0 + lr * y[i], count + 1
        mistakes.append(count)
    return w, w0, mistakes


# -------------------------------------------------------------------------------- activations
def _sigmoid_ref(z):
    z = np.asarray(z, float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _sigmoid_naive(z):
    return 1 / (1 + np.exp(-np.asarray(z, float)))               # overflows at z = -800


def _sigmoid_where_both_branches(z):
    z = np.asarray(z, float)
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _sigmoid_via_tanh(z):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(z, float)))       # stable, no exp at all


def _sigmoid_grad_of_output(z):
    return z * (1 - z)                                           # treats z as sigma(z)


def _sigmoid_grad_squared(z):
    s = _sigmoid_ref(z)
    return s * (1 - s) ** 2


def _tanh_slide(z):
    z = np.asarray(z, float)
    return (1 - np.exp(-z)) / (1 + np.exp(-z))                   # the slide's formula = tanh(z/2)


def _tanh_via_sigmoid(z):
    return 2 * _sigmoid_ref(2 * np.asarray(z, float)) - 1


def _tanh_grad_slide_derivative(z):
    g = np.tanh(np.asarray(z, float) / 2)
    return (1 - g ** 2) / 2


def _tanh_grad_of_output(z):
    return 1 - np.asarray(z, float) ** 2


def _tanh_grad_cosh(z):
    return 1 / np.cosh(np.asarray(z, float)) ** 2


def _relu_grad_ge(z):
    return (np.asarray(z) >= 0).astype(float)                    # relu'(0) = 1


def _relu_grad_heaviside(z):
    return np.heaviside(np.asarray(z, float), 0.0)


def _relu_abs(z):
    return np.abs(np.asarray(z, float))


def _softmax_naive(z, axis=-1):
    e = np.exp(np.asarray(z, float))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_axis0(z, axis=-1):
    z = np.asarray(z, float)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)                      # ignores the axis argument


def _softmax_global_max(z, axis=-1):
    z = np.asarray(z, float)
    e = np.exp(z - z.max())                                      # one max over everything
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_no_keepdims(z, axis=-1):
    z = np.asarray(z, float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis)                                  # (N, K) / (N,) does not broadcast


def _softmax_logsumexp(z, axis=-1):
    z = np.asarray(z, float)
    m = z.max(axis=axis, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True))
    return np.exp(z - lse)


# ---------------------------------------------------------------------- layer_forward / count
def _layer_transposed(A_prev, W, b, activation):
    return activation(A_prev @ W.T + b)                          # torch's layout, not ours


def _layer_no_bias(A_prev, W, b, activation):
    return activation(A_prev @ W)


def _layer_no_activation(A_prev, W, b, activation):
    return A_prev @ W + b


def _layer_activation_before_bias(A_prev, W, b, activation):
    return activation(A_prev @ W) + b


def _layer_einsum(A_prev, W, b, activation):
    return activation(np.einsum("nj,ji->ni", A_prev, W) + b[None, :])


def _count_no_biases(sizes):
    return sum(a * c for a, c in zip(sizes[:-1], sizes[1:]))


def _count_input_biases(sizes):
    return sum(a * c for a, c in zip(sizes[:-1], sizes[1:])) + sum(sizes)


def _count_off_by_one(sizes):
    return sum(a * c + a for a, c in zip(sizes[:-1], sizes[1:]))  # biases of the previous layer


def _count_bias_trick(sizes):
    return sum((a + 1) * c for a, c in zip(sizes[:-1], sizes[1:]))


CASES = [
    # perceptron_predict
    wrong("test_perceptron_predict", "np.sign: sign(0) = 0", perceptron_predict=_predict_np_sign),
    wrong("test_perceptron_predict", "> 0 instead of >= 0: sign(0) = -1", perceptron_predict=_predict_strict),
    wrong("test_perceptron_predict", "subtracts the bias", perceptron_predict=_predict_minus_bias),
    wrong("test_perceptron_predict", "returns an (N, 1) column", perceptron_predict=_predict_column),
    wrong("test_perceptron_predict", "labels in {0, 1}", perceptron_predict=_predict_01),
    right("test_perceptron_predict", "explicit loop returning floats", perceptron_predict=_predict_loop),
    right("test_perceptron_predict", "np.sign with the zeros replaced by +1", perceptron_predict=_predict_sign_fixed),
    # train_perceptron
    *variants("test_train_perceptron", "train_perceptron", _train, wrong={
        "update without y: w += lr * x": dict(update='no_y'),
        "update with the prediction instead of y": dict(update='prediction'),
        "updates on every sample, not only mistakes": dict(when='every'),
        "mistake when y * s <= 0 (ignores sign(0) = +1)": dict(when='margin'),
        "no shuffling: visits samples in order 0..N-1": dict(shuffle=False),
        "the bias is never updated": dict(bias=False),
        "cumulative mistake counts": dict(cumulative=True),
    }),
    wrong("test_train_perceptron", "ignores the learning rate",
          train_perceptron=lambda X, y, lr=1.0, epochs=20, rng=None: _train(X, y, 1.0, epochs, rng)),
    wrong("test_train_perceptron", "one order drawn once, reused every epoch", train_perceptron=_train_one_rng_call),
    right("test_train_perceptron", "rng.shuffle of an index array, boolean mistake test, in-place updates",
          train_perceptron=_train_shuffle_in_place),
    right("test_train_perceptron", "switchable loop trainer with correct settings", train_perceptron=_train),
    # activations
    wrong("test_activations", "the slide's tanh = tanh(z/2)", tanh=_tanh_slide),
    wrong("test_activations", "tanh' = (1 - g^2)/2 of the slide's g", tanh_grad=_tanh_grad_slide_derivative),
    wrong("test_activations", "tanh_grad treats z as tanh(z)", tanh_grad=_tanh_grad_of_output),
    wrong("test_activations", "naive sigmoid overflows at -800", sigmoid=_sigmoid_naive),
    wrong("test_activations", "np.where evaluates both branches and overflows", sigmoid=_sigmoid_where_both_branches),
    wrong("test_activations", "sigmoid_grad treats z as sigma(z)", sigmoid_grad=_sigmoid_grad_of_output),
    wrong("test_activations", "sigmoid_grad squares (1 - s)", sigmoid_grad=_sigmoid_grad_squared),
    wrong("test_activations", "relu'(0) = 1", relu_grad=_relu_grad_ge),
    wrong("test_activations", "relu is |z|", relu=_relu_abs),
    wrong("test_activations", "naive softmax overflows at 1000", softmax=_softmax_naive),
    wrong("test_activations", "softmax always over axis 0", softmax=_softmax_axis0),
    wrong("test_activations", "softmax without keepdims", softmax=_softmax_no_keepdims),
    right("test_activations", "sigmoid via tanh, tanh via sigmoid, tanh' via cosh, heaviside relu', log-sum-exp softmax",
          sigmoid=_sigmoid_via_tanh, tanh=_tanh_via_sigmoid, tanh_grad=_tanh_grad_cosh,
          relu_grad=_relu_grad_heaviside, softmax=_softmax_logsumexp),
    wrong("test_activations", "softmax shifted by one global max, not per row", softmax=_softmax_global_max),
    # layer_forward and count_parameters
    wrong("test_layer_forward", "uses W.T (torch's layout)", layer_forward=_layer_transposed),
    wrong("test_layer_forward", "forgets the bias", layer_forward=_layer_no_bias),
    wrong("test_layer_forward", "forgets the activation", layer_forward=_layer_no_activation),
    wrong("test_layer_forward", "adds the bias after the activation", layer_forward=_layer_activation_before_bias),
    wrong("test_layer_forward", "count without biases", count_parameters=_count_no_biases),
    wrong("test_layer_forward", "count with biases on the input layer too", count_parameters=_count_input_biases),
    wrong("test_layer_forward", "count with the previous layer's biases", count_parameters=_count_off_by_one),
    right("test_layer_forward", "einsum layer and (n_prev + 1) * n count",
          layer_forward=_layer_einsum, count_parameters=_count_bias_trick),
]
