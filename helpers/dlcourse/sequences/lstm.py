"""LSTM and GRU cells in the lecture's notation (NumPy), and the glue to torch's ``nn.LSTMCell``.

Every gate is one matrix ``(H, H+M)`` acting on ``[h_prev, x_t]`` (h first, as on the slide)
plus a bias ``(H,)``; shapes are time first as in :mod:`.rnn`, one step ``x_t (N, M)``,
``h, c (N, H)``.

LSTM, keys ``W_f, W_i, W_c, W_o`` and ``b_f, b_i, b_c, b_o``::

    f = sig(W_f [h, x] + b_f)    i = sig(W_i [h, x] + b_i)    c_tilde = tanh(W_c [h, x] + b_c)
    o = sig(W_o [h, x] + b_o)    c = f * c_prev + i * c_tilde  h = o * tanh(c)

torch's ``nn.LSTMCell`` stacks the gate rows in the order (i, f, g, o), splits each matrix into
an input part ``weight_ih (4H, M)`` and a recurrent part ``weight_hh (4H, H)`` and has two
biases whose sum is ours: :func:`to_torch_lstmcell` / :func:`from_torch_lstmcell` convert.

GRU (the Coursera DLS form: z weights the candidate, reset before the matrix product; Cho et al. 2014
weight the old state with z), keys ``W_z, W_r, W_h`` and ``b_z, b_r, b_h``::

    z = sig(W_z [h, x] + b_z)    r = sig(W_r [h, x] + b_r)
    h_tilde = tanh(W_h [r * h, x] + b_h)    h = (1 - z) * h_prev + z * h_tilde

torch's ``nn.GRUCell`` applies the reset gate after the matrix product and swaps the roles of
z and 1 - z, so it is not an exact oracle for this GRU.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import as_rng

__all__ = ["LSTM_GATES", "GRU_GATES", "init_lstm", "init_gru", "to_torch_lstmcell", "from_torch_lstmcell",
           "to_torch_grucell"]

LSTM_GATES = ("f", "i", "c", "o")          # keys W_<g>, b_<g>; "c" is the candidate c_tilde
GRU_GATES = ("z", "r", "h")
_TORCH_ORDER = ("i", "f", "c", "o")         # torch's row blocks: input, forget, cell (g), output


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))   # stable for any z


def _init_gates(gates: tuple[str, ...], M: int, H: int, rng) -> dict[str, np.ndarray]:
    rng = as_rng(rng)
    bound = 1.0 / np.sqrt(H)                # torch's default for recurrent cells
    params = {}
    for g in gates:
        params[f"W_{g}"] = rng.uniform(-bound, bound, (H, H + M))
        params[f"b_{g}"] = np.zeros(H)
    return params


def init_lstm(M: int, H: int, rng: np.random.Generator | int | None = 0,
              forget_bias: float = 1.0) -> dict[str, np.ndarray]:
    """LSTM parameters in the lecture's notation: uniform(+-1/sqrt(H)) weights, zero biases
    except ``b_f = forget_bias`` (1 is the usual choice: remember by default)."""
    params = _init_gates(LSTM_GATES, M, H, rng)
    params["b_f"] += forget_bias
    return params


def init_gru(M: int, H: int, rng: np.random.Generator | int | None = 0) -> dict[str, np.ndarray]:
    """GRU parameters (keys ``W_z, W_r, W_h, b_z, b_r, b_h``), uniform(+-1/sqrt(H)), zero biases."""
    return _init_gates(GRU_GATES, M, H, rng)


def _lstm_step(x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray,
               P: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """One LSTM step: x_t (N, M), h_prev, c_prev (N, H) -> (h, c, gates {f, i, c_tilde, o})."""
    hx = np.concatenate([h_prev, x_t], axis=1)                        # (N, H+M)
    f = _sigmoid(hx @ P["W_f"].T + P["b_f"])
    i = _sigmoid(hx @ P["W_i"].T + P["b_i"])
    c_tilde = np.tanh(hx @ P["W_c"].T + P["b_c"])
    o = _sigmoid(hx @ P["W_o"].T + P["b_o"])
    c = f * c_prev + i * c_tilde
    h = o * np.tanh(c)
    return h, c, {"f": f, "i": i, "c_tilde": c_tilde, "o": o}


def _lstm_forward(X: np.ndarray, P: Mapping[str, np.ndarray], h0=None, c0=None,
                  step=_lstm_step) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Unfold over ``X (T, N, M)``: hidden states, cell states (T, N, H) and the gates stacked
    over time (each (T, N, H)). ``step`` may be a student's ``lstm_step``."""
    T, N, _ = X.shape
    H = P["W_f"].shape[0]
    h = np.zeros((N, H)) if h0 is None else h0
    c = np.zeros((N, H)) if c0 is None else c0
    Hs, Cs, G = [], [], {k: [] for k in ("f", "i", "c_tilde", "o")}
    for t in range(T):
        h, c, gates = step(X[t], h, c, P)
        Hs.append(h)
        Cs.append(c)
        for k in G:
            G[k].append(gates[k])
    return np.stack(Hs), np.stack(Cs), {k: np.stack(v) for k, v in G.items()}


