"""Small GAN models: MLPs for the 1-D and 2-D toys, DCGAN and a conditional DCGAN for 16x16 digits.

Discriminators return **logits** of shape (N,) (no sigmoid: the losses take logits, see
:mod:`.losses`). Generators of images end in tanh, images are NCHW in [-1, 1].

DCGAN guidelines (Radford et al. 2016, as listed in the lecture): strided convolutions instead
of pooling in D, transposed convolutions in G; batch norm in both; no fully connected hidden
layers; ReLU in G except a tanh output; LeakyReLU in D. Sizes for 16x16 (k = 4 everywhere):

    G: z (N, Z, 1, 1) -ConvT s1 p0-> (N, 2w, 4, 4) -ConvT s2 p1-> (N, w, 8, 8) -ConvT s2 p1-> (N, 1, 16, 16)
    D: x (N, 1, 16, 16) -Conv s2 p1-> (N, w, 8, 8) -Conv s2 p1-> (N, 2w, 4, 4) -Conv s1 p0-> (N, 1, 1, 1)

with w = 16 by default (small enough for a CPU).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["mlp_generator", "mlp_discriminator", "CondDCGenerator", "CondDCDiscriminator", "digits_classifier",
           "one_hot"]


def mlp_generator(z_dim: int = 2, hidden: int = 64, out_dim: int = 2, depth: int = 2) -> nn.Sequential:
    """z (N, z_dim) -> x (N, out_dim): ``depth`` hidden ReLU layers, linear output."""
    layers, width = [], z_dim
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.ReLU()]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, out_dim))


class _Squeeze(nn.Module):
    def forward(self, x):
        return x.reshape(x.shape[0])                                    # (N, 1, ...) -> (N,)


def mlp_discriminator(in_dim: int = 2, hidden: int = 64, depth: int = 2) -> nn.Sequential:
    """x (N, in_dim) -> logits (N,): ``depth`` hidden LeakyReLU(0.2) layers."""
    layers, width = [], in_dim
    for _ in range(depth):
        layers += [nn.Linear(width, hidden), nn.LeakyReLU(0.2)]
        width = hidden
    return nn.Sequential(*layers, nn.Linear(width, 1), _Squeeze())


def one_hot(y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Labels (N,) int -> (N, n_classes) float32 one-hot rows."""
    return F.one_hot(y.long(), n_classes).float()


class _DCGenerator(nn.Module):
    """DCGAN generator for 16x16 images: z (N, z_dim) -> (N, 1, 16, 16) in [-1, 1]."""

    def __init__(self, z_dim: int = 16, width: int = 16):
        super().__init__()
        self.z_dim = z_dim
        self.net = nn.Sequential(
            nn.ConvTranspose2d(z_dim, 2 * width, 4, 1, 0, bias=False), nn.BatchNorm2d(2 * width), nn.ReLU(),  # 4x4
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),      # 8x8
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh())                                                 # 16x16

    def forward(self, z):
        return self.net(z.reshape(z.shape[0], -1, 1, 1))               # (N, Z) -> (N, Z, 1, 1) -> (N, 1, 16, 16)


class _DCDiscriminator(nn.Module):
    """DCGAN discriminator for 16x16 images: (N, in_channels, 16, 16) -> logits (N,)."""

    def __init__(self, width: int = 16, in_channels: int = 1):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(in_channels, width, 4, 2, 1), nn.LeakyReLU(0.2),                                 # 8x8
            nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2),  # 4x4
            nn.Conv2d(2 * width, 1, 4, 1, 0))                                                          # 1x1

    def forward(self, x):
        return self.net(x).reshape(x.shape[0])                         # (N, 1, 1, 1) -> (N,)


def _label_input(z: torch.Tensor, y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Generator input of a CGAN: [z, one_hot(y)] of shape (N, z_dim + n_classes)."""
    return torch.cat([z, one_hot(y, n_classes)], dim=1)


def _label_planes(x: torch.Tensor, y: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Discriminator input of a CGAN: x with n_classes constant one-hot planes, (N, C + K, H, W)."""
    N, _, H, W = x.shape
    planes = one_hot(y, n_classes)[:, :, None, None].expand(N, n_classes, H, W)   # (N, K, H, W)
    return torch.cat([x, planes], dim=1)


class CondDCGenerator(nn.Module):
    """A conditional DCGAN generator: G(z | y) = DCGAN generator of ``condition(z, y, K)``.

    ``condition`` builds the generator's input from noise (N, z_dim) and labels (N,); default:
    the one-hot concatenation (N, z_dim + K). Pass your own to see it at work.
    """

    def __init__(self, z_dim: int = 16, n_classes: int = 10, width: int = 16, condition: Callable | None = None):
        super().__init__()
        self.z_dim, self.n_classes = z_dim, n_classes
        self.condition = condition or _label_input
        self.body = _DCGenerator(z_dim + n_classes, width)

    def forward(self, z, y):
        return self.body(self.condition(z, y, self.n_classes))


class CondDCDiscriminator(nn.Module):
    """A conditional DCGAN discriminator: D(x | y) = DCGAN discriminator of ``planes(x, y, K)``."""

    def __init__(self, n_classes: int = 10, width: int = 16, planes: Callable | None = None):
        super().__init__()
        self.n_classes = n_classes
        self.planes = planes or _label_planes
        self.body = _DCDiscriminator(width, in_channels=1 + n_classes)

    def forward(self, x, y):
        return self.body(self.planes(x, y, self.n_classes))


def digits_classifier(seed: int = 0):
    """A linear classifier of the 16x16 digits (scikit-learn's RidgeClassifier on all 1,797
    images, fitted in closed form), used as an independent judge of generated digits. With the
    same settings it scores 93-94 % on a held-out quarter (see the unit tests).

    Returns a fitted estimator; ``predict`` takes (N, 256) arrays in [-1, 1].
    """
    from sklearn.linear_model import RidgeClassifier

    from ..data.generative import digits_16

    X, y = digits_16()
    return RidgeClassifier(alpha=1.0, random_state=seed).fit(X.reshape(len(X), -1), y)
