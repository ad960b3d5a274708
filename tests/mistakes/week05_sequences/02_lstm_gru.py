"""Typical wrong (and alternative right) answers for week05_sequences/02_lstm_gru.ipynb."""

import numpy as np
from mistakes import right, variants, wrong


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _hx(h, x):
    return np.concatenate([h, x], axis=1)


# ------------------------------------------------------------------------------ lstm_step
def _lstm_generic(x_t, h_prev, c_prev, P, *, order="fico", cand=np.tanh, h_tanh=True, xh=False, f_i_swap=False):
    hx = np.concatenate([x_t, h_prev], axis=1) if xh else _hx(h_prev, x_t)
    keys = dict(zip("fico", order))                                        # role -> key letter used
    f = _sig(hx @ P[f"W_{keys['f']}"].T + P[f"b_{keys['f']}"])
    i = _sig(hx @ P[f"W_{keys['i']}"].T + P[f"b_{keys['i']}"])
    c_tilde = cand(hx @ P[f"W_{keys['c']}"].T + P[f"b_{keys['c']}"])
    o = _sig(hx @ P[f"W_{keys['o']}"].T + P[f"b_{keys['o']}"])
    c = (i * c_prev + f * c_tilde) if f_i_swap else (f * c_prev + i * c_tilde)
    h = o * np.tanh(c) if h_tanh else o * c
    return h, c, {"f": f, "i": i, "c_tilde": c_tilde, "o": o}


def _lstm_o_times_c(x_t, h_prev, c_prev, P):
    return _lstm_generic(x_t, h_prev, c_prev, P, h_tanh=False)


def _lstm_sigmoid_cand(x_t, h_prev, c_prev, P):
    return _lstm_generic(x_t, h_prev, c_prev, P, cand=_sig)


def _lstm_linear_cand(x_t, h_prev, c_prev, P):
    return _lstm_generic(x_t, h_prev, c_prev, P, cand=lambda z: z)


def _lstm_stacked(x_t, h_prev, c_prev, P):
    H = h_prev.shape[1]
    W = np.concatenate([P["W_f"], P["W_i"], P["W_c"], P["W_o"]])            # (4H, H+M)
    b = np.concatenate([P["b_f"], P["b_i"], P["b_c"], P["b_o"]])
    z = h_prev @ W[:, :H].T + x_t @ W[:, H:].T + b                          # (N, 4H)
    f, i, o = (0.5 * (1 + np.tanh(0.5 * z[:, k * H:(k + 1) * H])) for k in (0, 1, 3))
    g = np.tanh(z[:, 2 * H:3 * H])
    c = f * c_prev + i * g
    return o * np.tanh(c), c, {"f": f, "i": i, "c_tilde": g, "o": o}


# ------------------------------------------------------------------------------ lstm_param_count
def _count_one_gate(H, M):
    return H * (H + M) + H


def _count_no_bias(H, M):
    return 4 * H * (H + M)


def _count_torch(H, M):
    return 4 * (H * (H + M) + 2 * H)


def _count_expanded(H, M):
    return int(4 * H * H + 4 * H * M + 4 * H)


# ------------------------------------------------------------------------------ lstm_forward
def _make_forward(kind):
    def forward(X, P, h0=None, c0=None):
        T, N, _ = X.shape
        H = P["W_f"].shape[0]
        h = np.zeros((N, H)) if h0 is None else h0
        c = np.zeros((N, H)) if c0 is None else c0
        if kind == "ignore_h0":
            h, c = np.zeros((N, H)), np.zeros((N, H))
        Hs, Cs = [], []
        for t in range(T):
            if kind == "reset":
                h = np.zeros((N, H)) if h0 is None else h0
                c = np.zeros((N, H)) if c0 is None else c0
            h_new, c_new, _ = _lstm_generic(X[t], h, c, P)
            if kind == "c_not_carried":
                h = h_new
            else:
                h, c = h_new, c_new
            Hs.append(h)
            Cs.append(c_new)
        Hs, Cs = np.stack(Hs), np.stack(Cs)
        if kind == "batch_first":
            return Hs.transpose(1, 0, 2), Cs.transpose(1, 0, 2)
        if kind == "cs_is_hs":
            return Hs, Hs
        return Hs, Cs
    return forward


def _forward_preallocated(X, P, h0=None, c0=None):
    T, N, _ = X.shape
    H = P["W_f"].shape[0]
    Hs, Cs = np.empty((T, N, H)), np.empty((T, N, H))
    h = np.zeros((N, H)) if h0 is None else np.array(h0, dtype=float)
    c = np.zeros((N, H)) if c0 is None else np.array(c0, dtype=float)
    for t, x_t in enumerate(X):
        h, c, _ = _lstm_stacked(x_t, h, c, P)
        Hs[t], Cs[t] = h, c
    return Hs, Cs


# ------------------------------------------------------------------------------ gru_step
def _gru_generic(x_t, h_prev, P, *, reset_after=False, z_swap=False, no_reset=False, xh=False):
    cat = (lambda h, x: np.concatenate([x, h], axis=1)) if xh else _hx
    hx = cat(h_prev, x_t)
    z = _sig(hx @ P["W_z"].T + P["b_z"])
    r = _sig(hx @ P["W_r"].T + P["b_r"])
    if no_reset:
        h_tilde = np.tanh(hx @ P["W_h"].T + P["b_h"])
    elif reset_after:
        H = h_prev.shape[1]
        W_hh, W_hx = (P["W_h"][:, :H], P["W_h"][:, H:]) if not xh else (P["W_h"][:, -H:], P["W_h"][:, :-H])
        h_tilde = np.tanh(x_t @ W_hx.T + r * (h_prev @ W_hh.T) + P["b_h"])
    else:
        h_tilde = np.tanh(cat(r * h_prev, x_t) @ P["W_h"].T + P["b_h"])
    return z * h_prev + (1 - z) * h_tilde if z_swap else (1 - z) * h_prev + z * h_tilde


