"""Typical wrong (and alternative right) answers for week04_training/02_deep_networks.ipynb."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mistakes import right, variants, wrong


# ------------------------------------------------------------------------------ initialisers
def _glorot(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _glorot_normal(fan_in, fan_out, rng):                  # right variance, wrong distribution
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


def _glorot_no_sqrt(fan_in, fan_out, rng):
    a = 6.0 / (fan_in + fan_out)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _glorot_std_as_bound(fan_in, fan_out, rng):
    a = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _glorot_global_rng(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return np.random.uniform(-a, a, size=(fan_in, fan_out))


def _glorot_from_random(fan_in, fan_out, rng):
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return a * (2.0 * rng.random((fan_in, fan_out)) - 1.0)


def _he_fan_out(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))


def _he_variance_as_std(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / fan_in, size=(fan_in, fan_out))


def _he_uniform(fan_in, fan_out, rng):                     # right variance, wrong distribution
    a = np.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a, size=(fan_in, fan_out))


def _he_xavier(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


def _he_transposed(fan_in, fan_out, rng):                 # torch's (out, in) layout
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


def _he_standard_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


# --------------------------------------------------------------------------- layer_grad_norms
def _linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def _lgn_reversed(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return [float(m.weight.grad.norm()) for m in _linears(model)][::-1]


def _lgn_all_parameters(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return [float(p.grad.norm()) for p in model.parameters()]


def _lgn_weight_and_bias(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y).backward()
    return [float(torch.cat([m.weight.grad.flatten(), m.bias.grad]).norm()) for m in _linears(model)]


def _lgn_no_zero_grad(model, X, y):
    F.cross_entropy(model(X), y).backward()
    return [float(m.weight.grad.norm()) for m in _linears(model)]


def _lgn_sum_loss(model, X, y):
    model.zero_grad()
    F.cross_entropy(model(X), y, reduction="sum").backward()
    return [float(m.weight.grad.norm()) for m in _linears(model)]


def _lgn_autograd_grad(model, X, y):
    weights = [m.weight for m in _linears(model)]
    return [g.norm().item() for g in torch.autograd.grad(F.cross_entropy(model(X), y), weights)]


def _lgn_grad_none(model, X, y):
    for p in model.parameters():
        p.grad = None
    F.cross_entropy(model(X), y).backward()
    return [float(torch.sqrt((p.grad ** 2).sum())) for name, p in model.named_parameters() if name.endswith("weight")
            and p.ndim == 2]


# ------------------------------------------------------------------------------ ResidualBlock
class _BlockBase(nn.Module):
    projection_when = "needed"        # "needed", "never", "always"
    conv_bias = False
    stride_in_conv2 = False

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        s1, s2 = (1, stride) if self.stride_in_conv2 else (stride, 1)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=s1, padding=1, bias=self.conv_bias)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=s2, padding=1, bias=self.conv_bias)
        self.bn2 = nn.BatchNorm2d(out_channels)
        needed = stride != 1 or in_channels != out_channels
        project = {"needed": needed, "never": False, "always": True}[self.projection_when]
        self.shortcut = (nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(out_channels)) if project else nn.Identity())

    def residual(self, x):
        return self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))

    def forward(self, x):
        return torch.relu(self.residual(x) + self.shortcut(x))


class _BlockReluBeforeAdd(_BlockBase):
    def forward(self, x):
        return torch.relu(self.residual(x)) + self.shortcut(x)


class _BlockNoFinalRelu(_BlockBase):
    def forward(self, x):
        return self.residual(x) + self.shortcut(x)


class _BlockNoProjection(_BlockBase):
    projection_when = "never"


class _BlockAlwaysProjection(_BlockBase):
    projection_when = "always"


class _BlockConvBias(_BlockBase):
    conv_bias = True


class _BlockStrideInConv2(_BlockBase):
    stride_in_conv2 = True


class _BlockProjectionNoBN(_BlockBase):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        if not isinstance(self.shortcut, nn.Identity):
            self.shortcut = nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False)


class _BlockFunctional(nn.Module):
    """Right: separate projection attributes, a flag, functional ReLU."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.project = stride != 1 or in_channels != out_channels
        if self.project:
            self.proj_conv = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False)
            self.proj_bn = nn.BatchNorm2d(out_channels)

    def forward(self, x):
        identity = self.proj_bn(self.proj_conv(x)) if self.project else x
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return F.relu(out)


