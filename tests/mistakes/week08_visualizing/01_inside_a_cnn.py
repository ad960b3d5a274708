"""Typical wrong (and alternative right) answers for week08_visualizing/01_inside_a_cnn.ipynb."""

import numpy as np
import torch
from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ get_activations
def _acts_late_binding(model, x, layers):
    modules = dict(model.named_modules())
    out, handles = {}, []
    for name in layers:                                                   # every lambda sees the LAST name
        handles.append(modules[name].register_forward_hook(lambda m, i, o: out.__setitem__(name, o.detach())))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return out


def _acts_no_remove(model, x, layers):
    modules = dict(model.named_modules())
    out = {}
    for name in layers:
        modules[name].register_forward_hook(lambda m, i, o, name=name: out.__setitem__(name, o.detach()))
    with torch.no_grad():
        model(x)
    return out


def _acts_input(model, x, layers):
    modules = dict(model.named_modules())
    out = {}
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: out.__setitem__(n, i[0].detach())) for n in layers]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return out


def _acts_no_finally(model, x, layers):
    modules = dict(model.named_modules())
    out = {}
    handles = [modules[n].register_forward_hook(lambda m, i, o, n=n: out.__setitem__(n, o.detach())) for n in layers]
    with torch.no_grad():
        model(x)                                                          # an error here leaves the hooks
    for h in handles:
        h.remove()
    return out


def _acts_manual(model, x, layers):
    """Walk the Sequential's children by hand (no hooks at all)."""
    out = {}
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            if name in layers:
                out[name] = x.detach().clone()
    return out


# ------------------------------------------------------------------------------ normalize_filters
def _norm_global(w):
    w = np.asarray(w, dtype=float)
    return (w - w.min()) / (w.max() - w.min())


def _norm_per_channel(w):
    w = np.asarray(w, dtype=float)
    lo = w.min(axis=(2, 3), keepdims=True)
    span = w.max(axis=(2, 3), keepdims=True) - lo
    return (w - lo) / np.where(span > 0, span, 1.0)


def _norm_nan(w):
    w = np.asarray(w, dtype=float)
    lo = w.min(axis=(1, 2, 3), keepdims=True)
    return (w - lo) / (w.max(axis=(1, 2, 3), keepdims=True) - lo)


def _norm_loop(w):
    w = np.array(w, dtype=float)
    out = np.zeros_like(w)
    for k in range(len(w)):
        span = w[k].max() - w[k].min()
        out[k] = (w[k] - w[k].min()) / span if span > 0 else 0.0
    return out


# ------------------------------------------------------------------------------ occlusion_map
def _occ_generic(model, x, c, patch, stride, fill=0.0, *, off_by_one=False, drop=True, softmax=False,
                 transpose=False, in_place=False):
    _, _, H, W = x.shape
    rows = (H - patch) // stride + (0 if off_by_one else 1)
    cols = (W - patch) // stride + (0 if off_by_one else 1)
    score = (lambda z: torch.softmax(model(z), 1)[0, c]) if softmax else (lambda z: model(z)[0, c])
    heat = np.zeros((rows, cols))
    with torch.no_grad():
        base = float(score(x))
        for r in range(rows):
            for q in range(cols):
                z = x if in_place else x.clone()
                saved = z[..., r * stride:r * stride + patch, q * stride:q * stride + patch].clone()
                z[..., r * stride:r * stride + patch, q * stride:q * stride + patch] = fill
                s = float(score(z))
                heat[r, q] = base - s if drop else s
                if in_place:
                    pass                                                  # forgets to restore
                del saved
    return heat.T if transpose else heat


def _occ_batched(model, x, c, patch, stride, fill=0.0):
    _, _, H, W = x.shape
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    batch = x.repeat(rows * cols, 1, 1, 1)
    for k in range(rows * cols):
        r, q = divmod(k, cols)
        batch[k, :, r * stride:r * stride + patch, q * stride:q * stride + patch] = fill
    with torch.no_grad():
        return (model(x)[0, c] - model(batch)[:, c]).reshape(rows, cols).numpy()