def _gru_split(x_t, h_prev, P):
    H = h_prev.shape[1]

    def lin(W, h, b):
        return h @ W[:, :H].T + x_t @ W[:, H:].T + b

    z = 0.5 * (1 + np.tanh(0.5 * lin(P["W_z"], h_prev, P["b_z"])))
    r = 0.5 * (1 + np.tanh(0.5 * lin(P["W_r"], h_prev, P["b_r"])))
    h_tilde = np.tanh(lin(P["W_h"], r * h_prev, P["b_h"]))
    return h_prev + z * (h_tilde - h_prev)                                 # = (1 - z) h_prev + z h_tilde


# ------------------------------------------------------------------------------ lstm_output_shapes
def _shapes_no_bidir_output(T, N, M, H, layers, bidirectional):
    D = 2 if bidirectional else 1
    return (T, N, H), (D * layers, N, H)


def _shapes_hn_layers_only(T, N, M, H, layers, bidirectional):
    D = 2 if bidirectional else 1
    return (T, N, D * H), (layers, N, H)


def _shapes_hn_concat(T, N, M, H, layers, bidirectional):
    D = 2 if bidirectional else 1
    return (T, N, D * H), (layers, N, D * H)


def _shapes_batch_first(T, N, M, H, layers, bidirectional):
    D = 2 if bidirectional else 1
    return (N, T, D * H), (D * layers, N, H)


def _shapes_output_times_layers(T, N, M, H, layers, bidirectional):
    D = 2 if bidirectional else 1
    return (T, N, D * layers * H), (D * layers, N, H)


def _shapes_lists(T, N, M, H, layers, bidirectional):
    D = 1 + int(bool(bidirectional))
    return [T, N, H * D], [layers * D, N, H]


CASES = [
    wrong("test_lstm_step", "o applied to c instead of tanh(c)", lstm_step=_lstm_o_times_c),
    wrong("test_lstm_step", "sigmoid on the candidate c_tilde", lstm_step=_lstm_sigmoid_cand),
    wrong("test_lstm_step", "no tanh on the candidate c_tilde", lstm_step=_lstm_linear_cand),
    *variants("test_lstm_step", "lstm_step", _lstm_generic, wrong={
        "concatenation [x, h] instead of [h, x]": dict(xh=True),
        "gate matrices read in torch's order (W_i as forget gate)": dict(order='ifco'),
        "f and i swapped in the cell update": dict(f_i_swap=True),
    }),
    right("test_lstm_step", "one stacked (4H, H+M) product, split columns, tanh-form sigmoid", lstm_step=_lstm_stacked),

    wrong("test_lstm_param_count", "one gate only (the vanilla RNN count)", lstm_param_count=_count_one_gate),
    wrong("test_lstm_param_count", "biases forgotten", lstm_param_count=_count_no_bias),
    wrong("test_lstm_param_count", "torch's count with two bias vectors", lstm_param_count=_count_torch),
    right("test_lstm_param_count", "expanded sum", lstm_param_count=_count_expanded),

    wrong("test_lstm_forward", "state reset to h0/c0 at every step", lstm_forward=_make_forward("reset")),
    wrong("test_lstm_forward", "given h0 and c0 ignored", lstm_forward=_make_forward("ignore_h0")),
    wrong("test_lstm_forward", "cell state not carried to the next step", lstm_forward=_make_forward("c_not_carried")),
    wrong("test_lstm_forward", "returns (N, T, H)", lstm_forward=_make_forward("batch_first")),
    wrong("test_lstm_forward", "returns the hidden states as cell states", lstm_forward=_make_forward("cs_is_hs")),
    right("test_lstm_forward", "preallocated arrays, stacked step", lstm_forward=_forward_preallocated),

    *variants("test_gru_step", "gru_step", _gru_generic, wrong={
        "torch's convention: reset applied after the matrix product": dict(reset_after=True),
        "roles of z and 1 - z swapped": dict(z_swap=True),
        "reset gate not used": dict(no_reset=True),
        "concatenation [x, h] instead of [h, x]": dict(xh=True),
    }),
    right("test_gru_step", "split columns, h_prev + z (h_tilde - h_prev)", gru_step=_gru_split),

    wrong("test_lstm_output_shapes", "output ignores the second direction", lstm_output_shapes=_shapes_no_bidir_output),
    wrong("test_lstm_output_shapes", "h_n has one row per layer only", lstm_output_shapes=_shapes_hn_layers_only),
    wrong("test_lstm_output_shapes", "h_n concatenates the directions", lstm_output_shapes=_shapes_hn_concat),
    wrong("test_lstm_output_shapes", "output batch first", lstm_output_shapes=_shapes_batch_first),
    wrong("test_lstm_output_shapes", "output concatenates all layers", lstm_output_shapes=_shapes_output_times_layers),
    right("test_lstm_output_shapes", "lists instead of tuples", lstm_output_shapes=_shapes_lists),
]
