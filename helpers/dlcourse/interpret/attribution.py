"""Looking inside a trained CNN: activations, filters, patches, occlusion, gradients, CAM, Grad-CAM.

Images are NCHW torch tensors; a single image is a batch of one, ``x (1, C, H, W)``. Scores are
the model's **pre-softmax** outputs (logits) ``S (1, K)``: a softmax couples the classes, so
its gradient for class c also depends on every other class's score (Simonyan et al. 2014).

The graded pieces of the notebooks are private here (``_get_activations``, ``_normalize_filters``,
``_occlusion_map``, ``_saliency``, ``_relu_backward``, ``_cam``, ``_grad_cam``); the public
functions are what demos and widgets need, and take the students' versions as arguments.

Backward rules through a ReLU ``y = max(0, x)`` with upstream gradient ``g = dL/dy``
(Springenberg et al. 2015, "Striving for simplicity"):

    backprop    g * [x > 0]              the true gradient (ReLU'(0) = 0)
    deconvnet   g * [g > 0]              Zeiler & Fergus: a ReLU on the backward signal
    guided      g * [x > 0] * [g > 0]    both masks: only positive evidence that was active
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

__all__ = ["class_scores", "layer_output", "fraction_zero", "receptive_field_geometry", "top_patches", "guided_backprop",
           "heat_mass", "fgsm", "targeted_attack", "RELU_RULES"]

RELU_RULES = ("backprop", "deconvnet", "guided")


@torch.no_grad()
def class_scores(model: nn.Module, X) -> np.ndarray:
    """Pre-softmax scores ``(N, K)`` of ``model`` for ``X (N, C, H, W)`` (array or tensor)."""
    return model(torch.as_tensor(np.asarray(X), dtype=torch.float32)).numpy()


# ------------------------------------------------------------------ activations (E8.1)
def _get_activations(model: nn.Module, x: torch.Tensor, layers: Sequence[str]) -> dict[str, torch.Tensor]:
    """Outputs of the named sub-modules for input ``x``, captured by forward hooks removed afterwards."""
    modules = dict(model.named_modules())
    out: dict[str, torch.Tensor] = {}
    handles = [modules[name].register_forward_hook(
        lambda _m, _i, o, name=name: out.__setitem__(name, o.detach())) for name in layers]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return out


def layer_output(model: nn.Module, x: torch.Tensor, layer: str) -> torch.Tensor:
    """Output of one named layer (a detached tensor) for ``x``: :func:`_get_activations` with one name."""
    return _get_activations(model, x, [layer])[layer]


def fraction_zero(acts: torch.Tensor) -> float:
    """Fraction of exactly-zero entries (a ReLU output that is 'off')."""
    return float((acts == 0).float().mean())


# ------------------------------------------------------------------ filters (E8.2)
def _normalize_filters(w) -> np.ndarray:
    """Each filter ``w[k] (C, kh, kw)`` scaled to [0, 1] by its own min and max (constant -> 0)."""
    w = np.asarray(w, dtype=float)                                       # (K, C, kh, kw)
    lo = w.min(axis=(1, 2, 3), keepdims=True)
    span = w.max(axis=(1, 2, 3), keepdims=True) - lo
    return (w - lo) / np.where(span > 0, span, 1.0)


# ------------------------------------------------------------------ maximally activating patches
def receptive_field_geometry(model: nn.Sequential, layer: str) -> tuple[int, int, float]:
    """(size, jump, start) of a unit of ``layer`` in input pixels, for a Sequential of conv/pool/ReLU.

    size: side of the receptive field; jump: input pixels between neighbouring units; start:
    input coordinate of the centre of unit 0 (may be fractional for even kernels).
    """
    size, jump, start = 1, 1, 0.0
    for name, m in model.named_children():
        if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s = m.stride if isinstance(m.stride, int) else m.stride[0]
            p = m.padding if isinstance(m.padding, int) else m.padding[0]
            size, start, jump = size + (k - 1) * jump, start + ((k - 1) / 2 - p) * jump, jump * s
        if name == layer:
            return size, jump, start
    raise ValueError(f"no layer named {layer!r} among {[n for n, _ in model.named_children()]}")


def top_patches(model: nn.Sequential, layer: str, channel: int, X, k: int = 9) -> list[tuple[int, tuple, float]]:
    """The ``k`` strongest activations of ``channel`` in ``layer`` over the images ``X (N, C, H, W)``.

    Returns ``[(image index, (r0, c0, r1, c1), value), ...]``, strongest first, where the box is
    the unit's receptive field clipped to the image (rows r0:r1, columns c0:c1, end exclusive).
    At most one patch per image, so the nine are nine different examples.
    """
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    A = layer_output(model, X, layer)[:, channel]                        # (N, u, v)
    N, _, v = A.shape
    best = A.reshape(N, -1).max(dim=1)                                   # per image: value, flat index
    order = torch.argsort(best.values, descending=True)[:k]
    size, jump, start = receptive_field_geometry(model, layer)
    H, W = X.shape[-2:]
    out = []
    for n in order.tolist():
        i, j = divmod(int(best.indices[n]), v)
        ci, cj = start + i * jump, start + j * jump                     # centre in input pixels
        r0, c0 = int(np.floor(ci - (size - 1) / 2)), int(np.floor(cj - (size - 1) / 2))
        out.append((n, (max(r0, 0), max(c0, 0), min(r0 + size, H), min(c0 + size, W)), float(best.values[n])))
    return out


# ------------------------------------------------------------------ occlusion (E8.3)
@torch.no_grad()
def _occlusion_map(model: nn.Module, x: torch.Tensor, c: int, patch: int, stride: int,
                   fill: float = 0.0) -> np.ndarray:
    """Drop of the class-c score when a ``patch`` x ``patch`` square at each position is set to ``fill``."""
    _, _, H, W = x.shape
    rows, cols = (H - patch) // stride + 1, (W - patch) // stride + 1
    base = model(x)[0, c]
    copies = x.repeat(rows * cols, 1, 1, 1)                              # (rows*cols, C, H, W)
    for r in range(rows):
        for q in range(cols):
            copies[r * cols + q, :, r * stride:r * stride + patch, q * stride:q * stride + patch] = fill
    return (base - model(copies)[:, c]).reshape(rows, cols).numpy()


# ------------------------------------------------------------------ saliency (E8.4)
def _saliency(model: nn.Module, x: torch.Tensor, c: int) -> np.ndarray:
    """``max over channels of |dS_c / dx|`` (Simonyan et al. 2014), shape (H, W)."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[0, c], x)                     # (1, C, H, W)
    return grad[0].abs().amax(dim=0).numpy()


