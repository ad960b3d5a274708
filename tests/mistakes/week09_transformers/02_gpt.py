"""Typical wrong (and alternative right) answers for week09_transformers/02_gpt.ipynb."""

import torch
from torch import nn
from torch.nn import functional as F

from mistakes import quiz, right, variants, wrong


# ------------------------------------------------------------------------------ layer norm and FFN
def _ln_unbiased(x, gamma, beta, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    return gamma * (x - mu) / torch.sqrt(x.var(dim=-1, keepdim=True) + eps) + beta     # torch.var: C - 1


def _ln_batch_axis(x, gamma, beta, eps=1e-5):
    mu = x.mean(dim=0, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=0, keepdim=True)
    return gamma * (x - mu) / torch.sqrt(var + eps) + beta


def _ln_eps_outside(x, gamma, beta, eps=1e-5):
    mu = x.mean(dim=-1, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=-1, keepdim=True)
    return gamma * (x - mu) / (torch.sqrt(var) + eps) + beta


def _ln_functional(x, gamma, beta, eps=1e-5):
    return F.layer_norm(x, x.shape[-1:], gamma, beta, eps)


def _ln_var_mean(x, gamma, beta, eps=1e-5):
    var, mu = torch.var_mean(x, dim=-1, keepdim=True, correction=0)
    return (x - mu) * torch.rsqrt(var + eps) * gamma + beta


def _ffn_no_relu(x, W1, b1, W2, b2):
    return (x @ W1 + b1) @ W2 + b2


def _ffn_relu_last(x, W1, b1, W2, b2):
    return torch.relu((x @ W1 + b1) @ W2 + b2)


def _ffn_linear(x, W1, b1, W2, b2):
    return F.linear(F.relu(F.linear(x, W1.T, b1)), W2.T, b2)


# ------------------------------------------------------------------------------ transformer block
class _BlockBase(nn.Module):
    def __init__(self, d_model, n_heads, d_ff, norm_first=False):
        super().__init__()
        self.norm_first = norm_first
        self.self_attn = nn.MultiheadAttention(d_model, n_heads, dropout=0.0, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)

    def mask(self, T):
        return torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)

    def sa(self, h, mask):
        return self.self_attn(h, h, h, attn_mask=mask, need_weights=False)[0]

    def ff(self, h):
        return self.linear2(torch.relu(self.linear1(h)))

    def combine(self, x, mask):
        if self.norm_first:
            x = x + self.sa(self.norm1(x), mask)
            return x + self.ff(self.norm2(x))
        x = self.norm1(x + self.sa(x, mask))
        return self.norm2(x + self.ff(x))

    def forward(self, x, causal=False):
        return self.combine(x, self.mask(x.shape[1]) if causal else None)


class _BlockNoFFNResidual(_BlockBase):
    def combine(self, x, mask):
        if self.norm_first:
            x = x + self.sa(self.norm1(x), mask)
            return self.ff(self.norm2(x))
        x = self.norm1(x + self.sa(x, mask))
        return self.norm2(self.ff(x))


class _BlockNoAttnResidual(_BlockBase):
    def combine(self, x, mask):
        if self.norm_first:
            x = self.sa(self.norm1(x), mask)
            return x + self.ff(self.norm2(x))
        x = self.norm1(self.sa(x, mask))
        return self.norm2(x + self.ff(x))


class _BlockAlwaysPreNorm(_BlockBase):
    def combine(self, x, mask):
        x = x + self.sa(self.norm1(x), mask)
        return x + self.ff(self.norm2(x))


class _BlockSeesFuture(_BlockBase):
    """Passes notebook 1's convention (True = may attend) to nn.MultiheadAttention: the past is hidden."""

    def mask(self, T):
        return torch.ones(T, T, dtype=torch.bool).tril()


class _BlockHidesSelf(_BlockBase):
    def mask(self, T):
        return torch.ones(T, T, dtype=torch.bool).triu()


class _BlockIgnoresCausal(_BlockBase):
    def forward(self, x, causal=False):
        return self.combine(x, None)


class _BlockFloatMask(_BlockBase):
    """An additive float mask (-inf above the diagonal), as nn.Transformer.generate_square_subsequent_mask."""

    def mask(self, T):
        return torch.full((T, T), float("-inf")).triu(1)

    def sa(self, h, mask):
        return self.self_attn(h, h, h, attn_mask=None if mask is None else mask.to(h.dtype), need_weights=False)[0]


class _BlockIsCausal(_BlockBase):
    """is_causal with the mask (PyTorch wants both) and explicit sub-layer functions."""

    def forward(self, x, causal=False):
        T = x.shape[1]
        mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=x.dtype) if causal else None
        return self.combine(x, mask)


# ------------------------------------------------------------------------------ parameter counts
def _gpt_no_biases(n_layers, d_model, vocab_size, n_ctx):
    return 12 * n_layers * d_model ** 2 + vocab_size * d_model + n_ctx * d_model


def _gpt_untied(n_layers, d_model, vocab_size, n_ctx):
    C = d_model
    return n_layers * (12 * C * C + 13 * C) + 2 * vocab_size * C + n_ctx * C + 2 * C


def _gpt_no_final_ln(n_layers, d_model, vocab_size, n_ctx):
    C = d_model
    return n_layers * (12 * C * C + 13 * C) + vocab_size * C + n_ctx * C


def _gpt_by_parts(n_layers, d_model, vocab_size, n_ctx):
    C = d_model
    attn = 4 * (C * C + C)
    mlp = (C * 4 * C + 4 * C) + (4 * C * C + C)
    norms = 2 * (2 * C)
    return n_layers * (attn + mlp + norms) + vocab_size * C + n_ctx * C + 2 * C


