"""GAN losses, in the lecture's probability form and in the stable logit form.

With D(x) the discriminator's probability that x is real, real samples labelled 1 and
generated ones 0 (the lecture's split of binary cross-entropy):

    L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]          (two means, added)
    L_G = -E_z[log D(G(z))]                                 (non-saturating, what G minimises)
    L_G^minimax = E_z[log(1 - D(G(z)))]                     (the minimax game's G term)

A network outputs a logit s with D = sigmoid(s). Then -log D = softplus(-s) and
-log(1 - D) = softplus(s), which never takes the log of an underflowed 0: this is exactly
what ``nn.BCEWithLogitsLoss`` computes (target 1 for -log D, target 0 for -log(1 - D)).
"""

from __future__ import annotations

import numpy as np

__all__ = ["optimal_discriminator_value", "LOSS_KEY"]

#: The answer key: d_real = [0.9, 0.8], d_fake = [0.1, 0.3].
LOSS_KEY = {"d_real": [0.9, 0.8], "d_fake": [0.1, 0.3], "L_D": 0.395270, "L_G": 1.753279, "minimax": -0.231018}


def _clip(p, eps: float):
    return np.clip(np.asarray(p, dtype=float), eps, 1.0 - eps)


def _d_loss(d_real, d_fake, eps: float = 1e-12) -> float:
    """L_D from probabilities (any shapes); probabilities are clipped to [eps, 1 - eps]."""
    return float(-np.mean(np.log(_clip(d_real, eps))) - np.mean(np.log(1.0 - _clip(d_fake, eps))))


def _g_loss_nonsat(d_fake, eps: float = 1e-12) -> float:
    return float(-np.mean(np.log(_clip(d_fake, eps))))


def _g_loss_minimax(d_fake, eps: float = 1e-12) -> float:
    return float(np.mean(np.log(1.0 - _clip(d_fake, eps))))


def _optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data / (p_data + p_g); 0.5 where both densities are 0."""
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    total = p_data + p_g
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), 0.5)


def optimal_discriminator_value(p_data: np.ndarray, p_g: np.ndarray, dx: float) -> float:
    """V(D*, G) = E_data[log D*] + E_g[log(1 - D*)] for densities on a grid with spacing ``dx``.

    Equals -2 ln 2 + 2 JSD(p_data || p_g) (Goodfellow et al. 2014): -2 ln 2 exactly when p_g = p_data.
    """
    p_data, p_g = np.asarray(p_data, dtype=float), np.asarray(p_g, dtype=float)
    total = p_data + p_g
    with np.errstate(divide="ignore", invalid="ignore"):             # logs of ratios, not of 1 - D* (no underflow)
        log_d = np.log(p_data) - np.log(total)
        log_1md = np.log(p_g) - np.log(total)
    a = np.where(p_data > 0, p_data * np.where(p_data > 0, log_d, 0.0), 0.0)
    b = np.where(p_g > 0, p_g * np.where(p_g > 0, log_1md, 0.0), 0.0)
    return float((a.sum() + b.sum()) * dx)


def _d_loss_logits(real_logits, fake_logits):
    """L_D from logits (torch tensors), stable: softplus(-s_real).mean() + softplus(s_fake).mean()."""
    import torch.nn.functional as F

    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def _g_loss_logits(fake_logits):
    """Non-saturating L_G from logits: softplus(-s_fake).mean() = BCEWithLogits(s_fake, 1)."""
    import torch.nn.functional as F

    return F.softplus(-fake_logits).mean()


def _g_loss_logits_minimax(fake_logits):
    """The minimax G term from logits: E[log(1 - D)] = -softplus(s_fake).mean() (saturates)."""
    import torch.nn.functional as F

    return -F.softplus(fake_logits).mean()