# ------------------------------------------------------------------ deconvnet / guided backprop (E8.5)
def _relu_backward(grad_out, x, rule: str):
    """The gradient a ReLU passes back under ``rule`` (see the module docstring)."""
    if rule == "backprop":
        return grad_out * (x > 0)
    if rule == "deconvnet":
        return grad_out * (grad_out > 0)
    if rule == "guided":
        return grad_out * (x > 0) * (grad_out > 0)
    raise ValueError(f"rule must be one of {RELU_RULES}, got {rule!r}")


def guided_backprop(model: nn.Module, x: torch.Tensor, c: int, rule: str = "guided",
                    relu_backward: Callable | None = None) -> np.ndarray:
    """The input-space signal for class c when every ``nn.ReLU`` of ``model`` passes gradients back
    by ``rule`` ("backprop", "deconvnet" or "guided"), using ``relu_backward(grad_out, x, rule)``
    (default: the reference). Returns ``(C, H, W)`` (signed; plot its positive part or |.|)."""
    relu_backward = relu_backward or _relu_backward
    inputs: dict[int, torch.Tensor] = {}
    handles = []
    for m in model.modules():
        if isinstance(m, nn.ReLU):
            handles.append(m.register_forward_hook(lambda mod, i, _o: inputs.__setitem__(id(mod), i[0].detach())))
            handles.append(m.register_full_backward_hook(
                lambda mod, _gi, go: (torch.as_tensor(relu_backward(go[0], inputs[id(mod)], rule),
                                                      dtype=go[0].dtype),)))
    x = x.detach().clone().requires_grad_(True)
    try:
        (grad,) = torch.autograd.grad(model(x)[0, c], x)
    finally:
        for h in handles:
            h.remove()
    return grad[0].numpy()


# ------------------------------------------------------------------ CAM and Grad-CAM (E8.8)
def _cam(A, W_fc, c: int):
    """Class activation map ``sum_k W_fc[c, k] A[k]`` for maps ``A (K, u, v)`` and ``W_fc (C, K)``."""
    return torch.einsum("k,kuv->uv", torch.as_tensor(W_fc)[c], torch.as_tensor(A))


def _grad_cam(model: nn.Module, x: torch.Tensor, target_layer: nn.Module, c: int) -> torch.Tensor:
    """``ReLU(sum_k w_k A^k)`` with ``w_k`` the spatial mean of ``dS_c / dA^k``; shape (u, v)."""
    store: dict[str, torch.Tensor] = {}
    handle = target_layer.register_forward_hook(lambda _m, _i, o: store.__setitem__("A", o))
    try:
        score = model(x.detach().clone().requires_grad_(True))[0, c]    # pre-softmax score
    finally:
        handle.remove()
    A = store["A"]                                                       # (1, K, u, v)
    (dA,) = torch.autograd.grad(score, A)                                # (1, K, u, v)
    weights = dA[0].mean(dim=(1, 2))                                     # (K,): mean over positions
    return torch.relu(torch.einsum("k,kuv->uv", weights, A[0])).detach()


def heat_mass(heat, rows: slice, cols: slice) -> float:
    """Fraction of the (non-negative) heat map's total inside ``heat[rows, cols]`` (0 if all zero)."""
    heat = np.clip(np.asarray(heat, dtype=float), 0, None)
    total = heat.sum()
    return float(heat[rows, cols].sum() / total) if total > 0 else 0.0


# ------------------------------------------------------------------ fooling images
def fgsm(model: nn.Module, x: torch.Tensor, label: int, eps: float) -> torch.Tensor:
    """Fast gradient sign method (Goodfellow et al. 2015): ``x + eps * sign(d loss / dx)``, clipped to [0, 1]."""
    x = x.detach().clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(x), torch.tensor([label]))
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def targeted_attack(model: nn.Module, x: torch.Tensor, target: int, eps: float, steps: int = 20,
                    step_size: float | None = None) -> torch.Tensor:
    """Iterated signed gradient steps towards class ``target``, each pixel within ``eps`` of ``x``."""
    step_size = step_size or 2.5 * eps / steps
    x0 = x.detach()
    adv = x0.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = nn.functional.cross_entropy(model(adv), torch.tensor([target]))
        (grad,) = torch.autograd.grad(loss, adv)
        adv = (adv - step_size * grad.sign()).detach()
        adv = torch.min(torch.max(adv, x0 - eps), x0 + eps).clamp(0, 1)
    return adv