def _lstm_param_count(H: int, M: int) -> int:
    """Four gates, each an (H, H+M) matrix and an (H,) bias: 4 [H (H+M) + H]."""
    return 4 * (H * (H + M) + H)


def _gru_step(x_t: np.ndarray, h_prev: np.ndarray, P: Mapping[str, np.ndarray]) -> np.ndarray:
    """One GRU step in the DLS form (z weights the candidate): x_t (N, M), h_prev (N, H) -> h (N, H)."""
    hx = np.concatenate([h_prev, x_t], axis=1)
    z = _sigmoid(hx @ P["W_z"].T + P["b_z"])
    r = _sigmoid(hx @ P["W_r"].T + P["b_r"])
    h_tilde = np.tanh(np.concatenate([r * h_prev, x_t], axis=1) @ P["W_h"].T + P["b_h"])
    return (1.0 - z) * h_prev + z * h_tilde


def to_torch_lstmcell(P: Mapping[str, np.ndarray]):
    """An ``nn.LSTMCell`` (float64) computing exactly the LSTM of ``P``."""
    import torch
    from torch import nn
    H, HM = P["W_f"].shape
    cell = nn.LSTMCell(HM - H, H).double()
    W = np.concatenate([P[f"W_{g}"] for g in _TORCH_ORDER])               # (4H, H+M)
    with torch.no_grad():
        cell.weight_hh.copy_(torch.from_numpy(W[:, :H]))
        cell.weight_ih.copy_(torch.from_numpy(W[:, H:]))
        cell.bias_ih.copy_(torch.from_numpy(np.concatenate([P[f"b_{g}"] for g in _TORCH_ORDER])))
        cell.bias_hh.zero_()
    return cell


def to_torch_grucell(P: Mapping[str, np.ndarray], negate_z: bool = False):
    """An ``nn.GRUCell`` (float64) with the GRU weights of ``P`` copied in torch's row order
    (r, z, n); ``negate_z`` flips the sign of the z rows (torch's z is our 1 - z).

    torch applies the reset gate after the matrix product, so the copy computes the GRU of ``P``
    only where r = 1 (and z negated).
    """
    import torch
    from torch import nn
    H = P["W_z"].shape[0]
    sign = -1.0 if negate_z else 1.0
    W = np.concatenate([P["W_r"], sign * P["W_z"], P["W_h"]])                 # (3H, H + M)
    b = np.concatenate([P["b_r"], sign * P["b_z"], P["b_h"]])
    cell = nn.GRUCell(W.shape[1] - H, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(W[:, H:]))
        cell.weight_hh.copy_(torch.from_numpy(W[:, :H]))
        cell.bias_ih.copy_(torch.from_numpy(b))
        cell.bias_hh.zero_()
    return cell


def from_torch_lstmcell(cell) -> dict[str, np.ndarray]:
    """The lecture-notation parameters of a torch ``nn.LSTMCell`` (or one layer of ``nn.LSTM``
    given as an object with ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``)."""
    H = cell.weight_hh.shape[1]
    W = np.concatenate([cell.weight_hh.detach().double().numpy(), cell.weight_ih.detach().double().numpy()], axis=1)
    b = (cell.bias_ih + cell.bias_hh).detach().double().numpy()
    P = {}
    for k, g in enumerate(_TORCH_ORDER):
        P[f"W_{g}"] = W[k * H:(k + 1) * H].copy()
        P[f"b_{g}"] = b[k * H:(k + 1) * H].copy()
    return P