# ------------------------------------------------------------------------------ saliency_map
def _sal_generic(model, x, c, *, softmax=False, absolute=True, reduce="max"):
    x = x.detach().clone().requires_grad_(True)
    out = model(x)
    score = torch.softmax(out, 1)[0, c] if softmax else out[0, c]
    (g,) = torch.autograd.grad(score, x)
    g = g[0].abs() if absolute else g[0]
    return (g.amax(dim=0) if reduce == "max" else g.sum(dim=0) if reduce == "sum" else g.mean(dim=0)).numpy()


def _sal_backward(model, x, c):
    x = x.detach().clone().requires_grad_(True)
    model(x)[0, c].backward()
    return x.grad[0].abs().max(dim=0).values.numpy()


# ------------------------------------------------------------------------------ relu_backward
def _relu_deconv_x_mask(grad_out, x, rule):
    if rule == "backprop":
        return grad_out * (x > 0)
    if rule == "deconvnet":
        return grad_out * (x > 0)                                         # same as backprop
    return grad_out * (x > 0) * (grad_out > 0)


def _relu_guided_or(grad_out, x, rule):
    if rule == "backprop":
        return grad_out * (x > 0)
    if rule == "deconvnet":
        return grad_out * (grad_out > 0)
    return grad_out * ((x > 0) | (grad_out > 0))


def _relu_geq(grad_out, x, rule):
    if rule == "backprop":
        return grad_out * (x >= 0)                                        # ReLU'(0) = 1
    if rule == "deconvnet":
        return grad_out * (grad_out > 0)
    return grad_out * (x >= 0) * (grad_out > 0)


def _relu_where(grad_out, x, rule):
    lib = torch if torch.is_tensor(grad_out) else np
    zero = lib.zeros_like(grad_out)
    keep = {"backprop": x > 0, "deconvnet": grad_out > 0, "guided": (x > 0) & (grad_out > 0)}[rule]
    return lib.where(keep, grad_out, zero)


CASES = [
    wrong("test_get_activations", "late-binding lambda: every hook stores under the last name",
          get_activations=_acts_late_binding),
    wrong("test_get_activations", "hooks never removed", get_activations=_acts_no_remove),
    wrong("test_get_activations", "stores the module's input instead of its output", get_activations=_acts_input),
    wrong("test_get_activations", "hooks not removed when the forward pass raises", get_activations=_acts_no_finally),
    right("test_get_activations", "manual walk over the Sequential's children", get_activations=_acts_manual),

    wrong("test_normalize_filters", "one min/max for all filters", normalize_filters=_norm_global),
    wrong("test_normalize_filters", "a scale per input channel, not per filter", normalize_filters=_norm_per_channel),
    wrong("test_normalize_filters", "a constant filter divides by zero", normalize_filters=_norm_nan),
    right("test_normalize_filters", "a loop over the filters", normalize_filters=_norm_loop),

    *variants("test_occlusion_map", "occlusion_map", _occ_generic, wrong={
        "one patch position too few per axis": dict(off_by_one=True),
        "the occluded score instead of the drop": dict(drop=False),
        "softmax probabilities instead of scores": dict(softmax=True),
        "occludes x in place": dict(in_place=True),
    }),
    right("test_occlusion_map", "one batch of all occluded copies", occlusion_map=_occ_batched),

    *variants("test_saliency_map", "saliency_map", _sal_generic, wrong={
        "gradient of the softmax probability": dict(softmax=True),
        "signed gradient (no absolute value)": dict(absolute=False),
        "summed over the channels": dict(reduce='sum'),
    }),
    right("test_saliency_map", ".backward() and x.grad", saliency_map=_sal_backward),

    wrong("test_relu_backward", "deconvnet masks by the forward input", relu_backward=_relu_deconv_x_mask),
    wrong("test_relu_backward", "guided uses either mask (or)", relu_backward=_relu_guided_or),
    wrong("test_relu_backward", "ReLU'(0) = 1 (x >= 0)", relu_backward=_relu_geq),
    right("test_relu_backward", "where() with a boolean mask", relu_backward=_relu_where),
]
