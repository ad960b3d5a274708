"""Typical wrong (and alternative right) answers for week08_visualizing/02_heatmaps_and_synthesis.ipynb."""

import numpy as np
import torch
from mistakes import right, variants, wrong
from scipy.ndimage import gaussian_filter


# ------------------------------------------------------------------------------ activation_maximization
def _am_generic(f, shape, *, steps, lr, l2=0.0, every=0, blur_sigma=0.0, clip_pct=0.0, seed=0,
                sign=1.0, penalty_sign=-1.0, blur_each_step=False, clip_value=False, blur_all_axes=False):
    x = 0.01 * torch.randn(tuple(shape), generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    history = []
    for step in range(steps):
        x = x.detach().requires_grad_(True)
        objective = f(x) + penalty_sign * l2 * (x ** 2).sum()
        (grad,) = torch.autograd.grad(objective, x)
        history.append(float(objective.detach()))
        x = x.detach() + sign * lr * grad
        due = every and (blur_each_step or (step + 1) % every == 0)
        if due:
            a = x.numpy()
            if blur_sigma > 0:
                a = gaussian_filter(a, blur_sigma if blur_all_axes else [0] * (a.ndim - 2) + [blur_sigma] * 2)
            if clip_pct > 0:
                cut = clip_pct / 100 if clip_value else np.percentile(np.abs(a), clip_pct)
                a = np.where(np.abs(a) < cut, 0.0, a)
            x = torch.as_tensor(a)
    return x.detach(), history


def _am_descent(f, shape, **kw):
    return _am_generic(f, shape, sign=-1.0, **kw)


def _am_penalty_plus(f, shape, **kw):
    return _am_generic(f, shape, penalty_sign=+1.0, **kw)


def _am_blur_every_step(f, shape, **kw):
    return _am_generic(f, shape, blur_each_step=True, **kw)


def _am_clip_by_value(f, shape, **kw):
    return _am_generic(f, shape, clip_value=True, **kw)


def _am_blur_all_axes(f, shape, **kw):
    return _am_generic(f, shape, blur_all_axes=True, **kw)


def _am_backward(f, shape, *, steps, lr, l2=0.0, every=0, blur_sigma=0.0, clip_pct=0.0, seed=0):
    """The same ascent written as minimising -J with torch.optim.SGD."""
    x = (0.01 * torch.randn(tuple(shape), generator=torch.Generator().manual_seed(seed),
                            dtype=torch.float64)).requires_grad_(True)
    opt = torch.optim.SGD([x], lr=lr)
    history = []
    for step in range(steps):
        opt.zero_grad()
        objective = f(x) - l2 * (x ** 2).sum()
        history.append(objective.item())
        (-objective).backward()
        opt.step()
        if every and (step + 1) % every == 0:
            with torch.no_grad():
                a = x.detach().numpy()
                if blur_sigma > 0:
                    a = gaussian_filter(a, [0] * (a.ndim - 2) + [blur_sigma, blur_sigma])
                if clip_pct > 0:
                    a = a * (np.abs(a) >= np.percentile(np.abs(a), clip_pct))
                x.copy_(torch.as_tensor(a))
    return x.detach(), history


# ------------------------------------------------------------------------------ tv_loss
def _tv_all_diffs(x, beta=2.0):
    dh = x[..., :, 1:] - x[..., :, :-1]
    dv = x[..., 1:, :] - x[..., :-1, :]
    return (dh ** 2).sum() + (dv ** 2).sum() if beta == 2 else (dh.abs() ** beta).sum() + (dv.abs() ** beta).sum()


def _tv_exponent_beta(x, beta=2.0):
    dh = x[..., :-1, 1:] - x[..., :-1, :-1]
    dv = x[..., 1:, :-1] - x[..., :-1, :-1]
    return ((dh ** 2 + dv ** 2) ** beta).sum()


def _tv_mean(x, beta=2.0):
    dh = x[..., :-1, 1:] - x[..., :-1, :-1]
    dv = x[..., 1:, :-1] - x[..., :-1, :-1]
    return ((dh ** 2 + dv ** 2) ** (beta / 2)).mean()


def _tv_anisotropic(x, beta=2.0):
    dh = x[..., :-1, 1:] - x[..., :-1, :-1]
    dv = x[..., 1:, :-1] - x[..., :-1, :-1]
    return (dh.abs() ** beta + dv.abs() ** beta).sum()


def _tv_diff(x, beta=2.0):
    core = x[..., :-1, :-1]
    dh = torch.diff(x, dim=-1)[..., :-1, :]
    dv = torch.diff(x, dim=-2)[..., :, :-1]
    return torch.pow(torch.square(dh) + torch.square(dv), beta / 2).sum() + 0 * core.sum()


# ------------------------------------------------------------------------------ gram_matrix
def _gram_positions(F, normalize=False):
    C, H, W = F.shape
    flat = F.reshape(C, H * W)
    G = flat.T @ flat                                                     # sums over channels
    return G / (H * W) if normalize else G


def _gram_always_normalised(F, normalize=False):
    C, H, W = F.shape
    flat = F.reshape(C, H * W)
    return flat @ flat.T / (H * W)


def _gram_chw(F, normalize=False):
    C, H, W = F.shape
    flat = F.reshape(C, H * W)
    G = flat @ flat.T
    return G / (C * H * W) if normalize else G


def _gram_einsum(F, normalize=False):
    G = torch.einsum("chw,dhw->cd", F, F)
    return G / (F.shape[1] * F.shape[2]) if normalize else G


# ------------------------------------------------------------------------------ style_transfer_loss
def _stl_swapped(F, P, grams, style_grams, alpha, beta):
    content = ((F - P) ** 2).sum()
    style = sum(((G - A) ** 2).sum() for G, A in zip(grams, style_grams))
    return alpha * content + beta * style                                 # Gatys's letters


def _stl_mean(F, P, grams, style_grams, alpha, beta):
    content = ((F - P) ** 2).mean()
    style = sum(((G - A) ** 2).mean() for G, A in zip(grams, style_grams))
    return alpha * style + beta * content


def _stl_last_layer(F, P, grams, style_grams, alpha, beta):
    return alpha * ((grams[-1] - style_grams[-1]) ** 2).sum() + beta * ((F - P) ** 2).sum()


def _stl_norm(F, P, grams, style_grams, alpha, beta):
    content = torch.linalg.vector_norm(F - P) ** 2
    style = torch.stack([torch.linalg.matrix_norm(G - A) ** 2 for G, A in zip(grams, style_grams)]).sum()
    return alpha * style + beta * content


# ------------------------------------------------------------------------------ cam
def _cam_relu(A, W_fc, c):
    return torch.relu(torch.einsum("k,kuv->uv", W_fc[c], A))


def _cam_mean(A, W_fc, c):
    return (W_fc[c][:, None, None] * A).mean(dim=0)


def _cam_column(A, W_fc, c):
    return torch.einsum("k,kuv->uv", W_fc[:, c], A)                       # column c: wrong axis


def _cam_tensordot(A, W_fc, c):
    return np.tensordot(np.asarray(W_fc[c]), np.asarray(A), axes=1)


# ------------------------------------------------------------------------------ grad_cam
def _gc_generic(model, x, target_layer, c, *, softmax=False, relu=True, axes=(1, 2), reduce="mean", loss=False):
    store = {}
    handle = target_layer.register_forward_hook(lambda m, i, o: store.__setitem__("A", o))
    try:
        out = model(x.detach().clone().requires_grad_(True))
    finally:
        handle.remove()
    if softmax:
        score = torch.softmax(out, 1)[0, c]
    elif loss:
        score = torch.nn.functional.cross_entropy(out, torch.tensor([c]))
    else:
        score = out[0, c]
    A = store["A"]
    (dA,) = torch.autograd.grad(score, A)
    g = dA[0]
    if axes == (1, 2):
        w = g.mean(dim=(1, 2)) if reduce == "mean" else g.sum(dim=(1, 2))
        m = torch.einsum("k,kuv->uv", w, A[0])
    else:                                                                  # averaged over the maps: one weight per position
        m = g.mean(dim=0) * A[0].sum(dim=0)
    return (torch.relu(m) if relu else m).detach()


def _gc_hook_left(model, x, target_layer, c):
    store = {}
    target_layer.register_forward_hook(lambda m, i, o: store.__setitem__("A", o))
    score = model(x.detach().clone().requires_grad_(True))[0, c]
    (dA,) = torch.autograd.grad(score, store["A"])
    return torch.relu(torch.einsum("k,kuv->uv", dA[0].mean(dim=(1, 2)), store["A"][0])).detach()


def _gc_retain_grad(model, x, target_layer, c):
    """retain_grad + backward instead of autograd.grad, NumPy result."""
    store = {}

    def hook(m, i, o):
        o.retain_grad()
        store["A"] = o

    handle = target_layer.register_forward_hook(hook)
    try:
        model(x.detach().clone().requires_grad_(True))[0, c].backward()
    finally:
        handle.remove()
    A = store["A"]
    w = A.grad[0].mean(dim=(1, 2))
    return np.maximum((w[:, None, None] * A[0]).sum(dim=0).detach().numpy(), 0)


CASES = [
    wrong("test_activation_maximization", "gradient descent instead of ascent", activation_maximization=_am_descent),
    wrong("test_activation_maximization", "the L2 penalty added instead of subtracted",
          activation_maximization=_am_penalty_plus),
    wrong("test_activation_maximization", "blur and clip after every step", activation_maximization=_am_blur_every_step),
    wrong("test_activation_maximization", "clips by value clip_pct/100, not by percentile",
          activation_maximization=_am_clip_by_value),
    wrong("test_activation_maximization", "blurs over all axes", activation_maximization=_am_blur_all_axes),
    right("test_activation_maximization", "SGD minimising -J", activation_maximization=_am_backward),

    wrong("test_tv_loss", "all horizontal and vertical differences", tv_loss=_tv_all_diffs),
    wrong("test_tv_loss", "exponent beta instead of beta/2", tv_loss=_tv_exponent_beta),
    wrong("test_tv_loss", "mean instead of sum", tv_loss=_tv_mean),
    wrong("test_tv_loss", "anisotropic |dh|^beta + |dv|^beta", tv_loss=_tv_anisotropic),
    right("test_tv_loss", "torch.diff", tv_loss=_tv_diff),

    wrong("test_gram_matrix", "sums over channels: (HW, HW)", gram_matrix=_gram_positions),
    wrong("test_gram_matrix", "always divided by H*W", gram_matrix=_gram_always_normalised),
    wrong("test_gram_matrix", "normalised by C*H*W", gram_matrix=_gram_chw),
    right("test_gram_matrix", "einsum", gram_matrix=_gram_einsum),

    wrong("test_style_transfer_loss", "alpha and beta swapped (Gatys's letters)", style_transfer_loss=_stl_swapped),
    wrong("test_style_transfer_loss", "means instead of sums", style_transfer_loss=_stl_mean),
    wrong("test_style_transfer_loss", "only the last style layer", style_transfer_loss=_stl_last_layer),
    right("test_style_transfer_loss", "squared norms", style_transfer_loss=_stl_norm),

    wrong("test_cam", "a ReLU on the CAM", cam=_cam_relu),
    wrong("test_cam", "averaged over the maps", cam=_cam_mean),
    wrong("test_cam", "column c of W_fc", cam=_cam_column),
    right("test_cam", "np.tensordot", cam=_cam_tensordot),

    *variants("test_grad_cam", "grad_cam", _gc_generic, wrong={
        "softmax probability instead of the score": dict(softmax=True),
        "no ReLU": dict(relu=False),
        "gradients averaged over the maps, not the positions": dict(axes=(0,)),
        "gradients summed over the positions (no 1/uv)": dict(reduce='sum'),
        "gradient of the cross-entropy loss": dict(loss=True),
    }),
    wrong("test_grad_cam", "the forward hook is never removed", grad_cam=_gc_hook_left),
    right("test_grad_cam", "retain_grad and backward, NumPy result", grad_cam=_gc_retain_grad),

    wrong("test_q1", "descent on the input", q1="c"),
    wrong("test_q1", "weights by descent", q1="a"),
    right("test_q1", "upper case", q1="B"),
    wrong("test_q2", "dropout included", q2={"a", "b", "c", "d"}),
    wrong("test_q2", "only the blur", q2={"a"}),
    right("test_q2", "a list in upper case", q2=["C", "A", "B"]),
    wrong("test_q3", "dead filters", q3="a"),
    wrong("test_q3", "dark image", q3="c"),
    right("test_q3", "with brackets", q3="(b)"),
    wrong("test_q4", "only the first layer is trained", q4="a"),
    wrong("test_q4", "deeper filters are too large", q4="c"),
    right("test_q4", "upper case with spaces", q4=" B "),
    wrong("test_q5", "the CAM weight itself", q5=0.98),
    wrong("test_q5", "divided by 7 instead of 49", q5=0.14),
    right("test_q5", "a fraction string", q5="1/50"),
    right("test_q5", "the quotient as written", q5=0.98 / 49),
]
