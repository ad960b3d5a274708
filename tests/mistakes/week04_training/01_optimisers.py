"""Typical wrong (and alternative right) answers for week04_training/01_optimisers.ipynb."""

import math

import numpy as np
import torch
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ mini-batches
def _mb_drop_last(N, batch_size, rng=None, shuffle=True):
    order = np.random.default_rng(rng).permutation(N) if shuffle else np.arange(N)
    for k in range(N // batch_size):                      # the partial batch is lost
        yield order[k * batch_size:(k + 1) * batch_size]


def _mb_with_replacement(N, batch_size, rng=None, shuffle=True):
    rng = np.random.default_rng(rng)
    for start in range(0, N, batch_size):
        size = min(batch_size, N - start)
        yield rng.integers(0, N, size) if shuffle else np.arange(start, start + size)


def _mb_array_split(N, batch_size, rng=None, shuffle=True):
    order = np.random.default_rng(rng).permutation(N) if shuffle else np.arange(N)
    yield from np.array_split(order, math.ceil(N / batch_size))    # balanced sizes, not B, B, ..., N mod B


_FIXED_ORDER = {}


def _mb_shuffle_once(N, batch_size, rng=None, shuffle=True):
    if N not in _FIXED_ORDER:                              # one permutation, reused in every epoch
        _FIXED_ORDER[N] = np.random.default_rng(rng).permutation(N)
    order = _FIXED_ORDER[N] if shuffle else np.arange(N)
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


def _mb_global_rng(N, batch_size, rng=None, shuffle=True):
    order = np.random.permutation(N) if shuffle else np.arange(N)    # ignores rng: not reproducible
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


def _mb_always_shuffle(N, batch_size, rng=None, shuffle=True):
    order = np.random.default_rng(rng).permutation(N)
    for start in range(0, N, batch_size):
        yield order[start:start + batch_size]


def _mb_list_np_split(N, batch_size, rng=None, shuffle=True):
    """Returns a list instead of yielding; np.split at the batch boundaries."""
    order = np.arange(N)
    if shuffle:
        rng.shuffle(order)
    return np.split(order, np.arange(batch_size, N, batch_size))


def _mb_choice(N, batch_size, rng=None, shuffle=True):
    order = rng.choice(N, size=N, replace=False) if shuffle else np.arange(N)
    start = 0
    while start < N:
        yield order[start:start + batch_size]
        start += batch_size


# -------------------------------------------------------------------------------- schedules
def _exp_no_t(eta0, k, t):
    return eta0 * np.exp(-k) + 0 * np.asarray(t)


def _exp_one_minus_k(eta0, k, t):
    return eta0 * (1 - k) ** np.asarray(t, dtype=float)


def _step_round(eta0, drop, every, t):
    return eta0 * drop ** np.round(np.asarray(t) / every)


def _step_smooth(eta0, drop, every, t):
    return eta0 * drop ** (np.asarray(t) / every)


def _step_math_floor(eta0, drop, every, t):
    return eta0 * drop ** math.floor(t / every)


def _time_precedence(eta0, k, t):
    return eta0 / 1 + k * np.asarray(t)


def _slide_keras_docs(epoch, lr):
    return lr if epoch < 10 else lr * np.exp(-0.1)


def _slide_hardcoded(epoch, lr):
    return lr if epoch < 10 else 0.01 * np.exp(-0.1 * epoch)


def _slide_off_by_one(epoch, lr):
    return lr if epoch <= 10 else lr * np.exp(-0.1 * epoch)


_SLIDE_ETA0 = {}


def _slide_closed_form(epoch, lr):
    """Remembers eta0 and returns eta0 e^(-0.1 epoch): the closed form, not the slide's compounding code."""
    if epoch == 0:
        _SLIDE_ETA0["eta0"] = lr
    return lr if epoch < 10 else _SLIDE_ETA0.get("eta0", lr) * np.exp(-0.1 * epoch)


def _exp_power(eta0, k, t):
    return eta0 * np.power(np.e, -k * np.asarray(t))


def _step_int_div(eta0, drop, every, t):
    return eta0 * drop ** (np.asarray(t) // every)


def _time_reciprocal(eta0, k, t):
    return eta0 * np.reciprocal(1.0 + k * np.asarray(t, dtype=float))


def _slide_math(epoch, lr):
    if epoch >= 10:
        lr = lr * math.exp(-epoch / 10)
    return lr


# -------------------------------------------------------------------------------- momentum
def _mom(w, g, state, lr, beta=0.9, *, damp=True, raw_first=False, stale=False, use_g=False, forget=False,
         swap=False):
    g = np.asarray(g, dtype=float)
    v_old = 0.0 if forget else state.get("v", 0.0)
    if raw_first and "v" not in state:
        v = g
    elif swap:
        v = (1 - beta) * v_old + beta * g
    else:
        v = beta * v_old + ((1 - beta) if damp else 1.0) * g
    step = v_old if stale else (g if use_g else v)
    state["v"] = v
    return w - lr * step


def _mom_in_place(w, g, state, lr, beta=0.9):
    state["v"] = beta * state.get("v", 0.0) + (1 - beta) * g
    w -= lr * state["v"]                                     # modifies the caller's array
    return w


def _mom_inplace_state(w, g, state, lr, beta=0.9):
    """Updates the stored V array in place; other key names."""
    if "velocity" not in state:
        state["velocity"] = np.zeros_like(np.asarray(g, dtype=float))
    vel = state["velocity"]
    vel *= beta
    vel += (1 - beta) * g
    return w - lr * vel


def _mom_torch_lr(w, g, state, lr, beta=0.9):
    """torch's form b = beta b + g, with the learning rate scaled by (1 - beta): the same method."""
    state["buf"] = beta * state.get("buf", 0.0) + np.asarray(g, dtype=float)
    return w - lr * (1 - beta) * state["buf"]


# -------------------------------------------------------------------------------- RMSProp
def _rms(w, g, state, lr=1e-3, rho=0.9, eps=1e-8, *, inside=False, no_sqrt=False, no_1mr=False, stale=False,
         bias=False, swap=False):
    g = np.asarray(g, dtype=float)
    s_old = state.get("s", 0.0)
    if swap:
        s = (1 - rho) * s_old + rho * g * g
    else:
        s = rho * s_old + (1.0 if no_1mr else 1 - rho) * g * g
    t = state.get("t", 0) + 1
    state.update(s=s, t=t)
    use = s_old if stale else s
    if bias:
        use = use / (1 - rho ** t)
    if no_sqrt:
        return w - lr * g / (use + eps)
    return w - lr * g / (np.sqrt(use + eps) if inside else np.sqrt(use) + eps)


def _rms_default_eps_ignored(w, g, state, lr=1e-3, rho=0.9, eps=1e-8):
    return _rms(w, g, state, lr, rho, 1e-8)                  # hard-coded eps


def _rms_via_torch(w, g, state, lr=1e-3, rho=0.9, eps=1e-8):
    """Let torch do the step on a float64 copy: a correct alternative."""
    if "opt" not in state:
        state["p"] = torch.tensor(np.array(w, dtype=float), requires_grad=True)
        state["opt"] = torch.optim.RMSprop([state["p"]], lr=lr, alpha=rho, eps=eps)
    with torch.no_grad():
        state["p"].copy_(torch.as_tensor(np.asarray(w, dtype=float)))
    state["p"].grad = torch.tensor(np.asarray(g, dtype=float))
    state["opt"].step()
    return state["p"].detach().numpy().copy()


def _rms_rsqrt(w, g, state, lr=1e-3, rho=0.9, eps=1e-8):
    state["sq"] = state.get("sq", np.zeros(np.shape(g))) * rho + (1 - rho) * np.square(g)
    scale = np.reciprocal(np.sqrt(state["sq"]) + eps)
    return w - lr * scale * g


# -------------------------------------------------------------------------------- Adam
def _adam(w, g, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, *, correct=True, inside=False, t0=False,
          t_fixed=False, no_1mb=False, stale=False, swap_betas=False):
    g = np.asarray(g, dtype=float)
    t_old = state.get("t", 0)
    t = 1 if t_fixed else t_old + 1
    v_old, s_old = state.get("v", 0.0), state.get("s", 0.0)
    v = beta1 * v_old + (1.0 if no_1mb else 1 - beta1) * g
    s = beta2 * s_old + (1 - beta2) * g * g
    state.update(t=t, v=v, s=s)
    tt = t_old if t0 else t
    vv, ss = (v_old, s_old) if stale else (v, s)
    if correct:
        b1, b2 = (beta2, beta1) if swap_betas else (beta1, beta2)
        vv, ss = vv / (1 - b1 ** tt), ss / (1 - b2 ** tt)
    return w - lr * vv / (np.sqrt(ss + eps) if inside else np.sqrt(ss) + eps)


_ADAM_GLOBAL = {}


def _adam_global_state(w, g, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Keeps its memory in a module-level dict instead of the state argument."""
    return _adam(w, g, _ADAM_GLOBAL, lr, beta1, beta2, eps)


def _adam_folded(w, g, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Bias correction folded into the step size (and eps rescaled to match exactly)."""
    g = np.asarray(g, dtype=float)
    state["step"] = state.get("step", 0) + 1
    t = state["step"]
    state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * g
    state["u"] = beta2 * state.get("u", 0.0) + (1 - beta2) * g * g
    c2 = math.sqrt(1 - beta2 ** t)
    lr_t = lr * c2 / (1 - beta1 ** t)
    return w - lr_t * state["m"] / (np.sqrt(state["u"]) + eps * c2)


def _adam_lerp(w, g, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """EWMAs written as v + (1 - beta) (g - v), state stored as a tuple."""
    t, v, s = state.get("tvs", (0, 0.0, 0.0))
    g = np.asarray(g, dtype=float)
    t, v, s = t + 1, v + (1 - beta1) * (g - v), s + (1 - beta2) * (g * g - s)
    state["tvs"] = (t, v, s)
    return w - lr * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + eps)


CASES = [
    wrong("test_iterate_minibatches", "the last partial batch is dropped", iterate_minibatches=_mb_drop_last),
    wrong("test_iterate_minibatches", "each batch sampled with replacement", iterate_minibatches=_mb_with_replacement),
    wrong("test_iterate_minibatches", "np.array_split: balanced batch sizes", iterate_minibatches=_mb_array_split),
    wrong("test_iterate_minibatches", "one permutation reused for every epoch", iterate_minibatches=_mb_shuffle_once),
    wrong("test_iterate_minibatches", "global np.random instead of rng", iterate_minibatches=_mb_global_rng),
    wrong("test_iterate_minibatches", "shuffle=False ignored", iterate_minibatches=_mb_always_shuffle),
    right("test_iterate_minibatches", "returns a list from np.split, rng.shuffle", iterate_minibatches=_mb_list_np_split),
    right("test_iterate_minibatches", "rng.choice without replacement, while loop", iterate_minibatches=_mb_choice),

    wrong("test_schedules", "exp decay without t", exp_decay=_exp_no_t),
    wrong("test_schedules", "(1 - k)^t instead of e^(-kt)", exp_decay=_exp_one_minus_k),
    wrong("test_schedules", "step decay with round", step_decay=_step_round),
    wrong("test_schedules", "step decay without floor", step_decay=_step_smooth),
    wrong("test_schedules", "step decay with math.floor (fails on arrays)", step_decay=_step_math_floor),
    wrong("test_schedules", "time decay operator precedence", time_decay=_time_precedence),
    wrong("test_schedules", "slide scheduler as in Keras' docs (lr * e^-0.1)", slide_scheduler=_slide_keras_docs),
    wrong("test_schedules", "slide scheduler with hard-coded eta0", slide_scheduler=_slide_hardcoded),
    wrong("test_schedules", "slide scheduler off by one (epoch <= 10)", slide_scheduler=_slide_off_by_one),
    wrong("test_schedules", "slide scheduler made non-compounding", slide_scheduler=_slide_closed_form),
    right("test_schedules", "np.power, integer division, reciprocal, math.exp in the scheduler",
          exp_decay=_exp_power, step_decay=_step_int_div, time_decay=_time_reciprocal, slide_scheduler=_slide_math),

    *variants("test_momentum_step", "momentum_step", _mom, wrong={
        "no (1 - beta): torch's buffer": dict(damp=False),
        "first V is the raw gradient (torch dampening)": dict(raw_first=True),
        "steps with the old V": dict(stale=True),
        "V not kept between calls": dict(forget=True),
        "beta and 1 - beta swapped": dict(swap=True),
    }),
    wrong("test_momentum_step", "w modified in place", momentum_step=_mom_in_place),
    right("test_momentum_step", "V updated in place in the state, other key", momentum_step=_mom_inplace_state),
    right("test_momentum_step", "torch's buffer with lr (1 - beta)", momentum_step=_mom_torch_lr),

    *variants("test_rmsprop_step", "rmsprop_step", _rms, wrong={
        "eps inside the root": dict(inside=True),
        "no square root": dict(no_sqrt=True),
        "S without (1 - rho)": dict(no_1mr=True),
        "divides by the old S": dict(stale=True, quiet=True),
        "Adam's bias correction in RMSProp": dict(bias=True),
        "rho and 1 - rho swapped": dict(swap=True),
    }),
    wrong("test_rmsprop_step", "eps argument ignored", rmsprop_step=_rms_default_eps_ignored),
    right("test_rmsprop_step", "torch.optim.RMSprop inside the step", rmsprop_step=_rms_via_torch),
    right("test_rmsprop_step", "np.square and reciprocal, other key", rmsprop_step=_rms_rsqrt),

    *variants("test_adam_step", "adam_step", _adam, wrong={
        "no bias correction": dict(correct=False),
        "eps inside the root": dict(inside=True),
        "t starts at 0 in the correction": dict(t0=True, quiet=True),
        "t never incremented": dict(t_fixed=True),
        "momentum without (1 - beta1)": dict(no_1mb=True),
        "steps with the old V and S": dict(stale=True, quiet=True),
        "beta1 and beta2 swapped in the correction": dict(swap_betas=True),
    }),
    wrong("test_adam_step", "memory in a global dict, not in state", adam_step=_adam_global_state),
    right("test_adam_step", "bias correction folded into the step size", adam_step=_adam_folded),
    right("test_adam_step", "EWMA as v + (1 - beta)(g - v), tuple state", adam_step=_adam_lerp),
]