class _BlockEmptySequential(_BlockBase):
    """Right: nn.Sequential() with no layers is the identity as well."""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        if isinstance(self.shortcut, nn.Identity):
            self.shortcut = nn.Sequential()


# -------------------------------------------------------------------------- batchnorm_forward
def _bnf(x, gamma, beta, eps=1e-5, *, axis=0, ddof=0, eps_outside=False):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    denom = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    x_hat = (x - mu) / denom
    return gamma * x_hat + beta, (x_hat, 1.0 / denom, np.asarray(gamma, dtype=float))


def _bnf_sums(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    m = x.shape[0]
    mu = np.sum(x, axis=0) / m
    var = np.sum((x - mu) ** 2, axis=0) / m
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta, (x_hat, 1.0 / np.sqrt(var + eps), np.asarray(gamma, dtype=float))


# ------------------------------------------------------------------------- batchnorm_backward
def _bnb_naive(dy, cache):
    x_hat, inv_std, gamma = cache
    return gamma * inv_std * dy, (dy * x_hat).sum(axis=0), dy.sum(axis=0)


def _bnb_dgamma_axis1(dy, cache):
    x_hat, inv_std, gamma = cache
    dxh = dy * gamma
    dx = inv_std * (dxh - dxh.mean(axis=0) - x_hat * (dxh * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=1), dy.sum(axis=0)


def _bnb_no_gamma(dy, cache):
    x_hat, inv_std, gamma = cache
    dx = inv_std * (dy - dy.mean(axis=0) - x_hat * (dy * x_hat).mean(axis=0))
    return dx, (dy * x_hat).sum(axis=0), dy.sum(axis=0)


def _bnb_no_variance_path(dy, cache):
    x_hat, inv_std, gamma = cache
    dxh = dy * gamma
    return inv_std * (dxh - dxh.mean(axis=0)), (dy * x_hat).sum(axis=0), dy.sum(axis=0)


def _bnf_graph(x, gamma, beta, eps=1e-5):
    """Right (with _bnb_graph): a dict cache with the raw intermediates."""
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc ** 2).mean(axis=0)
    std = np.sqrt(var + eps)
    x_hat = xc / std
    return gamma * x_hat + beta, {"xc": xc, "std": std, "var": var, "eps": eps, "x_hat": x_hat, "gamma": gamma}


def _bnb_graph(dy, cache):
    """Right: backpropagate through the computational graph one node at a time."""
    xc, std, x_hat, gamma = cache["xc"], cache["std"], cache["x_hat"], cache["gamma"]
    m = dy.shape[0]
    dbeta = dy.sum(axis=0)
    dgamma = np.sum(dy * x_hat, axis=0)
    dx_hat = dy * gamma
    dvar = np.sum(dx_hat * xc, axis=0) * -0.5 * std ** -3
    dmu = np.sum(-dx_hat / std, axis=0) + dvar * np.mean(-2.0 * xc, axis=0)
    dx = dx_hat / std + dvar * 2.0 * xc / m + dmu / m
    return dx, dgamma, dbeta


# ------------------------------------------------------------------- running stats / eval
def _urs(running_mean, running_var, x, momentum=0.1, *, ddof=1, as_beta=False):
    x = np.asarray(x, dtype=float)
    w_new = 1 - momentum if as_beta else momentum
    return ((1 - w_new) * running_mean + w_new * x.mean(axis=0),
            (1 - w_new) * running_var + w_new * x.var(axis=0, ddof=ddof))


def _urs_in_place(running_mean, running_var, x, momentum=0.1):
    n = len(x)
    running_mean *= 1 - momentum
    running_mean += momentum * np.mean(x, axis=0)
    running_var *= 1 - momentum
    running_var += momentum * np.var(x, axis=0) * n / (n - 1)
    return running_mean, running_var


def _bne_batch_stats(x, running_mean, running_var, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def _bne_var_as_std(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return gamma * (np.asarray(x, dtype=float) - running_mean) / (running_var + eps) + beta


def _bne_folded(x, running_mean, running_var, gamma, beta, eps=1e-5):
    scale = gamma / np.sqrt(running_var + eps)                 # fold into one affine map per feature
    return np.asarray(x, dtype=float) * scale + (beta - running_mean * scale)


CASES = [
    wrong("test_init", "Glorot drawn from a normal distribution", glorot_uniform=_glorot_normal),
    wrong("test_init", "Glorot bound without the square root", glorot_uniform=_glorot_no_sqrt),
    wrong("test_init", "Glorot bound = the standard deviation", glorot_uniform=_glorot_std_as_bound),
    wrong("test_init", "Glorot from the global np.random", glorot_uniform=_glorot_global_rng),
    wrong("test_init", "He with the fan-out", he_normal=_he_fan_out),
    wrong("test_init", "He with the variance passed as the std", he_normal=_he_variance_as_std),
    wrong("test_init", "He drawn from a uniform distribution", he_normal=_he_uniform),
    wrong("test_init", "He with Xavier's 1/fan_in", he_normal=_he_xavier),
    wrong("test_init", "He in torch's (out, in) layout", he_normal=_he_transposed),
    right("test_init", "Glorot from rng.random, He from standard_normal",
          glorot_uniform=_glorot_from_random, he_normal=_he_standard_normal),

    wrong("test_layer_grad_norms", "reversed order", layer_grad_norms=_lgn_reversed),
    wrong("test_layer_grad_norms", "every parameter, biases included", layer_grad_norms=_lgn_all_parameters),
    wrong("test_layer_grad_norms", "weight and bias in one norm", layer_grad_norms=_lgn_weight_and_bias),
    wrong("test_layer_grad_norms", "old gradients not zeroed", layer_grad_norms=_lgn_no_zero_grad),
    wrong("test_layer_grad_norms", "summed loss", layer_grad_norms=_lgn_sum_loss),
    right("test_layer_grad_norms", "torch.autograd.grad, no .grad", layer_grad_norms=_lgn_autograd_grad),
    right("test_layer_grad_norms", "grads set to None, named_parameters", layer_grad_norms=_lgn_grad_none),

    wrong("test_ResidualBlock", "ReLU before the addition", ResidualBlock=_BlockReluBeforeAdd),
    wrong("test_ResidualBlock", "no final ReLU", ResidualBlock=_BlockNoFinalRelu),
    wrong("test_ResidualBlock", "missing projection", ResidualBlock=_BlockNoProjection),
    wrong("test_ResidualBlock", "projection always", ResidualBlock=_BlockAlwaysProjection),
    wrong("test_ResidualBlock", "convolutions with bias", ResidualBlock=_BlockConvBias),
    wrong("test_ResidualBlock", "stride in conv2", ResidualBlock=_BlockStrideInConv2),
    wrong("test_ResidualBlock", "projection without batch norm", ResidualBlock=_BlockProjectionNoBN),
    right("test_ResidualBlock", "separate projection attributes, functional ReLU", ResidualBlock=_BlockFunctional),
    right("test_ResidualBlock", "empty nn.Sequential as identity", ResidualBlock=_BlockEmptySequential),

    *variants("test_batchnorm_forward", "batchnorm_forward", _bnf, wrong={
        "unbiased variance": dict(ddof=1),
        "eps outside the root": dict(eps_outside=True),
        "normalised over the feature axis": dict(axis=1),
        "one mean and variance for the whole array": dict(axis=None),
    }),
    right("test_batchnorm_forward", "explicit sums", batchnorm_forward=_bnf_sums),

    wrong("test_batchnorm_backward", "mean and variance treated as constants", batchnorm_backward=_bnb_naive),
    wrong("test_batchnorm_backward", "dgamma summed over the feature axis", batchnorm_backward=_bnb_dgamma_axis1),
    wrong("test_batchnorm_backward", "gamma missing from dx", batchnorm_backward=_bnb_no_gamma),
    wrong("test_batchnorm_backward", "variance path missing", batchnorm_backward=_bnb_no_variance_path),
    right("test_batchnorm_backward", "node-by-node graph backprop with a dict cache",
          batchnorm_forward=_bnf_graph, batchnorm_backward=_bnb_graph),

    *variants("test_running_stats", "update_running_stats", _urs, wrong={
        "biased variance in the running stats": dict(ddof=0),
        "momentum used as the weight of the old value": dict(as_beta=True),
    }),
    wrong("test_running_stats", "batch statistics at eval", batchnorm_eval=_bne_batch_stats),
    wrong("test_running_stats", "variance used as the standard deviation at eval", batchnorm_eval=_bne_var_as_std),
    right("test_running_stats", "in-place update, eval folded into one affine map",
          update_running_stats=_urs_in_place, batchnorm_eval=_bne_folded),
]