def _vit(n_layers, d_model, mlp_size, patch=16, image_size=224, channels=3, n_classes=1000, *, cls_pos=True,
         head_bias=True):
    D, M = d_model, mlp_size
    n = (image_size // patch) ** 2
    block = 4 * D * D + 4 * D + 2 * D * M + M + D + 4 * D
    pos = (n + 1) * D if cls_pos else n * D
    return patch * patch * channels * D + D + D + pos + n_layers * block + 2 * D + D * n_classes + (n_classes if head_bias else 0)


def _vit_built(n_layers, d_model, mlp_size, patch=16, image_size=224, channels=3, n_classes=1000):
    n = (image_size // patch) ** 2
    parts = [nn.Linear(channels * patch * patch, d_model), nn.LayerNorm(d_model), nn.Linear(d_model, n_classes)]
    extra = d_model + (n + 1) * d_model
    layer = nn.TransformerEncoderLayer(d_model, 1, mlp_size)
    per_block = sum(p.numel() for p in layer.parameters())
    return sum(p.numel() for m in parts for p in m.parameters()) + extra + n_layers * per_block


# ------------------------------------------------------------------------------ patchify
def _patchify_reshape(imgs, p):
    N, C, H, W = imgs.shape
    return imgs.reshape(N, (H // p) * (W // p), C * p * p)


def _patchify_channels_last(imgs, p):
    N, C, H, W = imgs.shape
    x = imgs.reshape(N, C, H // p, p, W // p, p).permute(0, 2, 4, 3, 5, 1)
    return x.reshape(N, (H // p) * (W // p), C * p * p)


def _patchify_column_major(imgs, p):
    N, C, H, W = imgs.shape
    x = imgs.reshape(N, C, H // p, p, W // p, p).permute(0, 4, 2, 1, 3, 5)
    return x.reshape(N, (H // p) * (W // p), C * p * p)


def _patchify_unfold(imgs, p):
    return F.unfold(imgs, kernel_size=p, stride=p).transpose(1, 2)


def _patchify_tensor_unfold(imgs, p):
    N, C, H, W = imgs.shape
    x = imgs.unfold(2, p, p).unfold(3, p, p)                           # (N, C, gh, gw, p, p)
    return x.permute(0, 2, 3, 1, 4, 5).reshape(N, -1, C * p * p)


CASES = [
    wrong("test_ln_ffn", "unbiased variance (torch.var default)", layer_norm=_ln_unbiased),
    wrong("test_ln_ffn", "statistics over the batch axis", layer_norm=_ln_batch_axis),
    wrong("test_ln_ffn", "eps outside the square root", layer_norm=_ln_eps_outside),
    wrong("test_ln_ffn", "FFN without the ReLU", ffn=_ffn_no_relu),
    wrong("test_ln_ffn", "ReLU after the second layer", ffn=_ffn_relu_last),
    right("test_ln_ffn", "F.layer_norm and F.linear", layer_norm=_ln_functional, ffn=_ffn_linear),
    right("test_ln_ffn", "var_mean with rsqrt", layer_norm=_ln_var_mean),
    wrong("test_block", "no residual around the FFN", TransformerBlock=_BlockNoFFNResidual),
    wrong("test_block", "no residual around the attention", TransformerBlock=_BlockNoAttnResidual),
    wrong("test_block", "always pre-norm (norm_first ignored)", TransformerBlock=_BlockAlwaysPreNorm),
    wrong("test_block", "notebook 1's mask passed to nn.MultiheadAttention (sees the future)",
          TransformerBlock=_BlockSeesFuture),
    wrong("test_block", "causal mask hides the diagonal", TransformerBlock=_BlockHidesSelf),
    wrong("test_block", "causal ignored", TransformerBlock=_BlockIgnoresCausal),
    right("test_block", "additive float mask", TransformerBlock=_BlockFloatMask),
    right("test_block", "generate_square_subsequent_mask", TransformerBlock=_BlockIsCausal),
    wrong("test_counts", "GPT without biases and layer norms", gpt_param_count=_gpt_no_biases),
    wrong("test_counts", "GPT read-out not tied", gpt_param_count=_gpt_untied),
    wrong("test_counts", "GPT without the final layer norm", gpt_param_count=_gpt_no_final_ln),
    *variants("test_counts", "vit_param_count", _vit, wrong={
        "ViT without the class token's position": {"cls_pos": False},
        "ViT head without bias": {"head_bias": False},
    }),
    right("test_counts", "counted by parts, and a ViT counted from torch modules", gpt_param_count=_gpt_by_parts,
          vit_param_count=_vit_built),
    wrong("test_patchify", "plain reshape", patchify=_patchify_reshape),
    wrong("test_patchify", "patch flattened channels last", patchify=_patchify_channels_last),
    wrong("test_patchify", "patches in column-major order", patchify=_patchify_column_major),
    right("test_patchify", "F.unfold", patchify=_patchify_unfold),
    right("test_patchify", "Tensor.unfold twice", patchify=_patchify_tensor_unfold),
    *quiz("q1", wrong={
        "BERT and GPT swapped": {"masked": "a", "next": "b", "prefix": "c"},
        "everything encoder-decoder": {"masked": "c", "next": "c", "prefix": "c"},
    }, right={
        "capital letters and brackets": {"masked": "B", "next": "(a)", "prefix": " C "},
    }, test="test_q1"),
    *quiz("q2", wrong={
        "16 x 16 patches (196)": 196,
        "with the class token (50)": 50,
    }, right={
        "a float": 49.0,
    }, test="test_q2"),
    *quiz("q3", wrong={
        "only b": {"b"},
        "c and d": {"c", "d"},
    }, right={
        "a list of capitals": ["B", "D"],
        "a string": "b, d",
    }, test="test_q3"),
]
